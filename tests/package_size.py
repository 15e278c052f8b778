"""How big the minigrad package is, by area: lines, and what kind of line they are.

    python tests/package_size.py              # the working tree
    python tests/package_size.py --rev REV    # the package as commit REV had it (git archive)

Each line of a .py file counts once, as the first of these it is: code (a token that is
not a docstring), docstring (a string that stands alone as a statement: module, class and
function docstrings), comment, or blank. An area is a top-level subpackage, "(top)" for the
modules directly in minigrad/, and "exercises/folders" for the exercise folders (their
solutions, checks and mistakes) apart from the checker's own modules.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tokenize
from pathlib import Path

KINDS = ("lines", "code", "docstring", "comment", "blank")
_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
# a string token right after one of these (or first in the file) begins a statement
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL, None}


def count(source: str) -> dict[str, int]:
    """Lines of `source` by kind (KINDS); code + docstring + comment + blank = lines."""
    code: set[int] = set()
    docstring: set[int] = set()
    comment: set[int] = set()
    previous, depth = None, 0  # depth: open brackets (a string inside them is an argument)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        rows = range(token.start[0], token.end[0] + 1)
        if token.type == tokenize.COMMENT:
            comment.update(rows)
            continue
        if token.type == tokenize.STRING and depth == 0 and previous in _STATEMENT_START:
            docstring.update(rows)
        elif token.type not in _LAYOUT:
            code.update(rows)
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            depth += 1
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            depth -= 1
        previous = token.type
    lines = len(source.splitlines())
    docstring -= code
    comment -= code | docstring
    blank = lines - len(code) - len(docstring) - len(comment)
    return dict(zip(KINDS, (lines, len(code), len(docstring), len(comment), blank)))


def area(relative: Path) -> str:
    parts = relative.parts
    if len(parts) == 1:
        return "(top)"
    if parts[0] == "exercises" and len(parts) > 2:
        return "exercises/folders"
    return parts[0]


def sizes(files: dict[Path, str]) -> dict[str, dict[str, int]]:
    """{area: {kind: lines}} for {path relative to the package: source}, with a 'total'."""
    table: dict[str, dict[str, int]] = {}
    for relative, source in sorted(files.items()):
        row = table.setdefault(area(relative), dict.fromkeys(KINDS, 0))
        for kind, n in count(source).items():
            row[kind] += n
    table["total"] = {k: sum(row[k] for row in table.values()) for k in KINDS}
    return table


def working_tree(package: Path) -> dict[Path, str]:
    return {p.relative_to(package): p.read_text(encoding="utf-8") for p in package.rglob("*.py")}


def at_revision(repo: Path, rev: str) -> dict[Path, str]:
    """The package's .py files as commit `rev` had them (SystemExit naming rev if git can't)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", rev, "minigrad"],
            capture_output=True,
        )
    except FileNotFoundError:
        raise SystemExit("package_size: --rev needs git, which is not installed") from None
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no reason"]
        raise SystemExit(
            f"package_size: git cannot read the package at {rev!r} ({why[0]}); give a commit "
            "of this repository, e.g. REV=HEAD~3 or a hash from `git log --oneline`"
        )
    archive = done.stdout
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".py"):
                source = tar.extractfile(member).read().decode("utf-8")
                files[Path(member.name).relative_to("minigrad")] = source
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="measure the package of this git commit instead")
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parent.parent
    files = at_revision(repo, args.rev) if args.rev else working_tree(repo / "minigrad")
    table = sizes(files)
    print(f"{'area':18}" + "".join(f"{k:>10}" for k in KINDS))
    for name, row in table.items():
        print(f"{name:18}" + "".join(f"{row[k]:>10,}" for k in KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
