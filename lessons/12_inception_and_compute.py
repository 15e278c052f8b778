# %% [markdown]
# # Lesson 12: Inception, and what a network costs
#
# **The Inception line to Inception-ResNet, auxiliary heads, ZFNet's first layer, and MACs.**
#
# Lesson 10 met GoogLeNet's Inception block. Its authors kept improving it for three years:
# batch norm (v2), factorised convolutions and a new way to shrink the grid (v3), uniform
# blocks (v4), and ResNet's shortcut with a twist (Inception-ResNet). All six networks are in
# `mg.models`. We count them, draw one block of each, measure why each change was made,
# train GoogLeNet's auxiliary classifiers on a small problem, see why ZFNet changed
# AlexNet's first layer, and end with the other cost of a network besides its parameters:
# the arithmetic of one forward pass, in multiply-accumulates (MACs).

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, models, nn, optim
from minigrad.models.bninception import InceptionV2
from minigrad.models.inception_resnet import block_a
from minigrad.models.inception_v3 import GridReduction35, Inception17
from minigrad.models.inception_v4 import Branches, InceptionA

out, quick = lessons.start(12)
mg.manual_seed(0)


def count(module):
    return sum(p.numel() for p in module.parameters())


# %% [markdown]
# ## 1. Six Inception networks
#
# Each is built with 1000 classes, as published, and its parameters counted; `nn.summary`
# then runs one image through it and counts its multiply-accumulates (section 6 says
# exactly what is counted). Counting needs the shapes of the weights, not their values, so
# `nn.utils.skip_init` builds each network without drawing its millions of random numbers
# (the weights stay zero: the memory is taken, but no time goes into drawing). The
# networks were designed for 224 x 224 (v1, v2) or 299 x 299 images; quick mode runs all
# of them at 139 x 139 to save time, full mode at their own size. The parameters do not
# depend on the image size; the compute does.

# %%
line = [  # name in mg.models, what it is, year, parameters as published
    ("googlenet", "v1 (GoogLeNet)", 2014, 6_998_552),
    ("bninception", "v2 (BN-Inception)", 2015, 11_295_240),
    ("inception_v3", "v3", 2015, 27_161_264),
    ("inception_v4", "v4", 2016, 42_679_816),
    ("inception_resnet_v1", "Inception-ResNet-v1", 2016, 22_756_328),
    ("inception_resnet_v2", "Inception-ResNet-v2", 2016, 55_843_464),
]
inception, nets = {}, {}
print(f"{'network':20s} {'year':>4s} {'parameters':>12s} {'image':>9s} {'MACs':>9s}")
for name, what, year, published in line:
    model = nets[name] = nn.utils.skip_init(models.create, name)  # kept for sections 3 and 6
    side = 139 if quick else models.default_input_shape(name)[1]
    summary = nn.summary(model, (3, side, side), verbose=False)
    assert summary.total_params == published, (name, summary.total_params)
    inception[name] = (summary.total_params, summary.total_macs)
    print(
        f"{what:20s} {year:>4d} {summary.total_params:>12,} {f'{side} x {side}':>9s} "
        f"{summary.total_macs / 1e9:>7.2f} G"
    )
params = {name: p for name, (p, _) in inception.items()}
macs = {name: m for name, (_, m) in inception.items()}
# v3 counts its auxiliary head (3.3 M of its 27.2 M); the others are built without one
assert params["googlenet"] < params["bninception"] < params["inception_v3"] < params["inception_v4"]
# the paper's design: Inception-ResNet-v1 costs about what v3 costs, v2 what v4 costs
assert abs(macs["inception_resnet_v1"] / macs["inception_v3"] - 1) < 0.1
assert abs(macs["inception_resnet_v2"] / macs["inception_v4"] - 1) < 0.1

# %% [markdown]
# The Inception-ResNet networks were built as residual twins of the plain ones: v1 costs
# within 10% of v3's arithmetic, v2 within 10% of v4's (the table's MACs column).
#
# ## 2. One block of each, drawn
#
# Every block has the same shape: a few *branches* run side by side on the same input and
# their maps are concatenated. What changed from version to version is inside the
# branches. Each panel below is drawn from the block in `mg.models` (its convolutions and
# poolings, in order; every convolution is followed by batch norm and ReLU from v2 on), and
# its parameter count is checked against the count worked out from the paper's filter
# numbers:
#
#     a convolution from c to o maps with a kh x kw kernel:   o * c * kh * kw weights
#     + o biases (v1; also v2, as released) + 2 o for its batch norm (v2 on)


# %%
def unit(c, o, kh, kw=None, bias=False, bn=True):
    """Parameters of one convolution (+ batch norm), c -> o maps, kernel kh x kw."""
    return o * c * kh * (kw or kh) + (o if bias else 0) + (2 * o if bn else 0)


def layer_label(m):
    """'3x3 conv, 64', '1x7 conv, 128', '3x3/2 max pool', or None for BN, ReLU, ..."""
    if isinstance(m, nn.Conv2d):
        (kh, kw), (s, _) = m.kernel_size, m.stride
        return f"{kh}x{kw}{f'/{s}' if s > 1 else ''} conv, {m.out_channels}"
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        k, s = m.kernel_size, m.stride
        kind = "max" if isinstance(m, nn.MaxPool2d) else "avg"
        return f"{k}x{k}{f'/{s}' if s > 1 else ''} {kind} pool"
    return None


def column(*modules):
    """The labels of the layers inside `modules`, in the order they run."""
    return [lab for mod in modules for m in mod.modules() if (lab := layer_label(m))]


def draw_block(ax, title, c_in, columns, c_out, residual=None):
    """Boxes for the branches (columns), the input above, the concatenation below."""
    depth = max(len(col) for col in columns)
    width = len(columns)
    ax.set(xlim=(-0.1, width + 0.1), ylim=(-2.7 if residual else -1.4, depth + 1.3))
    ax.axis("off")
    ax.set_title(title, fontsize=10)

    def box(x, y, w, text, colour):
        ax.add_patch(FancyBboxPatch((x + 0.06, y), w - 0.12, 0.62, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="#555555", linewidth=0.8))  # fmt: skip
        ax.text(x + w / 2, y + 0.31, text, ha="center", va="center", fontsize=7.5)

    def arrow(x0, y0, x1, y1):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="->", color="#555555",
                                     mutation_scale=10, shrinkA=0, shrinkB=0))  # fmt: skip

    top = depth + 0.55
    box(0, top, width, f"input: {c_in} maps", "#eeeeee")
    for i, col in enumerate(columns):
        for j, text in enumerate(col):
            y = depth - 1 - j
            colour = "#fde7c8" if "pool" in text else "#d6e4f5"
            box(i, y, 1, text, colour)
            arrow(i + 0.5, top if j == 0 else y + 1, i + 0.5, y + 0.64)
        last = depth - len(col)
        arrow(i + 0.5, last + 0.02, i + 0.5, -0.36)
    box(0, -1, width, f"concatenate: {c_out} maps", "#e2f0d9")
    if residual:
        box(0, -2.3, width, residual, "#f4d6e0")
        arrow(width / 2, -1.02, width / 2, -1.66)


blocks = []  # (title, block, maps in, columns, maps out, residual note, count from the paper)

v1 = models.Inception(192, 64, 96, 128, 16, 32, 32)  # GoogLeNet 3a (lesson 10)
v1_count = (unit(192, 64, 1, bias=True, bn=False) + unit(192, 96, 1, bias=True, bn=False)
            + unit(96, 128, 3, bias=True, bn=False) + unit(192, 16, 1, bias=True, bn=False)
            + unit(16, 32, 5, bias=True, bn=False) + unit(192, 32, 1, bias=True, bn=False))  # fmt: skip
blocks.append(("v1: GoogLeNet's 3a", v1, 192,
               [column(v1.branch1), column(v1.branch2), column(v1.branch3), column(v1.branch4)],
               v1.out_channels, None, v1_count))  # fmt: skip

v2 = InceptionV2(192, 64, 64, 64, 64, 96, "avg", 32)  # BN-Inception 3a (Figure 5)
v2_count = (unit(192, 64, 1, bias=True) + unit(192, 64, 1, bias=True) + unit(64, 64, 3, bias=True)
            + unit(192, 64, 1, bias=True) + unit(64, 96, 3, bias=True) + unit(96, 96, 3, bias=True)
            + unit(192, 32, 1, bias=True))  # fmt: skip
blocks.append(("v2: 3a, the 5x5 as two 3x3", v2, 192,
               [column(v2.branch1), column(v2.branch2), column(v2.branch3), column(v2.branch4)],
               v2.out_channels, None, v2_count))  # fmt: skip

v3 = Inception17(768, channels_7x7=128)  # Mixed_6b (Figure 6)
v3_count = (unit(768, 192, 1) + unit(768, 128, 1) + unit(128, 128, 1, 7) + unit(128, 192, 7, 1)
            + unit(768, 128, 1) + 2 * unit(128, 128, 7, 1) + unit(128, 128, 1, 7)
            + unit(128, 192, 1, 7) + unit(768, 192, 1))  # fmt: skip
blocks.append(("v3: 17 x 17 block, 7x7 as 1x7 + 7x1", v3, 768,
               [column(v3.branch1x1), column(v3.branch7x7_1, v3.branch7x7_2, v3.branch7x7_3),
                column(v3.branch7x7dbl_1, v3.branch7x7dbl_2, v3.branch7x7dbl_3,
                       v3.branch7x7dbl_4, v3.branch7x7dbl_5),
                column(v3.branch_pool_avg, v3.branch_pool)], v3.out_channels, None, v3_count))  # fmt: skip

v3r = GridReduction35(288)  # Mixed_6a (Figure 10)
v3r_count = unit(288, 384, 3) + unit(288, 64, 1) + unit(64, 96, 3) + unit(96, 96, 3)
blocks.append(("v3: grid reduction 35 -> 17", v3r, 288,
               [column(v3r.branch3x3),
                column(v3r.branch3x3dbl_1, v3r.branch3x3dbl_2, v3r.branch3x3dbl_3),
                column(v3r.branch_pool)], v3r.out_channels, None, v3r_count))  # fmt: skip

v4 = InceptionA(384)  # Figure 4
v4_count = (unit(384, 96, 1) + unit(384, 96, 1) + unit(384, 64, 1) + unit(64, 96, 3)
            + unit(384, 64, 1) + unit(64, 96, 3) + unit(96, 96, 3))  # fmt: skip
blocks.append(("v4: Inception-A", v4, 384, [column(b) for b in v4.children()], 384, None,
               v4_count))  # fmt: skip

ir = block_a(320, (32, 48, 64), scale=0.17)  # Inception-ResNet-v2's 35 x 35 block
ir_count = (unit(320, 32, 1) + unit(320, 32, 1) + unit(32, 32, 3) + unit(320, 32, 1)
            + unit(32, 48, 3) + unit(48, 64, 3) + unit(128, 320, 1, bias=True, bn=False))  # fmt: skip
blocks.append(("Inception-ResNet-v2: block A", ir, 320,
               [column(b) for b in ir.branches.children()], 128,
               "1x1 conv, 320 (linear)  ->  x 0.17  ->  + input  ->  ReLU", ir_count))  # fmt: skip

fig, axes = plt.subplots(2, 3, figsize=(16, 10.5))  # laid out by hand: the panels are boxes
fig.subplots_adjust(left=0.005, right=0.995, bottom=0.005, top=0.91, wspace=0.03, hspace=0.1)
for ax, (title, block, c_in, columns, c_out, residual, by_hand) in zip(axes.flat, blocks):
    n = count(block)
    assert n == by_hand, (title, n, by_hand)
    draw_block(ax, f"{title}\n{n:,} parameters", c_in, columns, c_out, residual)
    print(f"  {title:38s} {n:>9,} parameters (the paper's filter numbers give {by_hand:,})")
fig.suptitle("One block of each Inception version (blue: convolutions, orange: pooling)")
lessons.save_figure(fig, out / "inception_blocks.png", trim=False)

# %% [markdown]
# ## 3. What changed, and why
#
# **v2: batch norm, and no 5x5.** Batch norm after every convolution (lesson 8) let
# BN-Inception train with a 30 times higher learning rate, and made GoogLeNet's local
# response normalisation and dropout unnecessary; v2 has neither. It also replaced each 5x5
# convolution by two 3x3 ones: the same 5x5 window (lesson 10 measured it for VGG) with 18
# instead of 25 weights per pair of channels, and one more ReLU.

# %%
v2_net = nets["bninception"]
assert not any(isinstance(m, (nn.LocalResponseNorm, nn.Dropout)) for m in v2_net.modules())
assert sum(isinstance(m, nn.BatchNorm2d) for m in v2_net.modules()) == sum(
    isinstance(m, nn.Conv2d) for m in v2_net.modules()
)
five, two_threes = 5 * 5, 2 * 3 * 3
print(f"weights per channel pair: one 5x5 {five}, two 3x3 {two_threes}")
assert two_threes / five == 0.72

# %% [markdown]
# **v3: factorised convolutions.** Why stop at 3x3? A 1x7 convolution followed by a 7x1 one
# also sees a 7x7 window, with 14 weights per channel pair instead of 49. v3's 17 x 17
# blocks do exactly this. The engine shows the window: the gradient of one output pixel
# with respect to the input is non-zero on a 7x7 square.

# %%
x = mg.randn(1, 128, 17, 17, requires_grad=True)
y = v3.branch7x7_3.conv(v3.branch7x7_2.conv(x))  # the 1x7 and the 7x1 convolution
y[0, 0, 8, 8].backward()
seen = np.argwhere(np.abs(x.grad.numpy()[0]).sum(0) > 0)
window = tuple(int(v) for v in seen.max(0) - seen.min(0) + 1)
full_7x7 = (unit(768, 192, 1) + unit(768, 128, 1) + unit(128, 192, 7, 7)
            + unit(768, 128, 1) + unit(128, 128, 7, 7) + unit(128, 192, 7, 7)
            + unit(768, 192, 1))  # fmt: skip
print(f"1x7 then 7x1 sees a {window[0]}x{window[1]} window")
print(f"the 17 x 17 block: {count(v3):,} parameters; with plain 7x7 convolutions {full_7x7:,}")
assert window == (7, 7)
assert 2 * 7 / (7 * 7) == 2 / 7 and count(v3) < 0.6 * full_7x7

# %% [markdown]
# **v3: shrinking the grid.** Going from 35 x 35 x C maps to 17 x 17 x 2C, the obvious ways
# both have a flaw. Pooling first and then widening (a) squeezes everything through small
# maps of only C channels, a *representational bottleneck*; widening first and then pooling
# (b) does the expensive convolution on the large grid. v3's grid reduction (c, Figure 10)
# runs a stride-2 convolution *beside* a stride-2 pooling and concatenates them. We count
# the compute of the three with `nn.summary`, at C = 32 (every count scales with C^2):

# %%
c = 32
ways = {
    "(a) pool, then conv": nn.Sequential(
        nn.MaxPool2d(3, stride=2), nn.Conv2d(c, 2 * c, 3, padding=1)
    ),
    "(b) conv, then pool": nn.Sequential(
        nn.Conv2d(c, 2 * c, 3, padding=1), nn.MaxPool2d(3, stride=2)
    ),
    "(c) both side by side": Branches(nn.Conv2d(c, c, 3, stride=2), nn.MaxPool2d(3, stride=2)),
}
reduction_macs = {}
for name, module in ways.items():
    s = nn.summary(module, (c, 35, 35), verbose=False)
    reduction_macs[name] = s.total_macs
    print(f"  {name:24s} -> {s.output_shape}, {s.total_macs:>11,} MACs")
    assert s.output_shape == (1, 2 * c, 17, 17)
a, b, cc = reduction_macs.values()
assert b * 17**2 == a * 35**2 and 2 * cc == a  # (b) is (35/17)^2 = 4.2 times (a), (c) half

# %% [markdown]
# All three give 17 x 17 x 64 maps. (b) costs (35/17)^2 = 4.2 times as much as (a), and
# (c) only half of (a), without (a)'s bottleneck: the pooled maps keep all C channels and
# the convolution adds C new ones computed from the full grid.
#
# **v4: one design, repeated.** v3's blocks had grown piece by piece; v4 uses one stem and
# three kinds of block, each repeated (4 x A, 7 x B, 3 x C), with a dedicated reduction
# block between the grids. Where its 42.7 million parameters sit:

# %%
v4_net = nets["inception_v4"]
parts = {name: count(getattr(v4_net, name)) for name in (
    "stem", "inception_a", "reduction_a", "inception_b", "reduction_b", "inception_c", "fc")}  # fmt: skip
for name, n in parts.items():
    print(f"  {name:12s} {n:>11,}  {n / count(v4_net):6.1%}")
assert sum(parts.values()) == count(v4_net) == 42_679_816
assert max(parts, key=parts.get) == "inception_b"  # the seven 17 x 17 blocks: the bulk

# %% [markdown]
# **Inception-ResNet: the shortcut, scaled.** Each residual Inception block adds its result
# to its input, `y = relu(x + s * F(x))`. The paper found that with more than about a
# thousand filters the networks "died" early in training unless each residual was first
# multiplied by a small s (0.1 to 0.3). Why, in one measurement: a stack of 20 blocks whose
# branches are as strong as their input (He initialisation, as training can make them),
# fed random maps, with s = 1 and with s = 0.17.

# %%
growth = {}
for s in (1.0, 0.17):
    mg.manual_seed(0)
    stack = nn.Sequential(*[block_a(64, (32, 48, 64), s) for _ in range(20)]).eval()
    for m in stack.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    h = x0 = mg.randn(8, 64, 8, 8)
    stds = [float(x0.numpy().std())]
    with mg.no_grad():
        for block in stack:
            h = block(h)
            stds.append(float(h.numpy().std()))
    growth[s] = stds
    print(f"  scale {s}: standard deviation after 5, 10, 20 blocks: "
          + ", ".join(f"{stds[k]:.3g}" for k in (5, 10, 20)))  # fmt: skip
assert growth[1.0][20] > 100 * growth[1.0][0]  # unscaled: the sums grow block after block
assert growth[0.17][20] < 2 * growth[0.17][0]  # scaled: they stay the size of the input

fig, ax = plt.subplots(figsize=(7, 3.6))  # margins by hand: cheaper than constrained layout
fig.subplots_adjust(left=0.11, right=0.98, bottom=0.14, top=0.91)
for s, stds in growth.items():
    ax.semilogy(stds, marker="o", markersize=3, label=f"y = relu(x + {s} F(x))")
ax.set(xlabel="residual blocks", ylabel="standard deviation of the maps")
ax.set_title("20 Inception-ResNet blocks with strong branches")
ax.legend()
ax.grid(alpha=0.3)
lessons.save_figure(fig, out / "residual_scaling.png", trim=False)

# %% [markdown]
# Unscaled, each block adds a sum as large as its input, and after 20 blocks the maps are
# hundreds of times larger: the kind of blow-up the paper saw (the ReLU at the end of every
# block keeps only the positive part, so nothing cancels). With s = 0.17 they stay the size
# of the input. The scale costs nothing: it is one multiplication per block.
#
# ## 4. Auxiliary classifiers
#
# GoogLeNet (v1) had no batch norm and 22 layers. To give its lower layers more gradient,
# it attached two small classifiers to the middle of the network (after blocks 4a and 4d)
# and trained on
#
#     loss = loss(main) + 0.3 * (loss(aux1) + loss(aux2))
#
# At test time the heads are dropped (`models.googlenet(aux_logits=True)` has them; in eval
# mode it returns only the main output). What do they do? A small GoogLeNet on 8x8 digits
# shows it: a 3x3 convolution, six Inception blocks of 16 channels, no batch norm (as in
# 2014), and heads with the paper's design, scaled down (average pooling to a 4 x 4 grid,
# as the paper's heads pool their 14 x 14 maps, a 1x1 convolution, fully connected), after
# blocks 2 and 4. The same starting weights, trained twice, with and without the heads; we
# record the gradient that reaches the first convolution.


# %%
def aux_head(channels):
    return nn.Sequential(
        nn.AdaptiveAvgPool2d(4), nn.Conv2d(channels, 16, 1), nn.ReLU(), nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )  # fmt: skip


class SmallGoogLeNet(nn.Module):
    def __init__(self, heads, width=16, n_blocks=6):
        super().__init__()
        q = width // 4
        self.stem = nn.Conv2d(1, width, 3, padding=1)
        self.blocks = nn.Sequential(
            *[models.Inception(width, q, q, q, q, q, q) for _ in range(n_blocks)]
        )
        self.aux1 = aux_head(width) if heads else None
        self.aux2 = aux_head(width) if heads else None
        self.fc = nn.Linear(width, 10)
        for m in self.modules():  # He initialisation (lesson 7), so the plain net learns too
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        """(main logits, aux1 logits, aux2 logits); the aux ones None without heads."""
        h, aux = F.relu(self.stem(x)), []
        for i, block in enumerate(self.blocks):
            h = block(h)
            if i in (1, 3) and self.aux1 is not None:
                aux.append((self.aux1 if i == 1 else self.aux2)(h))
        main = self.fc(F.adaptive_avg_pool2d(h, 1).flatten(1))
        return (main, *aux) if aux else (main, None, None)


train8, test8 = data.load_digits(size=8)
x_train, y_train = train8.tensors[0].numpy(), train8.tensors[1].numpy()
few = np.random.default_rng(0).permutation(len(x_train))[:500]
x_test, y_test = test8.tensors[0], test8.tensors[1].numpy()


def first_layer_grad(model):
    return float(np.linalg.norm(model.stem.weight.grad.numpy()))


steps = 20 if quick else 150  # quick: heads 33-67% on aux1/aux2, main <= 18% (seeds 0-4)
runs = {}
for heads in (False, True):
    mg.manual_seed(0)
    model = SmallGoogLeNet(heads)
    opt = optim.Adam(model.parameters(), lr=3e-3)
    loader = data.DataLoader(
        data.TensorDataset(x_train[few], y_train[few]), batch_size=32, shuffle=True, seed=0
    )
    grad_norms, main_share, step = [], [], 0
    while step < steps:
        for xb, yb in loader:
            main, aux1, aux2 = model(xb)
            opt.zero_grad()
            if not heads:
                F.cross_entropy(main, yb).backward()
            else:  # the same loss, backward in two parts: gradients add up in .grad
                F.cross_entropy(main, yb).backward(retain_graph=True)
                main_share.append(first_layer_grad(model))  # what the main loss alone sends
                (0.3 * (F.cross_entropy(aux1, yb) + F.cross_entropy(aux2, yb))).backward()
            grad_norms.append(first_layer_grad(model))
            opt.step()
            step += 1
            if step == steps:
                break
    model.eval()
    with mg.no_grad():
        outputs = model(x_test)
    accuracy = [float((o.numpy().argmax(1) == y_test).mean()) for o in outputs if o is not None]
    runs[heads] = (np.array(grad_norms), accuracy)
    label = "with heads" if heads else "no heads"
    print(f"  {label:10s}: test accuracy of the outputs (main, aux1, aux2): "
          + ", ".join(f"{a:.0%}" for a in accuracy))  # fmt: skip

plain_grads, with_grads = runs[False][0], runs[True][0]
early = with_grads[:10].mean() / np.mean(main_share[:10])  # the same weights, step by step
print(f"gradient norm at the first convolution, first 10 steps: {early:.1f} times what the "
      "main loss alone sends")  # fmt: skip
assert early > 1.3  # the heads' losses reach it through only two blocks (1.5-3.3x, seeds 0-7)
aux_accuracy = runs[True][1][1:]
assert min(aux_accuracy) > 0.25  # the middle of the network already classifies (chance: 10%)
assert min(aux_accuracy) > runs[True][1][0]  # for now, better than the network's own output

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
fig.subplots_adjust(left=0.07, right=0.99, bottom=0.13, top=0.92, wspace=0.2)
ax1.semilogy(plain_grads, label="main loss only")
ax1.semilogy(with_grads, label="loss + 0.3 (aux1 + aux2)")
ax1.set(xlabel="training step", ylabel="gradient norm, first convolution")
ax1.set_title("what reaches the first layer")
ax1.legend()
ax1.grid(alpha=0.3)
names = ["main (no heads)", "main", "aux1 (block 2)", "aux2 (block 4)"]
values = [runs[False][1][0], *runs[True][1]]
bars = ax2.bar(names, values, color=["#9e9e9e", "#2962c4", "#d9531e", "#d9531e"])
ax2.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=9)
ax2.set(ylabel="test accuracy", ylim=(0, 1))
ax2.set_title(f"after {steps} steps on 500 digits")
lessons.save_figure(fig, out / "auxiliary_heads.png", trim=False)

# %% [markdown]
# The heads' losses reach the first layer through two blocks instead of six. Measured at
# the same weights (the backward in two parts: the main loss's share, then the heads'), the
# first layer gets about one and a half to three times the gradient the main loss alone
# sends it, depending on the starting weights. The left panel follows two separate runs,
# whose weights drift apart after a few steps: it shows how the gradient evolves in each,
# not a like-for-like comparison. The heads themselves become classifiers of the middle
# layers' features (the right panel); after this short run they even classify the test
# digits better than the network's own output. The lower blocks are pushed to compute
# something useful on their own. Whether the final output gains depends on the run; the v3
# paper found that the heads did not speed up early training of its deeper,
# batch-normalised network, and kept them as a regulariser. v4 and Inception-ResNet dropped
# them.
#
# ## 5. ZFNet against AlexNet: why a 7x7 first layer with stride 2
#
# Zeiler and Fergus (2013) looked inside AlexNet with a deconvnet (lesson 11 shows how
# such pictures are made) and found its first layer wasteful: a mix of very high and very
# low frequency filters, a few dead, and aliasing artefacts in the second layer's maps,
# which they blamed on the large stride. ZFNet's first layer uses 7x7 filters with stride 2
# instead of 11x11 with stride 4. (The AlexNet paper says its images were 224 x 224, but
# (224 - 11) / 4 + 1 = 54.25 is not a whole number; its layers fit 227 x 227 images, which
# give the 55 x 55 maps of its figure.) First, the arithmetic, on the two layers themselves:

# %%
alex1 = nn.Conv2d(3, 96, 11, stride=4)  # AlexNet conv1, on 227 x 227
zf1 = nn.Conv2d(3, 96, 7, stride=2, padding=1)  # ZFNet conv1, on 224 x 224
first = {}
for name, layer, side in (("AlexNet", alex1, 227), ("ZFNet", zf1, 224)):
    s = nn.summary(layer, (3, side, side), verbose=False)
    first[name] = s
    print(f"  {name:8s} conv1: {side} -> {s.output_shape[2]} x {s.output_shape[3]} maps, "
          f"{s.total_params:,} parameters, {s.total_macs / 1e6:.0f} M MACs")  # fmt: skip
assert (224 - 11) / 4 + 1 == 54.25 and (227 - 11) // 4 + 1 == 55
assert first["AlexNet"].output_shape == (1, 96, 55, 55)
assert first["ZFNet"].output_shape == (1, 96, 110, 110)
assert first["ZFNet"].total_params < first["AlexNet"].total_params  # 7x7 < 11x11
assert (110 * 110) / (55 * 55) == 4  # four times as many positions
assert 1.55 < first["ZFNet"].total_macs / first["AlexNet"].total_macs < 1.65  # 60% more MACs

# %% [markdown]
# Now the aliasing. A convolution with stride S looks at the image only every S pixels, so
# (the sampling theorem) any pattern finer than 2S pixels per period comes out as a false,
# coarser one. A stripe pattern with a period of 5 pixels, through each first layer:

# %%
side = 227
cols = np.arange(side)
stripes = np.tile(np.cos(2 * np.pi * cols / 5), (side, 1)).astype(np.float32)  # period 5
images = mg.tensor(np.stack([stripes] * 3)[None])
seen_period = {}
maps = {}
for name, layer, stride in (("AlexNet 11x11/4", alex1, 4), ("ZFNet 7x7/2", zf1, 2)):
    with mg.no_grad():
        response = layer(images).numpy()[0]
    channel = int(np.argmax(response.std(axis=(1, 2))))  # the filter that responds most
    row = response[channel, response.shape[1] // 2]
    spectrum = np.abs(np.fft.rfft(row - row.mean()))
    cycles_per_sample = np.fft.rfftfreq(len(row))[spectrum.argmax()]
    seen_period[name] = stride / cycles_per_sample  # in input pixels
    maps[name] = response[channel]
    print(f"  {name}: the maps repeat every {seen_period[name]:.1f} input pixels")
assert abs(seen_period["ZFNet 7x7/2"] - 5) < 0.3  # the true period
assert abs(seen_period["AlexNet 11x11/4"] - 20) < 1  # aliased: a pattern 4 times coarser

fig, axes = plt.subplots(1, 3, figsize=(12, 4))
fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.06)
axes[0].imshow(stripes[:40, :40], cmap="gray")
axes[0].set_title("input: stripes every 5 pixels (detail)")
for ax, (name, m) in zip(axes[1:], maps.items()):
    crop = 40 // (4 if "11x11" in name else 2)  # output pixels covering 40 input pixels
    ax.imshow(m[crop : 2 * crop, :crop], cmap="gray")  # away from the padded top edge
    ax.set_title(f"{name}: repeats every {seen_period[name]:.0f} px")
for ax in axes:
    ax.set(xticks=[], yticks=[])
fig.suptitle("the same 40 x 40 pixels of the image, through each first layer")
lessons.save_figure(fig, out / "aliasing.png", trim=False)

# %% [markdown]
# Stride 4 samples the 5-pixel stripes too sparsely: the map shows stripes every 20 pixels,
# a pattern that is not in the image (the fine stripes are *aliased* into coarse ones).
# Stride 2 still resolves them, at the price of four times as many positions in every map
# of the first layer (and 60% more MACs in it, with smaller filters).

# %% [markdown]
# ## 6. What a network costs to run: VGG-19, ResNet-34, GoogLeNet
#
# Parameters are what a network stores; *multiply-accumulates* (MACs, `a += w * x`) are what
# it computes. `nn.summary` counts them per layer, for the convolutions and linear layers
# (a convolution: output values x C_in / groups x KH x KW; a linear layer: outputs x
# inputs). Batch norm, ReLU, pooling and additions cost about one operation per value and
# are left out, as in the published counts; FLOPs are twice the MACs (a multiplication and
# an addition each).
#
# Convolutions make one rule visible: their MACs grow with the area of the maps, while the
# classifier after global or adaptive pooling does not. So a network's MACs at 224 x 224 are
# 49 times its convolutions' MACs at 32 x 32, plus its classifier's, when every map size
# divides evenly on the way down. We check the rule on ResNet-34, which is quick at both
# sizes, and use it for the two big ones (full mode also runs them at 224 and compares).


# %%
def macs_via_area_rule(model):
    small = nn.summary(model, (3, 32, 32), verbose=False)
    conv = sum(r.macs for r in small.rows if r.type == "Conv2d")
    linear = sum(r.macs for r in small.rows if r.type == "Linear")
    return 49 * conv + linear, small


resnet34 = nn.utils.skip_init(models.resnet34)  # as in section 1: only shapes are counted
r34_224 = nn.summary(resnet34, (3, 224, 224), verbose=False)
r34_rule, _ = macs_via_area_rule(resnet34)
assert r34_rule == r34_224.total_macs  # the rule, checked
googlenet_224 = nn.summary(nets["googlenet"], (3, 224, 224), verbose=False)
compute = {"resnet34": r34_224, "googlenet": googlenet_224}
costs = {"resnet34": r34_224.total_macs, "googlenet": googlenet_224.total_macs}
for name in ("vgg19", "resnet152"):
    model = nn.utils.skip_init(models.create, name)
    costs[name], small = macs_via_area_rule(model)
    compute[name] = small
    if not quick:
        assert nn.summary(model, (3, 224, 224), verbose=False).total_macs == costs[name]
    del model
published = {"vgg19": 19.6e9, "resnet34": 3.6e9, "resnet152": 11.3e9}  # He et al. 2016, Table
print(f"{'network':10s} {'parameters':>12s} {'MACs at 224':>12s}  published")
for name in ("vgg19", "resnet34", "resnet152", "googlenet"):
    ref = f"{published[name] / 1e9:.1f} G" if name in published else "1.5 G (v1 paper)"
    print(f"{name:10s} {compute[name].total_params:>12,} {costs[name] / 1e9:>10.2f} G  {ref}")
assert abs(costs["vgg19"] / 19.6e9 - 1) < 0.02 and abs(costs["resnet34"] / 3.6e9 - 1) < 0.02
assert abs(costs["resnet152"] / 11.3e9 - 1) < 0.02
assert costs["resnet34"] < costs["vgg19"] / 5  # ResNet costs less compute than VGG-19 ...
assert costs["resnet152"] < costs["vgg19"]  # ... even at 152 layers
assert costs["googlenet"] < costs["resnet34"] and abs(costs["googlenet"] / 1.5e9 - 1) < 0.06

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
fig.subplots_adjust(left=0.08, right=0.99, bottom=0.14, top=0.9, wspace=0.22)
order = ["vgg19", "resnet152", "resnet34", "googlenet"]
ax1.barh(order, [compute[n].total_params / 1e6 for n in order], color="#2962c4")
ax1.set(xlabel="parameters (millions)")
ax2.barh(order, [costs[n] / 1e9 for n in order], color="#d9531e")
ax2.set(xlabel="multiply-accumulates per 224 x 224 image (G)")
for ax in (ax1, ax2):
    ax.invert_yaxis()
    ax.grid(alpha=0.3, axis="x")
fig.suptitle("what each network stores (left) and computes (right)")
lessons.save_figure(fig, out / "compute.png", trim=False)

# %% [markdown]
# ResNet-34 does a fifth of VGG-19's arithmetic with 34 layers against 19, and even
# ResNet-152 does less: VGG runs wide 3x3 convolutions on large maps (its first two layers
# alone, 64 channels at 224 x 224, cost about 1.9 G), while ResNet shrinks the image four
# times in its stem and keeps its 3x3 convolutions narrow (the bottleneck). GoogLeNet costs
# less than either. The same command compares any networks of the zoo:
#
#     minigrad summary vgg19 resnet34 googlenet --compare
#
# (params, MACs, FLOPs and the activation memory a training step keeps, side by side).

# %%
vgg_first_two = 224 * 224 * 64 * 3 * 9 + 224 * 224 * 64 * 64 * 9
assert 1.8e9 < vgg_first_two < 2.0e9
print(nn.compare_summaries({"resnet34": r34_224, "googlenet": googlenet_224}))

# %% [markdown]
# ## Exercises and what comes next
#
# - Count Inception v4's Reduction-A from its four numbers k, l, m, n (Table 1 of the
#   paper: 192, 224, 256, 384) and check it with `count(models.inception_v4().reduction_a)`.
# - Work out the MACs of VGG-19's first two layers by hand and find them in
#   `minigrad summary vgg19`.
# - Train the small GoogLeNet of section 4 with batch norm in its blocks
#   (`models.Inception(..., batch_norm=True)`) and no heads: does the first layer still
#   need them?
# - `minigrad train lenet --augment rotate,scale,brightness` trains LeNet-5 on digits
#   that are rotated, scaled and brightened differently at every epoch.

# %%
print("Lesson 12 done: every claim above was checked.")
