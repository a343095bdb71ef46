#!/usr/bin/python
"""Append samples to a run's samples.jsonl atomically."""

from __future__ import annotations

DOCUMENTATION = r"""
module: results_append
short_description: Append benchmark samples to results/<run-id>/samples.jsonl atomically
description:
  - Checks every sample (metric, finite numeric value, unit, timestamp, labels) before writing any,
    then appends them as JSON lines in one locked write followed by fsync.
  - With from_files, also appends the samples of JSON-lines files (the metric samplers' output);
    a cut last line of such a file (its sampler was killed mid-write) is left out and counted, and
    a ledger file makes each file append only once.
  - In check mode nothing is written.
options:
  path: {description: The samples.jsonl file., type: path, required: true}
  samples: {description: Samples in the shape of DESIGN.md., type: list, elements: dict, default: []}
  from_files: {description: JSON-lines files of samples to append too., type: list, elements: path, default: []}
  ledger: {description: "With from_files: the file listing files already appended (required with from_files).", type: path}
  progress: {description: Returned as stacklab_cell for the progress callback (a cell's index and timing)., type: dict}
  attempt: {description: "The bench attempt these samples belong to: nothing is appended, and the task fails, when bench_plan has recorded a newer one.", type: str, default: ""}
"""

EXAMPLES = r"""
- name: Record a trial
  results_append:
    path: results/run-1/samples.jsonl
    samples:
      - {metric: time_to_quorum, value: 3.2, unit: s, timestamp: 1763700000.0, labels: {trial: 1}}
"""

RETURN = r"""
written: {description: Number of samples appended., type: int, returned: always}
cut_lines: {description: Cut last lines left out of from_files., type: int, returned: always}
stacklab_cell: {description: The progress argument, when given., type: dict, returned: when progress is set}
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.samples_jsonl import (
    StaleAttempt,
    append_samples,
    check_sample,
    read_file_samples,
)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "samples": {"type": "list", "elements": "dict", "default": []},
            "from_files": {"type": "list", "elements": "path", "default": []},
            "ledger": {"type": "path"},
            "progress": {"type": "dict"},
            "attempt": {"type": "str", "default": ""},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["from_files"] and not params["ledger"]:
        module.fail_json(msg="from_files needs a ledger (the file listing the files already appended)")
    samples = list(params["samples"])
    for sample in samples:
        problem = check_sample(sample)
        if problem:
            module.fail_json(msg=f"not appended to {params['path']}: {problem}")
    appended: list[str] = []
    cut_lines = 0
    if params["from_files"]:
        ledger = params["ledger"]
        done: set[str] = set()
        if os.path.exists(ledger):
            with open(ledger, encoding="utf-8") as handle:
                done = set(handle.read().split("\n"))
        for path in params["from_files"]:
            if os.path.realpath(path) in done:
                continue
            found, cut_line, problem = read_file_samples(path)
            if problem:
                module.fail_json(msg=f"nothing appended to {params['path']}: {problem}")
            samples += found
            cut_lines += 1 if cut_line else 0
            appended.append(os.path.realpath(path))
    extra = {"stacklab_cell": params["progress"]} if params["progress"] else {}
    if module.check_mode or (not samples and not appended):
        module.exit_json(changed=bool(samples), written=0, cut_lines=cut_lines, **extra)
    if samples:
        try:
            append_samples(params["path"], samples, attempt=params["attempt"])
        except StaleAttempt as error:
            module.fail_json(msg=str(error))
    if appended:
        with open(params["ledger"], "a", encoding="utf-8") as handle:
            handle.write("".join(path + "\n" for path in appended))
            handle.flush()
            os.fsync(handle.fileno())
    module.exit_json(changed=True, written=len(samples), cut_lines=cut_lines, **extra)


if __name__ == "__main__":
    main()
