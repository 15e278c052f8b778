ID = "conv-backward"
TITLE = "The convolution backward by hand (dX, dW, db) vs the derived one"
HINTS = (
    "Loop over the kernel taps (u, v). Tap (u, v) multiplied w[:, :, u, v] with the "
    "strided slice x_pad[:, :, u : u + S*(OH-1) + 1 : S, v : ... : S].",
    "So dw[:, :, u, v] = sum over n, i, j of dout[n, o, i, j] * that slice (np.einsum "
    "'nohw,nchw->oc'); and dx_pad at that slice receives dout weighted by w[:, :, u, v] "
    "(+=: windows overlap).",
    "Compute dx on the padded input, then crop the padding off; db sums dout over N, OH and OW.",
)
