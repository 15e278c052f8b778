"""The graph layer: the `Function` protocol, the one graph walk, and `no_grad`.

Both engines build the same kind of graph. Every result of a differentiable
operation is a *node* that remembers its *parents* (the inputs it was computed
from). Reverse-mode differentiation is then one idea, written once here:

    visit the nodes from the output back to the inputs (reverse topological
    order); at each node, ask it for the gradients of its parents given its
    own gradient (the chain rule, one local step); add up what arrives at a
    parent from all of its children.

A node is any object with these members (`Value` and `Tensor` both have them):

    _parents            tuple of parent nodes; () for a leaf
    requires_grad       bool: does any gradient flow to this node?
    _backward(grad)     tuple of gradients, one per parent (None = no gradient)
    _accumulate(grad)   store `grad` in `.grad` if this node keeps gradients
    _release()          free what the backward needed (the graph is used once)

This module knows nothing else about minigrad: it never imports the engines.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

# --------------------------------------------------------------------------------------------
# Recording on and off


class _GradMode:
    enabled = True


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the graph."""
    return _GradMode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Turn graph recording on or off inside a `with` block (or a decorated function)."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        self.prev = _GradMode.enabled
        _GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _GradMode.enabled = self.prev


class no_grad(set_grad_enabled):
    """Operations inside `with mg.no_grad():` build no graph (evaluation, optimizer steps)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a `no_grad` block."""

    def __init__(self) -> None:
        super().__init__(True)


# --------------------------------------------------------------------------------------------
# Scopes: which layer or composite op produced a node (read by the pictures, never by the math)


class Frame(NamedTuple):
    """One level of the scope stack: `kind` is 'op' (a composite like conv2d) or 'module'."""

    kind: str
    name: str
    obj: Any
    call: int  # distinguishes two calls of the same module or composite


class _Scope:
    stack: tuple[Frame, ...] = ()
    calls = 0


def current_scope() -> tuple[Frame, ...]:
    """The frames enclosing the code that runs now, outermost first."""
    return _Scope.stack


@contextlib.contextmanager
def scope(name: str, kind: str = "op", obj: Any = None) -> Iterator[None]:
    """Tag every node created inside the block with a frame, so pictures can group them."""
    _Scope.calls += 1
    prev = _Scope.stack
    _Scope.stack = prev + (Frame(kind, name, obj, _Scope.calls),)
    try:
        yield
    finally:
        _Scope.stack = prev


def composite(name: str):
    """Decorator for a composed op (conv2d, batch_norm, ...): its nodes are grouped under `name`."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            with scope(name, "op"):
                return fn(*args, **kwargs)

        return inner

    return wrap


class _KeepAll:
    enabled = False


@contextlib.contextmanager
def retain_grads() -> Iterator[None]:
    """Inside this block, backward stores `.grad` on every node, not only on leaves.

    Pictures use it to show the gradient of each intermediate result.
    """
    prev = _KeepAll.enabled
    _KeepAll.enabled = True
    try:
        yield
    finally:
        _KeepAll.enabled = prev


def retains_all_grads() -> bool:
    return _KeepAll.enabled


# --------------------------------------------------------------------------------------------
# Function: one differentiable operation


class Function:
    r"""One differentiable operation on tensors.

    Subclasses write two methods and nothing else (no graph code):

    * ``forward(self, *arrays, **params)``: ndarrays in, one ndarray out. Keep what
      backward needs on ``self`` (small things) or with ``save_for_backward``.
    * ``backward(self, grad)``: the gradient of the output (a Tensor) in, one gradient
      per input out (Tensors, or None where an input gets no gradient). Written with
      Tensor operations, so ``create_graph=True`` can differentiate it again. The input
      Tensors are ``self.inputs``; the output Tensor is ``self.output`` when the class
      sets ``saves_output = True`` (held weakly: outputs never keep their graph alive).

    ``Cls.apply(*tensors, **params)`` runs the op and records it in the graph.

    In-place changes (``x.add_(1)``, ``x[0] = 5``) can overwrite values a backward needs.
    So that this is caught instead of giving a wrong gradient, an op declares which inputs
    its backward reads, in ``reads_inputs`` (or ``reads_input(i)`` when it depends on which
    inputs want gradients); the graph records the *version* of every input (how many
    in-place changes its memory has seen) and backward refuses to run when one it reads
    has changed since (see inplace.py).

    PyTorch's way of writing a Function works too (a class whose ``forward`` is a
    ``@staticmethod``): ``forward(ctx, *args)`` gets Tensors and returns Tensors, and
    ``backward(ctx, grad)`` returns one gradient per argument of forward; ``ctx`` is the
    graph node (see `BackwardNode`). Every primitive of minigrad uses the protocol above,
    which keeps numpy (forward) and the graph (backward) apart.
    """

    saves_output = False
    reads_inputs: tuple[int, ...] = ()  # inputs whose values backward reads
    saved: tuple = ()  # what save_for_backward kept; emptied once backward has used it
    released = False  # True after a backward without retain_graph freed what it needed
    params: dict = {}  # the keyword arguments of apply (never changed in place)
    versions: tuple | None = None  # the inputs' versions when recorded; None: all were 0
    out_version = 0  # the output's version when it was made (an in-place op sets it)
    rebased_at = 0  # > 0: made by an in-place change, which took the tensor to this version
    # `apply` also sets `inputs` (the input Tensors) and `scope` on every recorded node.
    # (Each attribute stored per node costs memory and garbage-collector time: a chain of
    # a million nodes holds a million of each.)

    def save_for_backward(self, *items: Any) -> None:
        self.saved = items

    @property
    def saved_tensors(self) -> tuple:
        return self.saved

    @property
    def output(self):
        return self._out()

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """Which inputs want a gradient: backward may skip the others (and save the work)."""
        return tuple([t.requires_grad for t in self.inputs])

    def reads_input(self, i: int) -> bool:
        """Does backward read the values of input `i` (so changing it in place breaks it)?"""
        return i in self.reads_inputs

    def name(self) -> str:
        """The op's name, e.g. 'Mul' (PyTorch's `grad_fn.name()`)."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """One (node, 0) pair per input, as in PyTorch: the Function that made the input, an
        `AccumulateGrad` for a leaf that requires grad, or None for a constant."""
        out = []
        for t in self.inputs:
            fn = getattr(t, "grad_fn", None)
            if fn is None and t.requires_grad:
                fn = AccumulateGrad(t)
            out.append((fn, 0))
        return tuple(out)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if isinstance(inspect.getattr_static(cls, "forward"), staticmethod):  # PyTorch's style
            cls._node_class = type(f"{cls.__name__}Backward", (BackwardNode,), {"function": cls})
            cls.apply = classmethod(_apply_with_ctx)

    def forward(self, *args: Any, **params: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__name__}.forward is not written")

    def backward(self, grad: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError(
            f"{type(self).__name__} has no backward: this op is not differentiable"
        )

    @classmethod
    def apply(cls, *inputs: Any, **params: Any) -> Any:
        """Run `forward` on the inputs' arrays and wrap the result as a node of the graph."""
        fn = cls()
        if len(inputs) == 2 and not params:  # add, mul, ...: the common case, spelled out
            # (building and unpacking a list of arrays costs more than numpy's work on a
            # small array: 10% of a chain of 1-element ops, benchmarks/bench_engine.py)
            data = fn.forward(inputs[0]._data, inputs[1]._data)
        else:
            data = fn.forward(*[t._data for t in inputs], **params)
        node_type = type(inputs[0])
        if not _GradMode.enabled:
            return node_type._constant(data)
        for t in inputs:
            if t.requires_grad:
                break
        else:  # constants in, a constant out: nothing to record
            return node_type._constant(data)
        fn.inputs = inputs
        if params:  # lets pictures replay one node (viz gradcheck colouring)
            fn.params = params
        fn.scope = _Scope.stack
        out = node_type._from_function(data, fn)
        if cls.saves_output:
            fn._out = weakref.ref(out)
        return out


class AccumulateGrad:
    """What `next_functions` shows for a leaf tensor: the end of the graph, where the
    gradient is added into `variable.grad`."""

    next_functions: tuple = ()

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class BackwardNode(Function):
    r"""The graph node of a PyTorch-style Function, and the `ctx` its methods receive.

        class Cube(mg.autograd.Function):
            @staticmethod
            def forward(ctx, x):                 # Tensors in (nothing recorded inside)
                ctx.save_for_backward(x)
                return x ** 3
            @staticmethod
            def backward(ctx, grad):             # one gradient per argument of forward
                (x,) = ctx.saved_tensors
                return grad * 3 * x ** 2
        y = Cube.apply(x)                        # y.grad_fn is a CubeBackward

    `ctx.needs_input_grad` has one entry per argument of forward;
    `ctx.mark_non_differentiable(t)` says an output gets no gradient (indices, masks). One
    output may be differentiable (minigrad's graph gives each Function one output).
    """

    function: type = Function  # the user's class, set for each one by Function.__init_subclass__

    def __init__(self) -> None:
        self._non_differentiable: set = set()
        self._materialize = True

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        return self._needs

    def reads_input(self, i: int) -> bool:
        """An input kept with `ctx.save_for_backward` is read by backward: changing it in place
        after the forward pass makes backward raise, as in PyTorch."""
        x = self.inputs[i]
        return any(s is x for s in self.saved)

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors: Any) -> None:
        """Accepted (PyTorch uses it for in-place forwards); changes nothing here."""

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward gets None (not zeros) for outputs that got no gradient."""
        self._materialize = bool(value)

    def backward(self, grad: Any) -> Any:
        grads = [None] * len(self._outputs)
        for k, (shape, dtype) in enumerate(self._outputs):
            if k == self._differentiable:
                grads[k] = grad
            elif self._materialize and shape is not None:
                grads[k] = grad._constant(np.zeros(shape, dtype))
        result = self.function.backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        name = type(self).__name__
        if len(result) != len(self._is_tensor):
            raise RuntimeError(
                f"function {name} returned an incorrect number of gradients (expected "
                f"{len(self._is_tensor)}, got {len(result)}): backward returns one gradient "
                "per argument of forward, None for arguments that are not tensors"
            )
        out = []
        for k, (g, is_tensor) in enumerate(zip(result, self._is_tensor)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at position "
                        f"{k + 1}, but the corresponding argument of forward is not a tensor"
                    )
                continue
            if g is not None and not hasattr(g, "_data"):
                raise TypeError(
                    f"function {name} returned a {type(g).__name__} as gradient {k + 1}; "
                    "backward must return Tensors (or None)"
                )
            out.append(g)
        return tuple(out)


def _is_tensor(value: Any) -> bool:
    return hasattr(value, "_data") and hasattr(value, "requires_grad")


def _apply_with_ctx(cls: type, *args: Any, **kwargs: Any) -> Any:
    """`apply` of a PyTorch-style Function: forward(ctx, ...) on Tensors, then one node."""
    ctx = cls._node_class()
    ctx._is_tensor = tuple(_is_tensor(a) for a in args)
    ctx._needs = tuple(_is_tensor(a) and a.requires_grad for a in args)
    with set_grad_enabled(False):
        if isinstance(inspect.getattr_static(cls, "setup_context", None), staticmethod):
            out = cls.forward(*args, **kwargs)  # PyTorch 2's split form
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    outputs = out if isinstance(out, tuple) else (out,)
    if not (_GradMode.enabled and any(ctx._needs)):
        return out
    wanted = [
        k
        for k, o in enumerate(outputs)
        if _is_tensor(o) and id(o) not in ctx._non_differentiable and o._data.dtype.kind == "f"
    ]
    if len(wanted) > 1:
        raise NotImplementedError(
            f"{cls.__name__}: forward returned {len(wanted)} differentiable outputs; minigrad "
            "records one output per Function. Return one (mark the others with "
            "ctx.mark_non_differentiable) or split it into two Functions"
        )
    if not wanted:
        return out
    ctx._differentiable = wanted[0]
    ctx._outputs = [(o.shape, o.dtype) if _is_tensor(o) else (None, None) for o in outputs]
    ctx.inputs = tuple(a for a in args if _is_tensor(a))
    ctx.scope = _Scope.stack
    result = list(outputs)
    chosen = outputs[ctx._differentiable]
    result[ctx._differentiable] = type(chosen)._from_function(chosen._data, ctx)
    return tuple(result) if isinstance(out, tuple) else result[0]


# --------------------------------------------------------------------------------------------
# The graph walk


_PLACE = object()  # on the walk's stack: "place the node below me, its parents are placed"


def topological_order(root: Any) -> list:
    """Every node `root` depends on, parents before children, with an explicit stack.

    A recursive walk would stop near Python's recursion limit (about 1,000 nodes); this
    one handles a chain of a million. A node is pushed twice: first to visit its parents,
    then, under a marker, to be placed after them (a marker object rather than a pair
    (node, done): no tuple to build and unpack per node). Parents are tuples, so the order
    is the same on every run. Nodes are dict/set keys by identity (their __hash__ is object's).
    """
    order: list = []
    visited: set = set()
    stack: list = [root]
    push, pop, emit, see = stack.append, stack.pop, order.append, visited.add
    while stack:
        node = pop()
        if node is _PLACE:  # the node under the marker has had all its parents placed
            emit(pop())
            continue
        if node in visited:
            continue
        see(node)
        push(node)
        push(_PLACE)
        for parent in reversed(node._parents):  # reversed: the first parent is visited first
            if parent.requires_grad and parent not in visited:
                push(parent)
    return order


def run_backward(
    roots: Sequence[Any],
    grads: Sequence[Any],
    retain_graph: bool = False,
    create_graph: bool = False,
    capture: Iterable[Any] | None = None,
) -> dict:
    """Propagate `grads` from `roots` back through the graph: the chain rule, once per node.

    Gradients arriving at a node from several children are added. Leaves (and nodes that
    keep gradients) get them in `.grad`. With `capture`, the gradients of those nodes are
    returned instead (keyed by node) and no `.grad` is touched, as `mg.grad` needs.
    """
    # The walk allocates a lot and frees nothing cyclic: pausing Python's cyclic collector
    # while it runs halves its time on large scalar graphs, and changes nothing else.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _walk(roots, grads, retain_graph, create_graph, capture)
    finally:
        if paused:
            gc.enable()


def backward_order(roots: Sequence[Any]) -> list:
    """The nodes in the order `run_backward` visits them: every node before its parents.

    This is the walk's own order (the walk calls this function), exported so a picture or
    the HTML explorer can step through exactly what the engine does. A node that no
    gradient reaches is still listed; the walk skips it.
    """
    if len(roots) == 1:
        order = topological_order(roots[0])
    else:  # several outputs: walk from a virtual root whose parents are the outputs
        order = topological_order(_Roots(tuple(roots)))[:-1]
    order.reverse()
    return order


class _Watch:
    observer: Any = None


@contextlib.contextmanager
def observe_backward(observer: Any) -> Iterator[None]:
    """Inside this block, every backward walk reports each step to `observer`.

    After the backward of a node has run, the walk calls `observer(node, grad, sent)`:
    `grad` is the node's whole gradient (all its children's contributions, added), and
    `sent` lists `(parent, contribution, running_sum)` for each parent that received a
    gradient, `running_sum` being everything that parent has received so far (at a node
    used twice, the sum grows as each contribution arrives). Leaves are reported with
    `sent = []`. The values are the engine's own: copy them if you keep them. Outside the
    block the walk pays one `is None` test per node.
    """
    prev = _Watch.observer
    _Watch.observer = observer
    try:
        yield
    finally:
        _Watch.observer = prev


def _walk(roots, grads, retain_graph, create_graph, capture) -> dict:
    captured = None if capture is None else dict.fromkeys(capture)
    watch = _Watch.observer
    pending: dict = {}
    order = backward_order(roots)
    for root, grad in zip(roots, grads):
        pending[root] = grad if root not in pending else pending[root] + grad
    take, get = pending.pop, pending.get
    with set_grad_enabled(create_graph):
        for node in order:
            grad = take(node, None)
            if grad is None:  # no gradient reached this node (a backward returned None)
                continue
            if captured is None:
                node._accumulate(grad)
            elif node in captured:
                captured[node] = grad
            parents = node._parents
            if not parents:  # a leaf
                if watch is not None:
                    watch(node, grad, [])
                continue
            sent = None if watch is None else []
            for parent, g in zip(parents, node._backward(grad)):  # the chain rule
                if g is not None and parent.requires_grad:
                    before = get(parent)
                    # reached before, through another child: add
                    pending[parent] = g if before is None else before + g
                    if sent is not None:
                        sent.append((parent, g, pending[parent]))
            if watch is not None:
                watch(node, grad, sent)
            if not retain_graph:
                node._release()
    return captured or {}


class _Roots:
    """A virtual node whose parents are several outputs (for backward from a list)."""

    requires_grad = True

    def __init__(self, parents: tuple) -> None:
        self._parents = parents
