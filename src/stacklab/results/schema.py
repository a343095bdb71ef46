"""One sample of samples.jsonl (DESIGN.md): its fields, the names of its labels, and how to make one.

Every producer builds its samples with `sample()` and `cell_time()`, or checks them with
`check_sample()`: the bench_cell action (command cells), results_append (the ZooKeeper cells and
the samplers' files), the cloud role's filters (node up-times) and the metric sampler on the hosts.
tests/test_sample_schema.py holds each of them to this module.

Standard library only, and no imports from the rest of stacklab: roles/cell_metrics ships this
file with the sampler to hosts that have nothing else of stacklab.
"""

from __future__ import annotations

import math
from typing import Any

FIELDS: dict[str, type] = {"metric": str, "unit": str, "labels": dict}

# The label names stacklab's producers set. A sample may also carry the cell's matrix axes and its
# workload's options (spark-perf's results name both), which the experiment spec defines.
CELL_LABELS = ("experiment", "system", "cell", "trial", "warmup")  # every sample of a cell
# app_trial: a trial inside one application (spark-perf runs several); servers: a ZooKeeper cell's
TENANT_LABELS = ("tenant", "framework", "test", "app_id", "app_trial", "spark_version", "servers")
HOST_LABELS = ("host", "source_host")  # a host's metrics; an allocation's, the sampler that saw it
NODE_LABELS = ("node_group", "instance_type", "target", "run_id")  # a cloud node's up-times (no cell)
TASK_LABELS = ("task_id", "agent")  # a resource manager's task (a Mesos task's start) and where it ran
LABELS = frozenset(CELL_LABELS + TENANT_LABELS + HOST_LABELS + NODE_LABELS + TASK_LABELS)


def check_sample(candidate: Any) -> str | None:
    """Why `candidate` is not a valid sample, or None."""
    if not isinstance(candidate, dict):
        return f"a sample must be a mapping, got {type(candidate).__name__}"
    for key, kind in FIELDS.items():
        if not isinstance(candidate.get(key), kind):
            return f"sample field {key!r} must be a {kind.__name__}: {candidate!r:.200}"
    value = candidate.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"sample field 'value' must be a finite number: {candidate!r:.200}"
    timestamp = candidate.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        return f"sample field 'timestamp' must be a Unix time: {candidate!r:.200}"
    return None


def sample(metric: str, value: float, unit: str, labels: dict[str, Any], timestamp: float) -> dict[str, Any]:
    """A sample; raises ValueError naming the field when it would not be a valid one."""
    made = {"metric": metric, "value": value, "unit": unit, "timestamp": timestamp, "labels": labels}
    problem = check_sample(made)
    if problem:
        raise ValueError(problem)
    return made


def cell_time(cell_labels: dict[str, Any], seconds: float, timestamp: float) -> dict[str, Any]:
    """The sample that marks a cell as recorded (a resumed run skips the cells that have one): its
    wall time, labelled with the cell's own labels only, whichever runner ran it."""
    return sample("cell_time", round(float(seconds), 3), "s", dict(cell_labels), timestamp)
