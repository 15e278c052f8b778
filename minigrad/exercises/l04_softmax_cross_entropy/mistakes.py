"""Realistic wrong answers to softmax-cross-entropy, each with the words its diagnostic must
contain: the solution's class with one method wrong."""

import numpy as np

import minigrad as mg

from ..exercise import mistake
from .solution import SoftmaxCrossEntropy


def onehot(x, target):
    out = np.zeros(x.shape, dtype=x.dtype)
    out[np.arange(x.shape[0]), target] = 1.0
    return out


@mistake("SoftmaxCrossEntropy", hint="N = 4 times")
class GradientNotDividedByN(SoftmaxCrossEntropy):
    def backward(self, grad):
        (x,) = self.inputs
        return grad * (x.softmax(dim=1) - mg.tensor(onehot(x.numpy(), self.target)))


@mistake("SoftmaxCrossEntropy", hint="overflow")
class LogitsNotShifted(SoftmaxCrossEntropy):
    def forward(self, logits, target):
        self.target = target
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return np.asarray(-log_p[np.arange(logits.shape[0]), target].mean())


@mistake("SoftmaxCrossEntropy", hint="not differentiable")
class SoftmaxInNumpy(SoftmaxCrossEntropy):
    def backward(self, grad):
        x = self.inputs[0].numpy()
        p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
        return grad * mg.tensor(p - onehot(x, self.target)) / x.shape[0]
