# %% [markdown]
# # Lesson 5: Convolution
#
# **Sizes and parameters, loops vs unfold + matmul, and a backward nobody wrote.**
#
# We compute a convolution by hand, work out output sizes and parameter counts of real
# layers, build the convolution two ways from tensor operations (loops of slices, and
# unfold + one matrix product), and watch the engine derive its backward pass, in which
# weight sharing appears as gradients added together. Then we write that backward pass by
# hand in closed form (the input's gradient is a *transposed convolution*) and check it.
#
# No backward pass for convolution is written anywhere in minigrad: `F.conv2d` is composed
# of operations the engine already differentiates.

# %%
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

import minigrad as mg
import minigrad.functional as F
from minigrad import lessons, nn

out, quick = lessons.start(5)
rng = mg.manual_seed(0)

# %% [markdown]
# ## 1. What a convolution computes
#
# A convolution slides a small grid of weights (the *kernel*, or *filter*) over the image.
# At each position it multiplies the kernel with the pixels under it and adds the products:
# one output number per position. (Deep-learning libraries do not flip the kernel, so
# mathematically this is a cross-correlation; everyone calls it convolution.)
#
# Here a 3x3 kernel that compares the left and right columns of each window (positive
# where the left is brighter, negative where the right is) slides over a 6x6 image that is
# dark on the left and bright on the right. The output is large only where there is an edge.

# %%
image = np.zeros((6, 6))
image[:, 3:] = 1.0
kernel = np.array([[1.0, 0.0, -1.0]] * 3)
y = F.conv2d(
    mg.tensor(image, dtype=mg.float32).reshape(1, 1, 6, 6),
    mg.tensor(kernel, dtype=mg.float32).reshape(1, 1, 3, 3),
)
y = y.numpy()[0, 0]
# one output by hand: the window whose top-left corner is at row 0, column 1
by_hand = (image[0:3, 1:4] * kernel).sum()
print(f"output at (0, 1): by hand {by_hand}, F.conv2d {y[0, 1]}")
assert by_hand == y[0, 1] == -3.0
assert y.shape == (4, 4) and (y[:, [0, 3]] == 0).all()  # windows that see no edge give 0
assert (y[:, 1:3] == -3).all()  # windows across the edge: brighter on the right


def show_grid(ax, a, title, cmap="coolwarm"):
    limit = np.abs(a).max()
    ax.imshow(a, cmap=cmap, vmin=-limit, vmax=limit)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=10)
    ax.set(title=title, xticks=[], yticks=[])


fig, axes = plt.subplots(
    1, 3, figsize=(10, 3.8), gridspec_kw={"width_ratios": [6, 3, 4]}, layout="constrained"
)
show_grid(axes[0], image, "image (6 x 6)", cmap="Greys_r")
axes[0].add_patch(Rectangle((0.5, -0.5), 3, 3, fill=False, edgecolor="#2962c4", linewidth=2.5))
show_grid(axes[1], kernel, "kernel (3 x 3)")
show_grid(axes[2], y, "output (4 x 4)")
axes[2].add_patch(Rectangle((0.5, -0.5), 1, 1, fill=False, edgecolor="#2962c4", linewidth=2.5))
fig.suptitle("the blue window of the image, times the kernel, summed = the blue output")
lessons.save_figure(fig, out / "convolution_by_hand.png")

# %% [markdown]
# ## 2. Output size and parameter count, on real layers
#
# An input of width `W`, a kernel of width `F`, padding `P` on each side and stride `S`
# give an output of width
#
#     (W - F + 2P) / S + 1        (rounded down)
#
# A layer with `C_in` input channels and `C_out` filters has `C_out` kernels, each
# `F x F x C_in`, plus one bias per filter:
#
#     F * F * C_in * C_out + C_out parameters
#
# Note what is *not* in the count: the image size. The same weights are used at every
# position (weight sharing).
#
# Four first layers of famous networks, built as `nn.Conv2d` and run on an input of the
# right size:


# %%
def out_size(w, f, p, s):
    return (w - f + 2 * p) // s + 1


layers = [  # name, input (C, H, W), C_out, F, S, P, bias
    ("LeNet-5 C1", (1, 32, 32), 6, 5, 1, 0, True),
    ("AlexNet conv1", (3, 227, 227), 96, 11, 4, 0, True),
    ("VGG conv (64 -> 64)", (64, 56, 56), 64, 3, 1, 1, True),
    ("ResNet stem", (3, 224, 224), 64, 7, 2, 3, False),
]
print(f"{'layer':22s} {'input':>14s} {'output':>14s} {'parameters':>11s}")
for name, (c, h, w), c_out, f, s, p, bias in layers:
    layer = nn.Conv2d(c, c_out, f, stride=s, padding=p, bias=bias)
    with mg.no_grad():
        shape = layer(mg.zeros(1, c, h, w)).shape[1:]
    n_params = sum(t.numel() for t in layer.parameters())
    formula = f * f * c * c_out + (c_out if bias else 0)
    print(f"{name:22s} {str((c, h, w)):>14s} {str(shape):>14s} {n_params:>11,}")
    assert shape == (c_out, out_size(h, f, p, s), out_size(w, f, p, s))
    assert n_params == formula
assert (
    out_size(32, 5, 0, 1) == 28 and out_size(227, 11, 0, 4) == 55 and out_size(224, 7, 3, 2) == 112
)

# %% [markdown]
# VGG's 3x3 convolutions with padding 1 keep the size (`(56 - 3 + 2)/1 + 1 = 56`), so a
# network can stack many of them. ResNet's stem has no bias: a batch normalization right
# after it would cancel a bias anyway (lesson 8), since it subtracts each channel's mean.

# %%
maps = mg.tensor(rng.normal(size=(4, 3, 5, 5)), dtype=mg.float32)
bias = mg.tensor([1.0, -2.0, 0.5]).reshape(1, 3, 1, 1)
with_bias = F.batch_norm(maps + bias, None, None, training=True)
assert np.allclose(
    with_bias.numpy(), F.batch_norm(maps, None, None, training=True).numpy(), atol=1e-5
)

# %% [markdown]
# ## 3. A convolution written as loops of slices
#
# The most literal way to write a convolution is four loops: over output rows, output
# columns, and the kernel's rows and columns. In numpy, as a reference:


# %%
def conv2d_loops(x, w, b):
    """x (N, C, H, W), w (O, C, K, K), b (O,), stride 1, no padding: the definition."""
    n, c, h, width = x.shape
    o, _, k, _ = w.shape
    y = np.zeros((n, o, h - k + 1, width - k + 1))
    for oh in range(h - k + 1):
        for ow in range(width - k + 1):
            window = x[:, :, oh : oh + k, ow : ow + k]  # (N, C, K, K)
            y[:, :, oh, ow] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return y


# %% [markdown]
# `F.conv2d_naive` turns the loops inside out: for each kernel entry `(i, j)`, the pixels
# that entry touches in *all* windows form one shifted slice of the image,
# `x[:, :, i : i + OH, j : j + OW]`. Multiply that slice by `w[:, :, i, j]`, add over input
# channels, and sum the `K * K` results. That is `K * K` slices, each followed by a
# multiplication and a sum: ordinary Tensor operations, which the engine differentiates.
#
# ## 4. The same convolution as unfold + one matrix product
#
# `F.unfold` (also called *im2col*) copies every window into a column: for an input
# `(N, C, H, W)` and a `K x K` kernel it gives `(N, C*K*K, L)`, with `L = OH * OW` window
# positions. Then each filter, flattened to a row of `C*K*K` numbers, meets every window in
# one matrix product:
#
#     y = w.reshape(O, C*K*K) @ unfold(x)       (O, C*K*K) @ (N, C*K*K, L) -> (N, O, L)
#
# That is `F.conv2d`: one large matrix product, which numpy hands to fast compiled code.

# %%
x = mg.tensor(rng.normal(size=(2, 3, 7, 7)), dtype=mg.float64, requires_grad=True)
w = mg.tensor(rng.normal(size=(4, 3, 3, 3)), dtype=mg.float64, requires_grad=True)
b = mg.tensor(rng.normal(size=(4,)), dtype=mg.float64, requires_grad=True)

cols = F.unfold(x, 3)
print(f"unfold: {x.shape} -> {cols.shape} (C*K*K = {3 * 3 * 3}, L = 5 * 5 = 25)")
assert cols.shape == (2, 27, 25)
# column l is the window at row l // 5, column l % 5, flattened
assert np.array_equal(cols.numpy()[1, :, 7], x.numpy()[1, :, 1:4, 2:5].ravel())

by_matmul = (w.reshape(4, 27) @ cols + b.reshape(1, 4, 1)).reshape(2, 4, 5, 5)
reference = conv2d_loops(x.numpy(), w.numpy(), b.numpy())
for name, y in [
    ("F.conv2d", F.conv2d(x, w, b)),
    ("F.conv2d_naive", F.conv2d_naive(x, w, b)),
    ("unfold @ w", by_matmul),
]:
    print(f"  {name:15s} largest difference from the loops: {abs(y.numpy() - reference).max():.1e}")
    assert np.allclose(y.numpy(), reference, atol=1e-12)

# %% [markdown]
# ## 5. The engine derives the backward pass
#
# Neither function has a backward of its own. The engine differentiates the slices, sums,
# unfold and matrix product they are made of. `mg.gradcheck` compares the result with
# finite differences for every input, every weight and every bias (finite differences cost
# two forward passes per number, so quick mode checks a 5 x 5 corner of the first image):

# %%
x_check = mg.tensor(x.numpy()[:1, :, :5, :5], dtype=mg.float64, requires_grad=True) if quick else x
assert mg.gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [x_check, w, b])
assert mg.gradcheck(lambda x, w, b: F.conv2d_naive(x, w, b, stride=2, padding=1), [x_check, w, b])
grads = {}
for fn in (F.conv2d, F.conv2d_naive):
    x.grad = w.grad = b.grad = None
    (fn(x, w, b) ** 2).sum().backward()
    grads[fn.__name__] = (x.grad.numpy(), w.grad.numpy(), b.grad.numpy())
for g_fast, g_naive in zip(grads["conv2d"], grads["conv2d_naive"]):
    assert np.allclose(g_fast, g_naive, atol=1e-10)
print("gradcheck passes for both; both give the same gradients")

# %% [markdown]
# ### Weight sharing is gradients added together
#
# Take a 4x4 image with pixels 0 to 15 and a 2x2 kernel, and let the loss be the sum of
# the 3x3 output. Each kernel entry is used at all 9 output positions, so (lesson 1: a
# value used several times) its gradient is the sum of what arrives from the 9 uses. Each
# use contributes the pixel the entry multiplied there: `dL/dw[i, j]` is the sum of the 9
# pixels that entry touched.
#
# In `F.conv2d_naive` the sharing is visible as broadcasting (lesson 3): the entry
# `w[:, :, i, j]`, reshaped to `(1, 1, 1, 1, 1)`, multiplies a `(1, 1, 1, 3, 3)` slice of the
# image, and broadcasting's gradient is a sum. The expanded graph shows it: follow an entry
# from `w` to its `mul` and read its gradient.

# %%
x_small = mg.tensor(np.arange(16.0).reshape(1, 1, 4, 4), dtype=mg.float32, requires_grad=True)
w_small = mg.tensor([[[[1.0, -1.0], [2.0, 0.5]]]], requires_grad=True)
with mg.autograd.retain_grads():  # keep the gradient of every intermediate, for the picture
    loss = F.conv2d_naive(x_small, w_small).sum()
    loss.backward()
pixels = x_small.numpy()[0, 0]
expected = np.array([[pixels[i : i + 3, j : j + 3].sum() for j in range(2)] for i in range(2)])
print("dL/dw =", w_small.grad.numpy()[0, 0].tolist(), "= sums of the 9 pixels each entry touched")
assert np.array_equal(w_small.grad.numpy()[0, 0], expected)  # [[45, 54], [81, 90]]
names = {x_small: "x (image)", w_small: "w (kernel)"}
graph = mg.viz.draw(loss, expand={"conv2d_naive"}, show="grad", names=names)
lessons.save_graph(graph, out / "conv2d_naive_expanded.png")

# %% [markdown]
# In the picture, each `getitem (1, 1)` is one kernel entry, taken from `w`; its gradient
# (45, 54, 81 or 90) is what the engine collected from the `(1, 1, 1, 3, 3)` product it
# was broadcast into. The `getitem (1, 1, 3, 3)` nodes are the four shifted slices of the
# image. (The first `getitem` after `x` and after `w` selects a group of channels, for
# grouped convolutions; with one group it takes everything.)
#
# The same computation through `F.conv2d` is a much smaller graph: unfold, one matrix
# product, and reshapes and permutes (free changes of view). The picture shows one detail
# section 4's formula left out: `F.conv2d` lays the windows of all images side by side,
# `(C*K*K, L*N)` (here `(4, 9)`), so that the product is one ordinary matrix product
# `(O, C*K*K) @ (C*K*K, L*N)`, and then reshapes and permutes the `(O, L*N)` result back
# to `(N, O, OH, OW)`. Here the sharing is inside the matrix product: `dL/dW = G @ cols^T`
# sums over all window positions (lesson 3's `X.T @ G`).

# %%
x_small.grad = w_small.grad = None
with mg.autograd.retain_grads():
    loss = F.conv2d(x_small, w_small).sum()
    loss.backward()
assert np.array_equal(w_small.grad.numpy()[0, 0], expected)
graph = mg.viz.draw(loss, expand={"conv2d"}, show="grad", names=names)
ops = sorted(t.grad_fn.name().lower() for t in mg.autograd.topological_order(loss) if t.grad_fn)
assert ops == sorted(
    ["unfold", "permute", "reshape", "reshape", "matmul", "reshape", "permute", "sum"]
)
lessons.save_graph(graph, out / "conv2d_expanded.png")

# %% [markdown]
# To watch that derived backward run, open the page `mg.viz.explore` writes: step through
# it from the loss back to `w`, node by node in the engine's own order, and click `w` for
# its gradient as a heatmap (the 2x2 sums above).

# %%
loss = F.conv2d(x_small, w_small).sum()  # a fresh graph: explore runs its own backward
lessons.save_page(loss, out / "conv2d_steps.html", names=names, expand={"conv2d"})

# %% [markdown]
# And the input's gradient? Each pixel receives, from every window that contains it, the
# kernel entry it was multiplied by. Pixel (1, 1) lies in four windows, under a different
# kernel entry in each, so its gradient is the sum of the four entries; a corner pixel is
# in one window only. In the unfold version this adding-up is `F.fold` (col2im),
# which the engine calls as unfold's backward.

# %%
kernel_entries = w_small.numpy()[0, 0]
assert x_small.grad.numpy()[0, 0, 1, 1] == kernel_entries.sum()
assert x_small.grad.numpy()[0, 0, 0, 0] == kernel_entries[0, 0]
ones = F.unfold(mg.ones(1, 1, 4, 4), 2)
assert np.array_equal(  # fold adds each column back where it came from: counts the windows
    F.fold(ones, (4, 4), 2).numpy()[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]
)

# %% [markdown]
# ## 6. The backward of a convolution by hand
#
# The engine derived the backward pass from unfold and a matrix product. Here it is in
# closed form, three formulas, each checked against the engine on numbers small enough to
# follow by eye: one image with one channel, a 5x5 input `X`, a 3x3 kernel `W`, a bias `b`,
# and a made-up gradient `dY` arriving from above. (The loss `L = sum(Y * dY)` has exactly
# that gradient with respect to `Y`.) With stride `S` and padding `P`, the forward pass is
#
#     Y[oh, ow] = b + sum_{i, j} W[i, j] * X_pad[oh*S + i, ow*S + j]
#
# and each formula comes from asking which outputs one number took part in:
#
# - **db = the sum of dY.** The bias is added once to every output.
# - **dW = X correlated with dY.** `W[i, j]` met `X_pad[oh*S + i, ow*S + j]` in output
#   `(oh, ow)`, so `dW[i, j] = sum_{oh, ow} dY[oh, ow] * X_pad[oh*S + i, ow*S + j]`: `dY`
#   slides over the padded input like a kernel, its entries `S` pixels apart.
# - **dX = dY, zero-dilated by the stride and padded, correlated with the kernel rotated
#   by 180 degrees.** `X_pad[h, w]` met `W[i, j]` in the output whose window starts at
#   `(h - i, w - j)`, if that is a multiple of `S`. Put `S - 1` zeros between the entries
#   of `dY` (*dilate* it: the positions that are not multiples of `S` then hold zeros), pad
#   it with `K - 1` zeros all round (so that windows hanging over the edge read zeros), and
#   `dX_pad[h, w] = sum_{i, j} dY_dilated_padded[h + K-1 - i, w + K-1 - j] * W[i, j]`.
#   Renaming `i' = K-1 - i` makes this an ordinary correlation with `W[K-1 - i', K-1 - j']`:
#   the kernel upside down and back to front, rotated by 180 degrees. Last, cut the
#   padding `P` off: those pixels were zeros the forward pass added, not inputs.
#
# That last operation has a name, a *transposed convolution*: it maps a convolution's
# output size back to its input size, and `F.conv_transpose2d` computes it.


# %%
def correlate(a, k):
    """Slide k over a, no padding, stride 1: out[p, q] = sum_{i, j} a[p + i, q + j] * k[i, j]."""
    kh, kw = k.shape
    out = np.zeros((a.shape[0] - kh + 1, a.shape[1] - kw + 1))
    for p in range(out.shape[0]):
        for q in range(out.shape[1]):
            out[p, q] = (a[p : p + kh, q : q + kw] * k).sum()
    return out


def dilate(a, s):
    """Put s - 1 zeros between neighbouring entries of a (the stride, undone)."""
    out = np.zeros(((a.shape[0] - 1) * s + 1, (a.shape[1] - 1) * s + 1))
    out[::s, ::s] = a
    return out


def rot180(k):
    return k[::-1, ::-1]


def conv_backward_by_hand(x, w, dy, stride, padding):
    """(dX, dW, db) of Y = conv2d(X, W, b) for one image and one channel, by the formulas."""
    k = w.shape[0]
    x_pad = np.pad(x, padding)
    spread = dilate(dy, stride)
    db = dy.sum()
    # past the last window correlate gives more than K x K offsets; a kernel has K x K
    dw = correlate(x_pad, spread)[:k, :k]
    dx_pad = correlate(np.pad(spread, k - 1), rot180(w))
    # rows and columns no window reached (when the stride does not land on the edge): 0
    missing = [n - m for n, m in zip(x_pad.shape, dx_pad.shape)]
    dx_pad = np.pad(dx_pad, ((0, missing[0]), (0, missing[1])))
    dx = dx_pad[padding : padding + x.shape[0], padding : padding + x.shape[1]]
    return dx, dw, db


def engine_backward(x, w, dy, stride, padding):
    """(dX, dW, db) as the engine derives them, through F.conv2d."""
    X = mg.tensor(x[None, None], dtype=mg.float64, requires_grad=True)
    Wt = mg.tensor(w[None, None], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([0.5], dtype=mg.float64, requires_grad=True)
    Y = F.conv2d(X, Wt, b, stride=stride, padding=padding)
    assert Y.shape[2:] == dy.shape
    (Y * mg.tensor(dy[None, None], dtype=mg.float64)).sum().backward()
    return X.grad.numpy()[0, 0], Wt.grad.numpy()[0, 0], b.grad.item()


X5 = np.array(
    [[1, 2, 0, 1, 3], [0, 1, 2, 2, 1], [3, 0, 1, 0, 2], [1, 1, 0, 2, 0], [2, 0, 1, 3, 1]], float
)
W3 = np.array([[1, 0, -1], [2, 1, 0], [0, -1, 1]], float)  # no symmetry (this matters below)
cases = [  # name, X, dY, stride, padding
    ("stride 1", X5, np.array([[1, 0, 2], [-1, 1, 0], [0, 2, 1]], float), 1, 0),
    ("stride 2", X5, np.array([[1, -1], [2, 1]], float), 2, 0),
    ("stride 2, padding 1", X5, np.array([[1, 0, -1], [2, 1, 0], [0, 1, 1]], float), 2, 1),
    ("stride 2 on 6x6", np.arange(36.0).reshape(6, 6) % 5, np.array([[1, 2], [0, -1.0]]), 2, 0),
]
for name, x_, dy_, s, p in cases:
    by_hand = conv_backward_by_hand(x_, W3, dy_, s, p)
    engine = engine_backward(x_, W3, dy_, s, p)
    for what, mine, derived in zip(("dX", "dW", "db"), by_hand, engine):
        assert np.allclose(mine, derived, atol=1e-12), (name, what)
    print(f"  {name:20s} dX, dW and db by the formulas equal the engine's")
dx_s2, dw_s2, db_s2 = conv_backward_by_hand(X5, W3, cases[1][2], 2, 0)
print("stride 2: dY =", cases[1][2].tolist(), " dW =", dw_s2.tolist(), " db =", db_s2)
print("          dX =\n", dx_s2)
dx_6 = conv_backward_by_hand(cases[3][1], W3, cases[3][2], 2, 0)[0]
assert (dx_6[5] == 0).all() and (dx_6[:, 5] == 0).all()  # 6x6, stride 2: row 5 is in no window

# %% [markdown]
# The picture follows `dX` for stride 2: `dY` is spread out by the stride (a zero between
# its entries) and padded with `K - 1 = 2` zeros all round, then the rotated kernel slides
# over it; every window gives one pixel of `dX`.

# %%
spread_s2 = np.pad(dilate(cases[1][2], 2), 2)
fig, axes = plt.subplots(
    1, 4, figsize=(13, 3.8), gridspec_kw={"width_ratios": [2, 7, 3, 5]}, layout="constrained"
)
show_grid(axes[0], cases[1][2], "dY (2 x 2)")
show_grid(axes[1], spread_s2, "dY dilated by 2, padded by 2 (7 x 7)")
axes[1].add_patch(Rectangle((-0.5, -0.5), 3, 3, fill=False, edgecolor="#2962c4", linewidth=2.5))
show_grid(axes[2], rot180(W3), "W rotated 180 degrees")
show_grid(axes[3], dx_s2, "dX (5 x 5)")
axes[3].add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="#2962c4", linewidth=2.5))
fig.suptitle("dX for stride 2: the blue window times the rotated kernel, summed = the blue pixel")
lessons.save_figure(fig, out / "conv_backward_by_hand.png")
assert np.isclose((spread_s2[0:3, 0:3] * rot180(W3)).sum(), dx_s2[0, 0])

# %% [markdown]
# ### dX is a transposed convolution, and fold computes it
#
# `F.conv_transpose2d(dY, W, stride=S, padding=P)` is that formula as a function of its own:
# given `dY` and the convolution's weight (the same array: a transposed convolution's
# weight is laid out `(C_in, C_out, K, K)`, the transpose of conv2d's, so that one weight
# serves both), it returns `dX`. It has no backward of its own either: it is written as one
# matrix product and a fold, and the engine differentiates those.
#
# The engine's own backward of `F.conv2d` is those very two steps. The forward pass was
# `Y = W_row @ unfold(X)` with `W_row` the kernel as one row of `K * K` numbers, so (lesson
# 3) `d unfold(X) = W_row^T @ dY_row`: column `l` is window `l`'s gradient, `dY[l]` times the
# whole kernel. Then unfold's backward, `F.fold`, adds every column back onto the pixels its
# window covered. Scattering copies of the kernel, scaled by `dY`, `S` pixels apart, is the
# transposed convolution, and the rotation is nowhere: it is what gathering the same sum
# pixel by pixel, as a correlation, looks like.

# %%
for _, x_, dy_, s, p in cases:
    dx = conv_backward_by_hand(x_, W3, dy_, s, p)[0]
    extra = x_.shape[0] - ((dy_.shape[0] - 1) * s - 2 * p + 3)  # rows no window reached
    transposed = F.conv_transpose2d(
        mg.tensor(dy_[None, None]), mg.tensor(W3[None, None]), stride=s, padding=p,
        output_padding=extra,
    )  # fmt: skip
    columns = W3.reshape(9, 1) @ dy_.reshape(1, -1)  # (K*K, L): one column per window
    folded = F.fold(mg.tensor(columns[None]), x_.shape, 3, stride=s, padding=p)
    assert np.allclose(transposed.numpy()[0, 0], dx, atol=1e-5)
    assert np.allclose(folded.numpy()[0, 0], dx, atol=1e-5)
print("for every case: by hand = F.conv_transpose2d(dY, W) = F.fold(W_row^T @ dY_row)")

# %% [markdown]
# The same three formulas hold with many images and channels, summed over the images
# (each filter is used on every image) and over the channels each number met. Written
# with the library's own functions: `dX` is the transposed convolution of `dY`; `dW`, "X
# correlated with dY", is itself a conv2d, with the batch axis playing the channels and
# the stride becoming a dilation of `dY`; `db` sums `dY` over everything but the channel.

# %%
xb = mg.tensor(rng.normal(size=(2, 3, 7, 7)), dtype=mg.float64, requires_grad=True)
wb = mg.tensor(rng.normal(size=(4, 3, 3, 3)), dtype=mg.float64, requires_grad=True)
bb = mg.tensor(rng.normal(size=(4,)), dtype=mg.float64, requires_grad=True)
yb = F.conv2d(xb, wb, bb, stride=2, padding=1)
dyb = mg.tensor(rng.normal(size=yb.shape), dtype=mg.float64)
(yb * dyb).sum().backward()
dx_formula = F.conv_transpose2d(dyb, wb.detach(), stride=2, padding=1)
dw_formula = F.conv2d(  # (C, N, H, W) with (O, N, OH, OW) as the kernel, S as the dilation
    xb.detach().transpose(0, 1), dyb.transpose(0, 1), padding=1, dilation=2
).transpose(0, 1)[:, :, :3, :3]
db_formula = dyb.sum((0, 2, 3))
formulas = {"dX": (dx_formula, xb), "dW": (dw_formula, wb), "db": (db_formula, bb)}
for what, (formula, engine) in formulas.items():
    assert np.allclose(formula.numpy(), engine.grad.numpy(), atol=1e-10), what
print("2 images, 3 -> 4 channels, stride 2, padding 1: the three formulas equal the engine's")

# %% [markdown]
# ### Forgetting the rotation
#
# The usual mistake when writing this by hand is to correlate the padded `dY` with `W`
# itself instead of `W` rotated. Follow one input pixel to see why the rotation must be
# there (stride 1, one row): `X[h]` meets `W[0]` in output `h`, `W[1]` in output `h - 1`,
# `W[2]` in output `h - 2`. As the kernel index goes up, the output index goes down. To
# collect `dX[h]` we walk `dY` forwards while walking `W` backwards; walking both the same
# way pairs each `dY` with the mirror-image kernel entry. The wrong result is in fact the
# exact gradient of a *different* convolution, the one with the kernel flipped.
#
# The mistake hides from a careless check. A symmetric kernel (a blur, or all ones, as
# many quick tests use) equals its own rotation, so the wrong formula gives the right
# numbers for it. Compare with an independent answer on an asymmetric kernel and it shows
# at once. Here the independent answer is lesson 1's: nudge each input pixel by a tiny `h`
# and watch the loss `L = sum(Y * dY)` move, in plain numpy.


# %%
def dx_forgetting_the_rotation(x, w, dy, stride, padding):
    k = w.shape[0]
    dx_pad = correlate(np.pad(dilate(dy, stride), k - 1), w)  # w, not rot180(w)
    return dx_pad[padding : padding + x.shape[0], padding : padding + x.shape[1]]


def loss_numpy(x, w, dy):  # stride 1, no padding: L = sum(correlate(x, w) * dy)
    return (correlate(x, w) * dy).sum()


def nudged_gradient(x, w, dy, h=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (loss_numpy(up, w, dy) - loss_numpy(down, w, dy)) / (2 * h)
    return grad


dy1 = cases[0][2]
measured = nudged_gradient(X5, W3, dy1)
right = conv_backward_by_hand(X5, W3, dy1, 1, 0)[0]
wrong = dx_forgetting_the_rotation(X5, W3, dy1, 1, 0)
worst = np.unravel_index(abs(wrong - measured).argmax(), measured.shape)
print(
    f"dX against the nudged loss: with the rotation off by {abs(right - measured).max():.1e}; "
    f"without it off by {abs(wrong - measured).max():.0f} (at pixel {tuple(map(int, worst))})"
)
assert np.allclose(right, measured, atol=1e-6)
assert not np.allclose(wrong, measured, atol=1e-3)
flipped_engine = engine_backward(X5, rot180(W3), dy1, 1, 0)[0]
assert np.allclose(wrong, flipped_engine)  # the exact gradient of the flipped-kernel conv

blur = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])  # equals its rotation
assert np.allclose(dx_forgetting_the_rotation(X5, blur, dy1, 1, 0), nudged_gradient(X5, blur, dy1))
print("with a symmetric kernel the unrotated formula happens to agree: test with asymmetric ones")

# %% [markdown]
# ## 7. Which is faster
#
# Both are correct; they differ in speed. The loops of slices make `K * K` passes over
# the data, each a handful of graph nodes; unfold + matmul makes one copy and one large
# product. (Timings vary with what else the machine is doing; the node counts do not.)

# %%
n = 2 if quick else 16
x_big = mg.tensor(rng.normal(size=(n, 16, 28, 28)), dtype=mg.float32, requires_grad=True)
w_big = mg.tensor(rng.normal(size=(32, 16, 3, 3)) * 0.1, dtype=mg.float32, requires_grad=True)


def seconds(fn):
    start = time.perf_counter()
    fn(x_big, w_big, padding=1).sum().backward()
    return time.perf_counter() - start


# alternate the two and keep each one's best time: fair even on a busy machine
t_naive, t_fast = float("inf"), float("inf")
for _ in range(5):
    t_naive = min(t_naive, seconds(F.conv2d_naive))
    t_fast = min(t_fast, seconds(F.conv2d))
print(
    f"forward + backward, {x_big.shape} with 32 filters 3x3: conv2d_naive {t_naive * 1e3:.1f} ms, "
    f"conv2d {t_fast * 1e3:.1f} ms ({t_naive / t_fast:.1f}x)"
)
nodes_naive = len(mg.autograd.topological_order(F.conv2d_naive(x_big, w_big, padding=1)))
nodes_fast = len(mg.autograd.topological_order(F.conv2d(x_big, w_big, padding=1)))
print(f"graph nodes: conv2d_naive {nodes_naive}, conv2d {nodes_fast}")
assert nodes_naive > 5 * nodes_fast
assert t_fast < t_naive  # by about 10x: the best of 5 alternating runs, robust to load

# %% [markdown]
# ## 8. Stride, padding, dilation
#
# - **Stride** `S`: move the window `S` pixels at a time. The output shrinks about `S`
#   times in each direction.
# - **Padding** `P`: add `P` rows and columns of zeros around the image, so windows can
#   be centred on edge pixels. With `F = 3, P = 1` the size stays the same.
# - **Dilation** `D`: spread the kernel's entries `D` pixels apart. A 3x3 kernel with
#   `D = 2` covers a 5x5 area with 9 weights. The formula uses the covered width
#   `D * (F - 1) + 1` in place of `F`.
#
# The picture shows a 7x7 input (grey), padding (white), the first window (blue squares)
# and the next one to the right (orange dots) for each setting.

# %%
settings = [
    ("stride 1", 1, 0, 1),
    ("stride 2", 2, 0, 1),
    ("padding 1", 1, 1, 1),
    ("dilation 2", 1, 0, 2),
]
fig, axes = plt.subplots(1, 4, figsize=(13, 3.8))
fig.subplots_adjust(left=0.01, right=0.99, top=0.8, bottom=0.02, wspace=0.12)
for ax, (name, s, p, d) in zip(axes, settings):
    size = 7 + 2 * p
    span = d * (3 - 1) + 1
    o = (7 - span + 2 * p) // s + 1
    shape = F.conv2d(
        mg.zeros(1, 1, 7, 7), mg.zeros(1, 1, 3, 3), stride=s, padding=p, dilation=d
    ).shape
    assert shape == (1, 1, o, o)
    for i in range(size):
        for j in range(size):
            inside = p <= i < size - p and p <= j < size - p
            ax.add_patch(
                Rectangle(
                    (j, size - 1 - i),
                    1,
                    1,
                    facecolor="#dddddd" if inside else "white",
                    edgecolor="#999999",
                )
            )
    for a in range(3):
        for c in range(3):  # first window: blue squares; the next one: orange dots
            ax.add_patch(
                Rectangle(
                    (c * d + 0.1, size - 1 - a * d + 0.1),
                    0.8,
                    0.8,
                    facecolor="#2962c4",
                    alpha=0.75,
                    edgecolor="none",
                )
            )
            ax.plot(s + c * d + 0.5, size - 1 - a * d + 0.5, "o", color="#e67e22", markersize=7)
    ax.set(
        xlim=(0, size),
        ylim=(0, size),
        aspect="equal",
        xticks=[],
        yticks=[],
        title=f"{name}: output {o} x {o}",
    )
fig.suptitle(
    "a 3x3 kernel on a 7x7 input (grey; white = zero padding): "
    "first window (blue squares), next window (orange dots)"
)
lessons.save_figure(fig, out / "stride_padding_dilation.png", trim=False)  # placed to fit

# %% [markdown]
# A warning about the word: PyTorch's (and minigrad's) `dilation=2` leaves one gap between
# the kernel's taps, which some texts call "dilation 1" (they count the gaps, so their
# "dilation 0" is PyTorch's `dilation=1`, an ordinary convolution). Checked on one bright
# pixel, which a dilation-2 kernel of ones spreads to every second position:

# %%
impulse = np.zeros((1, 1, 5, 5), dtype=np.float32)
impulse[0, 0, 2, 2] = 1.0
impulse = mg.tensor(impulse)
spread = F.conv2d(impulse, mg.ones(1, 1, 3, 3), padding=2, dilation=2).numpy()[0, 0]
assert np.argwhere(spread[2] != 0).ravel().tolist() == [0, 2, 4]  # one gap between taps
assert np.array_equal(
    F.conv2d(impulse, mg.ones(1, 1, 3, 3), padding=1, dilation=1).numpy(),
    F.conv2d(impulse, mg.ones(1, 1, 3, 3), padding=1).numpy(),
)  # dilation=1 is the ordinary convolution

# %% [markdown]
# ## 9. 1x1 convolutions (Network in Network)
#
# A 1x1 kernel looks at one pixel, but at all its channels: at every position it computes
# the same small linear map from `C_in` channel values to `C_out`. Network in Network
# (2013) used it to mix channels cheaply; GoogLeNet and ResNet use it to shrink the
# number of channels before an expensive 3x3 convolution (a *bottleneck*).

# %%
x1 = mg.tensor(rng.normal(size=(2, 8, 5, 5)), dtype=mg.float32)
conv1x1 = nn.Conv2d(8, 3, 1)
with mg.no_grad():
    y1 = conv1x1(x1).numpy()
W, bias = conv1x1.weight.numpy()[:, :, 0, 0], conv1x1.bias.numpy()  # (3, 8), (3,)
per_pixel = np.einsum("oc,nchw->nohw", W, x1.numpy()) + bias.reshape(1, 3, 1, 1)
assert np.allclose(y1, per_pixel, atol=1e-5)
# a bottleneck: 256 channels -> 64 with a 1x1, then the 3x3 on 64 channels
direct = 3 * 3 * 256 * 256 + 256
bottleneck = (1 * 1 * 256 * 64 + 64) + (3 * 3 * 64 * 256 + 256)
print(f"3x3 conv 256 -> 256: {direct:,} parameters; 1x1 to 64 channels first: {bottleneck:,}")
assert bottleneck < direct / 3

# %% [markdown]
# ## 10. A fully connected layer is a convolution
#
# A `Linear` layer on a flattened `C x H x W` feature map is a convolution whose kernel is
# as large as the map: each output neuron is one `C x H x W` filter applied at the single
# position where it fits. Same weights, reshaped; same output.

# %%
features = mg.tensor(rng.normal(size=(2, 16, 5, 5)), dtype=mg.float32)
fc = nn.Linear(16 * 5 * 5, 10)
as_conv = fc.weight.reshape(10, 16, 5, 5)
with mg.no_grad():
    y_fc = fc(features.reshape(2, -1)).numpy()
    y_conv = F.conv2d(features, as_conv, fc.bias).numpy()
assert y_conv.shape == (2, 10, 1, 1)
assert np.allclose(y_fc, y_conv[:, :, 0, 0], atol=1e-5)
# on a larger input, the convolution slides: one answer per position ("fully convolutional")
with mg.no_grad():
    y_slide = F.conv2d(
        mg.tensor(rng.normal(size=(1, 16, 9, 9)), dtype=mg.float32), as_conv, fc.bias
    )
assert y_slide.shape == (1, 10, 5, 5)
print(
    f"Linear(400, 10) as a 5x5 convolution: same outputs; on a 9x9 map it gives {tuple(y_slide.shape)}"
)

# %% [markdown]
# LeNet-5's C5 layer (lesson 7) is exactly this: a 5x5 convolution on a 5x5 map, a
# fully connected layer written as a convolution.
#
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `output-size`: the output-size formula with stride, padding and dilation;
# - `conv-params`: count a convolution's parameters (bias, groups);
# - `keras-model`: a Keras-style CNN: every layer's parameters (19,189 in all);
# - `vgg-block`: a VGG block: stacked 3x3 convolutions, parameters and receptive field;
# - `conv-loops`: a convolution written with loops; the engine derives its backward;
# - `conv-backward`: the convolution backward by hand (dX, dW, db) vs the derived one;
# - `im2col`: im2col and col2im in numpy, against F.unfold and F.fold;
# - `conv-forward-naive`: the forward pass in numpy, one window at a time;
# - `conv-backward-naive`: the backward pass in numpy, one window at a time;
# - `conv-fast`: forward and backward as im2col and one matrix product (these four make
#   the convolution-in-numpy track, each checked against the engine).
#
# Next, lesson 6 adds pooling: max pooling routes the gradient to one pixel per window,
# average pooling spreads it, and global average pooling replaces a network's large
# classifier.

# %%
print("Lesson 5 done: every claim above was checked.")
