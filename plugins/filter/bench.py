"""Helpers for bench.yml: stable cell keys and a first summary of a run's samples."""

from __future__ import annotations

import hashlib
import json
import statistics
from typing import Any


def cell_key(spec: Any, cell: Any) -> str:
    """A stable key for one matrix point x trial: the same spec and cell values give the same key."""
    canonical = json.dumps({"spec": spec, "cell": cell}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def summarize_samples(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per metric, over the samples that are not warm-ups: n, mean, median, std (sample), min, max."""
    by_metric: dict[tuple[str, str], list[float]] = {}
    for sample in samples:
        if sample.get("labels", {}).get("warmup"):
            continue
        by_metric.setdefault((sample["metric"], sample["unit"]), []).append(float(sample["value"]))
    rows = []
    for (metric, unit), values in sorted(by_metric.items()):
        rows.append(
            {
                "metric": metric,
                "unit": unit,
                "n": len(values),
                "mean": statistics.fmean(values),
                "median": statistics.median(values),
                "std": statistics.stdev(values) if len(values) > 1 else 0.0,
                "min": min(values),
                "max": max(values),
            }
        )
    return rows


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"cell_key": cell_key, "summarize_samples": summarize_samples}
