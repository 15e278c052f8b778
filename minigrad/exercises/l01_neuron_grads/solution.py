"""Exercise neuron-grads (lesson 1): the gradients of one neuron.

    n = x1 * w1 + x2 * w2 + b
    o = tanh(n)              at  x1 = 1, w1 = -0.5, x2 = 2, w2 = 0.25, b = 0.3

Give do/dw1, do/dw2, do/db and do/dx1 as numbers or Python expressions (math.tanh is
allowed). The checker compares them with mg.Value.
"""

import math

x1, w1, x2, w2, b = 1.0, -0.5, 2.0, 0.25, 0.3


def answers() -> dict:
    # BEGIN SOLUTION
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    do_dn = 1 - o**2  # d tanh(n)/dn = 1 - tanh(n)^2
    return {"do_dw1": do_dn * x1, "do_dw2": do_dn * x2, "do_db": do_dn, "do_dx1": do_dn * w1}
    # END SOLUTION
    # STUB: return {"do_dw1": ..., "do_dw2": ..., "do_db": ..., "do_dx1": ...}
