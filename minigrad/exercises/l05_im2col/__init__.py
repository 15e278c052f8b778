ID = "im2col"
TITLE = "Convolution in numpy (1/4): im2col and col2im, the window primitive"
HINTS = (
    "Pad first, compute OH = (H + 2P - KH) // S + 1 and OW likewise, then make an array "
    "(N, C, KH, KW, OH, OW): entry [n, c, u, v, i, j] is x_pad[n, c, i*S + u, j*S + v].",
    "One kernel tap (u, v) of every window is one strided slice: x_pad[:, :, u : u + "
    "S*(OH-1) + 1 : S, v : v + S*(OW-1) + 1 : S]. Reshaping (N, C, KH, KW, OH, OW) to "
    "(N, C*KH*KW, OH*OW) then gives F.unfold's order.",
    "col2im walks the same slices the other way: reshape the columns to (N, C, KH, KW, OH, "
    "OW), ADD (+=) each tap's slice onto a zero padded image (windows overlap), and crop "
    "the padding off at the end.",
)
