# %% [markdown]
# # Lesson 6: Pooling
#
# **Max pooling routes the gradient, average pooling spreads it, and global average pooling.**
#
# We see that max pooling routes each window's gradient to the one pixel that won, that
# average pooling spreads it evenly, and that global average pooling can replace a
# network's whole fully connected classifier, as Network in Network and GoogLeNet did.
#
# Like convolution, pooling has no backward pass of its own: `F.max_pool2d` is unfold
# followed by a maximum over each window, `F.avg_pool2d` unfold followed by a mean (or,
# when the windows tile the image exactly, a reshape instead of the unfold: section 3).

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from sklearn.datasets import load_digits

import minigrad as mg
import minigrad.functional as F
from minigrad import lessons, nn, optim

out, quick = lessons.start(6)
rng = mg.manual_seed(0)

# %% [markdown]
# ## 1. Max pooling routes the gradient, average pooling spreads it
#
# A 2x2 pooling with stride 2 cuts a 4x4 map into four windows and keeps one number per
# window: the largest (max pooling) or the mean (average pooling).
#
# Going backward, suppose the loss's gradient with respect to the four outputs is
# `G = [[1, 2], [3, 4]]`.
#
# - **Max**: the output *is* one of the window's pixels, so only that pixel affects it.
#   The winner gets the whole gradient of its window; the other three get 0.
# - **Average**: each of the four pixels contributes a quarter of the output, so each
#   gets a quarter of the gradient.

# %%
x = mg.tensor(
    [[3.0, 1.0, 0.0, 2.0], [4.0, 2.0, 5.0, 1.0], [1.0, 0.0, 2.0, 3.0], [2.0, 6.0, 1.0, 4.0]],
    requires_grad=True,
)
G = mg.tensor([[1.0, 2.0], [3.0, 4.0]])

y_max = F.max_pool2d(x.reshape(1, 1, 4, 4), 2)
(y_max.reshape(2, 2) * G).sum().backward()
grad_max = x.grad.numpy().copy()
x.grad = None
y_avg = F.avg_pool2d(x.reshape(1, 1, 4, 4), 2)
(y_avg.reshape(2, 2) * G).sum().backward()
grad_avg = x.grad.numpy().copy()

print("max pool:", y_max.numpy()[0, 0].tolist(), " average pool:", y_avg.numpy()[0, 0].tolist())
assert y_max.numpy()[0, 0].tolist() == [[4.0, 5.0], [6.0, 4.0]]
expected_max = np.zeros((4, 4))
expected_max[1, 0], expected_max[1, 2], expected_max[3, 1], expected_max[3, 3] = 1, 2, 3, 4
assert np.array_equal(grad_max, expected_max)  # the whole gradient to each window's winner
assert np.array_equal(grad_avg, np.kron(G.numpy(), np.ones((2, 2))) / 4)  # a quarter each
assert grad_max.sum() == grad_avg.sum() == G.numpy().sum()  # neither creates or loses any


def show_grid(ax, a, title, highlight=None, cmap="Blues"):
    ax.imshow(a, cmap=cmap, vmin=min(0, a.min()), vmax=a.max() * 1.3 or 1)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
        if highlight is not None and highlight[i, j]:
            ax.add_patch(
                Rectangle(
                    (j - 0.42, i - 0.42), 0.84, 0.84, fill=False, edgecolor="#c0392b", linewidth=2.5
                )
            )
    if a.shape[0] == 4:  # the window borders
        for k in (1.5,):
            ax.axhline(k, color="k", linewidth=2)
            ax.axvline(k, color="k", linewidth=2)
    ax.set(title=title, xticks=[], yticks=[])


winners = expected_max > 0
fig, axes = plt.subplots(2, 4, figsize=(12, 6))
fig.subplots_adjust(left=0.01, right=0.99, top=0.88, bottom=0.01, wspace=0.1, hspace=0.15)
show_grid(axes[0, 0], x.numpy(), "input x (window maxima boxed)", winners)
show_grid(axes[0, 1], y_max.numpy()[0, 0], "max_pool2d(x, 2)")
show_grid(axes[0, 2], G.numpy(), "gradient arriving, G", cmap="Oranges")
show_grid(axes[0, 3], grad_max, "gradient of x: routed", winners, cmap="Oranges")
show_grid(axes[1, 0], x.numpy(), "input x")
show_grid(axes[1, 1], y_avg.numpy()[0, 0], "avg_pool2d(x, 2)")
show_grid(axes[1, 2], G.numpy(), "gradient arriving, G", cmap="Oranges")
show_grid(axes[1, 3], grad_avg, "gradient of x: spread", cmap="Oranges")
fig.suptitle(
    "max pooling (top) sends each window's gradient to its largest pixel; "
    "average pooling (bottom) shares it"
)
lessons.save_figure(fig, out / "pooling_gradients.png", trim=False)  # placed by hand to fit

# %% [markdown]
# Two consequences. At each training step, the layers below a max pooling layer get a
# gradient only through the winning pixel of each window; the others get exactly 0. And
# the output does not change when a losing pixel changes a little (that zero gradient
# says so), which is part of why max pooling tolerates small changes in its input.
#
# ## 2. Overlapping windows add up
#
# AlexNet used 3x3 windows with stride 2, so neighbouring windows share a row or column.
# A pixel that wins several windows receives the gradient of each, added together
# (lesson 1 again: a value used several times). Here the centre pixel of a 5x5 map is the
# largest, and it lies in all four windows.

# %%
x5 = mg.tensor(rng.uniform(0, 1, size=(1, 1, 5, 5)), dtype=mg.float32, requires_grad=True)
x5.numpy()[0, 0, 2, 2] = 10.0  # change the numbers, not the graph
y5 = F.max_pool2d(x5, 3, stride=2)
G5 = mg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
(y5 * G5).sum().backward()
print(
    f"3x3 windows, stride 2: output {tuple(y5.shape)}; the centre pixel's gradient is "
    f"{x5.grad.numpy()[0, 0, 2, 2]} = 1 + 2 + 3 + 4"
)
assert (y5.numpy() == 10.0).all()
assert x5.grad.numpy()[0, 0, 2, 2] == 10.0 and x5.grad.numpy().sum() == 10.0

# %% [markdown]
# What if two pixels tie for the maximum? Then the maximum does not have a single
# derivative, and a convention decides. `F.max_pool2d` follows PyTorch: the whole window's
# gradient goes to the first maximal pixel in reading order. (`x.amax(dim)` and `x.max()`
# share it equally among the tied elements instead, also as PyTorch does.) Either way the
# total is kept; ties are common after a ReLU (windows of zeros).

# %%
tie = mg.tensor(np.ones((1, 1, 2, 2)), dtype=mg.float32, requires_grad=True)
F.max_pool2d(tie, 2).sum().backward()
assert np.array_equal(tie.grad.numpy(), [[[[1.0, 0.0], [0.0, 0.0]]]])
shared = mg.tensor(np.ones((2, 2)), requires_grad=True)
shared.amax().backward()
assert np.allclose(shared.grad.numpy(), 0.25)

# %% [markdown]
# ## 3. Pooling is unfold and a reduction
#
# `F.max_pool2d` takes the windows with `F.unfold` (lesson 5) and a maximum over each one;
# `F.avg_pool2d` takes a mean. The engine differentiates the maximum (to the arg-max) and
# the mean (spread evenly), and unfold's backward (fold) puts the pieces back where they
# came from. The expanded graph of section 2's pooling, 3x3 windows with stride 2 on the
# 5x5 map, shows the steps, with data and gradients: `unfold` makes one column of 9 pixels
# per window, `reshape` lines the columns up per channel, `amax` keeps each column's largest,
# and a last `reshape` lays the maxima out as the 2x2 output. Going back, each window's
# gradient of 1 reaches its maximum, so the centre pixel, the maximum of all four windows,
# collects 4 (the largest gradient of `x` in the picture).

# %%
x5.grad = None  # forget section 2's gradient: the picture shows this loss's only
with mg.autograd.retain_grads():
    loss = F.max_pool2d(x5, 3, stride=2).sum()
    loss.backward()
lessons.save_graph(
    mg.viz.draw(loss, expand={"max_pool2d"}, show="both", names={x5: "x"}),
    out / "max_pool2d_expanded.png",
)


def ops_in(root, composite):
    """The names of the primitives a composite op was made of, in the order they ran."""
    return [
        t.grad_fn.name().lower()
        for t in mg.autograd.topological_order(root)
        if t.grad_fn is not None and any(f.name == composite for f in t.grad_fn.scope)
    ]


assert ops_in(loss, "max_pool2d") == ["unfold", "reshape", "amax", "reshape"]
assert x5.grad.numpy()[0, 0, 2, 2] == 4.0 == x5.grad.numpy().max()
print("3x3 windows, stride 2:", " -> ".join(ops_in(loss, "max_pool2d")))

# %% [markdown]
# The 2x2 pooling with stride 2 of section 1 takes a shortcut. Its windows do not overlap,
# leave no gap and need no padding: they *tile* the map. Then the windows are already in
# the image's memory, side by side, and a `reshape` to `(N, C, 2, 2, 2, 2)` (rows of
# windows, row in the window, columns of windows, column in the window) exposes them with
# no copy; `amax` over the two in-window axes finishes the job, and its gradient goes
# straight back through the reshape, with no fold. The result is the same (checked below
# against numpy's own reshape), only cheaper: LeNet-5 and most CNNs pool 2x2 with stride 2,
# so their pictures show `reshape -> amax` and no `unfold`.

# %%
xg = mg.tensor(rng.permutation(16).reshape(1, 1, 4, 4).astype(np.float32), requires_grad=True)
with mg.autograd.retain_grads():
    loss = F.max_pool2d(xg, 2).sum()
    loss.backward()
lessons.save_graph(
    mg.viz.draw(loss, expand={"max_pool2d"}, show="both", names={xg: "x"}),
    out / "max_pool2d_tiles_expanded.png",
)
assert ops_in(loss, "max_pool2d") == ["reshape", "amax"]
print("2x2 windows, stride 2 (they tile the map):", " -> ".join(ops_in(loss, "max_pool2d")))
reference = xg.numpy().reshape(1, 1, 2, 2, 2, 2).max(axis=(3, 5))  # windows by reshaping
assert np.array_equal(F.max_pool2d(xg, 2).numpy(), reference)
# the general route, written out: unfold, the maximum of each column, reshape
xg_general = xg.detach().requires_grad_()
by_unfold = F.unfold(xg_general, 2, stride=2).amax(1).reshape(1, 1, 2, 2)
by_unfold.sum().backward()
assert np.array_equal(by_unfold.numpy(), reference)
assert np.array_equal(xg_general.grad.numpy(), xg.grad.numpy())  # the same gradient too
# gradcheck, in float64 on distinct values (at a tie the maximum has no single derivative)
distinct = rng.permutation(2 * 3 * 7 * 7).reshape(2, 3, 7, 7) / 10.0  # no ties
# finite differences cost two passes per number: quick mode checks the first image only
xd = mg.tensor(distinct[:1] if quick else distinct, dtype=mg.float64, requires_grad=True)
assert mg.gradcheck(lambda t: F.max_pool2d(t, 3, stride=2, padding=1), [xd], eps=1e-4)
assert mg.gradcheck(lambda t: F.avg_pool2d(t, 3, stride=2, padding=1), [xd])
x6 = mg.tensor(xd.numpy()[:, :, :6, :6], dtype=mg.float64, requires_grad=True)
assert mg.gradcheck(lambda t: F.max_pool2d(t, 2), [x6], eps=1e-4)  # the shortcut
print("gradcheck passes for max_pool2d (both routes) and avg_pool2d")

# %% [markdown]
# ## 4. Sizes and parameters
#
# A pooling layer's output size follows lesson 5's formula, `(W - F + 2P) / S + 1`, and it
# has no parameters at all: it only selects or averages. LeNet-5's S2 halves 28x28 maps
# to 14x14; AlexNet's overlapping 3x3/2 pooling takes 55x55 to 27x27. The division rounds
# down, as for convolutions: a 3x3/2 pool takes 56x56 maps to 27x27 (not 27.5), unless
# `ceil_mode=True` asks it to round up (28x28), as GoogLeNet's pools do.

# %%
for name, size, f, s in [("LeNet-5 S2", 28, 2, 2), ("AlexNet pool1", 55, 3, 2)]:
    pool = nn.MaxPool2d(f, stride=s)
    with mg.no_grad():
        shape = pool(mg.zeros(1, 1, size, size)).shape
    expected = (size - f) // s + 1
    print(
        f"  {name}: {size} -> {shape[-1]} (formula {expected}); parameters: {len(list(pool.parameters()))}"
    )
    assert shape[-1] == expected and list(pool.parameters()) == []
with mg.no_grad():
    floor_side = nn.MaxPool2d(3, stride=2)(mg.zeros(1, 1, 56, 56)).shape[-1]
    ceil_side = nn.MaxPool2d(3, stride=2, ceil_mode=True)(mg.zeros(1, 1, 56, 56)).shape[-1]
print(f"  a 3x3/2 pool of 56x56 maps: {floor_side} (rounded down), {ceil_side} with ceil_mode")
assert (56 - 3) / 2 + 1 == 27.5 and (floor_side, ceil_side) == (27, 28)

# %% [markdown]
# Pooling is often said to make a network *translation invariant*. It tolerates only
# shifts smaller than its window: after a 2x2 max pool, the maps of a digit moved right by
# 1 pixel still match the original's almost exactly, those of a digit moved by 8 pixels not
# at all (lesson 10 measures what training on shifted digits adds).

# %%
from minigrad.data import load_digits as load_digits_32  # noqa: E402

digits_32 = load_digits_32(size=32)[0].tensors[0].numpy()[:200]


def moved_right(images, d):
    shifted = np.zeros_like(images)
    shifted[..., d:] = images[..., : images.shape[-1] - d]
    return shifted


def mean_correlation(a, b):
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    a, b = a - a.mean(1, keepdims=True), b - b.mean(1, keepdims=True)
    return float(((a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))).mean())


pooled = F.max_pool2d(mg.tensor(digits_32), 2).numpy()
match = {}
for d in (1, 2, 4, 8):
    pooled_moved = F.max_pool2d(mg.tensor(moved_right(digits_32, d)), 2).numpy()
    match[d] = mean_correlation(pooled, pooled_moved)
    print(f"  moved {d} px: pooled maps correlate {match[d]:.2f} with the original's")
assert match[1] > 0.9 and match[8] < 0.2 and match[1] > match[2] > match[4] > match[8]

# %% [markdown]
# ## 5. Global average pooling replaces the classifier
#
# Classic CNNs end with fully connected layers on the flattened feature maps. They hold
# most of the parameters. VGG-16's classifier (`7 * 7 * 512 -> 4096 -> 4096 -> 1000`):


# %%
def linear_params(n_in, n_out):
    return n_in * n_out + n_out


small = nn.Linear(12, 5)  # the formula, checked on a layer we can afford to build
assert sum(p.numel() for p in small.parameters()) == linear_params(12, 5)
vgg_head = linear_params(7 * 7 * 512, 4096) + linear_params(4096, 4096) + linear_params(4096, 1000)
googlenet_head = linear_params(1024, 1000)
print(
    f"VGG-16 classifier: {vgg_head:,} parameters; GoogLeNet after global average pooling: "
    f"{googlenet_head:,}"
)
assert vgg_head == 123_642_856 and googlenet_head == 1_025_000

# %% [markdown]
# *Global average pooling* (GAP) averages each channel's whole map to one number:
# `(N, C, H, W) -> (N, C, 1, 1)`. It is `F.adaptive_avg_pool2d(x, 1)`, which is
# `x.mean((2, 3))`; its gradient gives every pixel `1 / (H * W)` of its channel's gradient.
# It has no parameters, and it accepts maps of any size.

# %%
feat = mg.tensor(rng.normal(size=(2, 3, 5, 7)), dtype=mg.float32, requires_grad=True)
gap = F.adaptive_avg_pool2d(feat, 1)
assert gap.shape == (2, 3, 1, 1)
assert np.allclose(gap.numpy()[:, :, 0, 0], feat.numpy().mean(axis=(2, 3)), atol=1e-6)
gap.sum().backward()
assert np.allclose(feat.grad.numpy(), 1 / (5 * 7))
assert F.adaptive_avg_pool2d(mg.zeros(2, 3, 11, 4), 1).shape == (2, 3, 1, 1)

# %% [markdown]
# Network in Network went further: make the last convolution produce one channel *per
# class*, then GAP gives the class scores directly. No fully connected layer at all, and
# each channel, before the averaging, is a map of *where* the image looks like that class.
#
# Let us train one on scikit-learn's 8x8 handwritten digits: two 3x3 convolutions with
# max pooling, a 1x1 convolution to 10 channels, GAP.

# %%
digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8), values 0..1
labels = digits.target
n_train = 1200
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 4 x 4
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),                  # 32 x 4 x 4
    nn.Conv2d(32, 10, 1),                                        # 10 class maps, 4 x 4
    nn.AdaptiveAvgPool2d(1), nn.Flatten(),                       # 10 class scores
)  # fmt: skip
head_params = sum(p.numel() for p in model[5].parameters())
fc_head_params = linear_params(32 * 4 * 4, 10)
print(
    f"the 1x1 conv + GAP head: {head_params} parameters; a Linear on the flattened maps "
    f"would need {fc_head_params:,}"
)
assert head_params == 32 * 10 + 10 and fc_head_params == 5_130

steps = 100 if quick else 400
opt = optim.Adam(model.parameters(), lr=0.01)
order = np.random.default_rng(0)
for step in range(steps):
    batch = order.choice(n_train, 128, replace=False)
    loss = F.cross_entropy(model(mg.tensor(images[batch])), labels[batch])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 40 == 0 or step == steps - 1:
        print(f"  step {step:3d}: loss {loss.item():.3f}")
model.eval()
with mg.no_grad():
    test_scores = model(mg.tensor(images[n_train:])).numpy()
accuracy = float((test_scores.argmax(1) == labels[n_train:]).mean())
print(f"accuracy on {len(labels) - n_train} held-out digits: {accuracy:.1%}")
floor = 0.7 if quick else 0.9
assert accuracy >= floor, f"accuracy {accuracy:.1%} below {floor:.0%}"

# %% [markdown]
# The class maps of two held-out digits (a 3 and a 0): channel `k` before the
# averaging, with its mean (the score of class `k`) in the title. The predicted class is
# the map with the largest mean.

# %%
held_out = labels[n_train:]
shown = [n_train + int(np.argmax(held_out == 3)), n_train + int(np.argmax(held_out == 0))]
features = mg.tensor(images[shown])
with mg.no_grad():
    maps = features
    for layer in list(model)[:6]:  # everything before the global average pooling
        maps = layer(maps)
maps = maps.numpy()
assert np.allclose(
    maps.mean(axis=(2, 3)), test_scores[np.array(shown) - n_train], atol=1e-5
)  # GAP = mean of the map
fig, axes = plt.subplots(2, 11, figsize=(15, 3.4))
fig.subplots_adjust(left=0.005, right=0.995, top=0.8, bottom=0.01, wspace=0.08, hspace=0.35)
for row in range(2):
    axes[row, 0].imshow(images[shown[row], 0], cmap="gray_r")
    axes[row, 0].set(title=f"a {labels[shown[row]]}", xticks=[], yticks=[])
    best = maps[row].mean(axis=(1, 2)).argmax()
    limit = np.abs(maps[row]).max()
    for k in range(10):
        ax = axes[row, k + 1]
        ax.imshow(maps[row, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(
            f"{k}: {maps[row, k].mean():.1f}",
            fontsize=9,
            fontweight="bold" if k == best else "normal",
        )
        ax.set(xticks=[], yticks=[])
fig.suptitle(
    "class maps before global average pooling (red high, blue low); "
    "title: class and mean score, the prediction in bold"
)
lessons.save_figure(fig, out / "class_maps.png", trim=False)  # placed by hand to fit

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `maxpool-backward`: max-pooling backward in numpy vs the engine;
# - `gap-classifier`: global average pooling instead of a big classifier: count the savings.
#
# Next, lesson 7 puts convolution and pooling together into LeNet-5, layer by layer, and
# trains it on handwritten digits.

# %%
print("Lesson 6 done: every claim above was checked.")
