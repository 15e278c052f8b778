"""Checks of chain-rule: each derivative against the scalar engine's, with the usual slips."""

from ...scalar import Value
from ..helpers import answer_dict, check, diagnose, filled, number

X, Y, Z = 3.0, -2.0, 0.5


def engine_grads() -> dict:
    x, y, z = Value(X), Value(Y), Value(Z)
    f = (x * y + z) ** 2 + x
    f.backward()
    return {"df_dx": x.grad, "df_dy": y.grad, "df_dz": z.grad}


def derivative_check(key: str):
    def run(m) -> None:
        want = engine_grads()[key]
        u = X * Y + Z
        local = {"df_dx": Y, "df_dy": X, "df_dz": 1.0}[key]
        mistakes = [
            (u * local, "you dropped the factor 2: d(u**2)/du = 2u, not u"),
            (2 * local, "you used d(u**2)/du = 2 instead of 2u (u = -5.5 here)"),
        ]
        if key == "df_dx":
            mistakes.insert(
                0,
                (
                    want - 1,
                    "x is used twice: you have the path through u, but not the direct '+ x' "
                    "(which adds 1); the chain rule sums over all paths",
                ),
            )
            mistakes.append((1.0, "you have only the direct '+ x' path; x also enters u"))
            mistakes += [(m + 1, hint) for m, hint in mistakes[1:3]]  # the slips, with '+ x'

        got = number(filled(answer_dict(m), key), key)
        diagnose(got, want, key.replace("_", "/"), mistakes)

    return check(f"{key.replace('_', '/')} equals the engine's")(run)


df_dx, df_dy, df_dz = map(derivative_check, ("df_dx", "df_dy", "df_dz"))
