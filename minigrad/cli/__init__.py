"""The `minigrad` command (also `python -m minigrad`). Each module of this package adds its
own subcommands.

A module listed in COMMAND_MODULES defines `add_commands(subparsers)`, which adds
subparsers whose `func(args) -> int` runs the command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import __version__

COMMAND_MODULES = [
    "minigrad.cli.demo",
    "minigrad.cli.lessons",
    "minigrad.cli.graph",
    "minigrad.cli.models",
    "minigrad.cli.train",
    "minigrad.cli.exercises",
    "minigrad.cli.book",
    "minigrad.cli.explain",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minigrad",
        description="minigrad: automatic differentiation from scratch, for learning CNNs.",
    )
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("minigrad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
