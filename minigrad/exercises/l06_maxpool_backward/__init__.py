ID = "maxpool-backward"
TITLE = "Max-pooling backward in numpy vs the engine"
HINTS = (
    "Only the largest element of each window influenced the output, so only it gets a "
    "gradient (1 * dout); the others get 0.",
    "Loop over the output positions (i, j); find the arg-max of each window with "
    "window.reshape(n, c, k*k).argmax(axis=2) and np.unravel_index.",
    "When the stride is smaller than the kernel, windows overlap and one pixel can be the "
    "maximum of two windows: add (+=) the gradients, do not overwrite them.",
)
