"""Figures: box plots per configuration (the SparkOS paper's Figures 5-8), timelines per framework
(the interference paper's Figure 5) and scaling curves with their fitted growth model."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from stacklab.analysis.aggregate import Aggregate
from stacklab.analysis.stats import Growth, fit_growth
from stacklab.analysis.tables import axis_sort_key, choose_axis
from stacklab.analysis.timeline import Timelines, dominant_shares


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "figure"


def save(figure: Figure, folder: Path, name: str) -> list[Path]:
    """Write the figure as PNG and SVG; return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    for path in paths:
        figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return paths


def series_by_context(aggregates: list[Aggregate], axis: str) -> dict[str, list[Aggregate]]:
    """Aggregates of one metric grouped by every label except the axis, each sorted along the axis."""
    groups: dict[str, list[Aggregate]] = defaultdict(list)
    for item in aggregates:
        context = item.config.describe(frozenset({axis, "experiment"}))
        groups[f"{item.config.metric} ({item.config.unit})" + (f" — {context}" if context else "")].append(item)
    for members in groups.values():
        members.sort(key=lambda m: axis_sort_key(m.config.label(axis, "")))
    return dict(groups)


def box_plot(title: str, axis: str, members: list[Aggregate]) -> Figure:
    figure, ax = plt.subplots(figsize=(8, 4.5))
    ax.boxplot([m.values for m in members], tick_labels=[str(m.config.label(axis, "-")) for m in members])
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(axis.upper())
    ax.set_ylabel(members[0].config.unit if members else "")
    ax.grid(axis="y", alpha=0.3)
    return figure


def numeric_axis(members: list[Aggregate], axis: str) -> np.ndarray | None:
    values = [m.config.label(axis) for m in members]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and len(values) >= 2:
        return np.asarray(values, dtype=np.float64)
    return None


def scaling_plot(title: str, axis: str, members: list[Aggregate], growth: Growth) -> Figure:
    x = np.asarray([m.config.label(axis) for m in members], dtype=np.float64)
    medians = np.array([m.summary.median for m in members])
    lows = medians - np.array([m.summary.median_ci[0] for m in members])
    highs = np.array([m.summary.median_ci[1] for m in members]) - medians
    figure, ax = plt.subplots(figsize=(8, 4.5))
    ax.errorbar(x, medians, yerr=[lows, highs], fmt="o", capsize=3, label="median (95% CI)")
    if growth.verdict != "undetermined":
        smooth = np.linspace(float(x.min()), float(x.max()), 200)
        ax.plot(smooth, growth.predict(smooth), label=f"a + b·x^k, k={growth.exponent:.2f} ({growth.verdict})")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(axis.upper())
    ax.set_ylabel(members[0].config.unit)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return figure


def timeline_plot(timelines: Timelines) -> Figure:
    """Running tasks, memory and CPUs per framework, and (when the cluster's size is known) each
    framework's dominant share, all on one time axis."""
    panels = {
        "running tasks": {f: timelines.get(f, "active_tasks") for f in timelines.frameworks},
        "memory (MB)": {f: timelines.get(f, "mem_mb") for f in timelines.frameworks},
        "CPUs": {f: timelines.get(f, "cpus") for f in timelines.frameworks},
    }
    if timelines.capacity_cpus or timelines.capacity_mem_mb:
        panels["dominant share"] = dominant_shares(timelines)
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 2.3 * len(panels)), sharex=True)
    for ax, (label, series) in zip(axes, panels.items(), strict=True):
        for framework, values in series.items():
            ax.step(timelines.grid, values, where="post", label=framework)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper right")
    axes[-1].set_xlabel("seconds since the first sample")
    figure.suptitle("Allocation per framework over time")
    return figure


def figures_for(aggregates: list[Aggregate], folder: Path, axis: str | None = None) -> list[tuple[str, list[Path]]]:
    """Box plots and, where the axis is numeric, scaling curves for every metric; returns (title, files)."""
    written = []
    by_metric: dict[str, list[Aggregate]] = defaultdict(list)
    for item in aggregates:
        by_metric[item.config.metric].append(item)
    for items in by_metric.values():
        metric_axis = axis or choose_axis(items)
        if metric_axis is None:
            continue
        for title, members in series_by_context(items, metric_axis).items():
            members = [m for m in members if m.summary.n]
            if not members:
                continue
            written.append(
                (f"Box plot: {title}", save(box_plot(title, metric_axis, members), folder, "box-" + slug(title)))
            )
            x = numeric_axis(members, metric_axis)
            if x is not None and len(x) >= 4:
                growth = fit_growth(x, np.array([m.summary.median for m in members]))
                figure = scaling_plot(title, metric_axis, members, growth)
                written.append((f"Scaling: {title}", save(figure, folder, "scaling-" + slug(title))))
    return written
