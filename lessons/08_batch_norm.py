# %% [markdown]
# # Lesson 8: Batch normalization
#
# **Four formulas, train vs eval mode, two classic bugs, the derived backward, and why it helps.**
#
# Batch normalization (Ioffe and Szegedy, 2015) rescales every layer's inputs to mean 0
# and variance 1, batch by batch, then lets the network choose its own scale and shift.
# We write its four formulas in numpy and check `F.batch_norm` against them, follow the
# running statistics that replace the batch in eval mode (and two bugs that come from
# them), check the backward pass the engine derives against the closed form, and train the
# same deep network with and without it.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, nn, optim
from minigrad.viz.plots import plot_activation_histograms

out, quick = lessons.start(8)
rng = mg.manual_seed(0)

# %% [markdown]
# ## 1. The four formulas
#
# For a mini-batch of `m` values `x_1 ... x_m` of one feature (one channel, for images),
# the paper's Algorithm 1 is:
#
#     mu    = (1/m) sum_i x_i                         batch mean
#     var   = (1/m) sum_i (x_i - mu)^2                batch variance (divide by m)
#     x_hat = (x_i - mu) / sqrt(var + eps)            normalise: mean 0, variance 1
#     y_i   = gamma * x_hat_i + beta                  scale and shift, both learned
#
# `eps` (1e-5) keeps the division safe when a feature hardly varies. The last line
# matters: with `gamma = sqrt(var + eps)` and `beta = mu` the layer could undo the
# normalisation entirely, so normalising takes nothing away from what the network can
# represent. For images `(N, C, H, W)` the statistics are per channel, over `N * H * W`
# values: every position of a feature map shares the same `gamma` and `beta`, as they
# share a convolution's weights.

# %%
x = rng.normal(3.0, 2.5, size=(16, 4)) * np.array([1.0, 10.0, 0.1, 1.0])  # 4 very different scales
gamma = np.array([1.0, 2.0, 0.5, 1.5])
beta = np.array([0.0, -1.0, 3.0, 0.5])
eps = 1e-5

mu = x.mean(axis=0)
var = ((x - mu) ** 2).mean(axis=0)
x_hat = (x - mu) / np.sqrt(var + eps)
y_numpy = gamma * x_hat + beta

y = F.batch_norm(
    mg.tensor(x, dtype=mg.float32),
    None,
    None,
    mg.tensor(gamma, dtype=mg.float32),
    mg.tensor(beta, dtype=mg.float32),
    training=True,
    eps=eps,
)
print("feature std before:", x.std(axis=0).round(3), " after x_hat:", x_hat.std(axis=0).round(3))
assert np.allclose(y.numpy(), y_numpy, atol=1e-5)
assert np.allclose(x_hat.mean(axis=0), 0, atol=1e-6) and np.allclose(
    x_hat.std(axis=0), 1, atol=1e-3
)
assert np.allclose(y_numpy.mean(axis=0), beta) and np.allclose(
    y_numpy.std(axis=0), gamma, atol=1e-3
)
# gamma = sqrt(var + eps), beta = mu gives back the input: nothing is lost
undone = np.sqrt(var + eps) * x_hat + mu
assert np.allclose(undone, x)

# %% [markdown]
# ## 2. Train mode, eval mode and the running statistics
#
# In training, each feature is normalised with the statistics of the current batch. That
# makes one example's output depend on which other examples share its batch, which is
# fine as noise during training but wrong for a prediction: the answer for one image
# must not change with its neighbours, and a single image has no variance at all.
#
# So while training, `nn.BatchNorm` also keeps *running* averages of the batch mean and
# variance, blended at every step with `momentum` (0.1):
#
#     running_mean = (1 - momentum) * running_mean + momentum * mu
#     running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)
#
# and in eval mode (`model.eval()`) it uses them in place of the batch statistics. Then
# the layer is a fixed affine map per feature, the same for every batch.

# %%
bn = nn.BatchNorm1d(4)
batch = mg.tensor(x, dtype=mg.float32)
assert np.allclose(bn.running_mean.numpy(), 0) and np.allclose(bn.running_var.numpy(), 1)
bn.train()
bn(batch)
m = len(x)
assert np.allclose(bn.running_mean.numpy(), 0.9 * 0 + 0.1 * mu, rtol=1e-5)
assert np.allclose(bn.running_var.numpy(), 0.9 * 1 + 0.1 * var * m / (m - 1), rtol=1e-5)
print("after one batch: running_mean =", bn.running_mean.numpy().round(3))

# train mode: example 0's output depends on the rest of its batch; eval mode: it does not
other = mg.tensor(rng.normal(0.0, 1.0, size=(15, 4)), dtype=mg.float32)
pair_a = mg.cat([batch[:1], batch[1:]])
pair_b = mg.cat([batch[:1], other])
with mg.no_grad():
    bn.train()
    train_a, train_b = bn(pair_a)[0].numpy(), bn(pair_b)[0].numpy()
    bn.eval()
    eval_a, eval_b, eval_alone = bn(pair_a)[0].numpy(), bn(pair_b)[0].numpy(), bn(batch[:1])[0]
print(
    f"example 0 in two different batches: train mode differs by {abs(train_a - train_b).max():.2f}"
)
print(f"                                    eval mode differs by {abs(eval_a - eval_b).max():.2f}")
assert abs(train_a - train_b).max() > 0.5
assert np.array_equal(eval_a, eval_b) and np.array_equal(eval_a, eval_alone.numpy())

# %% [markdown]
# How quickly do the running averages find the true statistics? Feed batches drawn from a
# known distribution (mean 5, variance 4) and follow them: with momentum 0.1 each step
# moves a tenth of the way, so after about 30 steps the start (0 and 1) is forgotten, and
# what is left is the noise of the last few batches.

# %%
steps = 200
bn = nn.BatchNorm1d(1)
trace = []
for _ in range(steps):
    bn(mg.tensor(rng.normal(5.0, 2.0, size=(32, 1)), dtype=mg.float32))
    trace.append((bn.running_mean.item(), bn.running_var.item()))
trace = np.array(trace)
assert abs(trace[-50:, 0].mean() - 5.0) < 0.3 and abs(trace[-50:, 1].mean() - 4.0) < 0.6
assert abs(trace[0, 0] - 0.5) < 0.1  # one step: a tenth of the way from 0 to 5
assert 0.9**30 < 0.05  # after 30 steps less than 5% of the start is left...
assert abs(trace[30:60, 0].mean() - 5.0) < 0.3  # ...and the mean is near the truth

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
fig.subplots_adjust(left=0.04, right=0.99, bottom=0.14, top=0.84, wspace=0.15)  # by hand: cheaper
for ax, column, truth, name in [
    (axes[0], 0, 5.0, "running_mean"),
    (axes[1], 1, 4.0, "running_var"),
]:
    ax.plot(np.arange(1, steps + 1), trace[:, column], color="#2962c4", label=name)
    ax.axhline(truth, color="#d9531e", linestyle="--", label=f"true value ({truth:g})")
    ax.set(xlabel="training step (one batch of 32)", title=f"{name}, momentum 0.1")
    ax.grid(alpha=0.3)
    ax.legend()
fig.suptitle("the running statistics forget their start (0 and 1) and follow the data")
lessons.save_figure(fig, out / "running_statistics.png", trim=False)

# %% [markdown]
# ### Classic bug 1: batch statistics at evaluation
#
# Forget `model.eval()` and batch norm keeps using the statistics of whatever batch it is
# given. Two things go wrong. The prediction for an image now depends on the other images
# in its batch, so a test set fed in a different order (or one image at a time) gets
# different answers. And every evaluation batch is blended into the running averages, so
# the test data quietly changes the model. Section 5 measures what this costs a trained
# network.
#
# ### Classic bug 2: biased or unbiased running variance
#
# The batch variance divides by `m`. That is right for normalising the batch itself (it
# is the variance of exactly those numbers), but as an *estimate* of the variance of all
# the data it is too small on average, by a factor `(m - 1) / m`: the batch's own mean sits
# closer to its values than the true mean does. With small batches that is a real error:
# for `m = 4`, a quarter. So the running variance stores the unbiased `var * m / (m - 1)`
# (as PyTorch does), while the batch is normalised with the biased one.
#
# To see the difference, average many batches of 4 from a distribution of variance 4:

# %%
m_small, batches = 4, 1500 if quick else 6000
samples = rng.normal(0.0, 2.0, size=(batches, m_small, 1))
bn = nn.BatchNorm1d(1, momentum=None)  # momentum=None: a plain average over all batches
biased = []
for sample in samples:
    bn(mg.tensor(sample, dtype=mg.float32))
    biased.append(sample.var())  # numpy's var divides by m: the biased estimate
unbiased_avg, biased_avg = bn.running_var.item(), float(np.mean(biased))
print(
    f"batches of {m_small} from variance 4: running_var (unbiased) averages {unbiased_avg:.2f}, "
    f"the biased batch variance {biased_avg:.2f} = 4 * {m_small - 1}/{m_small}"
)
assert abs(unbiased_avg - 4.0) < 0.25
assert abs(biased_avg - 4.0 * (m_small - 1) / m_small) < 0.2
assert unbiased_avg - biased_avg > 0.6  # the bug: a quarter of the variance missing

# %% [markdown]
# What would the biased estimate do at evaluation time? Dividing by the square root of a
# variance that is too small makes every normalised output too large, by
# `sqrt(m / (m - 1))`: 15% for batches of 4. The next layer then sees inputs on a scale it
# was never trained on.

# %%
test_values = rng.normal(0.0, 2.0, size=(20000, 1))
spread_unbiased = (test_values / np.sqrt(unbiased_avg + eps)).std()
spread_biased = (test_values / np.sqrt(biased_avg + eps)).std()
print(f"eval outputs' std: {spread_unbiased:.3f} (unbiased), {spread_biased:.3f} (biased)")
assert abs(spread_unbiased - 1.0) < 0.05 and spread_biased > 1.1
assert abs(spread_biased / spread_unbiased - np.sqrt(m_small / (m_small - 1))) < 0.02  # 15%

# %% [markdown]
# ## 3. The backward pass, derived and by hand
#
# `F.batch_norm` is composed of a mean, a subtraction, a square, another mean, a power
# and a product, so the engine derives its gradient. Its graph, on a small batch of 4
# examples with 2 features:

# %%
xs = mg.tensor(rng.normal(size=(4, 2)), dtype=mg.float32, requires_grad=True)
gs = mg.tensor([1.5, 0.5], requires_grad=True)
bs = mg.tensor([0.0, 1.0], requires_grad=True)
weights = mg.tensor(
    rng.normal(size=(4, 2)), dtype=mg.float32
)  # a loss that weighs each output differently
with mg.autograd.retain_grads():
    loss = (F.batch_norm(xs, None, None, gs, bs, training=True) * weights).sum()
    loss.backward()
names = {xs: "x", gs: "gamma", bs: "beta", weights: "weights of the loss"}
lessons.save_graph(
    mg.viz.draw(loss, expand={"batch_norm"}, show="grad", names=names),
    out / "batch_norm_graph.png",
)

# %% [markdown]
# Read it from left to right: the `sum` and `div` at the top are the mean `mu`, `sub` is
# `x - mu`, then `powscalar` (the square), `sum`, `div` (the variance), `add` (eps),
# `powscalar` (the power -1/2), and the scale and shift. The gradient flows back into `x`
# along three paths: directly through `x - mu`, through the mean `mu`, and through the
# variance. Working the three out by hand (the paper's
# section 3 does it) and simplifying gives one closed form. With `g = dL/dy`:
#
#     dL/dbeta  = sum_i g_i
#     dL/dgamma = sum_i g_i * x_hat_i
#     dL/dx_i   = gamma / (m * sqrt(var + eps))
#                 * (m * g_i - sum_j g_j - x_hat_i * sum_j g_j x_hat_j)
#
# We compute it in numpy and compare with what the engine derived, in float64.

# %%
x64 = rng.normal(2.0, 3.0, size=(8, 3))
g64 = rng.normal(size=(8, 3))  # the gradient arriving from above: dL/dy
gamma64 = np.array([0.5, 1.0, 2.0])
beta64 = np.array([0.1, 0.2, 0.3])

xt = mg.tensor(x64, dtype=mg.float64, requires_grad=True)
gt = mg.tensor(gamma64, dtype=mg.float64, requires_grad=True)
bt = mg.tensor(beta64, dtype=mg.float64, requires_grad=True)
yt = F.batch_norm(xt, None, None, gt, bt, training=True, eps=eps)
(yt * mg.tensor(g64, dtype=mg.float64)).sum().backward()  # makes dL/dy exactly g64


def batch_norm_backward(g, x, gamma, eps):
    m = x.shape[0]
    mu = x.mean(axis=0)
    inv_std = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=0) + eps)
    x_hat = (x - mu) * inv_std
    grad_beta = g.sum(axis=0)
    grad_gamma = (g * x_hat).sum(axis=0)
    grad_x = gamma * inv_std / m * (m * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    return grad_x, grad_gamma, grad_beta, x_hat


grad_x, grad_gamma, grad_beta, x_hat64 = batch_norm_backward(g64, x64, gamma64, eps)
for name, engine, closed in [
    ("x", xt.grad, grad_x),
    ("gamma", gt.grad, grad_gamma),
    ("beta", bt.grad, grad_beta),
]:
    print(
        f"  dL/d{name:5s}: engine vs closed form, largest difference "
        f"{abs(engine.numpy() - closed).max():.1e}"
    )
    assert np.allclose(engine.numpy(), closed, rtol=1e-10, atol=1e-12)
assert mg.gradcheck(lambda a, w, b: F.batch_norm(a, None, None, w, b, training=True), [xt, gt, bt])

# %% [markdown]
# Two facts fall out of the formula, and both say the same thing: batch norm's output
# does not change if you shift the whole batch or scale it, so the gradient has no
# component in those directions. Over the batch, `dL/dx` sums to 0 (shifting every `x_i`
# by the same amount changes nothing) and is orthogonal to `x_hat` (scaling the centred
# batch changes nothing, apart from the tiny effect of `eps`). If we forgot the paths
# through `mu` and `var` and treated them as constants, we would get
# `g * gamma / sqrt(var + eps)`, which has neither property. (The graph above shows the
# first fact too: the mean of `x`'s gradient is 0, up to rounding.)

# %%
naive = g64 * gamma64 / np.sqrt(x64.var(axis=0) + eps)
assert np.allclose(grad_x.sum(axis=0), 0, atol=1e-12)
assert np.allclose((grad_x * x_hat64).sum(axis=0), 0, atol=1e-5)  # 0 but for eps
assert not np.allclose(naive, grad_x, atol=1e-3) and abs(naive.sum(axis=0)).max() > 0.1
assert abs(xs.grad.numpy().mean()) < 1e-6  # the picture's x: its gradient's mean is 0
print("dL/dx sums to 0 over the batch and is orthogonal to x_hat; the naive version is not")

# %% [markdown]
# ## 4. The same deep network, with and without batch norm
#
# A network of ten hidden layers of 64 sigmoid units, on the digits at their original 8x8
# (64 pixels). The sigmoid is the paper's own test case: its output is between 0 and 1 and
# its slope is at most 1/4, so without care the signal fades as it goes deeper, and the
# gradient even more. The second network is the same with a `BatchNorm1d` before every
# sigmoid. Both start from the same kind of random weights and take the same steps (SGD with
# momentum, learning rate 0.1, batches of 64).

# %%
train_set, test_set = data.load_digits(size=8)
x_train = train_set.tensors[0].numpy().reshape(len(train_set), 64)
y_train = train_set.tensors[1].numpy()
x_test = mg.tensor(test_set.tensors[0].numpy().reshape(len(test_set), 64))
y_test = test_set.tensors[1].numpy()
depth, width = 10, 64


def deep_net(batch_norm):
    layers, n_in = [], 64
    for _ in range(depth):
        layers.append(nn.Linear(n_in, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.Sigmoid())
        n_in = width
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def activations(model, x):
    """The output of every sigmoid, in order, for inputs x."""
    found, h = [], x
    with mg.no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.Sigmoid):
                found.append(h.numpy())
    return found


steps = 100 if quick else 600
nets, losses = {}, {}
for name, use_bn in [("plain", False), ("batch norm", True)]:
    mg.manual_seed(1)
    model = deep_net(use_bn)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    order = np.random.default_rng(0)
    losses[name] = []
    for _ in range(steps):
        idx = order.choice(len(x_train), 64, replace=False)
        loss = F.cross_entropy(model(mg.tensor(x_train[idx])), y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[name].append(loss.item())
    model.eval()
    with mg.no_grad():
        accuracy = float((model(x_test).numpy().argmax(1) == y_test).mean())
    nets[name] = (model, accuracy)
    print(
        f"  {name:10s}: last 20 steps' loss {np.mean(losses[name][-20:]):.3f}, "
        f"test accuracy {accuracy:.1%}"
    )

acc_plain, acc_bn = nets["plain"][1], nets["batch norm"][1]
assert np.mean(losses["batch norm"][-20:]) < 0.5 * np.mean(losses["plain"][-20:])
assert acc_bn > acc_plain + 0.3 and acc_bn >= (0.8 if quick else 0.9)

fig, ax = plt.subplots(figsize=(8, 4))
fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.92)  # by hand: cheaper
smooth = 10
for name, colour in [("plain", "#2962c4"), ("batch norm", "#d9531e")]:
    curve = np.convolve(losses[name], np.ones(smooth) / smooth, mode="valid")
    label = f"{name} (test accuracy {nets[name][1]:.0%})"
    ax.plot(np.arange(smooth, steps + 1), curve, color=colour, label=label)
ax.axhline(np.log(10), color="grey", linestyle=":", label="log 10: guessing among 10 classes")
ax.set(xlabel="training step", ylabel=f"training loss (mean of {smooth} steps)")
ax.set_title(f"{depth} sigmoid layers, the same training, with and without batch norm")
ax.grid(alpha=0.3)
ax.legend()
lessons.save_figure(fig, out / "with_and_without_bn.png", trim=False)

# %% [markdown]
# Why? Look at what each layer outputs for the test images, after training (all units and
# images together, on the sigmoid's full range 0 to 1). In the plain network the outputs
# crowd into a narrow band around the middle, and what variation is left is mostly each
# unit's own constant: the variation *between images* (printed below) shrinks several
# times at each of the first layers, until the last layers say the same thing for every
# image. There is nothing left for the classifier to read, and the gradient arriving back
# at the first layer is tiny (printed below: its weights' gradient against the last
# layer's). With batch norm every sigmoid receives inputs of mean `beta` and spread
# `gamma`, so its outputs use nearly the whole range at every depth.

# %%
acts = {name: activations(model, x_test) for name, (model, _) in nets.items()}
shown = {}
for name in ("plain", "batch norm"):
    for layer in (1, 4, 7, 10):
        shown[f"{name}: layer {layer}"] = acts[name][layer - 1]
fig = plot_activation_histograms(shown)
for ax in fig.axes:
    ax.set_xlim(0, 1)  # the sigmoid's whole range, the same in every panel
    ax.set_xticks([0, 0.5, 1])
    ax.yaxis.set_major_locator(MaxNLocator(3))  # a few counts are enough to compare shapes
fig.suptitle(
    "outputs of sigmoid layers 1, 4, 7, 10 on the test digits: plain (top), batch norm (bottom)"
)
lessons.save_figure(fig, out / "activation_histograms.png", trim=False)  # laid out to fit


def spread(a):
    """How much a layer's output differs between images: std over the batch, mean over units."""
    return float(a.std(axis=0).mean())


print("spread of each sigmoid's output between test images, layer 1 .. 10:")
for name in ("plain", "batch norm"):
    print(f"  {name:10s}", " ".join(f"{spread(a):.3f}" for a in acts[name]))
plain_spreads = [spread(a) for a in acts["plain"]]
assert all(plain_spreads[k + 1] < plain_spreads[k] / 3 for k in range(3))  # shrinks fast
assert plain_spreads[-1] < 0.1 * plain_spreads[0]  # and stays gone
assert spread(acts["batch norm"][-1]) > 10 * spread(acts["plain"][-1])
last_bn, last_plain = acts["batch norm"][-1], acts["plain"][-1]
assert np.quantile(last_bn, 0.01) < 0.1 and np.quantile(last_bn, 0.99) > 0.9  # nearly 0 to 1
assert last_plain.max() - last_plain.min() < 0.2  # a narrow band


def first_to_last_gradient(model):
    """|gradient of the first layer's weights| / |gradient of the last layer's|, on the test set."""
    model.zero_grad()
    F.cross_entropy(model(x_test), y_test).backward()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    norms = [float(np.linalg.norm(m.weight.grad.numpy())) for m in (linears[0], linears[-1])]
    return norms[0] / norms[1]


ratios = {name: first_to_last_gradient(model) for name, (model, _) in nets.items()}
print(
    "gradient of the first layer / the last layer: "
    + ", ".join(f"{name} {r:.1e}" for name, r in ratios.items())
)
assert ratios["plain"] < 1e-3 and ratios["batch norm"] > 100 * ratios["plain"]

# %% [markdown]
# Batch norm has other effects the paper reports: higher learning rates become safe, the
# initial weights matter much less, and the noise of batch statistics acts as a mild
# regulariser. It also has a cost we met in section 2: a model that behaves differently in
# training and evaluation.
#
# ## 5. Classic bug 1, measured
#
# Take the trained batch-norm network and evaluate it on the test set in batches that each
# hold one digit only (a test set sorted by label, a common accident). In eval mode that
# changes nothing. Left in train mode, each batch is normalised with its own statistics,
# which erases exactly what the batch's images have in common: the digit.

# %%
model = nets["batch norm"][0]
by_label = np.argsort(y_test, kind="stable")
sorted_batches = np.split(by_label, np.flatnonzero(np.diff(y_test[by_label])) + 1)
running_before = model[1].running_mean.numpy().copy()


def sorted_accuracy(model):
    correct = 0
    with mg.no_grad():
        for idx in sorted_batches:
            correct += int((model(x_test[idx]).numpy().argmax(1) == y_test[idx]).sum())
    return correct / len(y_test)


model.eval()
acc_eval = sorted_accuracy(model)
model.train()  # the bug
acc_train_mode = sorted_accuracy(model)
model.eval()
drift = abs(model[1].running_mean.numpy() - running_before).max()
print(
    f"test accuracy, one digit per batch: eval mode {acc_eval:.1%}, train mode {acc_train_mode:.1%}"
)
print(f"and the 'evaluation' in train mode moved the running means by up to {drift:.3f}")
assert np.isclose(acc_eval, acc_bn)
assert acc_train_mode < acc_eval - 0.3
assert drift > 0

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `batchnorm-forward`: batch norm forward in numpy, train and eval mode, running statistics;
# - `batchnorm-backward`: batch norm's closed-form backward vs the derived one;
# - `bug-eval-mode`: find the bug in an evaluation that changes the model.
#
# Next, lesson 9 makes networks deeper still with residual blocks: a shortcut that lets
# the gradient skip the layers it would otherwise fade through.

# %%
print("Lesson 8 done: every claim above was checked.")
