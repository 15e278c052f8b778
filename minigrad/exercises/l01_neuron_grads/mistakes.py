"""Realistic wrong answers to neuron-grads, each with the words its diagnostic must contain."""

import math

from ..exercise import mistake

x1, w1, x2, w2, b = 1.0, -0.5, 2.0, 0.25, 0.3
n = x1 * w1 + x2 * w2 + b


@mistake("answers", hint="1 - n**2")
def tanh_derivative_of_n() -> dict:
    do_dn = 1 - n**2
    return {"do_dw1": do_dn * x1, "do_dw2": do_dn * x2, "do_db": do_dn, "do_dx1": do_dn * w1}


@mistake("answers", hint="swapped")
def other_factor_swapped() -> dict:
    do_dn = 1 - math.tanh(n) ** 2
    return {"do_dw1": do_dn * w1, "do_dw2": do_dn * x2, "do_db": do_dn, "do_dx1": do_dn * w1}


@mistake("answers", hint="forgot the tanh")
def tanh_forgotten() -> dict:
    return {"do_dw1": x1, "do_dw2": x2, "do_db": 1.0, "do_dx1": w1}


@mistake("answers", hint="multiplied by o")
def multiplied_by_the_output() -> dict:
    o = math.tanh(n)
    return {"do_dw1": o * x1, "do_dw2": o * x2, "do_db": o, "do_dx1": o * w1}
