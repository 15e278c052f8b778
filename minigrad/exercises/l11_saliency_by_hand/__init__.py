ID = "saliency-by-hand"
TITLE = "Looking inside (1/2): a saliency map from mg.grad, by hand"
HINTS = (
    "Put the model in eval mode, make the images a leaf that wants a gradient "
    "(xt = mg.tensor(x, dtype=x.dtype, requires_grad=True)), run the model: scores (N, K).",
    "One number whose gradient is every image's own d score / d x: pick each image's target "
    "score, scores[np.arange(N), target], and sum them (images do not mix in eval mode). "
    "Take the raw score, before any softmax.",
    "(g,) = mg.grad(that sum, [xt]) leaves every .grad alone; the map is then "
    "np.abs(g.numpy()).max(axis=1): the size of the gradient, largest over the channels.",
)
