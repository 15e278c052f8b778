"""Rebuild every picture in assets/ from the code itself: `make assets`.

Nothing in assets/ is drawn by hand; each picture below comes from one function.
"""

from __future__ import annotations

import sys
from pathlib import Path

from minigrad.cli_demo import neuron
from minigrad.viz import draw, save

HERE = Path(__file__).resolve().parent


def build_neuron() -> Path:
    return save(draw(neuron()), HERE / "neuron.svg")


BUILDERS = [build_neuron]


def main() -> int:
    for build in BUILDERS:
        print(f"wrote {build().relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
