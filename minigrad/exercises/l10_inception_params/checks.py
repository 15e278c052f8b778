"""Checks of inception-params: all nine GoogLeNet blocks against models.Inception, naming
which branch a wrong count got wrong (and whether the biases are missing)."""

import functools
import itertools

from ... import models
from ..helpers import Wrong, check, integer, need, related


@functools.cache  # building the nine blocks takes a while; their counts never change
def truth() -> dict[str, tuple[tuple[int, ...], int, int]]:
    """{block: (config, parameters, output channels)}, from minigrad.models itself."""
    table = {}
    for name, config in models.INCEPTION_CONFIGS.items():
        block = models.Inception(*config)
        table[name] = (config, sum(p.numel() for p in block.parameters()), block.out_channels)
    return table


def diagnosis(config: tuple[int, ...], got: int) -> str:
    """Name what a wrong count left out or got wrong, when a combination of the usual slips
    (per branch, and the biases) explains it exactly; "" otherwise."""
    c, n1, r3, n3, r5, n5, pp = config

    def branch_variants(red: int, n: int, k: int, which: str) -> list[tuple[str, object]]:
        return [
            ("", lambda conv: conv(c, red, 1) + conv(red, n, k)),
            (
                f"you forgot the 1x1 reduction of the {which} branch: {red} filters over the "
                f"{c} input maps, with their biases",
                lambda conv: conv(red, n, k),
            ),
            (
                f"your {which} branch has no reduction: a 1x1 convolution first makes {red} "
                f"maps from the {c}, and the {k}x{k} convolution reads those {red}",
                lambda conv: conv(c, n, k),
            ),
            (
                f"the {which} branch's {k}x{k} convolution reads the {red} reduced maps, not "
                f"the {c} input maps: that is what the reduction saves",
                lambda conv: conv(c, red, 1) + conv(c, n, k),
            ),
        ]

    parts = [
        [("", lambda conv: conv(c, n1, 1))],
        branch_variants(r3, n3, 3, "3x3"),
        branch_variants(r5, n5, 5, "5x5")
        + [
            (
                "branch 3 has a 5x5 convolution: 25 weights per pair of channels",
                lambda conv: conv(c, r5, 1) + conv(r5, n5, 3),
            )
        ],
        [
            ("", lambda conv: conv(c, pp, 1)),
            (
                "you forgot the pool projection: after the max pool (no parameters), a 1x1 "
                "convolution makes pool_proj maps from the in_channels ones",
                lambda conv: 0,
            ),
            (
                "the pool projection is a 1x1 convolution; the 3x3 in that branch is the max "
                "pool, which has no parameters",
                lambda conv: conv(c, pp, 3),
            ),
        ],
    ]
    biases = [
        ("", lambda a, b, k: k * k * a * b + b),
        (
            "you forgot the biases: every convolution has one per output channel",
            lambda a, b, k: k * k * a * b,
        ),
    ]
    found = []
    for (bias_hint, conv), *chosen in itertools.product(biases, *parts):  # one variant of each
        if sum(f(conv) for _, f in chosen) == got:
            hints = [bias_hint] + [h for h, _ in chosen]
            found.append([h for h in hints if h])
    if not found:
        return ""
    return "; and ".join(min(found, key=len))  # the simplest explanation


@check("inception_params: block 3a, then all nine blocks (vs models.Inception)")
def parameters(m) -> None:
    fn = need(m, "inception_params")
    for name, (config, want, _) in truth().items():
        got = integer(fn(*config), f"inception_params{config}")
        if got == want:
            continue
        hint = diagnosis(config, got) or related(got, want)
        raise Wrong(
            f"inception_params{config} (GoogLeNet's {name}) returned {got:,}, expected "
            f"{want:,}" + (f": {hint}" if hint else "")
        )


@check("inception_out_channels: all nine blocks (3a makes 256 maps, 5b 1,024)")
def out_channels(m) -> None:
    fn = need(m, "inception_out_channels")
    for name, (config, _, want) in truth().items():
        got = integer(fn(*config), f"inception_out_channels{config}")
        if got == want:
            continue
        c, n1, r3, n3, r5, n5, pp = config
        hints = {
            n1 + r3 + n3 + r5 + n5 + pp: "the reductions feed the 3x3 and 5x5 convolutions; "
            "only what each branch ends with is concatenated",
            n1 + n3 + n5: "you left out the pool branch: its pool_proj maps are concatenated too",
            n1 + n3 + n5 + c: "the pool branch ends with its 1x1 projection: it contributes "
            "pool_proj maps, not in_channels",
        }
        hint = hints.get(got) or related(got, want)
        raise Wrong(
            f"inception_out_channels{config} (GoogLeNet's {name}) returned {got}, expected "
            f"{want}" + (f": {hint}" if hint else "")
        )
