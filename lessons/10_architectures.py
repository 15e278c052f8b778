# %% [markdown]
# # Lesson 10: The architectures in one table
#
# **AlexNet, VGG, NIN, GoogLeNet, ResNet, DenseNet: what each changed; dropout, augmentation.**
#
# Between 2012 and 2017 a handful of networks set the shape of every CNN since. Each one
# is in `mg.models`, built layer for layer as published (AlexNet in its later one-GPU
# form). We count their parameters (and check the counts against the papers and
# torchvision), follow an image through each, look inside the two new kinds of block
# (Inception and dense), and end with the two regularisers AlexNet relied on: dropout and
# data augmentation.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, models, nn, optim

out, quick = lessons.start(10)
mg.manual_seed(0)

# %% [markdown]
# ## 1. Seven networks, summarised
#
# Six architectures, seven networks (ResNet in two sizes), each built with 1000 classes
# (ImageNet) and summarised by `nn.summary` at depth 1 (one row per top-level part). They
# were designed for 224x224 colour images; quick mode feeds 96x96 images to save time.
# The parameter counts do not depend on the image size: every one of these networks ends
# with an (adaptive) average pooling that gives its classifier the same input size
# whatever the image.
#
# For each we record the parameters, how many sit in fully connected (`Linear`) layers,
# the number of layers with weights along the path an image takes (the number in
# "VGG-16" or "ResNet-50"), and the shape of the feature maps handed to the classifier.
# Nothing here depends on the values of the weights, so `nn.utils.skip_init` builds each
# network without drawing them (VGG-16 alone would need 138 million random numbers): its
# parameters stay zeros, far cheaper to make than random numbers (the memory is still taken).

# %%
size = 96 if quick else 224


def out_size(w, f, p=0, s=1):
    return (w - f + 2 * p) // s + 1


def alexnet_maps(s):  # conv 11/4 pad 2, pool 3/2, conv 5 pad 2, pool 3/2, 3 convs 3 pad 1, pool 3/2
    s = out_size(out_size(s, 11, 2, 4), 3, 0, 2)
    s = out_size(out_size(s, 5, 2), 3, 0, 2)
    return out_size(s, 3, 0, 2)


def nin_maps(s):  # conv 11/4, pool 3/2, conv 5 pad 2, pool 3/2, conv 3 pad 1, pool 3/2
    s = out_size(out_size(s, 11, 0, 4), 3, 0, 2)
    return out_size(out_size(s, 3, 0, 2), 3, 0, 2)


def linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def weight_layers(model):
    """Convolutions and linear layers, leaving out ResNet's shortcut projections (downsample)."""
    return [
        name
        for name, m in model.named_modules()
        if isinstance(m, (nn.Conv2d, nn.Linear)) and "downsample" not in name
    ]


def inception_path(model):
    """GoogLeNet's count: 3 convolutions, two layers per Inception block, the classifier."""
    return 3 + 2 * sum(isinstance(b, models.Inception) for b in model.modules()) + 1


def depth_of(model):
    return len(weight_layers(model))


# name, builder, year, published parameters, the part that feeds the classifier,
# its expected (channels, side), how to count the layers with weights on the image's path
networks = [
    ("AlexNet", models.alexnet, 2012, 61_100_840, "features", (256, alexnet_maps(size)), depth_of),
    ("VGG-16", models.vgg16, 2014, 138_357_544, "features", (512, size // 32), depth_of),
    ("NiN", models.nin, 2013, 7_439_608, "features", (1000, nin_maps(size)), depth_of),
    ("GoogLeNet", models.googlenet, 2014, 6_998_552, "inception5b", (1024, size // 32),
     inception_path),
    ("ResNet-18", models.resnet18, 2015, 11_689_512, "layer4", (512, size // 32), depth_of),
    ("ResNet-50", models.resnet50, 2015, 25_557_032, "layer4", (2048, size // 32), depth_of),
    ("DenseNet-121", models.densenet121, 2017, 7_978_856, "features", (1024, size // 32),
     depth_of),
]  # fmt: skip
table, fc_inputs, kept = [], {}, {}
for name, build, year, published, feeds, (channels, side), layers_of in networks:
    model = nn.utils.skip_init(build)  # the layers, without drawing their starting weights
    print(f"\n{name} ({year}):")
    summary = nn.summary(model, (3, size, size), depth=1)
    rows = {row.name: row for row in summary.rows}
    total = summary.total_params
    in_linear = sum(p.numel() for layer in linears(model) for p in layer.parameters())
    depth = layers_of(model)
    assert total == published, (name, total, published)
    assert rows[feeds].output_shape == (1, channels, side, side), (name, rows[feeds].output_shape)
    assert summary.output_shape == (1, 1000)
    if name in ("AlexNet", "VGG-16"):  # the inputs of the first fully connected layer
        fc_inputs[name] = linears(model)[0].in_features
    table.append((name, year, total, in_linear, depth, rows[feeds].output_shape[1:]))
    if name == "GoogLeNet":
        n_inception = sum(isinstance(m, models.Inception) for m in model.modules())
    if name in ("ResNet-18", "DenseNet-121"):  # small enough to keep for later sections
        kept[name] = model
    del model, summary
# the counts do not depend on the image size: the same network on 64x64 images
assert nn.summary(kept["ResNet-18"], (3, 64, 64), verbose=False).total_params == 11_689_512

# %% [markdown]
# The names keep their promise: VGG-16 has 16 layers with weights, ResNet-50 has 50,
# DenseNet-121 has 121 (ResNet's 1x1 projection shortcuts are not on the main path and are
# not counted; GoogLeNet's 22 counts each Inception block as two layers deep).

# %%
depths = {name: depth for name, _, _, _, depth, _ in table}
assert depths["AlexNet"] == 8 and depths["VGG-16"] == 16 and depths["GoogLeNet"] == 22
assert depths["ResNet-18"] == 18 and depths["ResNet-50"] == 50 and depths["DenseNet-121"] == 121
print(
    f"\n{'network':13s} {'year':>4s} {'parameters':>12s} {'in Linear':>9s} {'depth':>5s}  "
    "maps to the classifier"
)
for name, year, total, in_linear, depth, maps in table:
    print(f"{name:13s} {year:>4d} {total:>12,} {in_linear / total:>9.0%} {depth:>5d}  {maps}")
share = {name: in_linear / total for name, _, total, in_linear, *_ in table}
assert share["AlexNet"] > 0.95 and 0.89 < share["VGG-16"] < 0.9 and share["NiN"] == 0
in_linear_of = {name: in_linear for name, _, _, in_linear, *_ in table}
assert 58e6 < in_linear_of["AlexNet"] < 59e6  # section 3's "58 million"

# %% [markdown]
# The same numbers as a picture: how many parameters, and where they sit.

# %%
fig, ax = plt.subplots(figsize=(9, 4.2))
fig.subplots_adjust(left=0.2, right=0.98, bottom=0.12, top=0.93)  # by hand: cheaper
names = [f"{name} ({year})" for name, year, *_ in table][::-1]
conv_part = [(total - lin) / 1e6 for _, _, total, lin, _, _ in table][::-1]
fc_part = [lin / 1e6 for _, _, _, lin, _, _ in table][::-1]
ax.barh(names, conv_part, color="#2962c4", label="convolutions (and batch norm)")
ax.barh(names, fc_part, left=conv_part, color="#d9531e", label="fully connected layers")
for i, (c, f) in enumerate(zip(conv_part, fc_part)):
    ax.text(c + f + 1.5, i, f"{c + f:.1f} M", va="center", fontsize=9)
ax.set(xlabel="parameters (millions)", xlim=(0, 160))
ax.set_title("parameters of each network (1000 classes), split by kind of layer")
ax.legend(loc="lower right")
ax.grid(alpha=0.3, axis="x")
lessons.save_figure(fig, out / "parameters.png", trim=False)

# %% [markdown]
# ## 2. What each one changed, and why
#
# **AlexNet (2012)** won ImageNet by a wide margin with a LeNet-like design made large:
# five convolutions, three fully connected layers, trained on two GPUs. The new parts
# were ReLU (lesson 7: gradients that do not shrink), dropout and data augmentation
# against overfitting (sections 3 to 5), and overlapping max pooling (lesson 6). Almost all its
# parameters are in the three fully connected layers.
#
# **VGG (2014)** asked how far plain depth goes with one building block: 3x3 convolutions
# only, with padding 1, stacked in stages separated by 2x2 max pooling. Two stacked 3x3
# convolutions see a 5x5 window, three see 7x7, with fewer weights than one big kernel
# and a ReLU between each. The engine can show the window: the gradient of one output
# pixel with respect to the input is non-zero exactly where that pixel looks.

# %%
for n_convs, window in [(1, 3), (2, 5), (3, 7)]:
    x = mg.tensor(np.ones((1, 1, 11, 11)), dtype=mg.float32, requires_grad=True)
    h = x
    for _ in range(n_convs):
        h = F.conv2d(h, mg.ones(1, 1, 3, 3), padding=1)
    h[0, 0, 5, 5].backward()
    seen = np.argwhere(x.grad.numpy()[0, 0] != 0)
    extent = seen.max(axis=0) - seen.min(axis=0) + 1
    print(
        f"  {n_convs} stacked 3x3 convolutions: the centre output sees a "
        f"{extent[0]}x{extent[1]} window"
    )
    assert tuple(extent) == (window, window)
c = 64
two_3x3 = 2 * sum(p.numel() for p in nn.Conv2d(c, c, 3, bias=False).parameters())
one_5x5 = sum(p.numel() for p in nn.Conv2d(c, c, 5, bias=False).parameters())
print(f"  at {c} channels: two 3x3 layers {two_3x3:,} weights, one 5x5 layer {one_5x5:,}")
assert two_3x3 == 18 * c * c < one_5x5 == 25 * c * c

# %% [markdown]
# VGG-16's price is size: 138 million parameters, 89% of them in the classifier, whose
# first layer alone connects 512 x 7 x 7 = 25,088 numbers to 4,096. (Not AlexNet's 9,216:
# AlexNet's last feature map is 6 x 6 x 256, not 7 x 7 x 512 as some notes have it; nor
# 6,400 = 5 x 5 x 256, where some course versions of AlexNet end. Five 2x2 poolings take
# 224 to 224 / 32 = 7.)

# %%
assert fc_inputs == {"AlexNet": 256 * 6 * 6, "VGG-16": 512 * 7 * 7} == {
    "AlexNet": 9_216, "VGG-16": 25_088
}  # fmt: skip
assert alexnet_maps(224) == 6 and 224 // 2**5 == 7 and 5 * 5 * 256 == 6_400

# %% [markdown]
# **Network in Network (2013)** replaced the big classifier altogether. Each block is a
# convolution followed by two 1x1 convolutions (a small multilayer perceptron applied at
# every pixel), and the last block makes one map per class, which global average pooling
# turns into scores (lesson 6). No fully connected layer at all: 7.4 million parameters.
#
# **GoogLeNet (2014)** used both ideas in its *Inception block*: four branches side by
# side on the same input (1x1, 3x3 and 5x5 convolutions and a 3x3 max pooling),
# concatenated along the channels, so the network does not have to choose one kernel
# size. What keeps it cheap is NIN's 1x1 convolution used as a *reduction*: before the
# costly 3x3 and 5x5 convolutions, a 1x1 convolution cuts the channels. Block 3a, on the
# 192 maps of 28 x 28 that reach it:

# %%
config = (192, 64, 96, 128, 16, 32, 32)  # in, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj
block = models.Inception(*config)
side = 28 if not quick else 14
summary = nn.summary(block, (192, side, side), depth=1)
c_in, n1, r3, n3, r5, n5, pp = config
by_formula = (n1 * (c_in + 1) + r3 * (c_in + 1) + n3 * (9 * r3 + 1) + r5 * (c_in + 1)
              + n5 * (25 * r5 + 1) + pp * (c_in + 1))  # fmt: skip
without_reduction = n1 * (c_in + 1) + n3 * (9 * c_in + 1) + n5 * (25 * c_in + 1) + pp * (c_in + 1)
print(
    f"Inception 3a: {summary.total_params:,} parameters; "
    f"without the 1x1 reductions {without_reduction:,}"
)
assert summary.total_params == by_formula == 163_696
assert summary.output_shape == (1, 64 + 128 + 32 + 32, side, side)  # 256 channels
assert without_reduction > 2 * by_formula

x = mg.tensor(
    np.random.default_rng(0).normal(size=(1, 192, 6, 6)), dtype=mg.float32, requires_grad=True
)
loss = block(x).mean()
graph = mg.viz.draw(loss, modules=block, depth=2, names={x: "x (192 maps)"}, title="Inception 3a")
lessons.save_graph(graph, out / "inception_block.png")

# %% [markdown]
# In the picture (each box a layer, with the shape it outputs), the four branches leave
# `x` side by side. Branch 2 first reduces the 192 maps to 96 with a 1x1 convolution, then
# makes 128 with its 3x3; branch 3 reduces to 16 before its 5x5 makes 32. The branches
# meet in one `concat` along the channel axis: 64 + 128 + 32 + 32 = 256 maps of the same
# size (every branch pads so that the sizes agree). Nine such blocks make GoogLeNet 22
# layers deep with 7 million parameters, a twentieth of VGG-16.
#
# **ResNet (2015)** made depth itself trainable with the shortcut `y = F(x) + x`
# (lesson 9), and the bottleneck block for the deeper versions: ResNet-50 is 50 layers
# deep for about twice ResNet-18's parameters. Batch norm (lesson 8) after every
# convolution, global average pooling and one linear layer at the end.

# %%
totals = {name: total for name, _, total, *_ in table}
assert 2 < totals["ResNet-50"] / totals["ResNet-18"] < 2.5
assert 19 < totals["VGG-16"] / totals["GoogLeNet"] < 21  # GoogLeNet: a twentieth
assert n_inception == 9 and round(totals["GoogLeNet"] / 1e6) == 7  # nine blocks, 7 million

# %% [markdown]
# **DenseNet (2017)** took the shortcut further: inside a *dense block*, every layer
# receives the concatenation of all the maps before it (the block's input and every
# earlier layer's output) and adds only `growth_rate` = 32 new maps. Features are reused
# instead of recomputed, so each layer can be narrow, and the gradient has a short path
# from the loss to every layer. The channels grow by 32 per layer, and a *transition* (1x1
# convolution and 2x2 average pooling) halves channels and size between blocks:

# %%
densenet = kept["DenseNet-121"]  # the one built in section 1
summary = nn.summary(densenet, (3, 32, 32), depth=2, verbose=False)  # channels: any image size
rows = {row.name: row for row in summary.rows}
channels = 64
for i, n_layers in enumerate((6, 12, 24, 16), start=1):
    produced = rows[f"features.denseblock{i}"].output_shape[1]
    print(f"  dense block {i}: {channels} maps in + {n_layers} layers x 32 = {produced} maps out")
    assert produced == channels + 32 * n_layers
    channels = produced // 2 if i < 4 else produced  # the transition halves them
assert channels == 1024
del densenet

# %% [markdown]
# ## 3. Dropout
#
# AlexNet's fully connected layers held 58 million parameters for 1.2 million training
# images: enough to memorise them. *Dropout* (Srivastava, Hinton et al., 2014) makes
# memorising harder: while training, every unit's output is set to 0 with probability `p`
# (0.5 in AlexNet), a different random half at every step, so no unit can rely on any
# particular other one. The survivors are multiplied by `1 / (1 - p)`, so each output keeps
# its expected value; in eval mode dropout does nothing.

# %%
drop = nn.Dropout(0.5)
ones = mg.ones(1000, 100)
drop.train()
dropped = drop(ones).numpy()
zero_fraction = float((dropped == 0).mean())
print(
    f"training mode: {zero_fraction:.1%} zeroed, the rest = {dropped.max()}, "
    f"mean {dropped.mean():.3f}"
)
assert abs(zero_fraction - 0.5) < 0.01
assert set(np.unique(dropped)) == {0.0, 2.0} and abs(dropped.mean() - 1.0) < 0.02
assert not np.array_equal(dropped, drop(ones).numpy())  # a new random mask every call
drop.eval()
assert np.array_equal(drop(ones).numpy(), ones.numpy())  # eval mode: the identity

# %% [markdown]
# ## 4. Data augmentation
#
# The other way to fight memorising is more data, and the cheapest more data is the data
# you have, changed in ways that do not change its label. AlexNet cut random 224x224
# crops out of 256x256 images and flipped them left-right. For digits, a flip is not
# allowed (a mirrored 2 is not a 2), but a shift of a pixel or two is: `RandomShift(2)`
# moves each image by up to 2 pixels in each direction, differently every time it is
# drawn.

# %%
train16, test16 = data.load_digits(size=16)
shift = data.RandomShift(2)
digit = train16.tensors[0].numpy()[0]
variants = [shift(digit) for _ in range(5)]


def moved(image, di, dj):
    """The image moved down di and right dj pixels, with zeros coming in at the edges."""
    padded = np.pad(image, ((0, 0), (2, 2), (2, 2)))
    h, w = image.shape[1:]
    return padded[:, 2 - di : 2 - di + h, 2 - dj : 2 - dj + w]


offsets = []
for v in variants:  # each variant is the digit moved by some (di, dj) with |di|, |dj| <= 2
    found = [
        (di, dj)
        for di in range(-2, 3)
        for dj in range(-2, 3)
        if np.array_equal(v, moved(digit, di, dj))
    ]
    assert found, "not a shift of the original"
    offsets.append(found[0])
print("shifts drawn (down, right):", offsets)
assert len(set(offsets)) > 1  # a different shift each time it is drawn
fig, axes = plt.subplots(1, 6, figsize=(10, 2.2))
fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.74, wspace=0.12)  # by hand: cheaper
titles = ["original"] + [f"moved ({di:+d}, {dj:+d})" for di, dj in offsets]
for ax, image, title in zip(axes, [digit] + variants, titles):
    ax.imshow(image[0], cmap="gray_r", interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
fig.suptitle(
    f"RandomShift(2): one training digit (a {train16.tensors[1].numpy()[0]}) drawn five times; "
    "titles: pixels moved (down, right)"
)
lessons.save_figure(fig, out / "augmentation.png", trim=False)

# %% [markdown]
# ## 5. Both, on a small problem
#
# A small CNN (two 3x3 convolutions with max pooling, then a fully connected layer of
# 128 units) trained on only 200 of the 16x16 digits (50 in quick mode), long enough to
# learn them all by heart. Three versions, from the same starting weights: as it is, with
# dropout 0.5 before both fully connected layers, and with shifted training images. We
# test each on the 359 test digits, and on the same test digits shifted by up to 2 pixels
# (a new handwriting position the training images never showed).

# %%
if quick:  # 50 digits, one batch per step, a larger learning rate: a few seconds
    n_train, steps, lr = 50, 60, 8e-3
else:
    n_train, steps, lr = 200, 600, 1e-3
x_all, y_all = train16.tensors[0].numpy(), train16.tensors[1].numpy()
few = np.random.default_rng(0).permutation(len(x_all))[:n_train]
x_few, y_few = x_all[few], y_all[few]
x_test, y_test = test16.tensors[0], test16.tensors[1].numpy()
mg.manual_seed(123)
x_test_shifted = mg.tensor(np.stack([shift(image) for image in x_test.numpy()]))


def small_cnn(p):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 8 x 8
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 4 x 4
        nn.Flatten(), nn.Dropout(p), nn.Linear(512, 128), nn.ReLU(),
        nn.Dropout(p), nn.Linear(128, 10),
    )  # fmt: skip


def accuracy(model, x, y):
    with mg.no_grad():
        return float((model(x).numpy().argmax(1) == y).mean())


results = {}
for name, p, transform in [
    ("neither", 0.0, None),
    ("dropout 0.5", 0.5, None),
    ("shifted images", 0.0, data.RandomShift(2)),
]:
    mg.manual_seed(0)
    model = small_cnn(p)
    opt = optim.Adam(model.parameters(), lr=lr)
    loader = data.DataLoader(
        data.TensorDataset(x_few, y_few, transform=transform), batch_size=50, shuffle=True, seed=0
    )
    step = 0
    while step < steps:
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step == steps:
                break
    model.eval()
    results[name] = (
        accuracy(model, mg.tensor(x_few), y_few),
        accuracy(model, x_test, y_test),
        accuracy(model, x_test_shifted, y_test),
    )
    print(
        f"  {name:15s} training {results[name][0]:.1%}, test {results[name][1]:.1%}, "
        f"shifted test {results[name][2]:.1%}"
    )

base, dropout, augmented = results["neither"], results["dropout 0.5"], results["shifted images"]
assert base[0] >= 0.97 and base[0] - base[1] > 0.05  # learned by heart, worse on new digits
assert base[0] == 1.0  # every training digit right: learned by heart
assert dropout[1] >= base[1] - 0.01  # dropout costs nothing on the test digits here
assert dropout[0] - dropout[1] < base[0] - base[1]  # and narrows the gap a little
assert augmented[2] > base[2] + 0.15  # shifts in training: far better on shifted digits

fig, ax = plt.subplots(figsize=(8.5, 4))
fig.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.92)  # by hand: cheaper
positions = np.arange(3)
for k, (what, colour) in enumerate(
    [
        (f"training images ({n_train})", "#9e9e9e"),
        ("test digits", "#2962c4"),
        ("shifted test digits", "#d9531e"),
    ]
):
    values = [results[name][k] for name in results]
    bars = ax.bar(positions + (k - 1) * 0.27, values, 0.27, color=colour, label=what)
    ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=8)
ax.set_xticks(
    positions,
    [f"trained with {name}" if name != "neither" else "no regulariser" for name in results],
)
ax.set(ylabel="accuracy", ylim=(0, 1.22))
ax.set_title(f"a small CNN trained on {n_train} digits, tested on new ones")
ax.legend(loc="upper center", ncol=3, fontsize=9)
ax.grid(alpha=0.3, axis="y")
lessons.save_figure(fig, out / "regularisers.png", trim=False)

# %% [markdown]
# Each does its own job. Without either, the network knows its training digits perfectly
# and the new ones much less well. Dropout narrows that gap a little. The shifted training
# images teach what the training digits alone could not: that a digit moved by two
# pixels is the same digit. A convolution responds to a pattern wherever it sits, but the
# fully connected layer on top reads every position separately, and only the augmented
# network has seen digits in other positions. Real training uses both: AlexNet, VGG,
# GoogLeNet and ResNet were all trained on random crops and flips of their images.
#
# ## Exercises and what comes next
#
# Two to try by hand, each checkable with `nn.summary` or by running it:
#
# - count VGG-16's 138,357,544 parameters from its list of stages, the way the exercises
#   `lenet-counts` (lesson 7) and `resblock-params` (lesson 9) count LeNet-5 and one block;
# - train the small CNN of section 5 with dropout and shifted images together.
#
# Lesson 12 follows the Inception line from GoogLeNet to Inception-ResNet and measures what
# each network costs to run. Beyond that: `minigrad summary resnet50` (or any name in
# `models.NAMES`) prints a network's table, `minigrad train lenet` trains LeNet-5 on the
# digits or on MNIST, and every model here trains on the digits with `train.fit`, as in
# lessons 7 and 9.
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `stacked-3x3`: the receptive field and parameters of n stacked 3x3 convolutions
#   against one big kernel that sees the same window (section 2, VGG);
# - `inception-params`: an Inception block's parameters and output channels from its row
#   of the GoogLeNet table, checked against `models.Inception` for all nine blocks;
# - `dense-channels`: DenseNet's channels through dense blocks and transitions;
# - `inverted-dropout`: dropout's forward in numpy, training and eval mode (section 3).

# %%
print("Lesson 10 done: every claim above was checked.")
