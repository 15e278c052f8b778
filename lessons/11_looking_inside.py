# %% [markdown]
# # Lesson 11: Looking inside
#
# **Saliency, SmoothGrad, Grad-CAM, guided backprop, deconvnet and occlusion, each measured; then gradient flow over training.**
#
# A trained LeNet-5 answers "7". Which pixels made it say so? Every method in this lesson
# is a backward pass like the ones that trained the network, only this time the gradient
# goes to the *image* (or to one layer's maps) instead of the weights. Each one is an
# answer to three questions: which gradient, to where, and with which change. We compute
# all six for a handful of test digits, and then measure what each picture can and cannot
# tell, because a picture that looks convincing is not yet evidence. Last, we turn the same
# tools on training itself: each layer's gradient, step by step, in a deep sigmoid network
# with and without batch norm (lesson 8) and shortcuts (lesson 9).

# %%
import matplotlib

matplotlib.use("Agg")
from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import data, lessons, models, nn, optim, train, viz
from minigrad.viz.plots import plot_attribution, plot_explanation, plot_gradient_flow

out, quick = lessons.start(11)

# %% [markdown]
# ## 1. A LeNet-5 to look into
#
# Guided backprop and deconvnet change how gradients pass through ReLUs, so we look into
# the modern LeNet-5 of lesson 7: ReLU and max pooling. It trains on the digits in a few
# seconds.

# %%
train_set, test_set = data.load_digits()
mg.manual_seed(0)
model = models.LeNet5(activation="relu", pool="max")
# quick mode: one epoch in smaller batches with a larger step, nearly as good
epochs, batch_size, lr = (1, 16, 3e-3) if quick else (8, 32, 2e-3)
history = train.fit(
    model,
    data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=0),
    F.cross_entropy,
    optim.Adam(model.parameters(), lr=lr),
    epochs,
    val_loader=data.DataLoader(test_set, batch_size=256),
    progress=False,
)
model.eval()
accuracy = history["val_acc"][-1]
print(
    f"LeNet-5 (ReLU, max pooling), {epochs} epoch{'s' * (epochs > 1)}: test accuracy {accuracy:.1%}"
)
assert accuracy > (0.8 if quick else 0.9)

images, labels = test_set.tensors
x_all, y_all = images.numpy(), labels.numpy()
with mg.no_grad():
    predicted = model(images).numpy().argmax(axis=1)
# a handful: the first correctly read test digit of five classes
picks = [int(np.nonzero((y_all == d) & (predicted == d))[0][0]) for d in (0, 2, 4, 7, 9)]
x, y = x_all[picks], y_all[picks]
print("test digits", picks, "labels", y.tolist())

# %% [markdown]
# ## 2. Which gradient, to where, with which change
#
# Call the network's output for class c, *before* the softmax, the score of c. The
# probability would mix in every other class's score; the score is the network's own
# evidence for c.
#
# | map | which gradient | to where | with which change |
# |---|---|---|---|
# | saliency | d score_c / d x | the pixels | none; then its size, \|.\| |
# | SmoothGrad | d score_c / d x | the pixels | averaged over noisy copies of x |
# | Grad-CAM | d score_c / d A | C3's 16 maps A | averaged per map, then weighs the maps |
# | guided backprop | d score_c / d x | the pixels | each ReLU also drops negative gradients |
# | deconvnet | d score_c / d x | the pixels | each ReLU passes positive gradients only |
# | occlusion | none: forward passes | | the drop in score when a square is hidden |
#
# The saliency map (Simonyan, Vedaldi and Zisserman, 2013) is the first line taken
# literally: treat the image as if it were a parameter and ask `mg.grad` for the gradient
# of one score. `mg.viz.saliency` does exactly this (and takes the largest value over
# colour channels: a digit has one).

# %%
digit = mg.tensor(x[:1], requires_grad=True)
scores = model(digit)
c = int(scores.numpy().argmax())
(gradient,) = mg.grad(scores[0, c], [digit])
by_hand = np.abs(gradient.numpy()).max(axis=1)
assert np.allclose(by_hand, viz.saliency(model, x[:1]), rtol=1e-5, atol=1e-7)
print(f"digit {y[0]}: the largest |d score / d pixel| is {by_hand.max():.3f}")

# %% [markdown]
# Now all six maps for the handful of digits. In every map the input is drawn underneath,
# so you can see where on the digit the map points. Red and yellow mean "evidence for the
# class"; blue (in the maps that have a sign) means "evidence against": making those
# pixels brighter, or hiding them, would lower or raise the score.

# %%
maps = {
    "saliency": viz.saliency(model, x),
    "SmoothGrad": viz.saliency(model, x, smooth=25),
    "Grad-CAM": viz.grad_cam(model, x, layer="features.c3"),
    "guided backprop": viz.guided_backprop(model, x)[:, 0],
    "deconvnet": viz.deconvnet(model, x)[:, 0],
    "occlusion": viz.occlusion(model, x, window=6, stride=2),
}
rows = [f"a {d} (test {i})" for d, i in zip(y, picks)]
lessons.save_figure(
    plot_attribution(x, maps, row_labels=rows, title="six ways to ask LeNet-5 where it looks"),
    out / "six_maps.png",
    trim=False,  # plot_attribution lays its panels out to fit
)

# %% [markdown]
# The pictures differ a lot. Which to believe? The rest of the lesson measures, for many
# test digits at once, what each of them actually shows.

# %%
n_check = 20 if quick else 100
xs, ys = x_all[:n_check], predicted[:n_check]


def correlation(a, b):
    """The mean over images of the correlation between two maps of the same image."""
    r = [np.corrcoef(p.ravel(), q.ravel())[0, 1] for p, q in zip(a, b) if p.std() and q.std()]
    return float(np.mean(r))


def neighbour_correlation(maps):
    """How much a pixel's value predicts its right neighbour's: near 0 for noise."""
    return correlation(maps[:, :, :-1], maps[:, :, 1:])


# %% [markdown]
# ## 3. Is a saliency map just noise?
#
# Any network has a gradient, trained or not. Adebayo et al. (2018) pointed out that some
# maps look much the same for a network with random weights, which means they show the
# image, not what the network learned. So: the saliency maps of an *untrained* LeNet-5
# beside the trained one's. One number tells structure from noise: how well a pixel's
# value predicts its neighbour's (the correlation of each map with itself shifted by one
# pixel; 0 for pure noise).

# %%
mg.manual_seed(1)
untrained = models.LeNet5(activation="relu", pool="max")
trained_nc = neighbour_correlation(viz.saliency(model, xs, ys))
untrained_nc = neighbour_correlation(viz.saliency(untrained, xs, ys))
smooth_nc = neighbour_correlation(viz.saliency(model, xs, ys, smooth=25))
print(f"neighbour correlation of saliency maps, {n_check} test digits:")
print(
    f"  untrained network {untrained_nc:.2f}, trained {trained_nc:.2f}, SmoothGrad {smooth_nc:.2f}"
)
assert trained_nc > untrained_nc + 0.2  # the untrained network's map is mostly noise
assert smooth_nc > trained_nc  # averaging over noisy copies smooths the map
lessons.save_figure(
    plot_attribution(
        x,
        {
            "saliency, untrained": viz.saliency(untrained, x),
            "saliency, trained": maps["saliency"],
            "SmoothGrad, trained": maps["SmoothGrad"],
        },
        row_labels=rows,
        title="saliency of an untrained LeNet-5, of the trained one, and SmoothGrad",
    ),
    out / "untrained_vs_trained.png",
    trim=False,
)

# %% [markdown]
# The trained network's map has structure: blobs along the strokes that tell one digit
# from another. The untrained network's map is speckle. SmoothGrad (Smilkov et al., 2017)
# averages the saliency maps of 25 copies of the image with a little noise added
# (`sigma` = 15% of the image's range): the speckle that comes from exactly where each
# ReLU and max pool switched averages out, the structure stays.
#
# ## 4. Guided backprop and deconvnet: another rule at each ReLU
#
# Backpropagation through `relu(x)` multiplies the gradient `g` arriving from above by
# `[x > 0]`. Guided backprop (Springenberg et al., 2014) and ZFNet's deconvnet (Zeiler
# and Fergus, 2013) change only this one rule:
#
#     gradient:   g * [x > 0]              the derivative (what backward always does)
#     guided:     g * [x > 0] * [g > 0]    also drop what would lower the score
#     deconvnet:  g * [g > 0]              pass what raises the score, whatever x was
#
# (ZFNet's deconvnet also "unpools" with the positions of the maxima and runs the filters
# transposed; that is what backpropagation through max pooling and convolution does
# anyway.) `mg.viz.relu_backward(rule)` switches the rule of every `F.relu` and `nn.ReLU`
# inside a `with` block; forward values do not change. On one ReLU:

# %%
z = mg.tensor([-1.0, 2.0, 3.0, -2.0], requires_grad=True)
from_above = mg.tensor([1.0, -1.0, 2.0, 3.0])
for rule, expected in [
    ("gradient", [0, -1, 2, 0]),
    ("guided", [0, 0, 2, 0]),
    ("deconvnet", [1, 0, 2, 3]),
]:
    with viz.relu_backward(rule):
        (g,) = mg.grad(F.relu(z), [z], grad_outputs=from_above)
    print(f"{rule:9s} x = {z.numpy()}, g = {from_above.numpy()} -> {g.numpy()}")
    assert g.numpy().tolist() == expected

# %% [markdown]
# `guided_backprop(model, x)` is `input_gradient(model, x)` inside
# `relu_backward("guided")`, nothing more. A second way to get the same rule, the one
# PyTorch code uses: a *backward hook* on every `nn.ReLU` module.
# `register_full_backward_hook(hook)` calls `hook(module, grad_input, grad_output)` once
# the gradient with respect to the module's input is known, and whatever tuple it returns
# replaces `grad_input`. Clipping it at 0 is the guided rule:

# %%
relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
handles = [
    m.register_full_backward_hook(lambda module, grad_in, grad_out: (grad_in[0].clip(min=0),))
    for m in relus
]
with_hooks = viz.input_gradient(model, x)
for h in handles:
    h.remove()
guided = viz.guided_backprop(model, x)
assert np.allclose(with_hooks, guided, rtol=1e-5, atol=1e-7)
print(f"backward hooks on the {len(relus)} nn.ReLU modules give the same guided map")

# %% [markdown]
# If the rule at the ReLUs is the only difference, a network without ReLUs must give the
# same picture all three ways. The main job (`minigrad train lenet`) trains the paper's
# LeNet-5, with tanh and average pooling; when its checkpoint is in `out/` we use it,
# otherwise a tanh LeNet-5 with random weights makes the same point.

# %%
checkpoint = Path("out") / "lenet5_digits.npz"
paper_lenet = models.LeNet5()  # tanh, average pooling: the main job's network
source = "random weights"
if checkpoint.exists():
    try:
        paper_lenet.load_state_dict(mg.load(checkpoint))
        source = f"the main job's checkpoint {checkpoint}"
    except (RuntimeError, ValueError) as e:  # saved from another architecture
        print(f"{checkpoint} does not fit LeNet5(): {str(e).splitlines()[0]}")
plain_gradient = viz.input_gradient(paper_lenet, x)
assert np.array_equal(viz.guided_backprop(paper_lenet, x), plain_gradient)
assert np.array_equal(viz.deconvnet(paper_lenet, x), plain_gradient)
with viz.relu_backward("gradient"):  # guided backprop's path with the rule switched back
    rule_off = viz.input_gradient(model, x)
assert np.array_equal(rule_off, viz.input_gradient(model, x))
print(f"tanh LeNet-5 ({source}): guided backprop = deconvnet = the gradient, exactly")

# %% [markdown]
# Guided backprop's pictures look the cleanest of all: sharp strokes. But what do they
# show? A map that explains the answer "7" should change when we ask about "1" instead.
# We compute each map twice per digit, for the predicted class and for another one, and
# correlate the two.

# %%
other = (ys + 1 + np.arange(len(ys)) % 9) % 10  # some other class for each digit
assert (other != ys).all()
ink = xs[:, 0]
same = {}
for name, method in [
    ("gradient", viz.input_gradient),
    ("guided backprop", viz.guided_backprop),
    ("deconvnet", viz.deconvnet),
]:
    mine, theirs = method(model, xs, ys)[:, 0], method(model, xs, other)[:, 0]
    same[name] = correlation(mine, theirs)
    print(
        f"{name:15s} two classes, same digit: r = {same[name]:+.2f};"
        f" map vs the digit's ink: r = {correlation(mine, ink):+.2f}"
    )
assert same["guided backprop"] > 0.6  # nearly the same picture whatever the class
assert same["gradient"] < 0.3  # the gradient does depend on the class asked about
assert correlation(viz.guided_backprop(model, xs, ys)[:, 0], ink) > correlation(
    viz.input_gradient(model, xs, ys)[:, 0], ink
)

# %% [markdown]
# Guided backprop draws the digit, more or less whatever class we ask about: dropping
# every negative gradient at every ReLU leaves mostly "which strokes excite the first
# layers". It is a good edge picture and a poor explanation (Nie, Zhang and Patel, 2018,
# showed it reconstructs the image). The plain gradient is noisier, but it answers the
# question that was asked.
#
# ## 5. Occlusion: no gradient at all
#
# ZFNet's occlusion sensitivity hides a square of the image (here 6x6 pixels set to 0,
# every 2 pixels) and records how much the score of c falls: red where hiding removes
# evidence for c. It needs only forward passes, one per position of the square. Yet it is
# close to a gradient map: hiding a square changes the input by `-x` there, so to first
# order the score changes by `-sum(x * d score / d x)` over the square. A ReLU network is
# piecewise linear, so the first order is most of the story. Checked, with "gradient x
# input" summed over each square the same way occlusion averages its squares:

# %%
occluded = viz.occlusion(model, xs, ys, window=6, stride=2)
grad_x_input = viz.input_gradient(model, xs, ys)[:, 0] * xs[:, 0]
first_order = np.zeros_like(grad_x_input)
covered = np.zeros(xs.shape[2:])
starts = viz.attribution.occlusion_positions(32, 6, 2)
for i in starts:
    for j in starts:
        square = grad_x_input[:, i : i + 6, j : j + 6].sum(axis=(1, 2))
        first_order[:, i : i + 6, j : j + 6] += square[:, None, None]
        covered[i : i + 6, j : j + 6] += 1
first_order /= covered
r_first = correlation(occluded, first_order)
r_other = correlation(occluded, np.roll(first_order, 1, axis=0))  # another digit's map
print(f"occlusion vs summed gradient x input: r = {r_first:.2f} (another digit's: {r_other:.2f})")
assert r_first > 0.8 and r_first > r_other + 0.4

# %% [markdown]
# ## 6. Grad-CAM on C3, and where its map belongs
#
# Grad-CAM (Selvaraju et al., 2017) stops the backward pass at a convolution layer: C3,
# 16 maps A_k of 10x10. alpha_k, the mean of d score_c / d A_k over the positions, says
# how much map k matters for c; the map is `relu(sum_k alpha_k A_k)`, caught during the
# forward pass with a forward hook on C3.
#
# A 10x10 map must be drawn over a 32x32 image, but C3 does not see the image evenly: C1
# (5x5) puts each output at the centre of its window, pixel 2; S2 halves the size (centre
# 2.5, step 2); C3 (5x5 over S2) adds two of S2's steps. So position i of C3 looks at a
# 14x14 window centred on pixel 6.5 + 2i: C3 covers pixels 6.5 to 24.5, not 0 to 31.
# `viz.receptive_field_geometry` finds this with the engine: the receptive field of a
# position is where the gradient of that position with respect to the input is not zero.

# %%
geometry = viz.receptive_field_geometry(model, "features.c3", x)
print("C3 position (i, j) is centred on input pixel (offset + step * i, ...):", geometry)
assert geometry == ((6.5, 2.0), (6.5, 2.0))
assert viz.receptive_field_geometry(model, "features.c1", x) == ((2.0, 1.0),) * 2

# %% [markdown]
# Does Grad-CAM agree with occlusion about where the evidence is?

# %%
cams = viz.grad_cam(model, xs, ys, layer="features.c3")
r_cam = correlation(cams, occluded)
r_cam_other = correlation(cams, np.roll(occluded, 1, axis=0))
print(
    f"Grad-CAM vs occlusion: r = {r_cam:.2f} (vs another digit's occlusion map: {r_cam_other:.2f})"
)
assert r_cam < 0.5 and r_cam < r_first - 0.4  # hardly: far below the gradient's first order

# %% [markdown]
# Hardly: about as well as with another digit's map. Part of the reason is visible in the
# pictures: Grad-CAM also marks empty background where the *absence* of ink is evidence
# (a 0 has a hole), and hiding black pixels changes nothing. The larger reason is the
# average in alpha_k. Grad-CAM was designed for networks that end in global average
# pooling, where every position of a map reaches the score through the same weight. In
# LeNet-5, C5 reads each of the 5x5 positions S4 leaves with its *own* weights, so the
# gradient differs from position to position and its average throws away where.
#
# Hide C3's positions directly and compare: a forward hook can *replace* a layer's
# output, so we set one position of all 16 maps to 0 and record the score's fall, for
# each of the 100 positions. Against it, Grad-CAM (averaged gradient) and "gradient x
# activation" (each position's own gradient, not averaged):

# %%
c3 = model.get_submodule("features.c3")


def hide_positions(net, layer, images, targets):
    """Score drop when one position of the layer's maps (all channels) is set to 0."""
    rows_n = np.arange(len(images))
    hidden = {}  # the position to hide; the hook reads it at every forward pass

    def hide(module, args, out):  # a forward hook: its return value replaces the output
        keep = np.ones(out.shape[2:], dtype=out.dtype)
        keep[hidden["at"]] = 0
        return out * mg.tensor(keep)

    with mg.no_grad():
        base = net(mg.tensor(images)).numpy()[rows_n, targets]
        shapes = []
        with layer.register_forward_hook(lambda m, args, out: shapes.append(out.shape)):
            net(mg.tensor(images[:1]))
        drops = np.zeros((len(images),) + shapes[0][2:], dtype=np.float32)
        with layer.register_forward_hook(hide):
            for at in np.ndindex(*drops.shape[1:]):
                hidden["at"] = at
                drops[(slice(None),) + at] = base - net(mg.tensor(images)).numpy()[rows_n, targets]
    return drops


hidden_c3 = hide_positions(model, c3, xs, ys)
caught = []
with c3.register_forward_hook(lambda m, args, out: caught.append(out)):
    logits = model(mg.tensor(xs))
picked = (logits * mg.tensor(np.eye(10, dtype=np.float32)[ys])).sum()
(dA,) = mg.grad(picked, [caught[0]])
grad_x_activation = (dA.numpy() * caught[0].numpy()).sum(axis=1)
cam_c3 = viz.grad_cam(model, xs, ys, layer="features.c3", upsample_to_input=False)
r_gxa = correlation(grad_x_activation, hidden_c3)
r_cam_c3 = correlation(cam_c3, hidden_c3)
print(
    f"hiding C3's positions vs gradient x activation: r = {r_gxa:.2f}, vs Grad-CAM: {r_cam_c3:.2f}"
)
assert r_gxa > 0.6 and r_gxa > r_cam_c3 + 0.3

# %% [markdown]
# With each position's own gradient the map agrees with hiding; with the averaged one it
# does not. In the networks Grad-CAM was made for, the average loses nothing. A small
# network ending in global average pooling (like NIN, GoogLeNet and ResNet, lesson 10),
# with random weights since the identity holds for any: Grad-CAM on its last maps equals
# the effect of hiding each position, exactly.

# %%
mg.manual_seed(2)
gap_net = nn.Sequential(
    nn.Conv2d(1, 8, 5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 5),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(16, 10),
)
gap_targets = gap_net(mg.tensor(x)).numpy().argmax(axis=1)
gap_cam = viz.grad_cam(gap_net, x, gap_targets, layer="4", upsample_to_input=False)
gap_hidden = hide_positions(gap_net, gap_net[4], x, gap_targets)
assert np.allclose(gap_cam, np.maximum(gap_hidden, 0), atol=1e-5)
print("network with global average pooling: Grad-CAM = relu(score drop when hiding), exactly")

# %% [markdown]
# ## 7. All six maps of one digit
#
# `mg.viz.explain` computes the six maps of one image for one class, and
# `plot_explanation` draws them beside the predicted probabilities. The command
# `minigrad explain lenet --image N` does the same for test digit N.

# %%
explanation = viz.explain(model, x[3], layer="features.c3", label=int(y[3]))
assert explanation.target == y[3] and set(explanation.maps) == set(maps)
lessons.save_figure(plot_explanation(explanation), out / "explain_one_digit.png", trim=False)

# %% [markdown]
# ## 8. Gradient flow over training
#
# The same question, "how big is the gradient here?", asked of the weights while
# training, is lesson 8's and lesson 9's story seen step by step.
# `train.fit(..., record_gradient_flow=True)` measures, at every step, each layer's
# gradient norm and how far its weights moved relative to their size (update / weight;
# about 1e-3 per step is the usual healthy value). Three networks of 12 sigmoid layers on
# the 8x8 digits: plain, with batch norm before each sigmoid, and with a shortcut around
# each layer (`x + sigmoid(linear(x))`). Same seed, same data, same optimizer.


# %%
class Block(nn.Module):
    def __init__(self, width, kind):
        super().__init__()
        self.kind = kind
        self.linear = nn.Linear(width, width)
        if kind == "batch norm":
            self.bn = nn.BatchNorm1d(width)

    def forward(self, x):
        h = self.linear(x)
        if self.kind == "batch norm":
            h = self.bn(h)
        h = F.sigmoid(h)
        return x + h if self.kind == "residual" else h


def deep_sigmoid_net(kind, depth=10, width=32):
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, width),
        nn.Sigmoid(),
        *[Block(width, kind) for _ in range(depth)],
        nn.Linear(width, 10),
    )


train8, test8 = data.load_digits(size=8)
flow_epochs = 2 if quick else 3
flows, accuracies = {}, {}
for kind in ("plain", "batch norm", "residual"):
    mg.manual_seed(0)
    net = deep_sigmoid_net(kind)
    history = train.fit(
        net,
        data.DataLoader(train8, batch_size=64, shuffle=True, seed=0),
        F.cross_entropy,
        optim.SGD(net.parameters(), lr=0.1, momentum=0.9),
        epochs=flow_epochs,
        val_loader=data.DataLoader(test8, batch_size=512),
        progress=False,
        record_gradient_flow=True,
    )
    flows[kind], accuracies[kind] = history["gradient_flow"], history["val_acc"][-1]
lessons.save_figure(
    plot_gradient_flow(
        flows, title=f"12 sigmoid layers, {flow_epochs} epochs: each layer's gradient"
    ),
    out / "gradient_flow.png",
    trim=False,
)
print("plain network, medians over all steps:")
print(flows["plain"].table())
first_to_last = {}
for kind, flow in flows.items():
    g = np.median(flow.grad_norms(), axis=0)  # per layer, input side first
    first_to_last[kind] = g[0] / g[-1]
    print(
        f"{kind:10s} first layer / last layer gradient {first_to_last[kind]:.1e}, "
        f"test accuracy {accuracies[kind]:.1%}"
    )
assert first_to_last["plain"] < 1e-6  # vanished on the way back through 11 sigmoids
assert first_to_last["batch norm"] > 0.1 and first_to_last["residual"] > 0.01
assert np.median(flows["plain"].update_ratios()[:, 0]) < 1e-6  # the first layer never moves
assert accuracies["plain"] < 0.2  # chance is 10%
assert accuracies["batch norm"] > accuracies["plain"] + 0.3
assert accuracies["residual"] > accuracies["plain"] + 0.1

# %% [markdown]
# Each sigmoid multiplies the gradient by its derivative, at most 1/4 and smaller when it
# saturates, and by a weight matrix of norm below 1: after eleven of them the first layer's
# gradient is a billion times smaller than the last layer's, its weights never move, and
# the plain network stays at chance. Batch norm keeps every sigmoid's input near 0, where
# its slope is largest, so every layer gets a gradient of the same size (the sawtooth is
# the linear and batch-norm layers of each block alternating). The shortcut gives the
# gradient a road around every sigmoid, `d(x + h)/dx = 1 + dh/dx`. Both networks learn.
#
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `saliency-by-hand`: the saliency map of sections 2 and 3, computed yourself with `mg.grad`;
# - `vanishing-layer`: find the layer whose gradient vanishes from the numbers of a
#   `GradientFlow` (section 8).
#
# Things to try: `minigrad explain lenet --image N` for the digits the network gets
# wrong (lesson 7's confusion matrix tells which); Grad-CAM on C1 instead of C3
# (`--layer features.c1`); the occlusion map with a grey square (`fill=0.5`) instead of
# a black one, which can also add ink where there was none.

# %%
print("Lesson 11 done: every claim above was checked.")
