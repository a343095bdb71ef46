"""System A against system B over the same matrix: ratio of medians with a confidence interval and a
rank test per point, and a plain sentence per point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stacklab.analysis.aggregate import Aggregate, Config, LabelKey
from stacklab.analysis.stats import Ratio, ratio_of_medians

# Labels that name a run, not a point of it.
RUN_LABELS = frozenset({"experiment", "run_id"})


@dataclass(frozen=True)
class Comparison:
    metric: str
    unit: str
    point: LabelKey  # the labels the two sides share
    a_name: str
    b_name: str
    a: Aggregate
    b: Aggregate
    ratio: Ratio
    sentence: str


def higher_is_better(metric: str, unit: str) -> bool:
    return unit.endswith("/s") or "throughput" in metric or metric.endswith("_per_s")


def _identity_labels(side: list[Aggregate]) -> dict[str, object]:
    """Labels with one value across a whole side (such as system=osv)."""
    if not side:
        return {}
    common = dict(side[0].config.labels)
    for item in side[1:]:
        labels = dict(item.config.labels)
        common = {k: v for k, v in common.items() if labels.get(k) == v}
    return common


def side_names(a: list[Aggregate], b: list[Aggregate]) -> tuple[set[str], str, str]:
    """The labels that tell the sides apart, and a name for each side built from them."""
    ids_a, ids_b = _identity_labels(a), _identity_labels(b)
    differing = {k for k in set(ids_a) | set(ids_b) if ids_a.get(k) != ids_b.get(k)}
    name_a = ", ".join(f"{k}={ids_a.get(k, '-')}" for k in sorted(differing)) or "A"
    name_b = ", ".join(f"{k}={ids_b.get(k, '-')}" for k in sorted(differing)) or "B"
    if differing and len(differing) == 1:
        key = next(iter(differing))
        name_a, name_b = str(ids_a.get(key, "A")), str(ids_b.get(key, "B"))
    return differing, name_a, name_b


def _sentence(
    metric: str, unit: str, point: str, a_name: str, b_name: str, a: Aggregate, b: Aggregate, r: Ratio
) -> str:
    where = f" at {point}" if point else ""
    medians = f"median {b.summary.median:.3f} {unit} vs {a.summary.median:.3f} {unit}"
    interval = f"{r.ci[0]:.2f}x-{r.ci[1]:.2f}x"
    p_value = "n/a" if np.isnan(r.p_value) else f"{r.p_value:.3g}"
    evidence = f"({medians}; 95% CI of the ratio {interval}; Mann-Whitney p={p_value})"
    if r.ci[0] <= 1 <= r.ci[1]:
        return f"{metric}: no clear difference between {b_name} and {a_name}{where}, ratio {r.ratio:.2f}x {evidence}"
    better = (r.ratio > 1) == higher_is_better(metric, unit)
    factor = r.ratio if r.ratio >= 1 else 1 / r.ratio
    if higher_is_better(metric, unit):
        word = "higher" if r.ratio > 1 else "lower"
    else:
        word = "faster" if better else "slower"
    return f"{metric}: {b_name} is {factor:.1f}x {word} than {a_name}{where} {evidence}"


def compare(a: list[Aggregate], b: list[Aggregate], level: float = 0.95) -> list[Comparison]:
    differing, a_name, b_name = side_names(a, b)

    # A point is the same on both sides whatever the runs' specs are called (the OSv and Linux-VM
    # variants of one experiment are two specs): the sides' own labels and those names left out.
    left_out = differing | RUN_LABELS

    def point_of(config: Config) -> tuple[str, str, LabelKey]:
        return (config.metric, config.unit, tuple((k, v) for k, v in config.labels if k not in left_out))

    b_by_point = {point_of(item.config): item for item in b}
    result = []
    for item_a in a:
        key = point_of(item_a.config)
        item_b = b_by_point.get(key)
        if item_b is None or item_a.summary.n == 0 or item_b.summary.n == 0:
            continue
        metric, unit, point = key
        ratio = ratio_of_medians(item_a.values, item_b.values, level)
        where = ", ".join(f"{k}={v}" for k, v in point)
        sentence = _sentence(metric, unit, where, a_name, b_name, item_a, item_b, ratio)
        result.append(Comparison(metric, unit, point, a_name, b_name, item_a, item_b, ratio, sentence))
    return result
