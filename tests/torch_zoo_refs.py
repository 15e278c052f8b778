"""PyTorch reference builds of the networks added to the zoo, written from the papers' tables.

Each one uses the attribute names of the minigrad model, so a state_dict moves between the two
by name. They are oracles for tests only (imported where torch is installed; torchvision is not
used). Every builder takes `torch` and returns an nn.Module.

    ZFNet                    Zeiler & Fergus 2013, Figure 3
    AlexNet (paper)          Krizhevsky et al. 2012, Figure 2 (two groups, LRN, 227 input)
    GoogLeNet with BN        Szegedy et al. 2014, Table 1, as torchvision trains it
    BN-Inception             Ioffe & Szegedy 2015, Figure 5
    Inception v3             Szegedy et al. 2016, Table 1 and Figures 5-8, 10
    Inception v4             Szegedy et al. 2017, Figures 3-9
    Inception-ResNet v1, v2  Szegedy et al. 2017, Figures 10-15 (v2: the released layout)
    ResNet (bottleneck)      He et al. 2016, Table 1
    DenseNet                 Huang et al. 2017, Table 1
"""

from __future__ import annotations

from collections import OrderedDict


def _units(torch):
    """The building units shared by the Inception references."""
    tnn = torch.nn

    class Unit(tnn.Module):  # conv (+ BN) + ReLU, keys conv.* and bn.*
        def __init__(self, c, o, k, s=1, p=0, bn=True, eps=1e-3, bias=None):
            super().__init__()
            self.conv = tnn.Conv2d(c, o, k, s, p, bias=(not bn) if bias is None else bias)
            self.bn = tnn.BatchNorm2d(o, eps=eps) if bn else None
            self.relu = tnn.ReLU()

        def forward(self, x):
            x = self.conv(x)
            return self.relu(self.bn(x) if self.bn is not None else x)

    class Cat(tnn.Module):  # branch0, branch1, ... on the same input, concatenated
        def __init__(self, *branches, names=None):
            super().__init__()
            for i, b in enumerate(branches):
                self.add_module(names[i] if names else f"branch{i}", b)

        def forward(self, x):
            return torch.cat([b(x) for b in self.children()], 1)

    def same(c, o, k):  # stride 1, padded to keep the size
        kh, kw = (k, k) if isinstance(k, int) else k
        return Unit(c, o, (kh, kw), 1, (kh // 2, kw // 2))

    return Unit, Cat, same


# --- ZFNet and the paper's AlexNet ---------------------------------------------------------


def _eight_layers(torch, convs, lrn_after_pool, num_classes, dropout, in_channels=3):
    """Five convolutions (name, out, k, stride, pad, groups, pool after), three fc layers."""
    tnn = torch.nn
    layers, c = OrderedDict(), in_channels
    for i, (o, k, s, p, g, pool) in enumerate(convs, start=1):
        layers[f"conv{i}"] = tnn.Conv2d(c, o, k, s, p, groups=g)
        layers[f"relu{i}"] = tnn.ReLU()
        norm = tnn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)
        if i <= 2 and not lrn_after_pool:
            layers[f"norm{i}"] = norm
        if pool:
            layers[f"pool{i}"] = tnn.MaxPool2d(3, 2, ceil_mode=lrn_after_pool)
        if i <= 2 and lrn_after_pool:
            layers[f"norm{i}"] = norm
        c = o

    class EightLayers(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(layers)
            self.avgpool = tnn.AdaptiveAvgPool2d((6, 6))
            self.classifier = tnn.Sequential(
                OrderedDict(
                    drop6=tnn.Dropout(dropout), fc6=tnn.Linear(256 * 36, 4096), relu6=tnn.ReLU(),
                    drop7=tnn.Dropout(dropout), fc7=tnn.Linear(4096, 4096), relu7=tnn.ReLU(),
                    fc8=tnn.Linear(4096, num_classes),
                )
            )  # fmt: skip

        def forward(self, x):
            return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

    return EightLayers()


def zfnet(torch, num_classes=1000, dropout=0.5):
    """Figure 3: 7x7/2 96, pool, LRN; 5x5/2 256, pool, LRN; 384, 384, 256 (3x3), pool; fc."""
    convs = [(96, 7, 2, 1, 1, True), (256, 5, 2, 0, 1, True), (384, 3, 1, 1, 1, False),
             (384, 3, 1, 1, 1, False), (256, 3, 1, 1, 1, True)]  # fmt: skip
    return _eight_layers(torch, convs, True, num_classes, dropout)


def alexnet_paper(torch, num_classes=1000, dropout=0.5):
    """Figure 2: 11x11/4 96, LRN, pool; 5x5 256 (2 groups), LRN, pool; 384, 384 (2 groups),
    256 (2 groups), pool; fc."""
    convs = [(96, 11, 4, 0, 1, True), (256, 5, 1, 2, 2, True), (384, 3, 1, 1, 1, False),
             (384, 3, 1, 1, 2, False), (256, 3, 1, 1, 2, True)]  # fmt: skip
    return _eight_layers(torch, convs, False, num_classes, dropout)


# --- GoogLeNet with batch norm, BN-Inception ------------------------------------------------

GOOGLENET_TABLE = [  # Table 1: in, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
    ("inception3a", 192, 64, 96, 128, 16, 32, 32),
    ("inception3b", 256, 128, 128, 192, 32, 96, 64),
    ("inception4a", 480, 192, 96, 208, 16, 48, 64),
    ("inception4b", 512, 160, 112, 224, 24, 64, 64),
    ("inception4c", 512, 128, 128, 256, 24, 64, 64),
    ("inception4d", 512, 112, 144, 288, 32, 64, 64),
    ("inception4e", 528, 256, 160, 320, 32, 128, 128),
    ("inception5a", 832, 256, 160, 320, 32, 128, 128),
    ("inception5b", 832, 384, 192, 384, 48, 128, 128),
]


def googlenet_bn(torch, num_classes=1000, dropout=0.2):
    """torchvision's GoogLeNet: BN after every conv, 3x3 in the "5x5" branch, no LRN."""
    tnn = torch.nn
    Unit, Cat, _ = _units(torch)

    def block(c, n1, r3, n3, r5, n5, pp):
        b = Cat(
            Unit(c, n1, 1),
            tnn.Sequential(Unit(c, r3, 1), Unit(r3, n3, 3, p=1)),
            tnn.Sequential(Unit(c, r5, 1), Unit(r5, n5, 3, p=1)),
            tnn.Sequential(tnn.MaxPool2d(3, 1, 1), Unit(c, pp, 1)),
            names=["branch1", "branch2", "branch3", "branch4"],
        )
        return b

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = Unit(3, 64, 7, 2, 3)
            self.maxpool1 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv2 = Unit(64, 64, 1)
            self.conv3 = Unit(64, 192, 3, p=1)
            self.maxpool2 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            for name, *config in GOOGLENET_TABLE:
                self.add_module(name, block(*config))
            self.maxpool3 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            self.maxpool4 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            self.dropout = tnn.Dropout(dropout)
            self.fc = tnn.Linear(1024, num_classes)

        def forward(self, x):
            x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
            for name, *_ in GOOGLENET_TABLE:
                x = getattr(self, name)(x)
                if name == "inception3b":
                    x = self.maxpool3(x)
                elif name == "inception4e":
                    x = self.maxpool4(x)
            return self.fc(self.dropout(torch.flatten(x.mean((2, 3), keepdim=True), 1)))

    return Net()


BN_INCEPTION_TABLE = [  # Figure 5: #1x1, #3x3 reduce, #3x3, double reduce, double, pool, proj
    ("inception3a", 64, 64, 64, 64, 96, "avg", 32, 1),
    ("inception3b", 64, 64, 96, 64, 96, "avg", 64, 1),
    ("inception3c", 0, 128, 160, 64, 96, "max", 0, 2),
    ("inception4a", 224, 64, 96, 96, 128, "avg", 128, 1),
    ("inception4b", 192, 96, 128, 96, 128, "avg", 128, 1),
    ("inception4c", 160, 128, 160, 128, 160, "avg", 128, 1),
    ("inception4d", 96, 128, 192, 160, 192, "avg", 128, 1),
    ("inception4e", 0, 128, 192, 192, 256, "max", 0, 2),
    ("inception5a", 352, 192, 320, 160, 224, "avg", 128, 1),
    ("inception5b", 352, 192, 320, 192, 224, "max", 128, 1),
]


def bninception(torch, num_classes=1000):
    tnn = torch.nn
    Unit, _, _ = _units(torch)

    def unit(c, o, k, s=1, p=0):  # the released model keeps conv biases beside BN
        return Unit(c, o, k, s, p, eps=1e-5, bias=True)

    class Block(tnn.Module):
        def __init__(self, c, n1, r3, n3, rd, nd, pool, proj, s):
            super().__init__()
            self.branch1 = unit(c, n1, 1) if n1 else None
            self.branch2 = tnn.Sequential(unit(c, r3, 1), unit(r3, n3, 3, s, 1))
            self.branch3 = tnn.Sequential(
                unit(c, rd, 1), unit(rd, nd, 3, 1, 1), unit(nd, nd, 3, s, 1)
            )
            pooling = tnn.AvgPool2d(3, s, 1) if pool == "avg" else tnn.MaxPool2d(3, s, 1)
            self.branch4 = tnn.Sequential(pooling, *([unit(c, proj, 1)] if proj else []))
            self.out = n1 + n3 + nd + (proj or c)

        def forward(self, x):
            bs = [self.branch1, self.branch2, self.branch3, self.branch4]
            return torch.cat([b(x) for b in bs if b is not None], 1)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = unit(3, 64, 7, 2, 3)
            self.pool1 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv2_reduce = unit(64, 64, 1)
            self.conv2 = unit(64, 192, 3, 1, 1)
            self.pool2 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            c = 192
            for name, *config in BN_INCEPTION_TABLE:
                block = Block(c, *config)
                self.add_module(name, block)
                c = block.out
            self.fc = tnn.Linear(c, num_classes)

        def forward(self, x):
            x = self.pool2(self.conv2(self.conv2_reduce(self.pool1(self.conv1(x)))))
            for name, *_ in BN_INCEPTION_TABLE:
                x = getattr(self, name)(x)
            return self.fc(torch.flatten(x.mean((2, 3)), 1))

    return Net()


# --- Inception v3 ----------------------------------------------------------------------------


def inception_v3(torch, num_classes=1000, aux=True, dropout=0.5):
    """Table 1 with the released blocks: 3 x 35x35 (Figure 5), grid reduction (Figure 10),
    4 x 17x17 (Figure 6), grid reduction, 2 x 8x8 (Figure 7); the aux head on the 17x17 grid."""
    tnn = torch.nn
    Unit, _, _ = _units(torch)
    avg = lambda: tnn.AvgPool2d(3, 1, 1)  # noqa: E731

    class Named(tnn.Module):
        """Layers by name; forward is given as a function of (self, x)."""

        def __init__(self, fn, **layers):
            super().__init__()
            self.fn = fn
            for k, v in layers.items():
                self.add_module(k, v)

        def forward(self, x):
            return self.fn(self, x)

    def a35(c, pf):
        return Named(
            lambda m, x: torch.cat([
                m.branch1x1(x), m.branch5x5_2(m.branch5x5_1(x)),
                m.branch3x3dbl_3(m.branch3x3dbl_2(m.branch3x3dbl_1(x))),
                m.branch_pool(m.branch_pool_avg(x))], 1),
            branch1x1=Unit(c, 64, 1), branch5x5_1=Unit(c, 48, 1), branch5x5_2=Unit(48, 64, 5, p=2),
            branch3x3dbl_1=Unit(c, 64, 1), branch3x3dbl_2=Unit(64, 96, 3, p=1),
            branch3x3dbl_3=Unit(96, 96, 3, p=1), branch_pool_avg=avg(), branch_pool=Unit(c, pf, 1),
        )  # fmt: skip

    def r35(c):
        return Named(
            lambda m, x: torch.cat([
                m.branch3x3(x), m.branch3x3dbl_3(m.branch3x3dbl_2(m.branch3x3dbl_1(x))),
                m.branch_pool(x)], 1),
            branch3x3=Unit(c, 384, 3, 2), branch3x3dbl_1=Unit(c, 64, 1),
            branch3x3dbl_2=Unit(64, 96, 3, p=1), branch3x3dbl_3=Unit(96, 96, 3, 2),
            branch_pool=tnn.MaxPool2d(3, 2),
        )  # fmt: skip

    def c17(c, c7):
        return Named(
            lambda m, x: torch.cat([
                m.branch1x1(x), m.branch7x7_3(m.branch7x7_2(m.branch7x7_1(x))),
                m.branch7x7dbl_5(m.branch7x7dbl_4(m.branch7x7dbl_3(m.branch7x7dbl_2(
                    m.branch7x7dbl_1(x))))),
                m.branch_pool(m.branch_pool_avg(x))], 1),
            branch1x1=Unit(c, 192, 1), branch7x7_1=Unit(c, c7, 1),
            branch7x7_2=Unit(c7, c7, (1, 7), p=(0, 3)), branch7x7_3=Unit(c7, 192, (7, 1), p=(3, 0)),
            branch7x7dbl_1=Unit(c, c7, 1), branch7x7dbl_2=Unit(c7, c7, (7, 1), p=(3, 0)),
            branch7x7dbl_3=Unit(c7, c7, (1, 7), p=(0, 3)),
            branch7x7dbl_4=Unit(c7, c7, (7, 1), p=(3, 0)),
            branch7x7dbl_5=Unit(c7, 192, (1, 7), p=(0, 3)),
            branch_pool_avg=avg(), branch_pool=Unit(c, 192, 1),
        )  # fmt: skip

    def r17(c):
        return Named(
            lambda m, x: torch.cat([
                m.branch3x3_2(m.branch3x3_1(x)),
                m.branch7x7x3_4(m.branch7x7x3_3(m.branch7x7x3_2(m.branch7x7x3_1(x)))),
                m.branch_pool(x)], 1),
            branch3x3_1=Unit(c, 192, 1), branch3x3_2=Unit(192, 320, 3, 2),
            branch7x7x3_1=Unit(c, 192, 1), branch7x7x3_2=Unit(192, 192, (1, 7), p=(0, 3)),
            branch7x7x3_3=Unit(192, 192, (7, 1), p=(3, 0)), branch7x7x3_4=Unit(192, 192, 3, 2),
            branch_pool=tnn.MaxPool2d(3, 2),
        )  # fmt: skip

    def e8(c):
        def fn(m, x):
            b3 = m.branch3x3_1(x)
            bd = m.branch3x3dbl_2(m.branch3x3dbl_1(x))
            return torch.cat([
                m.branch1x1(x), m.branch3x3_2a(b3), m.branch3x3_2b(b3),
                m.branch3x3dbl_3a(bd), m.branch3x3dbl_3b(bd),
                m.branch_pool(m.branch_pool_avg(x))], 1)  # fmt: skip

        return Named(
            fn,
            branch1x1=Unit(c, 320, 1), branch3x3_1=Unit(c, 384, 1),
            branch3x3_2a=Unit(384, 384, (1, 3), p=(0, 1)),
            branch3x3_2b=Unit(384, 384, (3, 1), p=(1, 0)),
            branch3x3dbl_1=Unit(c, 448, 1), branch3x3dbl_2=Unit(448, 384, 3, p=1),
            branch3x3dbl_3a=Unit(384, 384, (1, 3), p=(0, 1)),
            branch3x3dbl_3b=Unit(384, 384, (3, 1), p=(1, 0)),
            branch_pool_avg=avg(), branch_pool=Unit(c, 192, 1),
        )  # fmt: skip

    class Aux(tnn.Module):
        def __init__(self):
            super().__init__()
            self.avgpool = tnn.AvgPool2d(5, 3)
            self.conv0 = Unit(768, 128, 1)
            self.conv1 = Unit(128, 768, 5)
            self.pool = tnn.AdaptiveAvgPool2d(1)
            self.fc = tnn.Linear(768, num_classes)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.conv1(self.conv0(self.avgpool(x)))), 1))

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.Conv2d_1a_3x3 = Unit(3, 32, 3, 2)
            self.Conv2d_2a_3x3 = Unit(32, 32, 3)
            self.Conv2d_2b_3x3 = Unit(32, 64, 3, p=1)
            self.maxpool1 = tnn.MaxPool2d(3, 2)
            self.Conv2d_3b_1x1 = Unit(64, 80, 1)
            self.Conv2d_4a_3x3 = Unit(80, 192, 3)
            self.maxpool2 = tnn.MaxPool2d(3, 2)
            self.Mixed_5b, self.Mixed_5c, self.Mixed_5d = a35(192, 32), a35(256, 64), a35(288, 64)
            self.Mixed_6a = r35(288)
            self.Mixed_6b, self.Mixed_6c = c17(768, 128), c17(768, 160)
            self.Mixed_6d, self.Mixed_6e = c17(768, 160), c17(768, 192)
            self.AuxLogits = Aux() if aux else None
            self.Mixed_7a = r17(768)
            self.Mixed_7b, self.Mixed_7c = e8(1280), e8(2048)
            self.dropout = tnn.Dropout(dropout)
            self.fc = tnn.Linear(2048, num_classes)

        def forward(self, x):
            for name in (
                "Conv2d_1a_3x3",
                "Conv2d_2a_3x3",
                "Conv2d_2b_3x3",
                "maxpool1",
                "Conv2d_3b_1x1",
                "Conv2d_4a_3x3",
                "maxpool2",
                "Mixed_5b",
                "Mixed_5c",
                "Mixed_5d",
                "Mixed_6a",
                "Mixed_6b",
                "Mixed_6c",
                "Mixed_6d",
                "Mixed_6e",
            ):
                x = getattr(self, name)(x)  # fmt: skip
            aux = self.AuxLogits(x) if self.AuxLogits is not None and self.training else None
            x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
            logits = self.fc(self.dropout(torch.flatten(x.mean((2, 3)), 1)))
            return (logits, aux) if aux is not None else logits

    return Net()


# --- Inception v4 and Inception-ResNet ---------------------------------------------------------


def _v4_parts(torch):
    tnn = torch.nn
    Unit, Cat, same = _units(torch)
    avg = lambda: tnn.AvgPool2d(3, 1, 1, count_include_pad=False)  # noqa: E731
    seq = tnn.Sequential

    def reduction_a(c, k, l, m, n):  # noqa: E741 (Table 1's letters)
        return Cat(
            tnn.MaxPool2d(3, 2),
            Unit(c, n, 3, 2),
            seq(Unit(c, k, 1), same(k, l, 3), Unit(l, m, 3, 2)),
        )

    return Unit, Cat, same, avg, seq, reduction_a


def inception_v4(torch, num_classes=1000, blocks=(4, 7, 3), dropout=0.2):
    tnn = torch.nn
    Unit, Cat, same, avg, seq, reduction_a = _v4_parts(torch)

    class Stem(tnn.Module):  # Figure 3
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2, self.conv3 = Unit(3, 32, 3, 2), Unit(32, 32, 3), same(32, 64, 3)
            self.mixed_3a = Cat(tnn.MaxPool2d(3, 2), Unit(64, 96, 3, 2))
            self.mixed_4a = Cat(
                seq(Unit(160, 64, 1), Unit(64, 96, 3)),
                seq(Unit(160, 64, 1), same(64, 64, (7, 1)), same(64, 64, (1, 7)), Unit(64, 96, 3)),
            )
            self.mixed_5a = Cat(Unit(192, 192, 3, 2), tnn.MaxPool2d(3, 2))

        def forward(self, x):
            return self.mixed_5a(
                self.mixed_4a(self.mixed_3a(self.conv3(self.conv2(self.conv1(x)))))
            )

    def block_a():  # Figure 4
        return Cat(seq(avg(), Unit(384, 96, 1)), Unit(384, 96, 1),
                   seq(Unit(384, 64, 1), same(64, 96, 3)),
                   seq(Unit(384, 64, 1), same(64, 96, 3), same(96, 96, 3)))  # fmt: skip

    def block_b():  # Figure 5
        return Cat(seq(avg(), Unit(1024, 128, 1)), Unit(1024, 384, 1),
                   seq(Unit(1024, 192, 1), same(192, 224, (1, 7)), same(224, 256, (7, 1))),
                   seq(Unit(1024, 192, 1), same(192, 192, (1, 7)), same(192, 224, (7, 1)),
                       same(224, 224, (1, 7)), same(224, 256, (7, 1))))  # fmt: skip

    def fork(c, o):  # 1x3 and 3x1 side by side
        return Cat(same(c, o, (1, 3)), same(c, o, (3, 1)))

    def block_c():  # Figure 6
        return Cat(seq(avg(), Unit(1536, 256, 1)), Unit(1536, 256, 1),
                   seq(Unit(1536, 384, 1), fork(384, 256)),
                   seq(Unit(1536, 384, 1), same(384, 448, (1, 3)), same(448, 512, (3, 1)),
                       fork(512, 256)))  # fmt: skip

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            n_a, n_b, n_c = blocks
            self.stem = Stem()
            self.inception_a = seq(*[block_a() for _ in range(n_a)])
            self.reduction_a = reduction_a(384, 192, 224, 256, 384)
            self.inception_b = seq(*[block_b() for _ in range(n_b)])
            self.reduction_b = Cat(  # Figure 8
                tnn.MaxPool2d(3, 2), seq(Unit(1024, 192, 1), Unit(192, 192, 3, 2)),
                seq(Unit(1024, 256, 1), same(256, 256, (1, 7)), same(256, 320, (7, 1)),
                    Unit(320, 320, 3, 2)),
            )  # fmt: skip
            self.inception_c = seq(*[block_c() for _ in range(n_c)])
            self.dropout = tnn.Dropout(dropout)
            self.fc = tnn.Linear(1536, num_classes)

        def forward(self, x):
            x = self.inception_b(self.reduction_a(self.inception_a(self.stem(x))))
            x = self.inception_c(self.reduction_b(x))
            return self.fc(self.dropout(torch.flatten(x.mean((2, 3)), 1)))

    return Net()


def inception_resnet(torch, version, num_classes=1000, blocks=None, dropout=0.2):
    tnn = torch.nn
    Unit, Cat, same, avg, seq, reduction_a = _v4_parts(torch)

    class Residual(tnn.Module):  # relu(x + scale * project(concat(branches)))
        def __init__(self, c, branches, width, scale, relu=True):
            super().__init__()
            self.branches = Cat(*branches)
            self.project = tnn.Conv2d(width, c, 1)
            self.scale, self.relu = scale, relu

        def forward(self, x):
            y = x + self.project(self.branches(x)) * self.scale
            return torch.relu(y) if self.relu else y

    def res_a(c, w0, w1, w2):  # Figures 10 and 16
        return Residual(c, [Unit(c, 32, 1), seq(Unit(c, 32, 1), same(32, w0, 3)),
                            seq(Unit(c, 32, 1), same(32, w1, 3), same(w1, w2, 3))],
                        32 + w0 + w2, 0.17)  # fmt: skip

    def res_b(c, a, b, cc, d):  # Figures 11 and 17
        branch = seq(Unit(c, b, 1), same(b, cc, (1, 7)), same(cc, d, (7, 1)))
        return Residual(c, [Unit(c, a, 1), branch], a + d, 0.10)

    def res_c(c, w, a, b, scale=0.20, relu=True):  # Figures 13 and 19
        branch = seq(Unit(c, w, 1), same(w, a, (1, 3)), same(a, b, (3, 1)))
        return Residual(c, [Unit(c, w, 1), branch], w + b, scale, relu)

    def reduction_b(c, p, q, r, s):  # Figures 12 and 18
        return Cat(tnn.MaxPool2d(3, 2), seq(Unit(c, 256, 1), Unit(256, p, 3, 2)),
                   seq(Unit(c, 256, 1), Unit(256, q, 3, 2)),
                   seq(Unit(c, 256, 1), same(256, r, 3), Unit(r, s, 3, 2)))  # fmt: skip

    stem = [Unit(3, 32, 3, 2), Unit(32, 32, 3), same(32, 64, 3), tnn.MaxPool2d(3, 2),
            Unit(64, 80, 1), Unit(80, 192, 3)]  # fmt: skip
    if version == 1:  # Figure 14
        n_a, n_b, n_c = blocks or (5, 10, 5)
        stem.append(Unit(192, 256, 3, 2))
        a = [res_a(256, 32, 32, 32) for _ in range(n_a)]
        red_a = reduction_a(256, 192, 192, 256, 384)
        b = [res_b(896, 128, 128, 128, 128) for _ in range(n_b)]
        red_b = reduction_b(896, 384, 256, 256, 256)
        c = [res_c(1792, 192, 192, 192) for _ in range(n_c)]
        head, final = tnn.Identity(), 1792
    else:  # the released v2
        n_a, n_b, n_c = blocks or (10, 20, 10)
        stem += [tnn.MaxPool2d(3, 2),
                 Cat(Unit(192, 96, 1), seq(Unit(192, 48, 1), Unit(48, 64, 5, p=2)),
                     seq(Unit(192, 64, 1), same(64, 96, 3), same(96, 96, 3)),
                     seq(avg(), Unit(192, 64, 1)))]  # fmt: skip
        a = [res_a(320, 32, 48, 64) for _ in range(n_a)]
        red_a = reduction_a(320, 256, 256, 384, 384)
        b = [res_b(1088, 192, 128, 160, 192) for _ in range(n_b)]
        red_b = reduction_b(1088, 384, 288, 288, 320)
        c = [res_c(2080, 192, 224, 256) for _ in range(n_c - 1)]
        c.append(res_c(2080, 192, 224, 256, scale=1.0, relu=False))
        head, final = Unit(2080, 1536, 1), 1536

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.stem = seq(*stem)
            self.blocks_a, self.reduction_a = seq(*a), red_a
            self.blocks_b, self.reduction_b = seq(*b), red_b
            self.blocks_c, self.head = seq(*c), head
            self.dropout = tnn.Dropout(dropout)
            self.fc = tnn.Linear(final, num_classes)

        def forward(self, x):
            x = self.reduction_a(self.blocks_a(self.stem(x)))
            x = self.head(self.blocks_c(self.reduction_b(self.blocks_b(x))))
            return self.fc(self.dropout(torch.flatten(x.mean((2, 3)), 1)))

    return Net()


# --- deeper ResNets and DenseNets (counts and key names) ---------------------------------------


def resnet_bottleneck(torch, layers, num_classes=1000):
    """Table 1's 50/101/152-layer columns: 1x1, 3x3 (stride here), 1x1 x4 bottlenecks."""
    tnn = torch.nn

    class Bottleneck(tnn.Module):
        def __init__(self, c, o, s):
            super().__init__()
            w = o // 4
            self.conv1, self.bn1 = tnn.Conv2d(c, w, 1, bias=False), tnn.BatchNorm2d(w)
            self.conv2, self.bn2 = tnn.Conv2d(w, w, 3, s, 1, bias=False), tnn.BatchNorm2d(w)
            self.conv3, self.bn3 = tnn.Conv2d(w, o, 1, bias=False), tnn.BatchNorm2d(o)
            self.downsample = (
                tnn.Sequential(tnn.Conv2d(c, o, 1, s, bias=False), tnn.BatchNorm2d(o))
                if s != 1 or c != o else None
            )  # fmt: skip

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            y = torch.relu(self.bn1(self.conv1(x)))
            y = torch.relu(self.bn2(self.conv2(y)))
            return torch.relu(self.bn3(self.conv3(y)) + idt)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.bn1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False), tnn.BatchNorm2d(64)
            c = 64
            for i, (n, w) in enumerate(zip(layers, (64, 128, 256, 512))):
                blocks = []
                for j in range(n):
                    blocks.append(Bottleneck(c, 4 * w, 2 if i and not j else 1))
                    c = 4 * w
                self.add_module(f"layer{i + 1}", tnn.Sequential(*blocks))
            self.fc = tnn.Linear(c, num_classes)

        def forward(self, x):
            x = torch.nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 3, 2, 1)
            for i in range(4):
                x = getattr(self, f"layer{i + 1}")(x)
            return self.fc(torch.flatten(x.mean((2, 3)), 1))

    return Net()


def densenet(torch, blocks, num_classes=1000, growth=32, init=64, bn_size=4):
    """Table 1: dense blocks of BN-ReLU-1x1 (4k)-BN-ReLU-3x3 (k) layers, transitions halving."""
    tnn = torch.nn

    def layer(c):
        return tnn.Sequential(OrderedDict(
            norm1=tnn.BatchNorm2d(c), relu1=tnn.ReLU(),
            conv1=tnn.Conv2d(c, bn_size * growth, 1, bias=False),
            norm2=tnn.BatchNorm2d(bn_size * growth), relu2=tnn.ReLU(),
            conv2=tnn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False),
        ))  # fmt: skip

    class Block(tnn.ModuleDict):
        def forward(self, x):
            feats = [x]
            for lyr in self.values():
                feats.append(lyr(torch.cat(feats, 1)))
            return torch.cat(feats, 1)

    features = OrderedDict(
        conv0=tnn.Conv2d(3, init, 7, 2, 3, bias=False), norm0=tnn.BatchNorm2d(init),
        relu0=tnn.ReLU(), pool0=tnn.MaxPool2d(3, 2, 1),
    )  # fmt: skip
    c = init
    for i, n in enumerate(blocks):
        features[f"denseblock{i + 1}"] = Block(
            {f"denselayer{j + 1}": layer(c + j * growth) for j in range(n)}
        )
        c += n * growth
        if i != len(blocks) - 1:
            features[f"transition{i + 1}"] = tnn.Sequential(OrderedDict(
                norm=tnn.BatchNorm2d(c), relu=tnn.ReLU(), conv=tnn.Conv2d(c, c // 2, 1, bias=False),
                pool=tnn.AvgPool2d(2, 2),
            ))  # fmt: skip
            c //= 2
    features["norm5"] = tnn.BatchNorm2d(c)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(features)
            self.classifier = tnn.Linear(c, num_classes)

        def forward(self, x):
            x = torch.relu(self.features(x))
            return self.classifier(torch.flatten(x.mean((2, 3)), 1))

    return Net()
