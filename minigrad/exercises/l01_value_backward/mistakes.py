"""Realistic wrong answers to value-backward, each with the words its diagnostic must
contain: the solution's Value with backward written wrong."""

from ..exercise import mistake
from ..scalars import order, walk
from .solution import Value


class Rewrapped(Value):
    """The solution's Value whose operations return this class too: the root of an
    expression then calls the wrong backward of the subclasses below."""


def rewrapped(name):
    def op(self, *args):
        out = getattr(Value, name)(self, *args)
        out.__class__ = type(self)
        return out

    return op


for _name in ("__add__", "__mul__", "__pow__", "tanh", "relu", "exp"):
    setattr(Rewrapped, _name, rewrapped(_name))


@mistake("Value", hint="explicit stack")
class RecursiveWalk(Rewrapped):
    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node._parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local):
                parent.grad += local * node.grad


@mistake("Value", hint="accumulate with +=")
class AssignsInsteadOfAdding(Rewrapped):
    def backward(self):
        walk(self, accumulate=False)  # the usual slips, as scalars.walk makes them


@mistake("Value", hint="REVERSED")
class WalksFromTheLeaves(Rewrapped):
    def backward(self):
        walk(self, reverse=False)


@mistake("Value", hint="visited")
class NoVisitedSet(Rewrapped):
    def backward(self):
        walk(self, dedupe=False)


@mistake("Value", hint="self.grad = 1.0")
class StartsFromZero(Rewrapped):
    def backward(self):
        walk(self, seed=self.grad)  # self.grad = 1.0 forgotten: the root keeps its 0


@mistake("Value", hint="local * node.grad")
class ChainRuleWithoutTheGrad(Rewrapped):
    def backward(self):
        walk(self, chain=False)


@mistake("Value", hint="never reset it")
class ResetsEveryGrad(Rewrapped):
    def backward(self):
        for node in order(self):
            node.grad = 0.0
        walk(self)
