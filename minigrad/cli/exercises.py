"""`minigrad exercises`: list, start, check, hint and solution for the graded exercises.

minigrad exercises                     list them by track: id, lesson, title, done or not
minigrad exercises --track NAME        one track only (a word of its name is enough)
minigrad exercises start ID [--dir D]  write the stub into your folder (default my-exercises/)
minigrad exercises check ID [--dir D]  grade your file; exit code 0 only when all checks pass
minigrad exercises hint ID             the next hint (one more each time)
minigrad exercises solution ID         the reference, once a check of your own attempt (a
                                       changed file) has failed; or with --force
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import minigrad

from ..fileio import atomic_write
from .process import tuned

DEFAULT_DIR = "my-exercises"


def _folder(args: argparse.Namespace, create: bool = False) -> Path:
    folder = Path(args.dir).expanduser()
    package = Path(minigrad.__file__).resolve().parent
    resolved = folder.resolve()
    if resolved == package or package in resolved.parents:
        raise SystemExit(
            f"minigrad exercises: --dir {args.dir} is inside the installed minigrad package "
            f"({package}); your work belongs in your own folder, e.g. --dir {DEFAULT_DIR}"
        )
    if folder.exists() and not folder.is_dir():
        raise SystemExit(f"minigrad exercises: --dir {args.dir} exists and is not a folder")
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _exercise(exercise_id: str):
    from ..exercises import get

    try:
        return get(exercise_id)
    except KeyError as e:
        raise SystemExit(f"minigrad exercises: {e.args[0]}") from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _progress(folder: Path):
    from ..exercises.progress import Progress

    progress = Progress(folder)
    if progress.warning:
        print(f"warning: {progress.warning}", file=sys.stderr)
    return progress


def cmd_list(args: argparse.Namespace) -> int:
    from ..exercises import TRACKS

    folder = _folder(args)
    progress = _progress(folder) if folder.is_dir() else None
    groups = _groups(args.track)
    rows = []
    for heading, exercises in groups:
        for ex in exercises:
            state = progress.get(ex.id) if progress else {}
            if state.get("done"):
                status = "done"
            elif (folder / ex.filename).exists():
                status = "started"
            else:
                status = "-"
            rows.append((heading, ex.id, str(ex.lesson), ex.title, status))
    width = max(len(r[1]) for r in rows)
    title_w = max(len(r[3]) for r in rows)
    shown = None
    for heading, id_, lesson, title, status in rows:
        if heading != shown:
            print(("\n" if shown else "") + heading)
            print(f"{'id':<{width}}  lesson  {'title':<{title_w}}  status")
            shown = heading
        print(f"{id_:<{width}}  {lesson:>6}  {title:<{title_w}}  {status}")
    done = sum(r[4] == "done" for r in rows)
    print(f"\n{done} of {len(rows)} done (folder: {folder}).")
    if args.track is None:
        print(f"One track only: minigrad exercises --track NAME ({_track_names(TRACKS)})")
    print("Start one with: minigrad exercises start ID")
    return 0


OTHERS = "More exercises, lesson by lesson"


def _groups(track: str | None) -> list[tuple[str, list]]:
    """[(heading, exercises)]: each track of TRACKS in order, then the exercises in no
    track, by lesson; with `track`, only that track (matched loosely: case, dashes)."""
    from ..exercises import TRACKS, all_exercises, get

    groups = [(f"Track: {name}", [get(i) for i in ids]) for name, ids in TRACKS.items()]
    in_tracks = {i for ids in TRACKS.values() for i in ids}
    others = [ex for ex in all_exercises() if ex.id not in in_tracks]
    if track is None:
        return groups + [(OTHERS, others)] if others else groups
    wanted = _loose(track)
    matches = [g for name, g in zip(TRACKS, groups) if _loose(name) == wanted]
    matches = matches or [g for name, g in zip(TRACKS, groups) if wanted in _loose(name)]
    if len(matches) != 1:
        problem = "matches several tracks" if matches else "is not a track"
        raise SystemExit(
            f"minigrad exercises: --track {track!r} {problem}; the tracks are "
            f"{_track_names(TRACKS)} (a word of the name is enough: --track convolution)"
        )
    return matches


def _loose(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def _track_names(tracks: dict) -> str:
    return ", ".join(f"'{name}'" for name in tracks)


def cmd_start(args: argparse.Namespace) -> int:
    ex = _exercise(args.id)
    folder = _folder(args, create=True)
    path = folder / ex.filename
    if path.exists() and not args.force:
        print(
            f"{path} already exists: your work is kept. Check it with "
            f"`minigrad exercises check {ex.id}`, or pass --force to overwrite it with the stub.",
            file=sys.stderr,
        )
        return 1
    with atomic_write(path, "w") as f:
        f.write(ex.stub)
    progress = _progress(folder)
    state = progress.entry(ex.id)
    state["started"] = True
    state["stub_sha256"] = _digest(ex.stub)  # a check of the untouched stub opens nothing
    progress.save()
    print(f"{ex.id} (lesson {ex.lesson}): {ex.title}")
    print(f"wrote {path}")
    print(f"Edit it, then run: minigrad exercises check {ex.id}" + _dir_flag(args))
    return 0


def _dir_flag(args: argparse.Namespace) -> str:
    return "" if args.dir == DEFAULT_DIR else f" --dir {args.dir}"


def cmd_check(args: argparse.Namespace) -> int:
    from ..exercises import all_exercises

    folder = _folder(args)
    if args.id is None:  # every exercise started in this folder
        started = [e for e in all_exercises() if (folder / e.filename).exists()]
        if not started:
            print(f"No exercise started in {folder}: minigrad exercises start ID", file=sys.stderr)
            return 1
        passed = [_check_one(e, folder, args) for e in started]
        print(f"\n{sum(passed)} of {len(started)} started exercises pass every check.")
        return 0 if all(passed) else 1
    ex = _exercise(args.id)
    if not (folder / ex.filename).exists():
        print(
            f"{folder / ex.filename} does not exist. Start the exercise first: "
            f"minigrad exercises start {ex.id}" + _dir_flag(args),
            file=sys.stderr,
        )
        return 1
    return 0 if _check_one(ex, folder, args) else 1


def _check_one(ex, folder: Path, args: argparse.Namespace) -> bool:
    """Grade one exercise, print each check, record progress; True when all checks pass."""
    from ..exercises import run_checks

    path = folder / ex.filename
    print(f"{ex.id}: {ex.title}  ({path})")
    with tuned():  # one BLAS thread, malloc kept (cli/process.py): checks run networks too
        results = run_checks(ex, path, timeout=args.timeout)
    for r in results:
        print(f"  {'passed' if r.passed else 'FAILED'}  {r.name}")
        if not r.passed:
            print(f"          {r.message}")
            printed = r.output.strip().splitlines()
            if printed:
                print("          your code printed (last lines):")
                for line in printed[-3:]:
                    print(f"            {line}")
    passed = sum(r.passed for r in results)
    ok = passed == len(results)
    progress = _progress(folder)
    state = progress.entry(ex.id)
    state["checks"] = state.get("checks", 0) + 1
    state["done"] = bool(state.get("done")) or ok
    untouched = _untouched(ex, path, state)
    if not ok and not untouched:
        state["failed_once"] = True  # a failed check of the learner's own attempt
    progress.save()
    if ok:
        print(f"All {len(results)} checks passed. Well done!")
    else:
        print(
            f"{passed} of {len(results)} checks passed. "
            f"Stuck? `minigrad exercises hint {ex.id}` gives a hint."
        )
        if untouched:
            print(f"({path} is still the stub as `start` wrote it: edit it, then check again.)")
    return ok


def _untouched(ex, path: Path, state: dict) -> bool:
    """Is the learner's file still the stub, as `start` wrote it (this or an older version)?"""
    try:
        digest = _digest(path.read_text())
    except (OSError, UnicodeDecodeError):
        return False
    return digest in (_digest(ex.stub), state.get("stub_sha256"))


def cmd_hint(args: argparse.Namespace) -> int:
    ex = _exercise(args.id)
    folder = _folder(args, create=True)
    progress = _progress(folder)
    state = progress.entry(ex.id)
    shown = state.get("hints_shown", 0)
    k = min(shown, len(ex.hints) - 1)
    print(f"Hint {k + 1} of {len(ex.hints)} for {ex.id}: {ex.hints[k]}")
    if k + 1 < len(ex.hints):
        print(f"(run `minigrad exercises hint {ex.id}` again for the next one)")
    else:
        print(
            "That was the last hint. After a failed check of your attempt, "
            f"`minigrad exercises solution {ex.id}` shows the reference."
        )
    state["hints_shown"] = min(shown + 1, len(ex.hints))
    progress.save()
    return 0


def cmd_solution(args: argparse.Namespace) -> int:
    ex = _exercise(args.id)
    folder = _folder(args)
    progress = _progress(folder) if folder.is_dir() else None
    tried = bool(progress and progress.get(ex.id).get("failed_once"))
    if not (tried or args.force):
        print(
            f"The solution of {ex.id} opens after you have tried: edit your file, and once "
            f"`minigrad exercises check {ex.id}` fails on your attempt it opens (a check of "
            f"the untouched stub does not count). A hint may be enough: "
            f"`minigrad exercises hint {ex.id}`. Pass --force to see it anyway.",
            file=sys.stderr,
        )
        return 1
    print(f"# Reference solution of {ex.id} (lesson {ex.lesson}): {ex.title}\n")
    print(ex.solution)
    if progress is not None:
        progress.entry(ex.id)["solution_shown"] = True
        progress.save()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "exercises",
        help="graded exercises: list, start, check, hint, solution",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dir_help = f"your exercises folder (default: {DEFAULT_DIR})"
    track_help = "list only this track of exercises (e.g. 'convolution in numpy')"
    p.add_argument("--dir", default=DEFAULT_DIR, help=dir_help)
    p.add_argument("--track", default=None, help=track_help)
    p.set_defaults(func=cmd_list)
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    def action(name: str, func, help: str) -> argparse.ArgumentParser:
        a = actions.add_parser(name, help=help)
        if name == "check":
            a.add_argument("id", nargs="?", help="exercise id (default: every one started)")
        elif name != "list":
            a.add_argument("id", help="exercise id, as `minigrad exercises` lists it")
        a.add_argument("--dir", default=argparse.SUPPRESS, help=dir_help)
        a.set_defaults(func=func)
        return a

    listing = action("list", cmd_list, "list the exercises by track, and your progress")
    listing.add_argument("--track", default=argparse.SUPPRESS, help=track_help)
    start = action("start", cmd_start, "write the stub file into your folder")
    start.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = action("check", cmd_check, "grade your file")
    check.add_argument(
        "--timeout", type=float, default=10.0, help="seconds allowed per check (default 10)"
    )
    action("hint", cmd_hint, "show the next hint")
    sol = action("solution", cmd_solution, "show the reference solution")
    sol.add_argument(
        "--force", action="store_true", help="show it without a failed check of your attempt"
    )
