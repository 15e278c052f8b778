"""The scalar engine: `Value`, one number that remembers how it was made.

Every operation on Values returns a new Value that keeps

    _parents   the Values it was computed from (a tuple, so order is fixed)
    _local     the *local derivatives*: d(this)/d(parent), one number per parent
    _op        a short name for the operation, for pictures

Backpropagation is then the chain rule applied node by node by the graph walk in
`autograd.py` (the same walk the tensor engine uses): a parent receives
`local * grad` from each child, and the contributions add up.

    >>> a = Value(2.0); b = Value(-3.0)
    >>> c = a * b + b ** 2          # 2*(-3) + 9 = 3
    >>> c.backward()
    >>> a.grad, b.grad              # dc/da = b;  dc/db = a + 2b
    (-3.0, -4.0)
"""

from __future__ import annotations

import math
from numbers import Real

from .autograd import run_backward


def _number(x: object, op: str) -> float:
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"Value {op}: expected a Value or a real number, got {type(x).__name__} ({x!r})"
        )
    return float(x)


class Value:
    """A scalar that records the operations applied to it, so gradients can flow back."""

    # A Value keeps its (at most two) parents and their local derivatives in four plain
    # slots, `_a, _da` and `_b, _db`; the properties `_parents` and `_local` below give them
    # back as tuples. Storing the tuples themselves would add one or two objects per node
    # for Python's cyclic garbage collector to track: on the 66,000-node graph of
    # benchmarks/bench_scalar.py that costs a full collection in every training step
    # (forward pass 75 -> 40 ms without them).
    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db")
    requires_grad = True  # every Value takes part in backpropagation
    _saves = False  # local derivatives are plain floats: nothing for backward to free

    def __init__(
        self,
        data: float,
        label: str = "",
        _parents: tuple = (),
        _op: str = "",
        _local: tuple = (),
    ) -> None:
        if type(data) is not float:
            data = data.data if isinstance(data, Value) else _number(data, "constructor")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = _op
        if not _parents:  # a leaf
            self._a = self._b = None
        elif len(_parents) == 1:
            self._a, self._da = _parents[0], _local[0]
            self._b = None
        elif len(_parents) == 2:
            self._a, self._b = _parents
            self._da, self._db = _local
        else:
            raise ValueError(f"Value: an operation has one or two parents, got {len(_parents)}")

    @property
    def _parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from: () for a leaf."""
        if self._b is not None:
            return (self._a, self._b)
        return () if self._a is None else (self._a,)

    @property
    def _local(self) -> tuple[float, ...]:
        """d(self)/d(parent), one number per parent (same order as `_parents`)."""
        if self._b is not None:
            return (self._da, self._db)
        return () if self._a is None else (self._da,)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # --- the protocol the graph walk uses -----------------------------------------------------

    def _backward(self, grad: float) -> tuple[float, ...]:
        # The chain rule: each parent gets (local derivative) * grad.
        if self._b is None:
            return (self._da * grad,)
        return (self._da * grad, self._db * grad)

    def _accumulate(self, grad: float) -> None:
        self.grad += grad  # += so a Value used twice collects both contributions

    def _release(self) -> None:
        pass  # never called: `_saves = False` tells the walk there is nothing to free

    def backward(self) -> None:
        """Compute d(self)/d(v) for every Value v this one depends on, into `v.grad`.

        Gradients accumulate: set `.grad = 0.0` (or build a new graph) between steps.
        """
        run_backward([self], [1.0])

    # --- arithmetic: value and local derivatives together -------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if type(other) is not Value:
            other = other if isinstance(other, Value) else Value(_number(other, "+"))
        out = _new(Value)  # _node(...) spelled out: + and * are most of every graph
        out.data, out.grad, out.label, out._op = self.data + other.data, 0.0, "", "+"
        out._a, out._da, out._b, out._db = self, 1.0, other, 1.0
        return out

    def __mul__(self, other: Value | float) -> Value:
        if type(other) is not Value:
            other = other if isinstance(other, Value) else Value(_number(other, "*"))
        out = _new(Value)
        out.data, out.grad, out.label, out._op = self.data * other.data, 0.0, "", "*"
        out._a, out._da, out._b, out._db = self, other.data, other, self.data
        return out

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a number. "
                "For a variable exponent write (b * a.log()).exp()"
            )
        k = _number(k, "**")
        x = self.data
        if x == 0.0 and k < 0:
            raise ZeroDivisionError(f"Value **: 0.0 ** {k} is infinite (negative power of zero)")
        if x < 0.0 and not k.is_integer():
            raise ValueError(
                f"Value **: {x} ** {k} is not a real number (negative base, fractional power)"
            )
        if k == 0:
            local = 0.0
        elif x == 0.0 and k < 1:  # x^k is vertical at 0 (sqrt): an infinite slope, as PyTorch
            local = math.inf
        else:
            local = k * x ** (k - 1)
        return _node(x**k, f"**{k:g}", self, local)

    def __rpow__(self, base: float) -> Value:  # base ** self, base a positive number
        base = _number(base, "**")
        if base <= 0:
            raise ValueError(f"Value **: {base} ** Value needs a positive base")
        out = base**self.data
        return _node(out, f"{base:g}**", self, out * math.log(base))

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-other)

    def __truediv__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = Value(_number(other, "/"))
        if other.data == 0.0:
            raise ZeroDivisionError("Value /: division by a Value whose data is 0.0")
        return self * other**-1

    def __radd__(self, other: float) -> Value:  # other + self
        return self + other

    def __rmul__(self, other: float) -> Value:  # other * self
        return self * other

    def __rsub__(self, other: float) -> Value:  # other - self
        return (-self) + other

    def __rtruediv__(self, other: float) -> Value:  # other / self
        return Value(_number(other, "/")) / self

    # --- functions --------------------------------------------------------------------------

    def relu(self) -> Value:
        x = self.data
        return _node(x if x > 0 else 0.0, "relu", self, 1.0 if x > 0 else 0.0)

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1.0 - t * t)

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"Value.exp: exp({self.data}) is larger than a float can hold (about 1.8e308)"
            ) from None
        return _node(e, "exp", self, e)

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(
                f"Value.log: log({x}) is undefined; log needs a positive number "
                "(add a small epsilon or check the input)"
            )
        return _node(math.log(x), "log", self, 1.0 / x)

    def sigmoid(self) -> Value:
        x = self.data
        if x >= 0:  # two forms so that exp never overflows
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", self, s * (1.0 - s))

    __hash__ = object.__hash__  # Values are graph nodes: identity, not value, matters


_new = object.__new__


def _node(data: float, op: str, a: Value, da: float) -> Value:
    """The result of a one-parent operation, made slot by slot without __init__'s checks and
    tuples (see Value's slots; the cyclic collector runs once per 700 tracked objects): this
    makes micrograd's demo step's forward pass about 1.5x faster."""
    out = _new(Value)
    out.data, out.grad, out.label, out._op = data, 0.0, "", op
    out._a, out._da, out._b = a, da, None
    return out
