#!/usr/bin/python
"""Append samples to a run's samples.jsonl atomically: a shim over stacklab.results."""

from __future__ import annotations

DOCUMENTATION = r"""
module: results_append
short_description: Append benchmark samples to results/<run-id>/samples.jsonl atomically
description:
  - Checks every sample (metric, finite numeric value, unit, timestamp, labels) before writing any,
    then appends them as JSON lines in one locked write followed by fsync (stacklab.results.store).
  - With measured, builds the samples itself (stacklab.results.schema), one per metric, with the
    given unit and labels; with cell_labels and cell_seconds, adds the cell_time sample that marks
    a cell as recorded.
  - With from_files, appends the samples of JSON-lines files (the metric samplers' output) that
    the ledger does not list yet; a cut last line of such a file (its sampler was killed
    mid-write) is left out and counted.
  - Runs on the controller (delegate_to localhost) with the Python that has the stacklab package.
  - In check mode nothing is written.
options:
  path: {description: The samples.jsonl file., type: path, required: true}
  samples: {description: Samples in the shape of DESIGN.md., type: list, elements: dict, default: []}
  measured: {description: "Metric name to value: one sample each, with unit and labels.", type: dict, default: {}}
  unit: {description: The unit of the measured values., type: str, default: s}
  labels: {description: The labels of the measured samples., type: dict, default: {}}
  cell_labels: {description: "The cell's labels (its plan's): with cell_seconds, the cell_time sample's.", type: dict}
  cell_seconds: {description: The cell's wall time, in seconds., type: float}
  from_files: {description: "JSON-lines files of samples to append (instead of samples, measured and the cell).", type: list, elements: path}
  ledger: {description: "With from_files: the file listing files already appended (required with from_files).", type: path}
  progress: {description: Returned as stacklab_cell for the progress callback (a cell's index and timing)., type: dict}
  attempt: {description: "The bench attempt these samples belong to: nothing is appended, and the task fails, when bench_plan has recorded a newer one.", type: str, default: ""}
"""

EXAMPLES = r"""
- name: Record a trial
  stacklab.bigdata.results_append:
    path: results/run-1/samples.jsonl
    measured: {time_to_quorum: 3.2, rejoin: 5.1}
    labels: {trial: 1, framework: zookeeper}
    cell_labels: {trial: 1, cell: 4f2a}
    cell_seconds: 14.2
  delegate_to: localhost
"""

RETURN = r"""
written: {description: Number of samples appended., type: int, returned: always}
cut_lines: {description: Cut last lines left out of from_files., type: int, returned: always}
stacklab_cell: {description: The progress argument, when given., type: dict, returned: when progress is set}
"""

import time

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "samples": {"type": "list", "elements": "dict", "default": []},
            "measured": {"type": "dict", "default": {}},
            "unit": {"type": "str", "default": "s"},
            "labels": {"type": "dict", "default": {}},
            "cell_labels": {"type": "dict"},
            "cell_seconds": {"type": "float"},
            "from_files": {"type": "list", "elements": "path"},
            "ledger": {"type": "path"},
            "progress": {"type": "dict"},
            "attempt": {"type": "str", "default": ""},
        },
        required_together=[("cell_labels", "cell_seconds")],
        required_by={"from_files": "ledger"},
        # A sampler file with a bad line fails the task before anything is written, which one
        # append of everything could not promise if samples came too.
        mutually_exclusive=[("from_files", "samples"), ("from_files", "measured"), ("from_files", "cell_labels")],
        supports_check_mode=True,
    )
    try:
        from stacklab.results.schema import cell_time, check_sample, sample
        from stacklab.results.store import StaleAttempt, append_files, append_samples
    except ImportError as error:
        module.fail_json(msg=f"the stacklab package is not importable by this Python ({error}); run `make venv`")
    params = module.params
    now = time.time()
    samples = list(params["samples"])
    try:
        samples += [
            sample(metric, value, params["unit"], params["labels"], now) for metric, value in params["measured"].items()
        ]
        if params["cell_labels"] is not None:
            samples.append(cell_time(params["cell_labels"], params["cell_seconds"], now))
    except (TypeError, ValueError) as error:
        module.fail_json(msg=f"not appended to {params['path']}: {error}")
    for candidate in samples:
        problem = check_sample(candidate)
        if problem:
            module.fail_json(msg=f"not appended to {params['path']}: {problem}")
    extra = {"stacklab_cell": params["progress"]} if params["progress"] else {}
    if module.check_mode:
        module.exit_json(changed=bool(samples or params["from_files"]), written=0, cut_lines=0, **extra)
    written, cut_lines, new_files = 0, 0, False
    try:
        if params["from_files"]:
            written, cut_lines, new_files = append_files(
                params["path"], params["from_files"], params["ledger"], attempt=params["attempt"]
            )
        elif samples:
            append_samples(params["path"], samples, attempt=params["attempt"])
            written = len(samples)
    except (StaleAttempt, ValueError) as error:
        module.fail_json(msg=f"nothing appended to {params['path']}: {error}")
    module.exit_json(changed=bool(samples) or new_files, written=written, cut_lines=cut_lines, **extra)


if __name__ == "__main__":
    main()
