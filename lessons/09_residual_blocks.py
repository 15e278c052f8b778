# %% [markdown]
# # Lesson 9: Residual blocks
#
# **Vanishing gradients, identity and projection shortcuts, the bottleneck, a small ResNet.**
#
# Stack enough layers and a network stops learning: the gradient that reaches the first
# layers has been multiplied by so many small factors that nothing is left. ResNet (He,
# Zhang, Ren and Sun, 2015) fixed this with one addition, `y = F(x) + x`: each block
# learns only a correction to its input, and the `+ x` gives the gradient a road around
# every block. We measure the gradient layer by layer with and without that road, build the
# two kinds of shortcut and the bottleneck block, and train a small ResNet on digits.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, models, nn, optim, train
from minigrad.viz.plots import plot_history

out, quick = lessons.start(9)
mg.manual_seed(0)

# %% [markdown]
# ## 1. A deep plain network, and the same with shortcuts
#
# Two networks of the same depth: a 3x3 convolution from the image to 16 channels, then
# 20 blocks of two 3x3 convolutions (40 layers), global average pooling and a linear
# classifier. The only difference is one addition per block:
#
#     plain block:     y = relu(conv2(relu(conv1(x))))
#     residual block:  y = relu(conv2(relu(conv1(x))) + x)
#
# Both are built from the same seed, so they start with *identical* weights. We feed both
# the same batch of 8x8 digits, backpropagate the loss once, and measure the size (norm)
# of the gradient of every convolution's weight.


# %%
class PlainBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))


class ResidualBlock(PlainBlock):  # the same layers; forward adds the input back
    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))) + x)


def deep_net(block, n_blocks=20, channels=16):
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1),
        nn.ReLU(),
        *[block(channels) for _ in range(n_blocks)],
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(channels, 10),
    )


def conv_grad_norms(model):
    """The norm of each convolution's weight gradient, from the input side to the output."""
    return [
        float(np.linalg.norm(m.weight.grad.numpy()))
        for m in model.modules()
        if isinstance(m, nn.Conv2d)
    ]


train8, test8 = data.load_digits(size=8)
x8, y8 = train8.tensors
batch_x, batch_y = x8[:32], y8[:32]
nets, norms = {}, {}
for name, block in [("plain", PlainBlock), ("residual", ResidualBlock)]:
    mg.manual_seed(1)
    nets[name] = deep_net(block)
    F.cross_entropy(nets[name](batch_x), batch_y).backward()
    norms[name] = conv_grad_norms(nets[name])
assert all(
    np.array_equal(a.numpy(), b.numpy())
    for a, b in zip(nets["plain"].parameters(), nets["residual"].parameters())
)  # identical starting weights
n_layers = len(norms["plain"])
print(f"{n_layers} convolution layers; gradient norm of the weights:")
for name in ("plain", "residual"):
    g = norms[name]
    print(f"  {name:8s} first layer {g[0]:.1e}, layer 20 {g[19]:.1e}, last layer {g[-1]:.1e}")
ratio = norms["residual"][0] / norms["plain"][0]
print(f"at the first layer the residual network's gradient is {ratio:.0e} times larger")
assert norms["plain"][0] < 1e-3 * norms["plain"][-1]  # vanished on the way back
block_starts = norms["plain"][1:-1:2]  # the first convolution of each of the 20 blocks
shrinks = [a < b for a, b in zip(block_starts, block_starts[1:])]
factor = np.exp(np.median(np.diff(np.log(block_starts))))  # typical change per block
print(f"{sum(shrinks)} of {len(shrinks)} blocks shrink the gradient, typically {factor:.0f}x")
assert sum(shrinks) >= len(shrinks) - 2 and factor > 3  # nearly every block shrinks it
assert ratio > 1e3
assert norms["residual"][0] > 0.01 * norms["residual"][-1]  # still there

fig, ax = plt.subplots(figsize=(9, 4.2))
fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.93)  # by hand: cheaper
layers = np.arange(1, n_layers + 1)
ax.semilogy(layers, norms["plain"], "-o", markersize=3, color="#2962c4", label="plain")
ax.semilogy(layers, norms["residual"], "-o", markersize=3, color="#d9531e", label="residual (+ x)")
ax.set(
    xlabel="convolution layer (1 = next to the image, 41 = next to the classifier)",
    ylabel="norm of the weight gradient (log scale)",
    title="one backward pass, identical weights: the gradient vanishes without shortcuts",
)
ax.grid(alpha=0.3, which="both")
ax.legend()
lessons.save_figure(fig, out / "gradient_norms.png", trim=False)

# %% [markdown]
# Read the plot from right to left, the way the gradient travels. In the plain network
# every block multiplies the gradient by its two weight matrices and two ReLU masks, and
# with these (PyTorch-default) weights nearly every block shrinks it, several times over
# (the printed count and factor): after 20 blocks almost
# nothing reaches the first layers, so they cannot learn. In the residual network each
# block's output is `F(x) + x`, whose derivative is `dF/dx + 1`: the `+ 1` is a path
# around the block's convolutions, along which the gradient reaches the first layers
# without being multiplied by any weight.
#
# Better starting weights (He initialisation) or batch norm (lesson 8) keep a plain
# network's gradient alive at the start too. Even so, the ResNet paper found that deep
# plain networks with batch norm trained *worse* than shallower ones (higher training
# error, so not overfitting). With a shortcut, "change nothing" is the easy default for a
# block: all-zero weights give `F(x) = 0`, so `y = relu(x) = x` (its input already came
# out of a ReLU), and extra depth costs nothing. Without it, a stack of layers must learn
# even the identity.

# %%
idle = ResidualBlock(16)
for p in idle.parameters():
    nn.init.zeros_(p)
h = F.relu(mg.tensor(np.random.default_rng(2).normal(size=(2, 16, 8, 8)), dtype=mg.float32))
assert np.array_equal(idle(h).numpy(), h.numpy())  # a residual block at zero: the identity
assert not np.array_equal(PlainBlock.forward(idle, h).numpy(), h.numpy())  # plain: all zeros

# %% [markdown]
# ## 2. When the shape changes: the projection shortcut
#
# `F(x) + x` needs `F(x)` and `x` to have the same shape. A ResNet halves the image size
# and doubles the channels at the start of each stage (a stride-2 convolution), and then
# the two no longer fit: `(16, 16, 16)` against `(32, 8, 8)`.

# %%
x = mg.tensor(np.random.default_rng(0).normal(size=(2, 16, 16, 16)), dtype=mg.float32)
conv = nn.Conv2d(16, 32, 3, stride=2, padding=1)
with mg.no_grad():
    fx = conv(x)
try:
    fx + x
    raise AssertionError("the shapes should not add")
except ValueError as e:
    print(f"F(x) + x with F(x) {fx.shape} and x {x.shape}:\n  ValueError: {e}")

# %% [markdown]
# The fix is to transform the shortcut too, as cheaply as possible: a 1x1 convolution with
# the same stride (it reads every second pixel, and mixes 16 channels into 32), followed
# by batch norm. That is the *projection shortcut*; the paper's alternative (option A)
# subsamples and pads the missing channels with zeros, which costs no parameters.
#
# `models.BasicBlock(16, 32, stride=2)` is ResNet-18's block with it. Its parameters:
#
#     conv1  3x3, 16 -> 32, stride 2    9 * 16 * 32 = 4,608   (no bias: batch norm follows)
#     bn1    gamma and beta, 32 each    64
#     conv2  3x3, 32 -> 32              9 * 32 * 32 = 9,216
#     bn2                               64
#     downsample: 1x1, 16 -> 32, stride 2   16 * 32 = 512
#                 batch norm                        64
#                                         total    14,528

# %%
block = models.BasicBlock(16, 32, stride=2)
summary = nn.summary(block, (16, 16, 16))
rows = {row.name: row for row in summary.rows}
assert summary.output_shape == (1, 32, 8, 8)
assert rows["conv1"].output_shape == (1, 32, 8, 8) and rows["conv1"].num_params == 4_608
assert rows["conv2"].num_params == 9_216
assert rows["downsample.0"].output_shape == (1, 32, 8, 8) and rows["downsample.0"].num_params == 512
assert block.downsample[0].weight.shape == (32, 16, 1, 1) and block.downsample[0].stride == (2, 2)
assert summary.total_params == 4_608 + 64 + 9_216 + 64 + 512 + 64 == 14_528
assert models.BasicBlock(32, 32).downsample is None  # same shape: the identity, no parameters

# %% [markdown]
# The block's graph, with each layer drawn as one box and coloured by the size of its
# gradient: the main path (conv1, bn1, relu, conv2, bn2) and the shortcut (downsample)
# meet at the `add`, followed by the block's last ReLU (drawn as the `where` that computes
# it). Going backward, the `add` hands its gradient to both paths unchanged, and `x`
# receives the sum of what comes back along the two.

# %%
block.train()
xb = mg.tensor(
    np.random.default_rng(1).normal(size=(4, 16, 8, 8)), dtype=mg.float32, requires_grad=True
)
loss = block(xb).mean()
graph = mg.viz.draw(
    loss, "TB", modules=block, depth=1, color="grad", compute_grads=True, names={xb: "x"}
)
lessons.save_graph(graph, out / "projection_block_graph.png")

# %% [markdown]
# ## 3. The bottleneck block
#
# ResNet-50 and deeper use a cheaper block. Instead of two 3x3 convolutions at the full
# width, the *bottleneck* squeezes the channels with a 1x1 convolution, does the 3x3 work
# at a quarter of the width, and expands back with another 1x1:
#
#     basic:       3x3, 256 -> 256;  3x3, 256 -> 256
#     bottleneck:  1x1, 256 -> 64;   3x3, 64 -> 64;   1x1, 64 -> 256
#
# Same input, same output, same shortcut; let us count.

# %%
basic = models.BasicBlock(256, 256)
bottleneck = models.Bottleneck(256, 256)
s_basic = nn.summary(basic, (256, 14, 14), verbose=False)
s_bottle = nn.summary(bottleneck, (256, 14, 14))
n_basic = 2 * (9 * 256 * 256) + 2 * (2 * 256)
n_bottle = 256 * 64 + 2 * 64 + 9 * 64 * 64 + 2 * 64 + 64 * 256 + 2 * 256
print(f"basic block: {s_basic.total_params:,} parameters; bottleneck: {s_bottle.total_params:,}")
assert s_basic.total_params == n_basic == 1_180_672
assert s_bottle.total_params == n_bottle == 70_400
assert s_basic.output_shape == s_bottle.output_shape == (1, 256, 14, 14)
mults_basic = 2 * (9 * 256 * 256)  # multiplications per pixel, weights times inputs
mults_bottle = 256 * 64 + 9 * 64 * 64 + 64 * 256
assert round(n_basic / n_bottle) == round(mults_basic / mults_bottle) == 17

# %% [markdown]
# Seventeen times fewer parameters (and multiplications) for a block of the same shape,
# and three layers deep instead of two. That is how ResNet-50 has 50 layers and only
# about twice the parameters of ResNet-18 (lesson 10).
#
# ## 4. A small ResNet on the digits
#
# `models.resnet_small` is the paper's CIFAR-10 design scaled to our digits: one 3x3
# convolution, then three stages of basic blocks at 16, 32 and 64 channels, each later
# stage starting with a projection block that halves the size, then global average
# pooling and a linear layer. The first block of stage 2 is exactly the projection block
# of section 2 (16 -> 32 channels, stride 2, 14,528 parameters).

# %%
if quick:  # one block per stage, half the training digits at 16x16: a first look in seconds
    size, stages, epochs, batch_size = 16, (1, 1, 1), 3, 32
else:
    size, stages, epochs, batch_size = 20, (2, 2, 2), 8, 64  # 20x20: the claims of 32x32, faster
train_set, test_set = data.load_digits(size=size)
if quick:
    train_set = data.Subset(train_set, np.arange(0, len(train_set), 2))
mg.manual_seed(0)
resnet = models.resnet_small(layers=stages)
summary = nn.summary(resnet, (1, size, size), depth=1)
n_projections = sum(
    1 for m in resnet.modules() if isinstance(m, models.BasicBlock) and m.downsample
)
assert n_projections == 2  # at the start of stages 2 and 3
assert summary.output_shape == (1, 10)
assert sum(p.numel() for p in resnet.layer2[0].parameters()) == 14_528  # section 2's block
if stages == (2, 2, 2):
    assert summary.total_params == 174_970

test_loader = data.DataLoader(test_set, batch_size=256)
x_test, y_test = test_set.tensors


def with_batch_statistics(model):
    """Test accuracy using each batch norm's statistics of the test set itself (train mode),
    leaving the running statistics as they were."""
    saved = [b.numpy().copy() for b in model.buffers()]
    model.train()
    with mg.no_grad():
        correct = model(x_test).numpy().argmax(1) == y_test.numpy()
    for b, value in zip(model.buffers(), saved):
        b.numpy()[...] = value
    return float(correct.mean())


batch_stats_accuracy = {}  # epoch -> test accuracy with the test set's own statistics


def report(epoch, logs):
    print("  " + train.format_epoch(logs, epochs, val_name="test"))
    if epoch in (1, epochs):  # the two epochs the next section compares
        batch_stats_accuracy[epoch] = with_batch_statistics(resnet)


opt = optim.Adam(resnet.parameters(), lr=3e-3)
history = train.fit(
    resnet,
    data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=0),
    F.cross_entropy,
    opt,
    epochs,
    test_loader,
    [report],
    scheduler=optim.CosineAnnealingLR(opt, T_max=epochs),
)
lessons.save_figure(plot_history(history), out / "resnet_training.png")
accuracy = history["val_acc"][-1]
floor = 0.8 if quick else 0.95
print(
    f"small ResNet ({sum(isinstance(m, nn.Conv2d) for m in resnet.modules())} convolutions): "
    f"test accuracy {accuracy:.1%}"
)
assert accuracy >= floor, f"accuracy {accuracy:.1%} below {floor:.0%}"

# %% [markdown]
# Why is the test accuracy so low after the first epoch, when the training accuracy is
# already much higher? Batch norm (lesson 8): in eval mode each layer normalises with its running
# averages, and during the first epoch the weights change so fast that those averages,
# blended over many earlier steps, lag behind the network. Normalised with the test
# batch's own statistics instead, the same network after the same first epoch does far
# better; once the weights settle, the running averages catch up and the two agree to
# within a few points.

# %%
first, last = batch_stats_accuracy[1], batch_stats_accuracy[epochs]
print(
    f"after epoch 1: {history['val_acc'][0]:.1%} with the running statistics, {first:.1%} with "
    f"the test set's own; after the last epoch: {accuracy:.1%} and {last:.1%}"
)
assert history["train_acc"][0] > history["val_acc"][0] + 0.3  # training already far ahead
assert first > history["val_acc"][0] + 0.2
assert abs(last - accuracy) < 0.05

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `resblock-params`: count a ResNet basic block with a projection shortcut;
# - `residual-block`: build a residual block with a projection shortcut as an `nn.Module`.
#
# Next, lesson 10 lines up the architectures that led here and beyond (AlexNet, VGG,
# Network in Network, GoogLeNet, ResNet, DenseNet), what each one changed and why, and
# two ways to fight overfitting: dropout and data augmentation.

# %%
print("Lesson 9 done: every claim above was checked.")
