"""The learner's progress: a small JSON file in their exercises folder.

{"version": 1, "exercises": {"chain-rule": {"started": true, "stub_sha256": "9f2c...",
 "done": true, "failed_once": true, "hints_shown": 1, "solution_shown": false, "checks": 3}}}

failed_once: a check of the learner's own attempt failed (a check of the untouched stub,
recognised by stub_sha256, does not count); it opens `minigrad exercises solution`.

It is written atomically (a temporary file in the same folder, then a rename), so an
interrupted write never leaves a half-written file behind.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..fileio import atomic_write

FILENAME = "minigrad-progress.json"


class Progress:
    def __init__(self, folder: Path | str) -> None:
        self.path = Path(folder) / FILENAME
        self.warning = ""
        self.data: dict = {"version": 1, "exercises": {}}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text())
                if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
                    raise ValueError("no 'exercises' table")
                self.data = data
            except (OSError, ValueError) as e:
                self.warning = (
                    f"progress file {self.path} is unreadable ({e}); starting afresh "
                    "(it will be replaced at the next save)"
                )

    def entry(self, exercise_id: str) -> dict:
        return self.data["exercises"].setdefault(exercise_id, {})

    def get(self, exercise_id: str) -> dict:
        return self.data["exercises"].get(exercise_id, {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.path, "w") as f:
            json.dump(self.data, f, indent=1, sort_keys=True)
            f.write("\n")
