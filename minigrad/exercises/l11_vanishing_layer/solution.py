"""Exercise vanishing-layer (lesson 11): read a gradient-flow table and find the layer that
does not learn.

`train.fit(..., record_gradient_flow=True)` records, at every step, each layer's gradient
norm (a `GradientFlow`: flow.layers are the layer names, from the input side;
flow.grad_norms() an array (steps, layers); flow.update_ratios() the same for
||update|| / ||weights||). mg.viz.plot_gradient_flow draws it; here you read its numbers.

vanishing_layer(flow, model): the name of the layer whose gradient vanishes: the one
    with the smallest typical gradient norm, the median over the recorded steps (a single
    odd step must not decide). In a plain deep sigmoid network it is the first layer:
    every sigmoid on the way back multiplies the gradient by at most 1/4.
orders_of_magnitude(flow): how many powers of ten separate the largest and the smallest
    of those medians, log10(largest / smallest), a float.

The checker records the flow of a plain deep sigmoid network, then tries tables where a
middle layer vanishes, a single step is odd, and the weights' sizes mislead.
"""

import numpy as np


def vanishing_layer(flow, model):
    # BEGIN SOLUTION
    medians = np.median(flow.grad_norms(), axis=0)  # one typical number per layer
    return flow.layers[int(np.argmin(medians))]
    # END SOLUTION


def orders_of_magnitude(flow):
    # BEGIN SOLUTION
    medians = np.median(flow.grad_norms(), axis=0)
    return float(np.log10(medians.max() / medians.min()))
    # END SOLUTION
