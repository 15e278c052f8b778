"""Realistic wrong answers to saliency-by-hand, each with the words its diagnostic must
contain."""

import numpy as np

import minigrad as mg
import minigrad.functional as F

from ..exercise import mistake


def input_gradient(model, x, pick, eval_mode=True):
    model.train(not eval_mode)
    xt = mg.tensor(x, dtype=x.dtype, requires_grad=True)
    (g,) = mg.grad(pick(model(xt)), [xt])
    return g.numpy()


def target_score(target):
    return lambda scores: scores[np.arange(len(target)), np.asarray(target)].sum()


@mistake("saliency", hint="take abs before the max")
def sign_kept(model, x, target):
    return input_gradient(model, x, target_score(target)).max(axis=1)


@mistake("saliency", hint="take the max over the channels")
def one_map_per_channel(model, x, target):
    return np.abs(input_gradient(model, x, target_score(target)))


@mistake("saliency", hint="not the mean")
def channels_averaged(model, x, target):
    return np.abs(input_gradient(model, x, target_score(target))).mean(axis=1)


@mistake("saliency", hint="the logit, before softmax")
def probability_instead_of_score(model, x, target):
    def probability(scores):
        return F.softmax(scores, dim=1)[np.arange(len(target)), np.asarray(target)].sum()

    return np.abs(input_gradient(model, x, probability)).max(axis=1)


@mistake("saliency", hint="the sum of all the scores")
def every_class_at_once(model, x, target):
    return np.abs(input_gradient(model, x, lambda scores: scores.sum())).max(axis=1)


@mistake("saliency", hint="call model.eval()")
def train_mode(model, x, target):
    return np.abs(input_gradient(model, x, target_score(target), eval_mode=False)).max(axis=1)


@mistake("saliency", hint="use mg.grad")
def backward_fills_the_parameters(model, x, target):
    model.eval()
    xt = mg.tensor(x, dtype=x.dtype, requires_grad=True)
    target_score(target)(model(xt)).backward()
    return np.abs(xt.grad.numpy()).max(axis=1)
