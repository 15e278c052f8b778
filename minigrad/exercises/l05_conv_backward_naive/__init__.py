ID = "conv-backward-naive"
TITLE = "Convolution in numpy (3/4): the backward pass, one window at a time"
HINTS = (
    "Walk the same loops as the forward pass (n, o, i, j) and ask what each window did: "
    "out[n, o, i, j] = sum(window * w[o]) + b[o], with window = x_pad[n, :, i*S : i*S + KH, "
    "j*S : j*S + KW].",
    "So db[o] += g, dw[o] += window * g and dx_pad[n, :, i*S : i*S + KH, j*S : j*S + KW] += "
    "w[o] * g, with g = dout[n, o, i, j]. Every one is +=: windows overlap, and every "
    "example and every window adds to the shared weights.",
    "dx_pad has the padded input's shape: crop the padding off at the end, "
    "dx = dx_pad[:, :, P : P + H, P : P + W].",
)
