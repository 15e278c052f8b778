"""The graph layer: the `Function` protocol and the one graph walk.

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
    _saves              class attribute: False when there is nothing to free (a Value's local
                        derivatives are floats), and the walk skips the call to `_release`
    _takes_partial()    may its gradient arrive as a `PartialGrad`? (asked only of tensors)

Tensors (the results of `Function.apply`) are made by the class tensor.py registers with
`set_result_class`. What is recorded at all (grad mode), which gradients are kept and the
scopes pictures group nodes by live in recording.py; the PyTorch names of grad mode
(`mg.autograd.no_grad`, ...) are importable from here too.

This module knows nothing else about minigrad: it never imports the engines.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .recording import (  # noqa: F401 - grad mode, scopes: also mg.autograd.no_grad, as in PyTorch
    Frame,
    _GradMode,
    _Scope,
    composite,
    current_scope,
    enable_grad,
    is_grad_enabled,
    no_grad,
    retain_grads,
    scope,
    set_grad_enabled,
)

# The class of the results `Function.apply` builds: Tensor, set once by tensor.py (this module
# never imports it). A Parameter's ops give Tensors, as in PyTorch.
_Tensor: Any = None


def set_result_class(cls: type) -> None:
    """Make `cls` the class of every result of `Function.apply` (tensor.py calls it once)."""
    global _Tensor
    _Tensor = cls


# --------------------------------------------------------------------------------------------
# Function: one differentiable operation


class Function:
    r"""One differentiable operation on tensors.

    Subclasses write two methods and nothing else (no graph code):

    * ``forward(self, *arrays, **params)``: ndarrays in, one ndarray out. What backward
      needs from the forward pass (a mask, the shares of a tie) is kept with
      ``self.save_for_backward(...)``; nothing else is stored on ``self``.
    * ``backward(self, grad)``: the gradient of the output (a Tensor) in, one gradient
      per input out (Tensors, or None where an input gets no gradient). Written with
      Tensor operations, so ``create_graph=True`` can differentiate it again.

    What backward can read, all recorded by ``apply``: ``self.inputs`` (the input
    Tensors), ``self.params`` (the keyword arguments of apply, such as ``dims``),
    ``self.saved_tensors`` (what forward saved) and ``self.output`` (when the class sets
    ``saves_output = True``; held weakly: outputs never keep their graph alive). After a
    backward without ``retain_graph``, what was saved is freed, and a second backward
    through the node raises, naming it.

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
    takes_partial = False  # may backward get a PartialGrad as its grad? (see PartialGrad)
    reads_inputs: tuple[int, ...] = ()  # inputs whose values backward reads
    saved: tuple = ()  # what save_for_backward kept; freed once backward has used it
    released = False  # True after a backward without retain_graph freed what it needed
    params: dict = {}  # the keyword arguments of apply (never changed in place; kept)
    versions: tuple | None = None  # the inputs' versions when recorded; None: all were 0
    out_version = 0  # the output's version when it was made (an in-place op sets it)
    rebased_at = 0  # > 0: made by an in-place change, which took the tensor to this version
    # `apply` also sets `inputs` (the input Tensors) and `scope` on every recorded node.
    # (Each attribute stored per node costs memory and garbage-collector time: a chain of
    # a million nodes holds a million of each.)

    def save_for_backward(self, *items: Any) -> None:
        """Keep `items` (arrays in forward, Tensors in a PyTorch-style forward) for backward."""
        self.saved = items

    @property
    def saved_tensors(self) -> tuple:
        """What forward kept with `save_for_backward`, in the same order."""
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
        elif len(inputs) == 1 and not params:  # tanh, exp, ...
            data = fn.forward(inputs[0]._data)
        else:
            data = fn.forward(*[t._data for t in inputs], **params)
        if not _GradMode.enabled:
            return _Tensor._constant(data)
        for t in inputs:
            if t.requires_grad:
                break
        else:  # constants in, a constant out: nothing to record
            return _Tensor._constant(data)
        fn.inputs = inputs
        if params:  # backward reads them; pictures replay one node with them (viz/health.py)
            fn.params = params
        fn.scope = _Scope.stack
        out = _Tensor._from_function(data, fn)
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
                grads[k] = grad.new_zeros(shape, dtype=dtype)
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
    result[ctx._differentiable] = _Tensor._from_function(chosen._data, ctx)
    return tuple(result) if isinstance(out, tuple) else result[0]


# --------------------------------------------------------------------------------------------
# The graph walk


_PLACE = object()  # on the walk's stack: "place the node below me, its parents are placed"


def topological_order(roots: Any, keep: Callable[[Any], bool] | None = None) -> list:
    """Every node the roots depend on, parents before children: the one graph walk.

    `roots` is a node or a list of nodes. `keep(parent)` decides which parents the walk
    goes into; by default those a gradient can reach (`requires_grad`), which is the order
    backward needs (`backward_order`). Pictures pass `keep=every_node` to get the constants
    too (a constant is a leaf: nothing is missed below it).

    A recursive walk would stop near Python's recursion limit (about 1,000 nodes); this
    one handles a chain of a million. A node is pushed twice: first to visit its parents,
    then, under a marker, to be placed after them (a marker object rather than a pair
    (node, done): no tuple to build and unpack per node). Parents are tuples, so the order
    is the same on every run. Nodes are dict/set keys by identity (their __hash__ is object's).
    """
    order: list = []
    visited: set = set()
    if isinstance(roots, (list, tuple)):  # several roots: as if they were one node's parents
        stack = [r for r in reversed(roots) if (r.requires_grad if keep is None else keep(r))]
    else:
        stack = [roots]
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
            if (parent.requires_grad if keep is None else keep(parent)) and parent not in visited:
                push(parent)
    return order


def every_node(node: Any) -> bool:
    """`keep` for `topological_order` that walks into every parent, constants included."""
    return True


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
    order = topological_order(roots[0] if len(roots) == 1 else list(roots))
    order.reverse()
    return order


class _Watch:
    observer: Any = None


class _Partial:
    allowed = False  # may a backward send a PartialGrad? (inside a walk that records nothing)


class _Unshaped:
    shape = None  # equal to no array's shape


class PartialGrad:
    """A gradient not written out as an array of its node's shape: an abstract protocol.

    When the walk records nothing (`partial_allowed()`), two backwards send one instead of
    a tensor, so that the KH x KW shifted slices of a depthwise convolution (functional/
    conv.py) cost KH x KW passes over one gradient buffer rather than KH x KW arrays of
    the padded input's size, each written to memory no cache holds, and then added up:

    * slicing (`SliceGrad`, ops/movement.py): zero outside x[index]. The walk adds the
      slice into x's running sum, in place, in an array the walk allocated itself;
    * a sum of products (`ProductGrad`, ops/elementwise.py): the gradient grad * y of one
      factor, not multiplied yet. A node whose Function takes it as it is (slicing:
      `Function.takes_partial`) passes it on, and the product is computed where it is added
      into the sum, in memory the previous product just freed.

    A subclass implements ``array()`` (the gradient as a new ndarray), ``write(out)`` (the
    same, written into the ndarray `out`) and ``add_into(total)`` (total += this gradient,
    in place), and has ``like``, a tensor of its dtype. A
    gradient someone else may hold is never changed: the walk adds in place only into
    arrays it made (`owned` in `_walk`). With an observer, a captured node (`mg.grad`) or
    a node that keeps its `.grad`, every partial gradient is made dense first, so they see
    what they always saw.
    """

    # Tensor._backward compares each gradient's shape with its input's first: this stand-in
    # never matches, and that branch passes a PartialGrad on unchanged
    _data = _Unshaped

    def array(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def write(self, out: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def add_into(self, total: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def dense(self) -> Any:
        """The gradient as a tensor the walk may add into (a new array)."""
        return self.like._constant(self.array())

    def copy(self, t: Any) -> Any:
        """A new tensor holding tensor t's numbers (to add into, leaving t as it was)."""
        return t._constant(t._data.copy(order="K"))  # in its memory order


def partial_allowed() -> bool:
    """May a backward return a `PartialGrad` now? Only inside a walk that records nothing
    (`create_graph=False`); a backward called by anything else returns ordinary tensors."""
    return _Partial.allowed


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
    release = not retain_graph
    owned: dict = {}  # node -> the gradient array the walk made for it (PartialGrad adds into it)
    allowed, _Partial.allowed = _Partial.allowed, not create_graph
    try:
        with set_grad_enabled(create_graph):
            for node in order:
                grad = take(node, None)
                if grad is None:  # no gradient reached this node (a backward returned None)
                    continue
                if owned:  # nothing adds into this node's gradient any more
                    owned.pop(node, None)
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
                        if isinstance(g, PartialGrad):
                            if watch is None:
                                _add_partial(pending, owned, parent, g, before, captured)
                                continue
                            g = g.dense()  # an observer sees what it always saw
                        if before is None:
                            pending[parent] = g
                        elif isinstance(before, PartialGrad):  # (kept as it was: rare)
                            pending[parent] = before.dense() + g
                        else:  # reached before, through another child: add
                            pending[parent] = before + g
                        if sent is not None:
                            sent.append((parent, g, pending[parent]))
                if watch is not None:
                    watch(node, grad, sent)
                if release and node._saves:  # free what backward needed (a Value keeps nothing)
                    node._release()
    finally:
        _Partial.allowed = allowed
    return captured or {}


def _add_partial(pending: dict, owned: dict, parent: Any, g: PartialGrad, before: Any, captured):
    """Add the partial gradient `g` into what `parent` has received so far (see PartialGrad)."""
    if before is None:
        if (captured is None or parent not in captured) and parent._takes_partial():
            pending[parent] = g  # as it is: the parent's backward takes it
        else:
            pending[parent] = owned[parent] = g.dense()
        return
    if isinstance(before, PartialGrad):
        before = owned[parent] = before.dense()
    elif owned.get(parent) is not before:  # someone else's array: add into a copy
        before = owned[parent] = g.copy(before)
    g.add_into(before)
    pending[parent] = before
