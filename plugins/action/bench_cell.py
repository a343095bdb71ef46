"""Run one benchmark cell: its tenants on the task's host (bench_client), its samples on the controller.

One task per cell keeps the orchestration cost of a cell to one module call (benchmarks/cell_overhead.py
measures it). The cell's samples, each tenant's app_time and the cell_time go into
results/<run-id>/samples.jsonl in one atomic append; a failed cell appends nothing (a resumed run
runs it again) and its output is kept under raw/. A cell of an attempt that a newer attempt has
superseded (see bench_plan) appends nothing either.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from stacklab.results.store import StaleAttempt, append_samples


def _output_folder(results_dir: Path, cell: dict[str, Any]) -> Path:
    return results_dir / "raw" / "cells" / f"{cell['index']:05d}-{cell['key']}"


def _keep_output(folder: Path, results: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, result in results.items():
        (folder / f"{name}.out").write_text(result.get("stdout") or "", encoding="utf-8")
        (folder / f"{name}.err").write_text(result.get("stderr") or "", encoding="utf-8")
    summary = {
        name: {k: v for k, v in result.items() if k not in ("stdout", "stderr")} for name, result in results.items()
    }
    (folder / "tenants.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


class ActionModule(ActionBase):  # type: ignore[misc]  # Ansible is untyped
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(
        ("cell", "results", "commands", "spark_master", "spark", "inter_trial_wait", "timeout", "last", "attempt")
    )

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        from stacklab.runner.cells import CellFailed, cell_samples, tenant_commands

        result: dict[str, Any] = super().run(tmp, task_vars)
        args = self._task.args
        cell, results_dir = args["cell"], Path(args["results"])
        wait = float(args.get("inter_trial_wait") or 0)
        began = time.time()
        try:
            runs = tenant_commands(cell, args["commands"], wait, args.get("spark_master") or None, args.get("spark"))
        except CellFailed as error:
            raise AnsibleActionFail(f"cell {cell['index']}: {error}") from error
        outcome = self._execute_module(
            module_name="stacklab.bigdata.bench_tenants",
            module_args={"tenants": runs, "timeout": float(args["timeout"]), "attempt": str(args["attempt"])},
            task_vars=task_vars,
        )
        if outcome.get("failed"):
            raise AnsibleActionFail(f"cell {cell['index']}: {outcome.get('msg')}")
        tenants = outcome["tenants"]
        folder = _output_folder(results_dir, cell)
        _keep_output(folder, tenants)
        try:
            samples = cell_samples(cell, tenants)
        except CellFailed as error:
            raise AnsibleActionFail(
                f"cell {cell['index']} {cell['point']} trial {cell['trial']}: {error} (output in {folder})"
            ) from error
        try:
            append_samples(str(results_dir / "samples.jsonl"), samples, attempt=str(args["attempt"]))
        except StaleAttempt as error:
            raise AnsibleActionFail(f"cell {cell['index']}: {error}") from error
        finished = time.time()
        if wait and not args.get("last"):
            time.sleep(wait)  # the spec's inter-trial wait, after the cell is safely recorded
        result.update(
            changed=True,
            samples=len(samples),
            stacklab_cell={
                "index": cell["index"],
                "key": cell["key"],
                "point": cell["point"],
                "trial": cell["trial"],
                "warmup": cell["warmup"],
                "seconds": round(finished - began, 3),
            },
        )
        return result
