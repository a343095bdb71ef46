"""Group samples into configurations (every label but the trial's own) and summarize each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stacklab.analysis.stats import Summary, summarize
from stacklab.analysis.timeline import NOT_AGGREGATED
from stacklab.results.reader import Samples

# Labels that tell trials of one configuration apart, not configurations: the trial's own, and
# those of the run it came from (the spark-perf jar labels each sample with its application id and
# how many trials that application ran).
# bench.yml's cells add the trial's position inside its application (app_trial); a Mesos task's
# start samples carry its task_id (the tasks of one tenant on one agent are samples of one delay).
TRIAL_LABELS = frozenset({"trial", "warmup", "cell", "app_id", "num_trials", "ignored_trials", "app_trial", "task_id"})

LabelKey = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Config:
    metric: str
    unit: str
    labels: LabelKey

    def label(self, name: str, default: Any = None) -> Any:
        return dict(self.labels).get(name, default)

    def describe(self, leave_out: frozenset[str] = frozenset()) -> str:
        return ", ".join(f"{key}={value}" for key, value in self.labels if key not in leave_out)


@dataclass(frozen=True)
class Aggregate:
    config: Config
    summary: Summary
    warmups: int  # trials recorded as warm-ups: counted, left out of the statistics
    values: np.ndarray


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def group_values(
    samples: Samples, exclude: frozenset[str] = frozenset()
) -> tuple[dict[Config, np.ndarray], dict[Config, int]]:
    """Measured values and warm-up counts per configuration.

    Every row gets one integer code from its metric, unit and label set, so grouping is a numpy
    sort; a label set's configuration key is derived once per set, not once per sample.
    """
    if not len(samples.value):
        return {}, {}  # a run whose cells all failed: nothing to group (numpy's split needs a row)
    metrics, units = samples.metrics, samples.units
    label_count = max(len(samples.label_sets), 1)
    row_codes = (samples.metric_codes * len(units) + samples.unit_codes) * label_count + samples.label_ids
    order = np.argsort(row_codes, kind="stable")
    starts = np.concatenate(([0], np.flatnonzero(np.diff(row_codes[order])) + 1))
    values = samples.value
    label_keys = [
        (
            tuple(sorted((k, _hashable(v)) for k, v in labels.items() if k not in TRIAL_LABELS)),
            bool(labels.get("warmup")),
        )
        for labels in samples.label_sets
    ]
    # A configuration spans one label set per trial: collect its chunks, join them once at the end.
    chunks: dict[Config, list[np.ndarray]] = {}
    warmups: dict[Config, int] = {}
    for start, chunk in zip(starts, np.split(order, starts[1:]), strict=True):
        code = int(row_codes[order[start]])
        label_id = code % label_count
        metric = metrics[code // label_count // len(units)]
        if metric in exclude:
            continue
        key, warmup = label_keys[label_id]
        config = Config(metric, units[code // label_count % len(units)], key)
        parts = chunks.setdefault(config, [])
        if warmup:
            warmups[config] = warmups.get(config, 0) + len(chunk)
        else:
            parts.append(values[chunk])
    measured = {config: np.concatenate(parts) if parts else np.empty(0) for config, parts in chunks.items()}
    return measured, warmups


def aggregate(samples: Samples, level: float = 0.95, exclude: frozenset[str] = NOT_AGGREGATED) -> list[Aggregate]:
    """One Aggregate per configuration, ordered by metric and labels; `exclude` names metrics to leave out."""
    grouped, warmups = group_values(samples, exclude)
    result = []
    for config in sorted(grouped, key=lambda c: (c.metric, c.unit, repr(c.labels))):
        values = grouped[config]
        result.append(Aggregate(config, summarize(values, level), warmups.get(config, 0), values))
    return result
