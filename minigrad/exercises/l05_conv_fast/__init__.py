ID = "conv-fast"
TITLE = "Convolution in numpy (4/4): the fast version, im2col and one matrix product"
HINTS = (
    "Forward: cols = im2col(x, KH, KW, S, P) is (N, C*KH*KW, L); the kernel as a matrix "
    "w_row = w.reshape(O, C*KH*KW); w_row @ cols is (N, O, L): add b.reshape(1, O, 1) and "
    "reshape to (N, O, OH, OW).",
    "Backward: with g = dout.reshape(N, O, L): db sums g over N and L; dW = sum over n of "
    "g[n] @ cols[n].T, an (O, C*KH*KW) matrix reshaped to w's shape.",
    "dX: the gradient of the columns is w_row.T @ g, (N, C*KH*KW, L); col2im adds every "
    "column back onto the pixels its window covered, cropping the padding: that is dX.",
)
