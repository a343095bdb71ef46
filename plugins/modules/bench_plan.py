#!/usr/bin/python
"""Validate an experiment spec, name the run, and list the cells still to run (resume)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: bench_plan
short_description: Plan a bench.yml run; validate the spec, find the finished cells of a run id
description:
  - Validates the spec (schema and cross-field rules, stacklab.spec) and refuses workloads this
    stacklab cannot run yet, before anything changes on a host or in a cloud.
  - Reads results/<run-id>/samples.jsonl if it exists; a cell whose cell_time sample is there is done.
    A results file with a cut or malformed line is an error naming the line; nothing is written then.
  - Names this attempt at the run (sortable by time) and records it in the results folder as the
    current one, under the samples file's lock; samples of an older, interrupted attempt that
    arrive later are refused, so no cell is recorded twice.
  - Refuses a run id that another live ansible-playbook is running (results/<run-id>/running names it).
  - Creates the results folder and keeps the spec as run (spec.yml); an earlier, different spec.yml
    of the same run id is kept beside it.
  - Runs on the controller.
options:
  experiment: {description: The spec file., type: path, required: true}
  results_root: {description: The folder holding one results folder per run id., type: path, required: true}
  run_id: {description: "The run to start or resume (default: <spec name>-<UTC time>-<4 random hex digits>).", type: str}
"""

EXAMPLES = r"""
- name: Plan the run
  bench_plan:
    experiment: experiments/sparkos-scheduler-local.yml
    results_root: results
    run_id: my-run
  register: bench_plan
"""

RETURN = r"""
run_id: {description: The run id., type: str, returned: success}
results_dir: {description: The run's results folder., type: str, returned: success}
spec: {description: The spec with defaults filled in., type: dict, returned: success}
total: {description: Cells in the whole matrix., type: int, returned: success}
done: {description: Cells already recorded., type: int, returned: success}
pending: {description: "Cells to run now, in order, each with its runner (command or tasks).", type: list, returned: success}
storm_workers: {description: "The most Storm worker slots one streaming tenant of the run takes (0 without one).", type: int, returned: success}
inputs: {description: "The batch inputs the pending cells read, once each: command, labelled, input_mb, random_seed.", type: list, returned: success}
attempt: {description: "This attempt at the run (UTC time, sortable), e.g. 20261122T020243.123456.", type: str, returned: success}
"""

import datetime
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def keep_spec(source: Path, results_dir: Path) -> None:
    """The spec as run, written whole or not at all (a temporary file, fsynced, renamed over)."""
    target = results_dir / "spec.yml"
    text = source.read_bytes()
    if target.exists() and target.read_bytes() == text:
        return
    if target.exists():
        shutil.copy2(target, results_dir / f"spec.before-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.yml")
    partial = results_dir / "spec.yml.partial"
    with partial.open("wb") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(target)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "experiment": {"type": "path", "required": True},
            "results_root": {"type": "path", "required": True},
            "run_id": {"type": "str"},
        },
        supports_check_mode=True,
    )
    try:  # the stacklab package: this module runs on the controller (bench.yml's localhost)
        from stacklab.results.reader import recorded_cells
        from stacklab.results.store import claim_attempt
        from stacklab.runner.run_lock import RunBusy, claim, playbook_process
        from stacklab.spec.experiment import SpecError, load, missing_workloads
        from stacklab.spec.workloads import WORKLOADS, batch_inputs, streaming_workers
    except ImportError as error:
        module.fail_json(msg=f"the stacklab package is not importable by this Python ({error}); run `make venv`")
    experiment = Path(module.params["experiment"])
    try:
        plan = load(experiment)
    except SpecError as error:
        module.fail_json(msg=f"invalid experiment spec; nothing was changed:\n{error}", problems=error.problems)
    missing = missing_workloads(plan.cells)
    if missing:
        module.fail_json(
            msg=f"{experiment}: this stacklab cannot run it yet; nothing was changed: " + "; ".join(missing)
        )
    # A new run's id: the spec's name, the time and a random part (two runs started in the same
    # second, by two people, must not share their results folder or their cloud resources).
    run_id = module.params["run_id"] or (
        f"{plan.spec['name']}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(2)}"
    )
    if not RUN_ID.fullmatch(run_id):
        module.fail_json(msg=f"run_id {run_id!r}: use letters, digits, '.', '_' and '-' (it names a folder)")
    results_dir = Path(module.params["results_root"]) / run_id
    earlier = results_dir / "spec.yml"
    if earlier.exists():
        import yaml

        name = (yaml.safe_load(earlier.read_text(encoding="utf-8")) or {}).get("name")
        if name != plan.spec["name"]:
            module.fail_json(
                msg=f"run {run_id} holds experiment {name!r}, not {plan.spec['name']!r}: choose another run id"
            )
    changed = not results_dir.exists() or not earlier.exists() or earlier.read_bytes() != experiment.read_bytes()
    attempt = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%f")
    samples_file = str(results_dir / "samples.jsonl")
    try:
        if module.check_mode:
            # The plan's validation: the results file is read once, by the claim below (still
            # before anything is provisioned), not twice.
            done: set[str] = set()
        else:
            results_dir.mkdir(parents=True, exist_ok=True)
            claim(results_dir, playbook_process())
            done = claim_attempt(samples_file, attempt, recorded_cells)
    except (ValueError, RunBusy) as error:
        module.fail_json(msg=f"{error}; nothing was changed")
    # A cell runs one way: tenants that run as task files (zookeeper-failover) run alone (validated).
    pending = [
        {**cell, "runner": WORKLOADS[(cell["tenants"][0]["framework"], cell["tenants"][0]["workload"])].runner}
        for cell in plan.cells
        if cell["key"] not in done
    ]
    if changed and not module.check_mode:
        for folder in (results_dir, results_dir / "raw", results_dir / "report"):
            folder.mkdir(parents=True, exist_ok=True)
        keep_spec(experiment, results_dir)
    module.exit_json(
        changed=changed,
        run_id=run_id,
        results_dir=os.path.abspath(results_dir),
        spec=plan.spec,
        total=len(plan.cells),
        done=len(plan.cells) - len(pending),
        pending=pending,
        inputs=batch_inputs(pending),
        storm_workers=streaming_workers(plan.cells),
        attempt=attempt,
    )


if __name__ == "__main__":
    main()
