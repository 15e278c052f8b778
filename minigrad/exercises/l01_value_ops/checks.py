"""Checks of value-ops: every operation's data, parents and local derivatives against
mg.Value's (the usual slips named), numbers mixed with Values, and random expressions."""

import math

from ...scalar import Value as Engine
from ..helpers import Wrong, check, diagnose, need
from ..scalars import build, recipe, text

# (name, the operation on Values, the operand values)
OPS = [
    ("a + b", lambda a, b: a + b, (1.5, -0.4)),
    ("a * b", lambda a, b: a * b, (1.5, -0.4)),
    ("a ** 3", lambda a: a**3, (-1.2,)),
    ("a ** 0.5", lambda a: a**0.5, (2.25,)),
    ("a ** -1", lambda a: a**-1, (0.8,)),
    ("a.tanh()", lambda a: a.tanh(), (0.7,)),
    ("a.relu() for a > 0", lambda a: a.relu(), (1.3,)),
    ("a.relu() for a < 0", lambda a: a.relu(), (-0.6,)),
    ("a.exp()", lambda a: a.exp(), (0.4,)),
]


def usual_slips(name: str, args: tuple) -> list:
    """The local derivatives the usual slips give, with what each one is."""
    x = args[0]
    if name == "a * b" and len(args) == 2:
        return [((x, args[1]), "swapped: d(a*b)/da is b, the OTHER factor, and d(a*b)/db is a")]
    if name.startswith("a **"):
        k = float(name.split("**")[1])
        return [
            ((k * x**k,), "the exponent drops by one: d(x**k)/dx = k * x**(k - 1)"),
            ((x ** (k - 1),), "the factor k is missing: d(x**k)/dx = k * x**(k - 1)"),
        ]
    if name == "a.tanh()":
        t = math.tanh(x)
        return [
            ((1 - x * x,), "1 - x**2 uses the input; the derivative is 1 - tanh(x)**2 = 1 - t**2"),
            ((t * (1 - t),), "t * (1 - t) is the sigmoid's derivative; tanh's is 1 - t**2"),
        ]
    if name.startswith("a.relu()"):
        return [
            ((max(x, 0.0),), "relu's slope is 1 where x > 0 and 0 elsewhere, not the value"),
            ((1.0,), "relu's slope is 0 where x <= 0: nothing passes back through a zero"),
        ]
    if name == "a.exp()":
        return [
            ((1.0,), "d exp(x)/dx = exp(x): exp is its own derivative"),
            ((x,), "d exp(x)/dx = exp(x), not x"),
        ]
    return []


def is_value(x) -> bool:
    return all(hasattr(x, name) for name in ("data", "grad", "_parents", "_local"))


def compare(got, want, operands, what: str, slips=()) -> None:
    """One node of the learner's against mg.Value's: type, data, parents, local derivatives."""
    if got is None:
        raise Wrong(f"{what} returned None: did you forget a `return`?")
    if not is_value(got):
        raise Wrong(f"{what} should return a Value, got {type(got).__name__}")
    if any(got is v for v in operands):
        raise Wrong(
            f"{what} returned one of its operands: each operation makes a NEW Value, so "
            "that the operands (and the graph built so far) stay as they were"
        )
    if not isinstance(got._parents, tuple):
        raise Wrong(
            f"{what}: _parents is a {type(got._parents).__name__}; use a tuple, in operand "
            "order, so that _parents[i] goes with _local[i]"
        )
    diagnose(got.data, want.data, f"{what}: data")
    if len(got._parents) != len(want._parents):
        raise Wrong(
            f"{what} has {len(got._parents)} parent(s), expected {len(want._parents)}: the "
            "operands, a plain number wrapped as a Value"
        )
    for i, v in enumerate(operands[: len(got._parents)]):
        if got._parents[i] is not v:
            raise Wrong(f"{what}: _parents[{i}] should be the operand itself (the same object)")
    diagnose(list(got._local), list(want._local), f"{what}: the local derivatives (_local)", slips)


@check("each operation: data, parents and local derivatives equal mg.Value's")
def operations(m) -> None:
    cls = need(m, "Value")
    for name, op, args in OPS:
        mine = [cls(a) for a in args]
        theirs = [Engine(a) for a in args]
        before = [v.data for v in mine]
        got = op(*mine)
        if [v.data for v in mine] != before:
            raise Wrong(f"{name} changed its operands: compute a NEW Value, leave self alone")
        compare(got, op(*theirs), mine, name, usual_slips(name, args))


NUMBERS = [
    ("a + 2", lambda a: a + 2.0),
    ("2 + a", lambda a: 2.0 + a),
    ("a * 3", lambda a: a * 3.0),
    ("3 * a", lambda a: 3.0 * a),
    ("a - 1.5", lambda a: a - 1.5),
    ("1.5 - a", lambda a: 1.5 - a),
    ("a / 4", lambda a: a / 4.0),
    ("4 / a", lambda a: 4.0 / a),
    ("-a", lambda a: -a),
    ("a / b", None),
]


@check("numbers mix with Values: a + 2, 3 * a, 1.5 - a, 4 / a, a / b, -a")
def numbers(m) -> None:
    cls = need(m, "Value")
    for name, op in NUMBERS:
        a = cls(1.25)
        if op is None:
            got, want = a / cls(-0.5), Engine(1.25) / Engine(-0.5)
        else:
            try:
                got = op(a)
            except AttributeError as e:
                raise Wrong(
                    f"{name} fails ({e}): a plain number has no .data; wrap it first: "
                    "other = other if isinstance(other, Value) else Value(other)"
                ) from None
            want = op(Engine(1.25))
        if not is_value(got):
            raise Wrong(f"{name} should give a Value, got {type(got).__name__}")
        diagnose(got.data, want.data, f"{name}: data")


@check("random expressions: every node's data and local derivatives equal mg.Value's")
def expressions(m) -> None:
    cls = need(m, "Value")
    for seed in range(12):
        steps = recipe(seed)
        mine, theirs = build(cls, steps), build(Engine, steps)
        for k, (got, want) in enumerate(zip(mine, theirs)):
            if steps[k][0] == "leaf":
                continue
            what = f"node {text(steps, k)} of a random expression"
            diagnose(got.data, want.data, f"{what}: data", rtol=1e-9)
            slips = usual_slips(op_name(steps[k]), [theirs[i].data for i in operands(steps[k])])
            diagnose(list(got._local), list(want._local), f"{what}: _local", slips, rtol=1e-9)


def op_name(step: tuple) -> str:
    """The name of OPS (and of usual_slips) for a recipe's step."""
    kind = step[0]
    if kind in ("mul", "mul_number"):
        return "a * b"
    if kind == "pow":
        return f"a ** {step[2]}"
    if kind == "relu":
        return "a.relu()"
    return f"a.{kind}()" if kind in ("tanh", "exp") else "a + b"


def operands(step: tuple) -> list[int]:
    return [step[1], step[2]] if step[0] in ("add", "mul") else [step[1]]
