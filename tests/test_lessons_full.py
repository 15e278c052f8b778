"""Every lesson in full mode (more data, more steps): its assertions hold there too. Slow:
`make test-slow` runs it; the default suite runs the lessons in quick mode (test_lessons.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from minigrad import lessons as lessons_module

LESSONS = lessons_module.find_lessons()


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=[f"{x.number:02d}_{x.slug}" for x in LESSONS])
def test_lesson_runs_in_full_mode(lesson, tmp_path):
    env = dict(os.environ)
    env.pop(lessons_module.QUICK_ENV, None)
    env.update({lessons_module.OUT_ENV: str(tmp_path), "MPLBACKEND": "Agg"})
    done = subprocess.run(
        [sys.executable, str(lesson.path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, f"lesson {lesson.number} failed:\n{done.stdout}\n{done.stderr}"
    assert "full mode" in done.stdout
    assert f"Lesson {lesson.number} done: every claim above was checked." in done.stdout
