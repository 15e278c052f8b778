ID = "keras-model"
TITLE = "A Keras-style CNN: every layer's parameters (19,189 in all)"
HINTS = (
    "A Conv2D with k x k kernels from c_in to c_out channels has k*k*c_in*c_out weights "
    "and c_out biases. Pooling layers have no parameters.",
    "Global average pooling turns 27 x 27 x 64 into 64 numbers: the Dense layer sees 64 "
    "inputs, not 27*27*64.",
    "'valid' padding: a 2x2 convolution turns 224 into 223; the pool then gives 111.",
)
