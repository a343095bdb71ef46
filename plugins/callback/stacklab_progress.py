"""Progress of bench.yml's cells: done/total, the cell now running, and an ETA.

Enabled in ansible.cfg (callbacks_enabled). It listens for the plan (bench_plan's result) and for
finished cells (results that carry `stacklab_cell`: bench_cell, and results_append with progress),
and prints one line per cell to standard error:

    [bench] 3/8 cells (1 recorded before) · last 14.2 s · now: num_tasks=750 trial 1 · ETA 1m11s

Silent when STACKLAB_PROGRESS=0 or CI is set (CI logs keep Ansible's own output only).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: stacklab_progress
type: aggregate
short_description: Cells done/total, current cell and ETA of bench.yml
description:
  - Prints a progress line to standard error after each benchmark cell.
  - Silent when the environment sets STACKLAB_PROGRESS=0 or CI.
requirements:
  - enabled in ansible.cfg callbacks_enabled
"""


def describe(cell: dict[str, Any]) -> str:
    point = " ".join(f"{name}={value}" for name, value in sorted(cell.get("point", {}).items()))
    kind = "warm-up" if cell.get("warmup") else "trial"
    return f"{point} {kind} {cell.get('trial')}".strip()


def duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else (f"{minutes}m{secs:02d}s" if minutes else f"{secs}s")


class Progress:
    """The arithmetic, apart from Ansible so that it is tested alone."""

    def __init__(self, total: int, done_before: int, pending: list[dict[str, Any]]):
        self.total = total
        self.done_before = done_before
        self.pending = pending
        self.finished = 0
        self.seconds: list[float] = []

    def line(self, cell: dict[str, Any]) -> str:
        self.finished += 1
        self.seconds.append(float(cell.get("seconds", 0.0)))
        done = self.done_before + self.finished
        left = self.pending[self.finished :]
        parts = [f"[bench] {done}/{self.total} cells"]
        if self.done_before:
            parts[0] += f" ({self.done_before} recorded before)"
        parts.append(f"last {self.seconds[-1]:.1f} s")
        if left:
            average = sum(self.seconds) / len(self.seconds)
            parts.append(f"now: {describe(left[0])}")
            parts.append(f"ETA {duration(average * len(left))}")
        else:
            parts.append("all cells run")
        return " · ".join(parts)


class CallbackModule(CallbackBase):  # type: ignore[misc]  # Ansible is untyped
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "stacklab_progress"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self.quiet = os.environ.get("STACKLAB_PROGRESS", "1") == "0" or bool(os.environ.get("CI"))
        self.progress: Progress | None = None

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def _seen(self, result: dict[str, Any]) -> None:
        if "pending" in result and "total" in result and "run_id" in result:
            self.progress = Progress(int(result["total"]), int(result["done"]), list(result["pending"]))
            if self.progress.pending:
                first = describe(self.progress.pending[0])
                self._say(f"[bench] {len(self.progress.pending)} of {self.progress.total} cells to run; first: {first}")
            else:
                self._say(f"[bench] all {self.progress.total} cells are recorded already; nothing to run")
        elif "stacklab_cell" in result and self.progress is not None:
            self._say(self.progress.line(result["stacklab_cell"]))

    def v2_runner_on_ok(self, result: Any) -> None:
        self._seen(result._result)

    def v2_runner_item_on_ok(self, result: Any) -> None:
        self._seen(result._result)
