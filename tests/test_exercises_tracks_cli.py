"""`minigrad exercises` lists the exercises grouped by track; `--track NAME` lists one."""

from __future__ import annotations

import pytest

from minigrad.cli import main
from minigrad.cli.exercises import OTHERS
from minigrad.exercises import TRACKS, all_exercises


def listing(capsys, *argv: str) -> tuple[int, list[str]]:
    code = main(["exercises", *argv])
    return code, capsys.readouterr().out.splitlines()


def sections(lines: list[str]) -> dict[str, list[str]]:
    """{heading: [exercise ids, in the order listed]} from the listing."""
    known = {ex.id for ex in all_exercises()}
    out: dict[str, list[str]] = {}
    heading = None
    for line in lines:
        if line.startswith("Track: ") or line == OTHERS:
            heading = line
            out[heading] = []
        elif line.split() and line.split()[0] in known:
            out[heading].append(line.split()[0])
    return out


def test_the_listing_groups_every_exercise_under_its_track(tmp_path, capsys):
    code, lines = listing(capsys, "--dir", str(tmp_path))
    assert code == 0
    found = sections(lines)
    assert list(found)[: len(TRACKS)] == [f"Track: {name}" for name in TRACKS]
    for name, ids in TRACKS.items():
        assert found[f"Track: {name}"] == list(ids)
    listed = [i for ids in found.values() for i in ids]
    assert sorted(listed) == sorted(ex.id for ex in all_exercises())  # each once
    in_tracks = {i for ids in TRACKS.values() for i in ids}
    others = [ex.id for ex in all_exercises() if ex.id not in in_tracks]
    assert found[OTHERS] == others
    assert f"0 of {len(all_exercises())} done" in "\n".join(lines)


@pytest.mark.parametrize("name", ["Convolution in numpy", "convolution-in-numpy", "CONVOLUTION"])
def test_track_lists_one_track_by_its_name_or_a_word_of_it(tmp_path, capsys, name):
    code, lines = listing(capsys, "--track", name, "--dir", str(tmp_path))
    assert code == 0
    assert sections(lines) == {"Track: Convolution in numpy": list(TRACKS["Convolution in numpy"])}
    assert "0 of 4 done" in "\n".join(lines)


def test_list_action_takes_track_too_and_shows_progress(tmp_path, capsys):
    main(["exercises", "start", "gradcheck", "--dir", str(tmp_path)])
    capsys.readouterr()
    code, lines = listing(capsys, "list", "--track", "debugging", "--dir", str(tmp_path))
    assert code == 0 and sections(lines) == {
        "Track: Debugging a network": ["gradcheck", "lr-sweep", "overfit-batch"]
    }
    row = next(line for line in lines if line.startswith("gradcheck"))
    assert row.rstrip().endswith("started")


def test_an_unknown_or_ambiguous_track_names_the_tracks(tmp_path):
    with pytest.raises(SystemExit, match="'nope' is not a track; the tracks are 'Build Value"):
        main(["exercises", "--track", "nope", "--dir", str(tmp_path)])
    with pytest.raises(SystemExit, match="'n' matches several tracks"):
        main(["exercises", "--track", "n", "--dir", str(tmp_path)])
