"""tests/package_size.py sorts each line into one kind: code, docstring, comment or blank."""

import pytest
from package_size import KINDS, area, at_revision, count, sizes

SOURCE = '''"""Module docstring,
on two lines."""

import math  # a comment after code is code


def f(x):
    """One-line docstring."""
    # a comment on its own
    message = (
        "a string argument in brackets is code, "
        "even on a line of its own"
    )
    return math.sqrt(x), message
'''


def test_each_line_is_one_kind_and_strings_in_brackets_are_code():
    kinds = count(SOURCE)
    assert kinds == {"lines": 14, "code": 7, "docstring": 3, "comment": 1, "blank": 3}
    assert kinds["lines"] == sum(kinds[k] for k in KINDS[1:])


def test_areas_and_the_total():
    from pathlib import Path

    assert area(Path("tensor.py")) == "(top)"
    assert area(Path("nn/conv.py")) == "nn"
    assert area(Path("exercises/helpers.py")) == "exercises"
    assert area(Path("exercises/l01_chain_rule/checks.py")) == "exercises/folders"
    table = sizes({Path("a.py"): SOURCE, Path("nn/b.py"): "x = 1\n"})
    assert table["(top)"]["lines"] == 14 and table["nn"]["code"] == 1
    assert table["total"]["lines"] == 15 and table["total"]["code"] == 8


def test_a_revision_git_cannot_read_is_named_in_the_message():
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    with pytest.raises(SystemExit, match="cannot read the package at 'no-such-commit'.*REV="):
        at_revision(repo, "no-such-commit")
