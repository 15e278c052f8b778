"""Realistic wrong answers to chain-rule, each with the words its diagnostic must contain."""

from ..exercise import mistake

x, y, z = 3.0, -2.0, 0.5
u = x * y + z


@mistake("answers", hint="x is used twice")
def only_the_path_through_u() -> dict:
    return {"df_dx": 2 * u * y, "df_dy": 2 * u * x, "df_dz": 2 * u}


@mistake("answers", hint="dropped the factor 2")
def no_factor_two() -> dict:
    return {"df_dx": u * y + 1, "df_dy": u * x, "df_dz": u}


@mistake("answers", hint="2 instead of 2u")
def derivative_of_the_square_taken_as_two() -> dict:
    return {"df_dx": 2 * y + 1, "df_dy": 2 * x, "df_dz": 2.0}


@mistake("answers", hint="only the direct")
def only_the_direct_path() -> dict:
    return {"df_dx": 1.0, "df_dy": 2 * u * x, "df_dz": 2 * u}
