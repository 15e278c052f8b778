"""`minigrad book`: the lessons executed by a Jupyter kernel, as HTML pages in out/book/.

minigrad book                 every lesson, full mode (minutes: lessons train networks)
minigrad book --quick         quick mode (small data, few steps)
minigrad book --lesson 1 -l 5 only these lessons
"""

from __future__ import annotations

import argparse
import sys
import time

from ..lessons import LessonsNotFound
from .common import out_dir
from .process import tuned


def _cmd_book(args: argparse.Namespace) -> int:
    from ..book import BookToolsMissing, build_book

    start = time.perf_counter()
    folder = out_dir(args.out)
    try:
        with tuned():  # the kernels inherit one BLAS thread and the malloc settings
            pages = build_book(folder, quick=args.quick, numbers=args.lesson or None)
    except (BookToolsMissing, LessonsNotFound, ValueError) as e:
        print(f"minigrad book: {e}", file=sys.stderr)
        return 1
    failed = [p for p in pages if not p.ok]
    seconds = time.perf_counter() - start
    print(
        f"book written to {folder / 'index.html'}: {len(pages)} lesson{'s' * (len(pages) != 1)} "
        f"({'quick' if args.quick else 'full'} mode) in {seconds:.0f} s"
    )
    if failed:
        names = ", ".join(str(p.lesson.number) for p in failed)
        print(
            f"minigrad book: lessons that failed: {names} (their pages show the error)",
            file=sys.stderr,
        )
        return 1
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "book",
        help="execute the lessons with a Jupyter kernel and write them as HTML (out/book/)",
        description="Run every lesson as a notebook in a real Jupyter kernel and write the "
        "executed pages, with their figures and interactive graph pages, to out/book/ "
        '(needs pip install -e ".[book]").',
    )
    p.add_argument("--quick", action="store_true", help="quick mode: small data, few steps")
    p.add_argument("--out", default="out/book", help="the book's folder (default out/book)")
    p.add_argument(
        "-l",
        "--lesson",
        type=int,
        action="append",
        metavar="N",
        help="only lesson N (repeat for several)",
    )
    p.set_defaults(func=_cmd_book)
