ID = "conv-forward-naive"
TITLE = "Convolution in numpy (2/4): the forward pass, one window at a time"
HINTS = (
    "Pad x first (np.pad with ((0, 0), (0, 0), (P, P), (P, P))), then OH = (H + 2P - KH) // "
    "S + 1 and OW likewise; the output is (N, O, OH, OW).",
    "Loop over n, o, i, j: the window of output (i, j) is x_pad[n, :, i*S : i*S + KH, "
    "j*S : j*S + KW], all C channels at once.",
    "out[n, o, i, j] = np.sum(window * w[o]) + b[o]: no flip of the kernel (deep learning's "
    "convolution is a cross-correlation).",
)
