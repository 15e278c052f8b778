# %% [markdown]
# # Lesson 2: A neuron, a layer, an MLP from Values
#
# **A network made of scalar Values, trained on two moons.**
#
# We build a neuron, a layer and a small multi-layer perceptron out of the scalar `Value`s
# of lesson 1, and train it by gradient descent to separate two interleaved half-moons.
#
# Nothing new is needed from the engine: a network is one big expression, its loss is one
# Value, and `loss.backward()` gives the gradient of every weight.

# %%
import time

import matplotlib

matplotlib.use("Agg")  # write pictures to files; no window needed
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linprog
from sklearn.datasets import make_moons

import minigrad as mg
from minigrad import lessons
from minigrad.viz.plots import plot_decision_boundary

out, quick = lessons.start(2)
rng = mg.manual_seed(0)  # one seed: the same weights and the same pictures on every run

# %% [markdown]
# ## 1. A neuron
#
# A neuron takes inputs `x1, x2, ...`, multiplies each by its own weight, adds a bias and
# passes the sum through a nonlinearity. We use ReLU, `max(0, z)`:
#
#     out = relu(w1*x1 + w2*x2 + b)
#
# The weights start as small random numbers; training will change them.


# %%
class Neuron:
    def __init__(self, n_in, nonlinear=True):
        self.w = [mg.Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = mg.Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z.relu() if self.nonlinear else z

    def parameters(self):
        return self.w + [self.b]


# %% [markdown]
# Here is one neuron applied to one input point, and its graph after `backward()`.
# The gradient of each weight is the input it multiplies (ReLU passes the gradient
# through when its input is positive): if `w1` grows by a little, the output grows by `x1`
# times that little.

# %%
neuron = Neuron(2)
for v, name in zip(neuron.parameters(), ["w1", "w2", "b"]):
    v.label = name
x1, x2 = mg.Value(0.5, label="x1"), mg.Value(-1.5, label="x2")
o = neuron([x1, x2])
o.label = "out"
o.backward()
print(
    f"neuron output {o.data:.4f}; d out/d w1 = {neuron.w[0].grad}, d out/d w2 = {neuron.w[1].grad}"
)
assert o.data > 0  # so ReLU lets the gradient through
assert (neuron.w[0].grad, neuron.w[1].grad, neuron.b.grad) == (0.5, -1.5, 1.0)
lessons.save_graph(mg.viz.draw(o), out / "neuron.png")

# %% [markdown]
# ## 2. A layer and an MLP
#
# A layer is several neurons that see the same inputs; an MLP is layers in a row, each
# feeding the next. Our network maps a 2-D point to one score: 2 inputs, two hidden layers
# of `H` ReLU neurons, and one output neuron without ReLU (a score can be negative).
# The class is the sign of the score.


# %%
class Layer:
    def __init__(self, n_in, n_out, nonlinear=True):
        self.neurons = [Neuron(n_in, nonlinear) for _ in range(n_out)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, sizes):
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlinear=i != last) for i in range(len(sizes) - 1)
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


H = 8 if quick else 16
model = MLP([2, H, H, 1])
n_params = len(model.parameters())
# each layer: one weight per (input, neuron) pair, one bias per neuron
expected = (2 * H + H) + (H * H + H) + (H * 1 + 1)
print(f"MLP 2-{H}-{H}-1 has {n_params} parameters")
assert n_params == expected

# %% [markdown]
# ## 3. The data: two moons
#
# Two half-moons of points that no straight line separates. We label them -1 and +1.
# (That no line separates them is a small linear program: find `w, b` with
# `y_i * (w . x_i + b) >= 1` for every point. scipy finds that no such `w, b` exists.)

# %%
n_points = 40 if quick else 100
X, y01 = make_moons(n_samples=n_points, noise=0.1, random_state=1)
y = 2 * y01 - 1  # labels -1 and +1
# unknowns (w1, w2, b); each point's constraint -y_i * (w . x_i + b) <= -1
separable = linprog(
    np.zeros(3), A_ub=-y[:, None] * np.c_[X, np.ones(n_points)], b_ub=-np.ones(n_points),
    bounds=[(None, None)] * 3,
)  # fmt: skip
assert separable.status == 2  # 2: infeasible, no straight line separates the two moons

# %% [markdown]
# ## 4. The loss
#
# For each point the network gives a score `s`; we want `s` to have the sign of the label
# `y` with a margin: `y * s >= 1`. The *hinge loss* `relu(1 - y * s)` is zero for points
# classified with a margin and grows linearly for the others. We average it over the points
# and add a small penalty on the squared weights (it keeps them from growing without need).

# %%
alpha = 1e-4


def loss_and_accuracy(model):
    scores = [model([mg.Value(a), mg.Value(b)]) for a, b in X]
    hinge = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(hinge) * (1.0 / len(hinge))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    accuracy = np.mean([(si.data > 0) == (yi > 0) for yi, si in zip(y, scores)])
    return data_loss + reg_loss, accuracy


loss, acc = loss_and_accuracy(model)
n_nodes = len(mg.autograd.topological_order(loss))
print(f"before training: loss {loss.data:.3f}, accuracy {acc:.0%}")
print(f"one evaluation of the loss builds a graph of {n_nodes:,} Values")
assert n_nodes > n_points * n_params  # every point goes through every weight

# %% [markdown]
# ## 5. Training: gradient descent
#
# Each step: compute the loss, set all gradients to zero (they accumulate, lesson 1),
# backpropagate, and move every parameter a little *against* its gradient, the direction
# in which the loss decreases. The step size (learning rate) shrinks over time.

# %%
steps = 40 if quick else 100
losses, accuracies = [], []
start = time.perf_counter()
for k in range(steps):
    loss, acc = loss_and_accuracy(model)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    lr = 1.0 - 0.9 * k / steps
    for p in model.parameters():
        p.data -= lr * p.grad
    losses.append(loss.data)
    accuracies.append(acc)
    if k % 10 == 0 or k == steps - 1:
        print(f"  step {k:3d}: loss {loss.data:.4f}, accuracy {acc:.0%}")
seconds = (time.perf_counter() - start) / steps
loss, acc = loss_and_accuracy(model)
print(
    f"after {steps} steps: loss {loss.data:.4f}, accuracy {acc:.0%} ({seconds * 1e3:.0f} ms per step)"
)
floor = 0.85 if quick else 0.95
assert acc >= floor, f"accuracy {acc:.0%} below {floor:.0%}"
assert loss.data < losses[0] / 3
overshoots = [k for k in range(steps - 1) if losses[k + 1] > losses[k]]
print(f"{len(overshoots)} of {steps} steps made the loss go up; the first: {overshoots[:5]}")
assert overshoots and overshoots[0] < steps // 2  # early, large steps overshoot
if quick:
    assert losses[1] < losses[0]  # the first step helps here
else:
    assert losses[1] > 2 * losses[0]  # the very first step, at learning rate 1.0

# %% [markdown]
# ## 6. Pictures: the loss curve and the decision boundary
#
# To colour the plane by the network's answer we evaluate it at 40,000 grid points.
# With Values that means building 40,000 graphs, which is slow; instead we copy the
# weights into numpy arrays and compute the same layers as matrix products. (Lesson 3
# does exactly this for the whole engine.) First we check that the copy computes the
# same scores.


# %%
def numpy_forward(model, points):
    h = points
    for i, layer in enumerate(model.layers):
        W = np.array([[w.data for w in n.w] for n in layer.neurons])  # (n_out, n_in)
        b = np.array([n.b.data for n in layer.neurons])
        h = h @ W.T + b
        if i < len(model.layers) - 1:
            h = np.maximum(h, 0)
    return h[:, 0]


value_scores = np.array([model([mg.Value(a), mg.Value(b)]).data for a, b in X])
assert np.allclose(numpy_forward(model, X), value_scores, atol=1e-9)

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
fig.subplots_adjust(left=0.12, right=0.99, top=0.9, bottom=0.16, wspace=0.25)
ax_loss.plot(losses)
ax_loss.set(xlabel="step", ylabel="loss", title="hinge loss + L2", yscale="log")
ax_acc.plot(np.array(accuracies) * 100)
ax_acc.set(xlabel="step", ylabel="accuracy (%)", title="training accuracy", ylim=(40, 101))
lessons.save_figure(fig, out / "loss_curve.png", trim=False)  # placed to fit

fig = plot_decision_boundary(lambda points: numpy_forward(model, points), X, y)
fig.axes[0].set_title(f"decision boundary, MLP 2-{H}-{H}-1 (accuracy {acc:.0%})")
lessons.save_figure(fig, out / "decision_boundary.png")

# %% [markdown]
# The loss does not fall at every step. The early steps, at a learning rate near 1.0, are
# large enough to overshoot, and the loss goes up after some of them: in full mode the
# very first step more than doubles it; in quick mode (a smaller network, fewer points)
# the first steps help and a few later ones climb. The later, smaller steps recover, and
# the loss ends at less than a third of where it started.
#
# The border between the colours is where the score is zero. The network bent it around
# the moons: with ReLU units the boundary is made of straight pieces, with a kink wherever
# a hidden neuron switches on or off.
#
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `mlp-params`: count the parameters of an MLP;
# - `value-sgd-step`: one gradient-descent step on Values;
# - `value-mlp`: the build-Value-yourself track, part 3: this lesson's MLP on the `Value`
#   you wrote in lesson 1's `value-ops` and `value-backward`, trained until it separates
#   XOR-like points.
#
# Next, lesson 3 replaces thousands of scalar Values with a few tensors: the same network,
# the same gradients, computed by matrix operations, and much faster.

# %%
print("Lesson 2 done: every claim above was checked.")
