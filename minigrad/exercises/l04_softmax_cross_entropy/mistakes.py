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
        return grad * (x.softmax(dim=1) - mg.tensor(onehot(x.numpy(), self.target), dtype=x.dtype))


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
        return grad * mg.tensor(p - onehot(x, self.target), dtype=x.dtype) / x.shape[0]


@mistake("SoftmaxCrossEntropy", hint="the mean (divide by N)")
class LossSummedOverTheBatch(SoftmaxCrossEntropy):
    def forward(self, logits, target):
        loss = super().forward(logits, target)
        return loss * logits.shape[0]


@mistake("SoftmaxCrossEntropy", hint="MINUS")
class LossWithoutTheMinus(SoftmaxCrossEntropy):
    def forward(self, logits, target):
        return -super().forward(logits, target)
