"""Checks of adam-step: five steps against Adam and against its three usual slips."""

import numpy as np

from ..helpers import Wrong, array, check, diagnose, need


def run(step, eps: float, steps: int = 5):
    """The parameters after `steps` calls of `step` on a fixed stream of gradients."""
    rng = np.random.default_rng(4)
    p = rng.standard_normal(6)
    m, v = np.zeros(6), np.zeros(6)
    for t in range(1, steps + 1):
        g = rng.standard_normal(6) * 0.1
        out = step(p.copy(), g, m.copy(), v.copy(), t, lr=0.01, eps=eps)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise Wrong("adam_step should return three arrays: (p, m, v)")
        p, m, v = (array(a, n) for a, n in zip(out, ("p", "m", "v")))
    return p


def variant(kind: str):
    """Adam ("right"), or one of its slips: "no-correction", "eps-inside", "return-hat"."""

    def step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m if kind == "no-correction" else m / (1 - beta1**t)
        v_hat = v if kind == "no-correction" else v / (1 - beta2**t)
        if kind == "eps-inside":
            p = p - lr * m_hat / np.sqrt(v_hat + eps)
        else:
            p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        if kind == "return-hat":
            return p, m_hat, v_hat
        return p, m, v

    return step


@check("five steps match Adam (bias correction, eps outside the root)")
def five_steps(m) -> None:
    step = need(m, "adam_step")
    for eps in (1e-8, 1e-3):
        got = run(step, eps)
        diagnose(
            got,
            run(variant("right"), eps),
            f"the parameters after 5 steps (eps={eps})",
            [
                (
                    run(variant("no-correction"), eps),
                    "your steps are too small at the start: the bias correction is missing "
                    "(divide m by 1 - beta1**t and v by 1 - beta2**t)",
                ),
                (
                    run(variant("eps-inside"), eps),
                    "eps belongs outside the square root: sqrt(v_hat) + eps",
                ),
                (
                    run(variant("return-hat"), eps),
                    "the first step is right, later ones are not: return the raw moments m "
                    "and v, not the bias-corrected m_hat and v_hat",
                ),
            ],
            rtol=1e-9,
            atol=1e-12,
        )
