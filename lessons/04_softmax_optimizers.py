# %% [markdown]
# # Lesson 4: Softmax, cross-entropy and optimizers
#
# **Stable log-softmax, the gradient of cross-entropy, and SGD vs momentum vs Adam.**
#
# We turn a network's scores into probabilities with softmax, measure mistakes with
# cross-entropy, compute both so that they never overflow, and compare three ways of using
# the gradient: plain SGD, SGD with momentum, and Adam.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import lessons, optim
from minigrad.viz.plots import plot_decision_boundary

out, quick = lessons.start(4)
rng = mg.manual_seed(0)

# %% [markdown]
# ## 1. Softmax: scores to probabilities
#
# A classifier with `C` classes outputs `C` scores (*logits*) per example. Softmax turns
# them into probabilities: exponentiate (everything becomes positive) and divide by the
# sum (everything adds up to 1):
#
#     softmax(z)_i = exp(z_i) / sum_j exp(z_j)
#
# Written like that, it breaks for large scores: `exp(1000)` is larger than any float.


# %%
def softmax_naive(z):
    e = np.exp(z)
    return e / e.sum()


z = np.array([1000.0, 1001.0, 1002.0])
with np.errstate(over="ignore", invalid="ignore"):  # we *want* to see it fail
    naive = softmax_naive(z)
print("naive softmax of [1000, 1001, 1002]:", naive)
assert np.isnan(naive).all()  # inf / inf

# %% [markdown]
# The fix is one line of algebra. Multiplying top and bottom by `exp(-m)` changes nothing,
# so `softmax(z) = softmax(z - m)` for any number `m`. Choosing `m = max(z)` makes the
# largest exponent `exp(0) = 1`: nothing can overflow, and at least one term of the sum is 1,
# so nothing divides by zero.


# %%
def softmax_stable(z):
    e = np.exp(z - z.max())
    return e / e.sum()


stable = softmax_stable(z)
print("stable softmax of [1000, 1001, 1002]:", stable.round(4))
assert np.allclose(stable, softmax_naive(np.array([0.0, 1.0, 2.0])))  # only differences matter
assert np.allclose(F.softmax(mg.tensor(z, dtype=mg.float32), dim=0).numpy(), stable)

# %% [markdown]
# ## 2. Log-softmax: the log of a tiny probability
#
# Training uses the *log* of the probability of the right class. Taking `log(softmax(z))`
# has a second failure: a probability below about `1e-308` rounds to 0, and `log(0)` is
# minus infinity, though the true value is an ordinary number. Writing the log directly,
#
#     log softmax(z)_i = z_i - logsumexp(z),   logsumexp(z) = m + log(sum_j exp(z_j - m))
#
# never forms the tiny probability. `F.log_softmax` computes it this way.

# %%
z = np.array([0.0, -800.0])
with np.errstate(divide="ignore"):
    naive_log = np.log(softmax_stable(z))
good = F.log_softmax(mg.tensor(z, dtype=mg.float64), dim=0).numpy()
print(f"log softmax of [0, -800]: via log(softmax) {naive_log}, via logsumexp {good}")
assert np.isneginf(naive_log[1])
assert np.allclose(good, [0.0, -800.0])  # exp(-800) is negligible next to exp(0)
big = F.log_softmax(mg.tensor([1e4, 0.0, -1e4]), dim=0).numpy()  # float32, both extremes
assert np.isfinite(big).all() and np.allclose(big, [0.0, -1e4, -2e4])

# %% [markdown]
# ## 3. Cross-entropy, and its gradient
#
# The loss for one example with correct class `t` is `-log softmax(z)_t`: zero when the
# network gives the right class probability 1, large when it gives it almost 0.
# `F.cross_entropy(logits, targets)` averages it over a batch.
#
# Its gradient with respect to the logits is strikingly simple:
#
#     dL/dz = softmax(z) - onehot(t)         (divided by N for the batch mean)
#
# Each wrong class is pushed down by its probability; the right class is pulled up by
# `1 - p_t`. The engine never uses this formula (it differentiates log-softmax piece by
# piece), and arrives at it anyway.

# %%
N, C = 4, 5
logits = mg.tensor(rng.normal(size=(N, C)) * 2, dtype=mg.float64, requires_grad=True)
targets = np.array([0, 3, 1, 3])
loss = F.cross_entropy(logits, targets)
loss.backward()
probs = F.softmax(logits, dim=1).detach().numpy()
onehot = np.eye(C)[targets]
assert np.isclose(loss.item(), -np.log(probs[np.arange(N), targets]).mean())
assert np.allclose(logits.grad.numpy(), (probs - onehot) / N)
print(f"cross-entropy {loss.item():.4f}; gradient equals (softmax - onehot) / N")

fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained")
classes = np.arange(C)
colours = ["#2962c4" if c == targets[0] else "#999999" for c in classes]
axes[0].bar(classes, logits.numpy()[0], color=colours)
axes[0].set(title="logits z (example 0)", xlabel="class")
axes[1].bar(classes, probs[0], color=colours)
axes[1].set(title="softmax(z): probabilities", xlabel="class", ylim=(0, 1))
axes[2].bar(classes, (probs - onehot)[0], color=colours)
axes[2].axhline(0, color="k", linewidth=0.8)
axes[2].set(title="gradient: softmax(z) - onehot", xlabel="class")
fig.suptitle(f"one example; its correct class ({targets[0]}) in blue")
lessons.save_figure(fig, out / "softmax_gradient.png")

# %% [markdown]
# The blue bar of the gradient is negative: gradient descent moves *against* the
# gradient, so it raises the correct logit and lowers the others, each in proportion to
# how much probability it wrongly holds.

# %%
grad_0 = (probs - onehot)[0]
assert grad_0[targets[0]] < 0 and (np.delete(grad_0, targets[0]) > 0).all()

# %% [markdown]
#
# ## 4. Three optimizers
#
# An optimizer turns gradients into parameter updates. `minigrad.optim` has PyTorch's:
#
# - **SGD**: `p -= lr * g`. One learning rate for every direction.
# - **Momentum**: keep a running velocity `v = mu * v + g` and step `p -= lr * v`.
#   Steps that agree build up speed; steps that alternate cancel.
# - **Adam**: divide each parameter's (averaged) gradient by the root of its averaged
#   square, so every parameter takes steps of about `lr`, whatever its gradient's scale.
#
# Two of these claims can be checked in a few lines. With a constant gradient `g`,
# momentum's step grows to `lr * g / (1 - mu)`: ten times SGD's for `mu = 0.9`.

# %%
p = mg.tensor([0.0], requires_grad=True)
opt = optim.SGD([p], lr=0.01, momentum=0.9)
g = 3.0
for _ in range(200):
    before = p.item()
    opt.zero_grad()
    (p * g).sum().backward()  # the gradient is g at every step
    opt.step()
step = before - p.item()
print(
    f"momentum: step after 200 constant gradients {step:.4f}; lr * g / (1 - mu) = {0.01 * g / 0.1:.4f}"
)
assert np.isclose(step, 0.01 * g / (1 - 0.9), rtol=1e-4)

# %% [markdown]
# And Adam's first step moves every parameter by `lr` (up to its tiny `eps`), whether its
# gradient is 1000 or 0.001:

# %%
p = mg.tensor([1.0, 1.0, 1.0], requires_grad=True)
opt = optim.Adam([p], lr=0.01)
(p * mg.tensor([1000.0, 1.0, 0.001])).sum().backward()
opt.step()
moved = 1.0 - p.numpy()
print(f"Adam's first step for gradients 1000, 1, 0.001: {moved}")
assert np.allclose(moved, 0.01, rtol=1e-4)

# %% [markdown]
# ### A long, narrow valley
#
# The difference shows on a loss whose curvature differs by direction. Take
# `f(x, y) = (0.5 x^2 + 20 y^2) / 2`: steep across `y`, shallow along `x`. SGD's learning
# rate must be small enough for the steep direction (above `2 / 20 = 0.1` it diverges), and
# then it crawls along the shallow one while zigzagging across the steep one. Each
# optimizer gets a learning rate that suits it (SGD's is near its limit).

# %%
curvature = mg.tensor([0.5, 20.0])
valley_steps = 40
settings = {
    "SGD (lr 0.09)": lambda ps: optim.SGD(ps, lr=0.09),
    "momentum (lr 0.03, mu 0.9)": lambda ps: optim.SGD(ps, lr=0.03, momentum=0.9),
    "Adam (lr 0.3)": lambda ps: optim.Adam(ps, lr=0.3),
}
paths, valley_loss = {}, {}
for name, make in settings.items():
    p = mg.tensor([-8.0, 2.0], requires_grad=True)
    opt = make([p])
    path = [p.numpy().copy()]
    for _ in range(valley_steps):
        opt.zero_grad()
        f = (curvature * p * p).sum() * 0.5
        f.backward()
        opt.step()
        path.append(p.numpy().copy())
    paths[name] = np.array(path)
    valley_loss[name] = float((0.5 * curvature.numpy() * p.numpy() ** 2).sum())
    print(f"  {name:28s} loss after {valley_steps} steps: {valley_loss[name]:.4f}")
sgd_name, momentum_name, adam_name = settings
# and SGD's limit: just above lr = 2 / 20 the steep direction blows up
p = mg.tensor([-8.0, 2.0], requires_grad=True)
opt = optim.SGD([p], lr=0.11)
for _ in range(valley_steps):
    opt.zero_grad()
    ((curvature * p * p).sum() * 0.5).backward()
    opt.step()
print(f"  SGD with lr 0.11: y went from 2 to {p.numpy()[1]:.3g}")
assert abs(p.numpy()[1]) > 2 * 10
assert valley_loss[momentum_name] < valley_loss[sgd_name] / 2
assert valley_loss[adam_name] < valley_loss[sgd_name] / 2

# %% [markdown]
# ### A real training problem
#
# Now the same three on a network: three interleaved spirals of 2-D points, a
# 2-32-32-3 ReLU network, cross-entropy, the same starting weights for all three, and the
# learning rates people usually start from (0.1 for SGD with or without momentum, 0.01 for
# Adam).


# %%
def spirals(n_per_class, classes=3, noise=0.2):
    X, y = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1, n_per_class)
        t = np.linspace(4 * c, 4 * c + 4, n_per_class) + noise * rng.normal(size=n_per_class)
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(y)


X, y = spirals(60 if quick else 100)
H = 32
init = [
    rng.normal(size=(2, H)) * np.sqrt(2 / 2), np.zeros(H),
    rng.normal(size=(H, H)) * np.sqrt(2 / H), np.zeros(H),
    rng.normal(size=(H, 3)) * np.sqrt(2 / H), np.zeros(3),
]  # fmt: skip


def network(params, X):
    W1, b1, W2, b2, W3, b3 = params
    h = (X @ W1 + b1).relu()
    h = (h @ W2 + b2).relu()
    return h @ W3 + b3


steps = 80 if quick else 400
Xt = mg.tensor(X, dtype=mg.float32)
runs = {
    "SGD (lr 0.1)": lambda ps: optim.SGD(ps, lr=0.1),
    "momentum (lr 0.1, mu 0.9)": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "Adam (lr 0.01)": lambda ps: optim.Adam(ps, lr=0.01),
}
curves, trained = {}, {}
for name, make in runs.items():
    params = [mg.tensor(a, dtype=mg.float32, requires_grad=True) for a in init]
    opt = make(params)
    curves[name] = []
    for _ in range(steps):
        loss = F.cross_entropy(network(params, Xt), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        curves[name].append(loss.item())
    trained[name] = params
    with mg.no_grad():
        accuracy = float((network(params, Xt).numpy().argmax(1) == y).mean())
    print(f"  {name:26s} loss {curves[name][-1]:.4f}, accuracy {accuracy:.0%}")
sgd_run, momentum_run, adam_run = runs
assert curves[momentum_run][-1] < curves[sgd_run][-1] / 3
assert curves[adam_run][-1] < curves[sgd_run][-1] / 3
assert accuracy >= 0.95  # Adam's, the last run

# %% [markdown]
# Both problems in one picture: on the left the paths through the valley (the minimum is
# the cross), on the right the training loss on the spirals.

# %%
fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
fig.subplots_adjust(left=0.06, right=0.99, top=0.92, bottom=0.12, wspace=0.2)
gx, gy = np.meshgrid(np.linspace(-9, 3, 200), np.linspace(-2.5, 2.5, 200))
ax_path.contour(
    gx,
    gy,
    0.5 * (0.5 * gx**2 + 20 * gy**2),
    levels=np.geomspace(0.05, 60, 12),
    colors="#bbbbbb",
    linewidths=0.8,
)
colours = ["#c0392b", "#2962c4", "#1e8449"]
for (name, path), colour in zip(paths.items(), colours):
    ax_path.plot(
        path[:, 0], path[:, 1], "o-", color=colour, markersize=2.5, linewidth=1, label=name
    )
ax_path.plot([0], [0], "k+", markersize=12)
ax_path.set(title=f"valley f = (0.5 x² + 20 y²) / 2, {valley_steps} steps", xlabel="x", ylabel="y")
ax_path.legend(loc="lower right", fontsize=8)
for (name, curve), colour in zip(curves.items(), colours):
    ax_loss.plot(curve, color=colour, label=name)
ax_loss.set(
    title="spirals: training loss, same start",
    xlabel="step",
    ylabel="cross-entropy (log scale)",
    yscale="log",
)
ax_loss.legend(fontsize=8)
lessons.save_figure(fig, out / "optimizers.png", trim=False)  # placed to fit

# %% [markdown]
# In the valley, SGD (red) zigzags across the steep direction (`y` changes sign at every
# step) and, after 40 steps, is still far from the minimum along the shallow one.
# Momentum (blue) builds up speed along the valley, overshoots the minimum and swings
# back, and still ends closer. Adam (green) takes steps of the same size in both
# directions at first (its first step is `lr` in `x` and in `y`), so it heads for the
# minimum without zigzagging: its `y` changes sign only a few times in 40 steps.

# %%
sgd_path, momentum_path, adam_path = paths.values()


def sign_changes(values):
    return int((np.sign(values[1:]) != np.sign(values[:-1])).sum())


print(
    f"  y changed sign: SGD {sign_changes(sgd_path[:, 1])} times, "
    f"Adam {sign_changes(adam_path[:, 1])} times in {valley_steps} steps"
)
assert sign_changes(sgd_path[:, 1]) == valley_steps  # a zigzag: every step crosses y = 0
assert sgd_path[-1, 0] < -1  # still far along the shallow direction
assert momentum_path[:, 0].max() > 0  # overshot the minimum at x = 0
assert momentum_path[-1, 0] < momentum_path[:, 0].max()  # and swung back
assert np.allclose(np.abs(adam_path[1] - adam_path[0]), 0.3, rtol=1e-4)
assert sign_changes(adam_path[:, 1]) <= 5

# %% [markdown]
# And what Adam's network learned: the plane coloured by its predicted class.


# %%
def predict(points):
    with mg.no_grad():
        return network(trained[adam_run], mg.tensor(points, dtype=mg.float32)).numpy()


fig = plot_decision_boundary(predict, X, y)
fig.axes[0].set_title("three spirals: the classes Adam's network predicts")
lessons.save_figure(fig, out / "spirals.png")

# %% [markdown]
# What momentum and Adam buy is progress on badly scaled problems, like the valley. Deep
# networks are badly scaled: the gradients of different layers can differ by orders of
# magnitude (lesson 9 measures them).
#
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `log-softmax`: a numerically stable log-softmax from Tensor operations;
# - `softmax-cross-entropy`: softmax cross-entropy as one Function: (softmax - onehot) / N;
# - `adam-step`: one Adam update in numpy, bias correction included;
# - `bug-softmax-twice`: find the bug: a classifier that trains badly;
# - `lr-sweep`: a learning-rate sweep that finds where gradient descent diverges, checked
#   against 2 / (largest curvature), as in the valley above (the debugging track).
#
# Next, lesson 5 builds a convolution out of the tensor operations we already have, and
# lets the engine derive its backward pass.

# %%
print("Lesson 4 done: every claim above was checked.")
