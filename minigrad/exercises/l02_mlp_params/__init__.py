ID = "mlp-params"
TITLE = "Count the parameters of an MLP"
HINTS = (
    "Go layer by layer: a layer from n_in to n_out inputs has n_out neurons.",
    "Each neuron has n_in weights and 1 bias: n_in * n_out + n_out per layer.",
    "zip(sizes[:-1], sizes[1:]) gives the (n_in, n_out) pairs.",
)
