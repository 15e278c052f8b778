ID = "conv-loops"
TITLE = "A convolution written with loops; the engine derives its backward"
HINTS = (
    "Pad first (x.pad((p, p, p, p))), then compute OH = (H_pad - D*(KH-1) - 1) // S + 1.",
    "Loop over the kernel taps (u, v): the input pixels tap (u, v) touches form one "
    "strided slice x[:, :, u*D : u*D + S*(OH-1) + 1 : S, v*D : ... : S].",
    "Multiply that (N, 1, C, OH, OW) slice by w[:, :, u, v] reshaped to (1, O, C, 1, 1), "
    "sum over C, and add up the taps; add the bias reshaped to (1, O, 1, 1).",
)
