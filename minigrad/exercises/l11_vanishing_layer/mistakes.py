"""Realistic wrong answers to vanishing-layer, each with the words its diagnostic must
contain."""

import numpy as np

from ..exercise import mistake


@mistake("vanishing_layer", hint="that is the last layer")
def the_last_layer(flow, model):
    return flow.layers[-1]


@mistake("vanishing_layer", hint="compare the gradient norms")
def smallest_weights(flow, model):
    modules = dict(model.named_modules())
    norms = [
        sum(float((p.numpy() ** 2).sum()) for p in modules[name].parameters(recurse=False))
        for name in flow.layers
    ]
    return flow.layers[int(np.argmin(norms))]


@mistake("vanishing_layer", hint="LARGEST")
def largest_gradient(flow, model):
    return flow.layers[int(np.argmax(np.median(flow.grad_norms(), axis=0)))]


@mistake("vanishing_layer", hint="the last step only")
def last_step(flow, model):
    return flow.layers[int(np.argmin(flow.grad_norms()[-1]))]


@mistake("vanishing_layer", hint="take the median")
def mean_over_the_steps(flow, model):
    return flow.layers[int(np.argmin(flow.grad_norms().mean(axis=0)))]


@mistake("vanishing_layer", hint="update ratios")
def update_ratio(flow, model):
    return flow.layers[int(np.argmin(np.median(flow.update_ratios(), axis=0)))]


@mistake("orders_of_magnitude", hint="use log10")
def natural_log(flow):
    medians = np.median(flow.grad_norms(), axis=0)
    return float(np.log(medians.max() / medians.min()))


@mistake("orders_of_magnitude", hint="wrong sign")
def smallest_over_largest(flow):
    medians = np.median(flow.grad_norms(), axis=0)
    return float(np.log10(medians.min() / medians.max()))
