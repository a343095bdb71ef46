"""Group samples into configurations (every label but the trial's own) and summarize each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .samples import Samples
from .stats import Summary, summarize
from .timeline import TIMELINE_METRICS

# Labels that tell trials of one configuration apart, not configurations.
TRIAL_LABELS = frozenset({"trial", "warmup", "cell"})

# Samples that describe the run over time rather than a trial's result: not aggregated.
NOT_TRIAL_RESULTS = frozenset({*TIMELINE_METRICS, "capacity_cpus", "capacity_mem_mb", "submitted"})

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
) -> tuple[dict[Config, list[float]], dict[Config, int]]:
    """Measured values and warm-up counts per configuration, in one pass over the samples."""
    # Samples that share a label set share one dict object (see samples._LabelCache), so the key
    # derived from a label set is computed once per set, not once per sample.
    keys: dict[int, tuple[LabelKey, bool]] = {}
    values: dict[tuple[str, str, LabelKey], list[float]] = {}
    warmups: dict[tuple[str, str, LabelKey], int] = {}
    for metric, value, unit, labels in zip(samples.metric, samples.value, samples.unit, samples.labels, strict=True):
        if metric in exclude:
            continue
        entry = keys.get(id(labels))
        if entry is None:
            key = tuple(sorted((k, _hashable(v)) for k, v in labels.items() if k not in TRIAL_LABELS))
            entry = keys[id(labels)] = (key, bool(labels.get("warmup", False)))
        group = (metric, unit, entry[0])
        if entry[1]:
            warmups[group] = warmups.get(group, 0) + 1
            values.setdefault(group, [])
        else:
            bucket = values.get(group)
            if bucket is None:
                bucket = values[group] = []
            bucket.append(value)
    return (
        {Config(*group): bucket for group, bucket in values.items()},
        {Config(*group): count for group, count in warmups.items()},
    )


def aggregate(samples: Samples, level: float = 0.95, exclude: frozenset[str] = NOT_TRIAL_RESULTS) -> list[Aggregate]:
    """One Aggregate per configuration, ordered by metric and labels; `exclude` names metrics to leave out."""
    grouped, warmups = group_values(samples, exclude)
    result = []
    for config in sorted(grouped, key=lambda c: (c.metric, c.unit, repr(c.labels))):
        values = np.asarray(grouped[config], dtype=np.float64)
        result.append(Aggregate(config, summarize(values, level), warmups.get(config, 0), values))
    return result
