"""conftest.py's order of the tests: the long ones first, dealt to the pytest-xdist workers by
cost, tests that share a module or session fixture in one worker, and every test once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import conftest


@dataclass
class Item:
    nodeid: str
    fixturenames: tuple = ()
    path: Path = field(init=False)

    def __post_init__(self):
        self.path = Path(self.nodeid.split("::")[0])


def collection(lessons: int = 12, others: int = 40) -> list[Item]:
    run = "tests/test_lessons.py::test_lesson_runs_in_quick_mode_and_writes_its_pictures"
    items = [Item(f"tests/test_a.py::test_{k}") for k in range(others // 2)]
    items += [Item("tests/test_a.py::test_scan", ("package_source",))]
    items += [Item("tests/test_book.py::test_built", ("built",))]
    items += [Item(f"{run}[{n:02d}_lesson]", ("lesson_processes",)) for n in range(1, lessons + 1)]
    items += [Item("tests/test_lessons.py::test_failing", ("lesson_processes",))]
    items += [Item("tests/test_lessons.py::test_listed")]
    items += [Item(f"tests/test_z.py::test_{k}") for k in range(others // 2)]
    items += [Item("tests/test_z.py::test_page", ("chromium",))]
    items += [Item("tests/test_z.py::test_scan", ("package_source",))]
    return items


def halves(items: list[Item], workers: int) -> list[list[str]]:
    """What pytest-xdist's worksteal hands each worker first: the next len(left) // (n - k)."""
    parts, start = [], 0
    for k in range(workers):
        share = (len(items) - start) // (workers - k)
        parts.append([i.nodeid for i in items[start : start + share]])
        start += share
    return parts


def test_one_process_runs_the_long_tests_first_the_costliest_first():
    items = collection()
    before = [i.nodeid for i in items]
    conftest._long_tests_first(items, workers=1)
    order = [i.nodeid for i in items]
    assert sorted(order) == sorted(before)
    lessons = [n for n in order if "quick_mode" in n]
    assert lessons == sorted(lessons, reverse=True) and order[:12] == lessons  # 12 s, 11 s, ...
    assert order[12] == "tests/test_lessons.py::test_failing"  # also uses the lessons' server
    assert set(order[13:17]) == {  # then the tests that share Chromium, and the parse
        "tests/test_book.py::test_built",
        "tests/test_z.py::test_page",
        "tests/test_a.py::test_scan",
        "tests/test_z.py::test_scan",
    }
    assert order[-1] == "tests/test_z.py::test_19"  # the short tests keep their order
    assert order.index("tests/test_lessons.py::test_listed") > order.index(
        "tests/test_a.py::test_0"
    )


def test_two_workers_each_start_with_long_tests_of_about_equal_cost():
    items = collection()
    conftest._long_tests_first(items, workers=2)
    parts = halves(items, 2)
    assert sorted(parts[0] + parts[1]) == sorted(i.nodeid for i in collection())

    def cost(nodeid: str) -> float:
        if "quick_mode" in nodeid:
            return conftest._lesson_seconds(Item(nodeid))
        return conftest.BROWSER_SECONDS if nodeid == "tests/test_book.py::test_built" else 0.0

    for part in parts:
        assert cost(part[0]) > 0  # a long test comes first
    loads = [sum(cost(n) for n in part) for part in parts]
    assert abs(loads[0] - loads[1]) <= 12  # the costliest lesson here: 12 s
    assert max(loads) < 0.6 * sum(loads)


def test_tests_sharing_a_fixture_share_a_worker_and_a_module_fixture_is_set_up_once():
    items = collection()
    conftest._long_tests_first(items, workers=2)
    parts = halves(items, 2)
    for shared in (
        ["tests/test_book.py::test_built", "tests/test_z.py::test_page"],  # one Chromium
        ["tests/test_a.py::test_scan", "tests/test_z.py::test_scan"],  # one parse
    ):
        assert [set(shared) <= set(part) for part in parts] in ([True, False], [False, True])
    for part in parts:  # each worker starts the lessons' process server (a module fixture) once
        uses = [k for k, n in enumerate(part) if "test_lessons.py" in n and "listed" not in n]
        assert uses and uses == list(range(uses[0], uses[0] + len(uses)))
    (failing,) = [p for p in parts if "tests/test_lessons.py::test_failing" in p]
    assert any("quick_mode" in n for n in failing)


def test_a_collection_without_long_tests_keeps_its_order():
    items = [Item(f"tests/test_a.py::test_{k}") for k in range(5)]
    conftest._long_tests_first(items, workers=2)
    assert [i.nodeid for i in items] == [f"tests/test_a.py::test_{k}" for k in range(5)]
