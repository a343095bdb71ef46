#!/usr/bin/python
"""Append samples to a run's samples.jsonl atomically."""

from __future__ import annotations

DOCUMENTATION = r"""
module: results_append
short_description: Append benchmark samples to results/<run-id>/samples.jsonl atomically
description:
  - Checks every sample (metric, finite numeric value, unit, timestamp, labels) before writing any,
    then appends them as JSON lines in one locked write followed by fsync.
  - In check mode nothing is written.
options:
  path: {description: The samples.jsonl file., type: path, required: true}
  samples: {description: Samples in the shape of DESIGN.md., type: list, elements: dict, required: true}
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.samples_jsonl import append_samples, check_sample


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "samples": {"type": "list", "elements": "dict", "required": True},
        },
        supports_check_mode=True,
    )
    samples = module.params["samples"]
    for sample in samples:
        problem = check_sample(sample)
        if problem:
            module.fail_json(msg=f"not appended to {module.params['path']}: {problem}")
    if module.check_mode or not samples:
        module.exit_json(changed=bool(samples), written=0)
    append_samples(module.params["path"], samples)
    module.exit_json(changed=True, written=len(samples))


if __name__ == "__main__":
    main()
