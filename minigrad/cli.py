"""The `minigrad` command. Each feature module adds its own subcommands.

A module listed in COMMAND_MODULES defines `add_commands(subparsers)`, which adds
subparsers whose `func(args) -> int` runs the command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from . import __version__

COMMAND_MODULES = [
    "minigrad.cli_demo",
    "minigrad.lessons",
    "minigrad.cli_graph",
    "minigrad.cli_models",
    "minigrad.cli_train",
    "minigrad.cli_exercises",
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


def out_dir(path: str) -> Path:
    """Create (if needed) and return an output folder, with a clear error if it is a file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise SystemExit(f"minigrad: --out {path} exists and is not a folder")
    p.mkdir(parents=True, exist_ok=True)
    return p


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
