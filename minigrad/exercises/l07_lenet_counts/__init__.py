ID = "lenet-counts"
TITLE = "LeNet-5's parameters, layer by layer (61,706)"
HINTS = (
    "A convolution from c_in to c_out channels with k x k kernels: c_out * (c_in*k*k) "
    "weights + c_out biases. A fully connected layer n_in -> n_out: n_in*n_out + n_out.",
    "C3 sees S2's 6 maps, C5 sees S4's 16 maps; F6 sees C5's 120 outputs.",
    "Pooling here has no parameters (the 1998 paper's subsampling had a coefficient and a "
    "bias per map; minigrad's LeNet5, like most modern versions, does not).",
)
