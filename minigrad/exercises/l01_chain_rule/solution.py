"""Exercise chain-rule (lesson 1): derivatives by hand.

    u = x * y + z
    f = u ** 2 + x          at  x = 3, y = -2, z = 0.5

Work out df/dx, df/dy and df/dz on paper (chain rule), then fill them in below as
numbers or as Python expressions of the numbers. The checker compares them with what
mg.Value computes. Careful: x is used twice.
"""

x, y, z = 3.0, -2.0, 0.5


def answers() -> dict:
    # BEGIN SOLUTION
    u = x * y + z  # -5.5
    df_du = 2 * u  # d(u**2)/du
    return {
        "df_dx": df_du * y + 1,  # two paths: through u (du/dx = y) and the direct "+ x"
        "df_dy": df_du * x,
        "df_dz": df_du * 1,
    }
    # END SOLUTION
    # STUB: return {"df_dx": ..., "df_dy": ..., "df_dz": ...}
