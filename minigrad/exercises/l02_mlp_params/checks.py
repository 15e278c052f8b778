"""Checks of mlp-params: four MLPs, with the usual miscounts named."""

from ..helpers import cases_diagnose, check, need


def layers(sizes):
    return list(zip(sizes[:-1], sizes[1:]))


@check("mlp_param_count for [2, 16, 16, 1], [784, 256, 10], [3, 4, 4, 1], [5, 1]")
def counts(m) -> None:
    fn = need(m, "mlp_param_count")
    cases = [dict(sizes=s) for s in ([2, 16, 16, 1], [784, 256, 10], [3, 4, 4, 1], [5, 1])]
    cases_diagnose(
        fn,
        cases,
        lambda sizes: sum(a * b + b for a, b in layers(sizes)),
        [
            (
                lambda sizes: sum(a * b for a, b in layers(sizes)),
                "you forgot the biases: every neuron has one (n_out per layer)",
            ),
            (
                lambda sizes: sum(a * b + a for a, b in layers(sizes)),
                "one bias per input instead of one per neuron: a layer has n_out biases",
            ),
            (
                lambda sizes: sum(a * b + b for a, b in layers(sizes)) + sizes[0],
                "the input layer has no parameters: it only holds the data",
            ),
        ],
        "mlp_param_count",
    )
