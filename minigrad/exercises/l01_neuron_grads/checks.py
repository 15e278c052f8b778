"""Checks of neuron-grads: each gradient against the scalar engine's, with the usual slips."""

import math

from ...scalar import Value
from ..helpers import answer_dict, check, diagnose, filled, number

NEURON = dict(x1=1.0, w1=-0.5, x2=2.0, w2=0.25, b=0.3)


def gradient_check(var: str, other: str | None):
    """do/d`var` = do/dn * `other` (the factor var multiplies; None for the bias)."""

    def run(m) -> None:
        vals = {k: Value(v) for k, v in NEURON.items()}
        o = (vals["x1"] * vals["w1"] + vals["x2"] * vals["w2"] + vals["b"]).tanh()
        o.backward()
        want = vals[var].grad
        n = NEURON["x1"] * NEURON["w1"] + NEURON["x2"] * NEURON["w2"] + NEURON["b"]
        local = 1.0 if other is None else NEURON[other]
        mistakes = [
            (
                (1 - n**2) * local,
                "you used 1 - n**2; the derivative of tanh is 1 - tanh(n)**2 = 1 - o**2",
            ),
            (local, "you forgot the tanh: multiply by do/dn = 1 - o**2"),
            (math.tanh(n) * local, "you multiplied by o = tanh(n); do/dn is 1 - o**2"),
        ]
        if other is not None:
            swapped = {"x1": "w1", "w1": "x1"}.get(other, other)
            if swapped != other:
                mistakes.append(
                    (
                        (1 - math.tanh(n) ** 2) * NEURON[swapped],
                        f"swapped: dn/d{var} is {other} (the other factor), not {swapped}",
                    )
                )
        key = f"do_d{var}"
        got = number(filled(answer_dict(m), key), key)
        diagnose(got, want, f"do/d{var}", mistakes)

    return check(f"do/d{var} equals the engine's")(run)


do_dw1 = gradient_check("w1", "x1")
do_dw2 = gradient_check("w2", "x2")
do_db = gradient_check("b", None)
do_dx1 = gradient_check("x1", "w1")
