# %% [markdown]
# # Lesson 3: From scalars to tensors
#
# **Broadcasting, matmul's gradient from shapes, and the same network on tensors.**
#
# We move from thousands of scalar Values to a few tensors: broadcasting and why its
# gradient is a sum, the gradient of a matrix product worked out from shapes alone, and
# lesson 2's network on tensors, with the same gradients and many times faster.
#
# A `Tensor` is an n-dimensional numpy array that records its history, as a Value does.
# The graph walk is the same one (`minigrad/autograd.py`); only the nodes are bigger: one
# node for a whole matrix product instead of one per multiplication.

# %%
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons

import minigrad as mg
from minigrad import lessons
from minigrad.viz.plots import plot_decision_boundary

out, quick = lessons.start(3)
rng = mg.manual_seed(0)

# %% [markdown]
# **dtypes, as in PyTorch.** Numbers typed in Python become float32, the usual precision of
# deep learning. A numpy array keeps its own dtype, and numpy makes float64: data from
# numpy is converted with `dtype=mg.float32` below wherever float32 is meant.

# %%
assert mg.tensor([1.0, 2.0]).dtype == mg.float32
assert mg.tensor(np.array([1.0, 2.0])).dtype == mg.float64  # numpy's dtype is kept
assert mg.tensor(np.array([1.0, 2.0]), dtype=mg.float32).dtype == mg.float32

# %% [markdown]
# ## 1. Broadcasting, and why its gradient is a sum
#
# Adding a bias vector `b` of shape `(3,)` to a batch `x` of shape `(4, 3)` works because
# numpy *broadcasts* `b`: it behaves as if `b` were copied into each of the 4 rows,
#
#     y[i, j] = x[i, j] + b[j]
#
# One number `b[j]` is used four times, once per row. Lesson 1 showed what happens to a
# value used several times: its gradient is the *sum* of the gradients from every use.
# So `dL/db[j] = sum over i of dL/dy[i, j]`: the gradient of `y`, summed over the rows.

# %%
x = mg.tensor(rng.normal(size=(4, 3)), dtype=mg.float32)
b = mg.tensor(rng.normal(size=(3,)), dtype=mg.float32, requires_grad=True)
g = rng.normal(size=(4, 3)).astype(np.float32)  # a stand-in for dL/dy
y = x + b
L = (y * mg.tensor(g)).sum()  # dL/dy = g
L.backward()
print("dL/dy =\n", g)
print("b.grad =", b.grad.numpy(), " (the column sums of dL/dy)")
assert b.grad.shape == b.shape
assert np.allclose(b.grad.numpy(), g.sum(axis=0))

# %% [markdown]
# The same holds for any broadcast. A column `c` of shape `(4, 1)` is copied across the
# 3 columns, so its gradient is the row sums (kept as a column). A Python number added to
# a tensor is broadcast to every element, which is why `dL/dk` for `y = k * x` is a sum
# over all of `x` too.

# %%
c = mg.tensor(rng.normal(size=(4, 1)), dtype=mg.float32, requires_grad=True)
k = mg.tensor(2.0, requires_grad=True)
L = ((x + c) * k * mg.tensor(g)).sum()
L.backward()
assert c.grad.shape == (4, 1)
assert np.allclose(c.grad.numpy(), 2.0 * g.sum(axis=1, keepdims=True))
assert np.allclose(k.grad.numpy(), (g * (x.numpy() + c.numpy())).sum(), rtol=1e-5)
print("c.grad (row sums) =", c.grad.numpy().ravel(), "; dL/dk =", float(k.grad.item()))

# %% [markdown]
# The engine undoes broadcasting in exactly one place (`Tensor._backward` sums the
# gradient down to the input's shape), so no operation has to think about it.
#
# ## 2. The gradient of a matrix product, from the shapes
#
# Let `Y = X @ W` with `X` of shape `(N, D)` and `W` of shape `(D, M)`, and let
# `G = dL/dY`, shape `(N, M)`. What are `dL/dW` and `dL/dX`?
#
# A gradient has the shape of what it is the gradient of, so `dL/dW` is `(D, M)`. It must
# be built from `X` (the other factor) and `G` (the chain rule), and the only way to
# multiply them into a `(D, M)` matrix is
#
#     dL/dW = X.T @ G          (D, N) @ (N, M) -> (D, M)
#
# and likewise `dL/dX = G @ W.T`, `(N, M) @ (M, D) -> (N, D)`. Writing out one element
# confirms it: `Y[n, m] = sum_d X[n, d] W[d, m]`, so `dL/dW[d, m] = sum_n X[n, d] G[n, m]`.

# %%
N, D, M = 5, 3, 4
X = mg.tensor(rng.normal(size=(N, D)), dtype=mg.float64, requires_grad=True)
W = mg.tensor(rng.normal(size=(D, M)), dtype=mg.float64, requires_grad=True)
G = rng.normal(size=(N, M))
L = ((X @ W) * mg.tensor(G)).sum()
L.backward()
assert np.allclose(W.grad.numpy(), X.numpy().T @ G)
assert np.allclose(X.grad.numpy(), G @ W.numpy().T)


# %% [markdown]
# And check both against finite differences: nudge each entry of `W` and `X` by a tiny
# `h` and watch `L` move (lesson 1's method, entry by entry).


# %%
def loss_np(Xa, Wa):
    return ((Xa @ Wa) * G).sum()


def finite_differences(arr, f, h=1e-6):
    grad = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        up, down = arr.copy(), arr.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


fd_W = finite_differences(W.numpy(), lambda Wa: loss_np(X.numpy(), Wa))
fd_X = finite_differences(X.numpy(), lambda Xa: loss_np(Xa, W.numpy()))
print(
    f"largest difference, engine vs finite differences: dW {abs(fd_W - W.grad.numpy()).max():.1e}, "
    f"dX {abs(fd_X - X.grad.numpy()).max():.1e}"
)
assert np.allclose(fd_W, W.grad.numpy(), atol=1e-6)
assert np.allclose(fd_X, X.grad.numpy(), atol=1e-6)
assert mg.gradcheck(lambda a, w: a @ w, [X.detach().requires_grad_(), W.detach().requires_grad_()])

# %% [markdown]
# ## 3. Lesson 2's network, on tensors
#
# A layer of `M` neurons with `D` inputs each is one weight matrix `(D, M)` and one bias
# `(M,)`. For a batch of `N` points `X (N, D)`, the layer is `relu(X @ W + b)`: one matrix
# product for all points and all neurons, and a broadcast bias.
#
# First, the claim that this is *the same computation*: we give the Value network of
# lesson 2 and the tensor network the same weights and compare losses and gradients.

# %%
H = 8 if quick else 16
alpha = 1e-4
shapes = [(2, H), (H,), (H, H), (H,), (H, 1), (1,)]
init = [rng.uniform(-1, 1, size=s) if len(s) == 2 else np.zeros(s) for s in shapes]
Xm, ym = make_moons(n_samples=60 if quick else 100, noise=0.1, random_state=1)
ym = 2.0 * ym - 1


def tensor_loss(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    h = (X @ W1 + b1).relu()
    h = (h @ W2 + b2).relu()
    scores = (h @ W3 + b3).reshape(-1)
    data_loss = (1 - y * scores).relu().mean()
    reg_loss = alpha * sum((p * p).sum() for p in params)
    return data_loss + reg_loss, scores


def value_loss(arrays, X, y):
    """Lesson 2's loss, written with Values: one Value per weight, loops over neurons."""
    params = [
        np.array([mg.Value(float(v)) for v in a.ravel()], dtype=object).reshape(a.shape)
        for a in arrays
    ]
    layers = list(zip(params[0::2], params[1::2]))
    scores = []
    for point in X:
        h = [mg.Value(float(v)) for v in point]
        for i, (Wv, bv) in enumerate(layers):
            h = [sum((h[d] * Wv[d, m] for d in range(len(h))), bv[m]) for m in range(len(bv))]
            if i < len(layers) - 1:
                h = [v.relu() for v in h]
        scores.append(h[0])
    data_loss = sum((1 - yi * s).relu() for yi, s in zip(y, scores)) * (1.0 / len(scores))
    reg_loss = alpha * sum(p * p for a in params for p in a.ravel())
    return data_loss + reg_loss, params


params64 = [mg.tensor(a, dtype=mg.float64, requires_grad=True) for a in init]
loss_t, _ = tensor_loss(params64, mg.tensor(Xm, dtype=mg.float64), mg.tensor(ym, dtype=mg.float64))
loss_t.backward()
loss_v, value_params = value_loss(init, Xm, ym)
loss_v.backward()
print(f"loss: tensors {loss_t.item():.12f}, Values {loss_v.data:.12f}")
assert abs(loss_t.item() - loss_v.data) < 1e-10
for p, pv in zip(params64, value_params):
    value_grad = np.array([v.grad for v in pv.ravel()]).reshape(pv.shape)
    assert np.allclose(p.grad.numpy(), value_grad, atol=1e-10)
n_value_nodes = len(mg.autograd.topological_order(loss_v))
n_tensor_nodes = len(mg.autograd.topological_order(loss_t))
print(
    f"same gradients; the graph has {n_value_nodes:,} Value nodes or {n_tensor_nodes} tensor nodes"
)
assert n_tensor_nodes < 50 < 1000 < n_value_nodes

# %% [markdown]
# ## 4. How much faster
#
# One step of each (forward and backward; the tensor step also updates the weights),
# on the same data. The Value
# engine does every multiplication in Python; the tensor engine hands whole matrix
# products to numpy, which does them in compiled code.


# %%
def value_step():
    loss, params = value_loss(init, Xm, ym)
    loss.backward()


params = [mg.tensor(a, dtype=mg.float32, requires_grad=True) for a in init]  # float32
Xt, yt = mg.tensor(Xm, dtype=mg.float32), mg.tensor(ym, dtype=mg.float32)


def tensor_step(lr=0.1):
    loss, _ = tensor_loss(params, Xt, yt)
    for p in params:
        p.grad = None
    loss.backward()
    with mg.no_grad():
        for p in params:
            p.data -= lr * p.grad.data
    return loss


def median_seconds(step, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


t_value = median_seconds(value_step, 3)
t_tensor = median_seconds(tensor_step, 30)
print(
    f"one step on {len(Xm)} points: Values {t_value * 1e3:.1f} ms, tensors {t_tensor * 1e3:.2f} ms "
    f"({t_value / t_tensor:.0f}x faster)"
)
assert t_value / t_tensor > 5  # many times faster (about 100x here, whatever the load)

# %% [markdown]
# ## 5. Training on tensors, on more data
#
# Now the network is cheap enough to train on 1,000 points for 1,000 steps (300 and 300
# in quick mode). The training loop is lesson 2's: zero the gradients, backward, step against
# the gradient. The update runs under `mg.no_grad()`: changing the weights is not part of
# any computation we want to differentiate.

# %%
n_points = 300 if quick else 1000
steps = 300 if quick else 1000
Xm, ym = make_moons(n_samples=n_points, noise=0.1, random_state=2)
ym = 2.0 * ym - 1
Xt, yt = mg.tensor(Xm, dtype=mg.float32), mg.tensor(ym, dtype=mg.float32)
params = [mg.tensor(a, dtype=mg.float32, requires_grad=True) for a in init]
losses = []
start = time.perf_counter()
for k in range(steps):
    losses.append(tensor_step(lr=0.5 - 0.4 * k / steps).item())
elapsed = time.perf_counter() - start
with mg.no_grad():
    _, scores = tensor_loss(params, Xt, yt)
accuracy = float(np.mean((scores.numpy() > 0) == (ym > 0)))
print(
    f"{steps} steps on {n_points} points in {elapsed:.1f} s: loss {losses[-1]:.4f}, "
    f"accuracy {accuracy:.1%}"
)
floor = 0.95 if quick else 0.97
assert accuracy >= floor, f"accuracy {accuracy:.1%} below {floor:.0%}"

# %%
fig, (ax_loss, ax_time) = plt.subplots(1, 2, figsize=(9, 3.2))
ax_loss.plot(losses)
ax_loss.set(
    xlabel="step", ylabel="loss", yscale="log", title=f"tensor MLP 2-{H}-{H}-1, {n_points} points"
)
bars = ax_time.bar(
    ["Values", "tensors"], [t_value * 1e3, t_tensor * 1e3], color=["#c0392b", "#2962c4"]
)
ax_time.bar_label(bars, labels=[f"{t * 1e3:.3g} ms" for t in (t_value, t_tensor)])
ax_time.set(
    yscale="log",
    ylabel="ms per training step (log scale)",
    ylim=(0.1, t_value * 5e3),
    title=f"one step of the same network: {t_value / t_tensor:.0f}x faster",
)
lessons.save_figure(fig, out / "loss_and_speed.png")


def predict(points):
    with mg.no_grad():
        _, scores = tensor_loss(params, mg.tensor(points, dtype=mg.float32), mg.zeros(len(points)))
    return scores.numpy()


fig = plot_decision_boundary(predict, Xm, ym)
fig.axes[0].set_title(f"tensor MLP on {n_points} points (accuracy {accuracy:.1%})")
lessons.save_figure(fig, out / "decision_boundary.png")

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `linear-backward`: the backward of y = x @ W + b, in numpy;
# - `sigmoid-function`: sigmoid as a new Function (gradcheck and gradgradcheck);
# - `elu-function`: ELU as a new Function, with alpha;
# - `prelu-function`: PReLU as a Function: a learned slope per channel;
# - `gradcheck`: write gradcheck yourself: central differences, a relative error and a
#   threshold, tried on right and deliberately wrong gradients (the debugging track).
#
# Next, lesson 4 turns scores into probabilities with softmax, measures mistakes with
# cross-entropy (computed so that it never overflows), and compares three ways of stepping
# downhill: plain SGD, momentum and Adam.

# %%
print("Lesson 3 done: every claim above was checked.")
