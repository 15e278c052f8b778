# %% [markdown]
# # Lesson 7: LeNet-5, step by step
#
# **Every layer's shape and parameters by formula, training on digits, and classic vs modern.**
#
# LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998) read the amounts on bank cheques. It
# is small enough to follow one layer at a time: we compute each layer's output shape and
# parameter count by hand, check both against `nn.summary`, train it on handwritten digits
# and look at what it learned. Then we build it exactly as the 1998 paper did (trainable
# subsampling, a sparse C3, radial basis functions at the output) and compare it with the
# simplified version everyone builds today, and we compare tanh and average pooling with
# the ReLU and max pooling that replaced them.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, models, nn, optim, train
from minigrad.viz.plots import (
    plot_confusion_matrix,
    plot_feature_maps,
    plot_filters,
    plot_history,
)

out, quick = lessons.start(7)
mg.manual_seed(0)

# %% [markdown]
# ## 1. The layers, by hand
#
# The paper names its layers by kind: C for convolution, S for subsampling (pooling), F
# for fully connected. The input is one 32x32 grey image.
#
# | layer  | what                            | output       |
# |--------|---------------------------------|--------------|
# | C1     | 6 filters, 5x5                  | 6 x 28 x 28  |
# | S2     | 2x2 pooling, stride 2           | 6 x 14 x 14  |
# | C3     | 16 filters, 5x5, over 6 maps    | 16 x 10 x 10 |
# | S4     | 2x2 pooling, stride 2           | 16 x 5 x 5   |
# | C5     | 120 filters, 5x5, over 16 maps  | 120 x 1 x 1  |
# | F6     | fully connected, 120 -> 84      | 84           |
# | output | fully connected, 84 -> 10       | 10           |
#
# Two formulas from lesson 5 give every number. The output width of a convolution or
# pooling is `(W - F + 2P) / S + 1`; a convolution has `F * F * C_in * C_out + C_out`
# parameters, a fully connected layer `n_in * n_out + n_out`, a pooling layer none.
#
# C5 is worth a second look: its 5x5 kernel covers the whole 5x5 map that S4 leaves, so
# each of its 120 outputs sees the entire map. It is a fully connected layer written as a
# convolution (lesson 5), and it is the reason LeNet-5 needs exactly 32x32 inputs.
#
# This table is the LeNet-5 most courses and libraries build (`models.LeNet5()`): every
# layer a plain convolution, pooling or linear layer. The paper's own network differs in
# S2, C3, S4 and the output layer; section 4 builds it and counts again.


# %%
def out_size(w, f, p=0, s=1):
    return (w - f + 2 * p) // s + 1


def conv_params(f, c_in, c_out):
    return f * f * c_in * c_out + c_out


def linear_params(n_in, n_out):
    return n_in * n_out + n_out


by_hand = {  # layer name in minigrad's LeNet5: (output shape, parameters), from the formulas
    "features.c1": ((6, out_size(32, 5), out_size(32, 5)), conv_params(5, 1, 6)),
    "features.s2": ((6, out_size(28, 2, s=2), out_size(28, 2, s=2)), 0),
    "features.c3": ((16, out_size(14, 5), out_size(14, 5)), conv_params(5, 6, 16)),
    "features.s4": ((16, out_size(10, 2, s=2), out_size(10, 2, s=2)), 0),
    "features.c5": ((120, out_size(5, 5), out_size(5, 5)), conv_params(5, 16, 120)),
    "classifier.f6": ((84,), linear_params(120, 84)),
    "classifier.output": ((10,), linear_params(84, 10)),
}
total_by_hand = sum(n for _, n in by_hand.values())
print(f"{'layer':18s} {'output':>14s} {'parameters':>11s}   (by hand)")
for name, (shape, n) in by_hand.items():
    print(f"{name:18s} {str(shape):>14s} {n:>11,}")
print(f"{'total':18s} {'':>14s} {total_by_hand:>11,}")
assert [n for _, n in by_hand.values()] == [156, 0, 2_416, 0, 48_120, 10_164, 850]
assert total_by_hand == 61_706

# %% [markdown]
# Now the same numbers measured: `nn.summary` runs one image through the model and records
# what every layer produced and how many parameters it owns.

# %%
model = models.LeNet5()  # today's simplified LeNet-5, with tanh and average pooling
summary = nn.summary(model, (1, 32, 32))
rows = {row.name: row for row in summary.rows}
for name, (shape, n) in by_hand.items():
    assert rows[name].output_shape == (1, *shape), (name, rows[name].output_shape, shape)
    assert rows[name].num_params == n, (name, rows[name].num_params, n)
assert summary.total_params == total_by_hand == 61_706
print("every output shape and parameter count above matches the formulas")
try:  # C5 needs S4's maps to be exactly 5x5, so other image sizes are refused
    model(mg.zeros(1, 1, 28, 28))
    raise AssertionError("LeNet-5 should refuse 28x28 images")
except ValueError as e:
    print(f"a 28x28 image: ValueError: {str(e)[:75]}...")

# %% [markdown]
# Where do the parameters sit? C5 alone holds 78% of them (a fully connected layer in
# disguise), while C1, which looks at every pixel of every image, has only 156. The
# *arithmetic* is spread the other way: a convolution reuses its weights at every
# position, so its cost is its weights times the number of positions. C1's 150 weights at
# 28 x 28 positions make more multiplications than C5's 48,000 weights at one position.

# %%
positions = {"features.c1": 28 * 28, "features.c3": 10 * 10, "features.c5": 1}
mults = {name: (n - shape[0]) * positions.get(name, 1) for name, (shape, n) in by_hand.items()}
for name in ("features.c1", "features.c3", "features.c5", "classifier.f6"):
    print(
        f"  {name:15s} {by_hand[name][1] / total_by_hand:6.1%} of the parameters, "
        f"{mults[name] / sum(mults.values()):6.1%} of the multiplications"
    )
assert round(100 * by_hand["features.c5"][1] / total_by_hand) == 78
assert by_hand["features.c1"][1] / total_by_hand < 0.01
assert mults["features.c1"] > 2 * mults["features.c5"]  # 117,600 against 48,000

# %% [markdown]
# ## 2. Training on handwritten digits
#
# The data is scikit-learn's 1,797 digits, 8x8 pixels each, upsampled to LeNet's 32x32
# (`data.load_digits`): 1,438 for training, 359 held out to test. `train.fit` runs the
# loop of lesson 4 (zero the gradients, forward, loss, backward, step) over shuffled
# batches and measures the held-out set after each epoch.

# %%
train_set, test_set = data.load_digits()
assert (len(train_set), len(test_set)) == (1_438, 359)
if quick:  # a third of the training images, a few epochs: a first look in seconds
    train_set = data.Subset(train_set, np.arange(0, len(train_set), 3))
epochs = 4 if quick else 15
print(f"{len(train_set)} training images, {len(test_set)} test images, {epochs} epochs")
test_loader = data.DataLoader(test_set, batch_size=256)


def show_epoch(epoch, logs):
    print("  " + train.format_epoch(logs, epochs, val_name="test"))


def train_lenet(model, seed, lr=3e-3):
    """Adam for `epochs` epochs; the learning rate decays along a cosine to 0 at the end."""
    opt = optim.Adam(model.parameters(), lr=lr)
    loader = data.DataLoader(train_set, batch_size=32, shuffle=True, seed=seed)
    schedule = optim.CosineAnnealingLR(opt, T_max=epochs)
    return train.fit(
        model, loader, F.cross_entropy, opt, epochs, test_loader, [show_epoch], scheduler=schedule
    )


print("LeNet-5 (tanh, average pooling):")
history_classic = train_lenet(model, seed=0)
lessons.save_figure(plot_history(history_classic), out / "training_curves.png")
accuracy_classic = history_classic["val_acc"][-1]  # measured after the last epoch
print(f"test accuracy: {accuracy_classic:.1%}")
floor = 0.80 if quick else 0.95
assert accuracy_classic >= floor, f"accuracy {accuracy_classic:.1%} below {floor:.0%}"
assert history_classic["train_loss"][-1] < history_classic["train_loss"][0]

# %% [markdown]
# ## 3. What the network learned
#
# The six 5x5 filters of C1, after training. Each is a small pattern the layer looks for
# everywhere in the image: red where the filter wants ink, blue where it wants none.

# %%
lessons.save_figure(plot_filters(model.features.c1.weight), out / "c1_filters.png")
assert model.features.c1.weight.shape == (6, 1, 5, 5)

# %% [markdown]
# The *feature maps* are what those filters make of one image: each C1 map is the image
# seen through one filter (bright where the pattern is found). C3 combines the six maps
# (pooled by S2) into 16 maps of 10x10, coarser and more abstract; the picture shows the
# first 8 of them. (C5's maps are 1x1, one number each, so they are not drawn.)

# %%
x_test, y_test = test_set.tensors
example = x_test[:1]
lessons.save_figure(plot_feature_maps(model, example), out / "feature_maps.png")
with mg.no_grad():
    model.eval()
    c1_maps = model.features.c1(example)
# a feature map is the convolution of the image with one filter, plus its bias
by_conv = F.conv2d(example, model.features.c1.weight[2:3], model.features.c1.bias[2:3])
assert np.allclose(c1_maps.numpy()[0, 2], by_conv.numpy()[0, 0], atol=1e-5)

# %% [markdown]
# The confusion matrix counts, for each true digit (row), what the network answered
# (column). The diagonal holds the right answers; every other number is a mistake, and
# where it sits says which digits look alike to the network.

# %%
y_true, y_pred = train.predict(model, test_loader)
lessons.save_figure(plot_confusion_matrix(y_true, y_pred), out / "confusion_matrix.png")
matrix = np.zeros((10, 10), dtype=int)
np.add.at(matrix, (y_true, y_pred), 1)
assert matrix.sum() == len(test_set)
assert np.isclose(np.trace(matrix) / matrix.sum(), accuracy_classic)
off = matrix - np.diag(np.diag(matrix))
worst = np.unravel_index(off.argmax(), off.shape)
true_digit, read_as = (f"{'an' if d == 8 else 'a'} {d}" for d in worst)
print(f"{off.sum()} mistakes; the most frequent: {off[worst]} x {true_digit} read as {read_as}")
assert off.sum() == len(test_set) - np.trace(matrix)

# %% [markdown]
# One step of the trained network on eight test digits, as a page to click through
# (`minigrad graph lenet --html out/lenet.html` writes one for an untrained network): every
# layer framed, composite ops closed until clicked, C1's weight gradient as six 5x5
# heatmaps, and a backward stepper that walks from the loss to C1 in the engine's order.

# %%
loss = F.cross_entropy(model(x_test[:8]), y_test[:8])
lessons.save_page(loss, out / "lenet_step.html", modules=model)

# %% [markdown]
# ## 4. The network of the 1998 paper
#
# The LeNet-5 above is how the network is usually rebuilt today. The paper's own differs
# in four places, all of which `models.LeNet5(variant="1998")` follows:
#
# - **S2 and S4 learn.** Each subsampling unit adds its 2x2 window, multiplies the sum by
#   a coefficient and adds a bias, both learned, one pair per map; then the squashing
#   function. 2 parameters per map: 12 in S2, 32 in S4, where plain pooling has none.
# - **C3 is sparse.** Each of the 16 C3 maps reads only some of the 6 S2 maps, by a fixed
#   table: maps 0-5 read three neighbouring maps, 6-11 four neighbouring ones, 12-14 four
#   that are not all neighbours, 15 all six. That is 60 kernels instead of 96: 60 * 25 + 16
#   = 1,516 parameters, not 2,416. The paper's reasons: fewer connections, and maps that
#   see different inputs are pushed to learn different features.
# - **The squashing function** is a scaled tanh, `1.7159 tanh(2x / 3)`, which maps 1 to 1
#   and -1 to -1.
# - **The output layer** is made of radial basis functions: F6's 84 outputs are compared
#   with a fixed 7x12 bitmap (84 pixels of +1 or -1) per digit, and the score of digit `k`
#   is minus the squared distance to its bitmap. The bitmaps are not learned, so the layer
#   has no parameters: F6 learns to draw the digit's bitmap.
#
# The paper counts 60,000 trainable parameters. By the formulas:

# %%
paper = models.LeNet5(variant="1998")
c3_table = paper.features.c3.table
by_hand_1998 = {
    "features.c1": conv_params(5, 1, 6),
    "features.s2": 2 * 6,  # a coefficient and a bias per map
    "features.c3": sum(len(maps) * 5 * 5 for maps in c3_table) + 16,
    "features.s4": 2 * 16,
    "features.c5": conv_params(5, 16, 120),
    "classifier.f6": linear_params(120, 84),
    "classifier.output": 0,  # fixed prototypes: a buffer, not parameters
}
summary_1998 = nn.summary(paper, (1, 32, 32), verbose=False)
rows_1998 = {row.name: row for row in summary_1998.rows}
print(f"{'layer':18s} {'today':>8s} {'1998':>8s}")
for name, n in by_hand_1998.items():
    assert rows_1998[name].num_params == n, (name, rows_1998[name].num_params, n)
    assert rows_1998[name].output_shape == rows[name].output_shape  # the same shapes
    print(f"{name:18s} {by_hand[name][1]:>8,} {n:>8,}")
print(f"{'total':18s} {total_by_hand:>8,} {summary_1998.total_params:>8,}")
assert [by_hand_1998[k] for k in ("features.s2", "features.c3", "features.s4")] == [12, 1_516, 32]
assert summary_1998.total_params == sum(by_hand_1998.values()) == 60_000
assert paper.classifier.output.centres.shape == (10, 84)  # the bitmaps: 840 fixed numbers

# %% [markdown]
# The picture shows both: C3's connection table as the model holds it (a dark square
# where C3's map reads S2's map, read off the weights the convolution uses: zero kernels
# where there is no connection), and the ten bitmaps the output layer compares with.

# %%
dense = paper.features.c3.dense_weight().numpy()  # (16, 6, 5, 5), zeros where not connected
connected = np.abs(dense).sum(axis=(2, 3)) > 0
assert all(set(np.flatnonzero(connected[k])) == set(maps) for k, maps in enumerate(c3_table))
bitmaps = paper.classifier.output.centres.numpy().reshape(10, 12, 7)
fig, (ax, ax_bits) = plt.subplots(1, 2, figsize=(12, 3.6), width_ratios=[1.1, 1])
fig.subplots_adjust(left=0.05, right=0.99, bottom=0.13, top=0.91, wspace=0.08)  # by hand: cheaper
ax.imshow(connected.T, cmap="Greys", vmin=0, vmax=1.4)
ax.set(
    xticks=range(16), yticks=range(6), xlabel="C3 map", ylabel="S2 map",
    title=f"C3's connections: {connected.sum()} of 96",
)  # fmt: skip
# the ten bitmaps as one picture: two rows of five, blank (NaN) around each; -1 is light grey,
# so that each bitmap's 7 x 12 frame shows
mosaic = np.full((2 * 14, 5 * 8 - 1), np.nan)
for k in range(10):
    row, col = divmod(k, 5)
    mosaic[14 * row + 2 : 14 * row + 14, 8 * col : 8 * col + 7] = bitmaps[k]
    ax_bits.text(8 * col + 3, 14 * row + 0.9, str(k), ha="center", va="center")
ax_bits.imshow(mosaic, cmap=plt.get_cmap("Greys").with_extremes(bad="white"), vmin=-1.25, vmax=1)
ax_bits.set_title("the output layer's prototypes, 7 x 12 each")
ax_bits.axis("off")
lessons.save_figure(fig, out / "lenet_1998_c3_and_rbf.png", trim=False)
assert connected.sum() == 60

# %% [markdown]
# Now train it on the same digits for the same epochs, with Adam at a learning rate of
# 1e-3 (section 2 used 3e-3), and compare with section 2's result.

# %%
mg.manual_seed(0)
paper = models.LeNet5(variant="1998")
print("LeNet-5 as in 1998 (scaled tanh, trainable subsampling, sparse C3, RBF output):")
history_1998 = train_lenet(paper, seed=0, lr=1e-3)
accuracy_1998 = history_1998["val_acc"][-1]
print(f"test accuracy: as in 1998 {accuracy_1998:.1%}, today's LeNet-5 {accuracy_classic:.1%}")
floor_1998 = 0.7 if quick else 0.93
assert accuracy_1998 >= floor_1998, f"accuracy {accuracy_1998:.1%} below {floor_1998:.0%}"
assert history_1998["train_loss"][-1] < history_1998["train_loss"][0]

# %% [markdown]
# Both learn to read the digits, and the simplified network does at least as well here.
# The simplifications make LeNet-5 a stack of standard layers, which is why they stuck:
# the sparse C3 saved computation on 1998's computers, plain pooling has nothing to
# learn, and a linear output read by cross-entropy learns its own direction for each
# class instead of being handed a fixed bitmap.

# %%
assert accuracy_classic >= accuracy_1998

# %% [markdown]
# ## 5. tanh and average pooling, or ReLU and max pooling
#
# Two things changed in the fourteen years between LeNet-5 and AlexNet (lesson 10), and
# every CNN since uses them:
#
# - **ReLU instead of tanh.** `tanh` flattens out for large inputs, where its derivative is
#   almost 0, and the gradient shrinks every time it passes through one (lesson 9 shows
#   how far that goes). ReLU's derivative is exactly 1 for every positive input.
# - **Max pooling instead of averaging.** Keep the strongest response in each window
#   rather than blurring it with its neighbours: a pattern found anywhere in the window
#   counts fully.
#
# `models.LeNet5(activation="relu", pool="max")` is the same network with both changes:
# the same layers, the same 61,706 parameters. We train it the same way, from the same
# starting seed.

# %%
mg.manual_seed(0)
modern = models.LeNet5(activation="relu", pool="max")
assert sum(p.numel() for p in modern.parameters()) == 61_706
print("LeNet-5 with ReLU and max pooling:")
history_modern = train_lenet(modern, seed=0)
accuracy_modern = history_modern["val_acc"][-1]
print(
    f"test accuracy: tanh and average pooling {accuracy_classic:.1%}, "
    f"ReLU and max pooling {accuracy_modern:.1%}"
)
assert accuracy_modern >= floor, f"accuracy {accuracy_modern:.1%} below {floor:.0%}"

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
fig.subplots_adjust(left=0.07, right=0.99, bottom=0.12, top=0.86, wspace=0.2)  # by hand: cheaper
for history, name, colour in [
    (history_classic, "tanh, average pooling", "#2962c4"),
    (history_modern, "ReLU, max pooling", "#d9531e"),
]:
    ax_loss.plot(history["epoch"], history["train_loss"], "-o", color=colour, label=name)
    ax_acc.plot(history["epoch"], history["val_acc"], "-o", color=colour, label=name)
ax_loss.set(xlabel="epoch", ylabel="training loss", title="training loss")
ax_acc.set(xlabel="epoch", ylabel="test accuracy", title="accuracy on the 359 test digits")
ax_acc.axhline(floor, color="grey", linestyle=":", label=f"floor asserted ({floor:.0%})")
for ax in (ax_loss, ax_acc):
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()
fig.suptitle("the same LeNet-5 with tanh and average pooling, and with ReLU and max pooling")
lessons.save_figure(fig, out / "tanh_vs_relu.png", trim=False)

# %% [markdown]
# On a problem this small both recipes reach high accuracy, within a few points of each
# other: at five layers deep, tanh's shrinking gradient does not yet hurt. The difference
# matters in deep networks, where the gradient passes through dozens of activations
# (lessons 8 and 9). What does differ at once is the activations themselves: after ReLU
# a large share of them is exactly 0 (how large depends on the run: a fifth to two
# thirds), after tanh almost none.

# %%
with mg.no_grad():
    modern.eval()
    zeros_relu = float((modern.features[:2](x_test).numpy() == 0).mean())
    zeros_tanh = float((model.features[:2](x_test).numpy() == 0).mean())
print(f"C1 outputs exactly 0: ReLU {zeros_relu:.0%}, tanh {zeros_tanh:.0%}")
assert abs(accuracy_modern - accuracy_classic) < 0.06
assert 0.2 < zeros_relu < 0.67 and zeros_tanh < 0.01

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `lenet-counts`: LeNet-5's parameters, layer by layer (61,706);
# - `lenet-shapes`: LeNet-5's output shape after every layer;
# - `bug-zero-grad`: find the bug in a CNN training loop whose loss misbehaves;
# - `overfit-batch`: overfit one tiny batch, the sanity check to run before any long
#   training (the debugging track).
#
# Next, lesson 8 adds batch normalization, which keeps every layer's inputs on a steady
# scale so that much deeper networks train.

# %%
print("Lesson 7 done: every claim above was checked.")
