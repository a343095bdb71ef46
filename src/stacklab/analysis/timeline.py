"""Multi-tenant timelines: each framework's allocation over time (the interference paper's Figure 5)
and the verdicts drawn from it — dominant shares and Jain's fairness index, starvation, deadlock
and startup overhead — each citing its time window and numbers.

Timeline samples carry labels.framework (and labels.tenant when one framework serves several
tenants: the tenant then names the series) and one of the metrics below; the cluster's size comes
from `capacity_cpus` / `capacity_mem_mb` samples or from the caller. Times are seconds from the
first timeline sample (t=0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stacklab.analysis.stats import Array, Mask
from stacklab.results.reader import Samples

TIMELINE_METRICS = ("active_tasks", "pending_tasks", "cpus", "mem_mb", "completed_tasks")
# Samples that describe the run over time rather than a trial's result.
# Host counters sampled from /proc during a run (roles/cell_metrics): context, not trial results.
HOST_METRICS = (
    "cpu_busy",
    "mem_used_mb",
    "load1",
    "disk_read_bytes",
    "disk_write_bytes",
    "net_rx_bytes",
    "net_tx_bytes",
)
NOT_AGGREGATED = frozenset({*TIMELINE_METRICS, *HOST_METRICS, "capacity_cpus", "capacity_mem_mb", "submitted"})


@dataclass
class Timelines:
    """Every framework's timeline metrics on one time grid (step-held between samples)."""

    t0: float
    grid: Array  # seconds from t0
    series: dict[str, dict[str, Array]]  # framework -> metric -> values on the grid
    capacity_cpus: float | None
    capacity_mem_mb: float | None
    submitted: dict[str, float] = field(default_factory=dict)  # framework -> seconds from t0

    @property
    def frameworks(self) -> list[str]:
        return sorted(self.series)

    def get(self, framework: str, metric: str) -> Array:
        return self.series[framework].get(metric, np.zeros_like(self.grid))


@dataclass(frozen=True)
class Verdict:
    kind: str  # starvation, deadlock, fairness, startup
    framework: str | None
    start: float  # seconds from t0
    end: float
    text: str


def build_timelines(
    samples: Samples,
    step: float | None = None,
    capacity_cpus: float | None = None,
    capacity_mem_mb: float | None = None,
) -> Timelines | None:
    raw: dict[str, dict[str, list[tuple[float, float]]]] = {}
    submitted: dict[str, float] = {}
    for sample in samples.rows(NOT_AGGREGATED):
        framework = sample.labels.get("tenant") or sample.labels.get("framework")
        if sample.metric == "capacity_cpus" and capacity_cpus is None:
            capacity_cpus = sample.value
        elif sample.metric == "capacity_mem_mb" and capacity_mem_mb is None:
            capacity_mem_mb = sample.value
        elif framework is None:
            continue
        elif sample.metric in TIMELINE_METRICS:
            raw.setdefault(str(framework), {}).setdefault(sample.metric, []).append((sample.timestamp, sample.value))
        elif sample.metric == "submitted":
            first = submitted.get(str(framework), sample.timestamp)
            submitted[str(framework)] = min(sample.timestamp, first)
    if not raw:
        return None
    times = np.array(sorted({t for metrics in raw.values() for points in metrics.values() for t, _ in points}))
    t0, t_end = float(times[0]), float(times[-1])
    if step is None:
        gaps = np.diff(times)
        step = float(max(np.median(gaps[gaps > 0]) if np.any(gaps > 0) else 1.0, 1e-3))
    grid = np.arange(0.0, t_end - t0 + step / 2, step)
    series = {
        framework: {metric: _hold(points, grid + t0) for metric, points in metrics.items()}
        for framework, metrics in raw.items()
    }
    return Timelines(t0, grid, series, capacity_cpus, capacity_mem_mb, {f: t - t0 for f, t in submitted.items()})


def _hold(points: list[tuple[float, float]], at: Array) -> Array:
    """The last value at or before each time (0 before the first sample)."""
    points.sort()
    times = np.array([t for t, _ in points])
    values = np.array([v for _, v in points])
    index = np.searchsorted(times, at, side="right") - 1
    held: Array = np.where(index >= 0, values[np.clip(index, 0, None)], 0.0)
    return held


def _runs(mask: Mask, grid: Array, min_duration: float) -> list[tuple[float, float]]:
    """[start, end) windows where mask holds for at least min_duration seconds."""
    step = float(grid[1] - grid[0]) if len(grid) > 1 else 0.0
    windows = []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        begin, end = float(grid[start]), float(grid[stop - 1]) + step
        if end - begin >= min_duration:
            windows.append((begin, end))
    return windows


def _window_mean(values: Array, grid: Array, window: tuple[float, float]) -> float:
    inside = (grid >= window[0]) & (grid < window[1])
    return float(values[inside].mean()) if np.any(inside) else 0.0


def _held_by_others(timelines: Timelines, framework: str, window: tuple[float, float]) -> str:
    held = []
    for other in timelines.frameworks:
        if other != framework:
            cpus = _window_mean(timelines.get(other, "cpus"), timelines.grid, window)
            held.append(f"{other} {cpus:.1f} CPUs")
    return ", ".join(held) or "nothing else"


def starvation(timelines: Timelines, threshold: float = 10.0) -> list[Verdict]:
    """A framework with work pending and no CPUs (and no running tasks) for longer than threshold."""
    verdicts = []
    for framework in timelines.frameworks:
        pending = timelines.get(framework, "pending_tasks")
        cpus = timelines.get(framework, "cpus")
        running = timelines.get(framework, "active_tasks")
        for window in _runs((pending > 0) & (cpus <= 0) & (running <= 0), timelines.grid, threshold):
            waiting = _window_mean(pending, timelines.grid, window)
            text = (
                f"{framework} starved for {window[1] - window[0]:.1f} s (t={window[0]:.1f}-{window[1]:.1f} s):"
                f" {waiting:.0f} tasks pending on average and no CPUs,"
                f" while others held {_held_by_others(timelines, framework, window)}"
            )
            verdicts.append(Verdict("starvation", framework, window[0], window[1], text))
    return verdicts


def _progressing(timelines: Timelines, framework: str) -> Mask:
    running = timelines.get(framework, "active_tasks") > 0
    completed = timelines.series[framework].get("completed_tasks")
    if completed is None:
        return running
    grew = np.concatenate(([False], np.diff(completed) > 0))
    return running | grew


def deadlock(timelines: Timelines, threshold: float = 30.0) -> list[Verdict]:
    """Resources held without progress by some framework while another waits without progress."""
    holding_idle = {}
    waiting = {}
    for framework in timelines.frameworks:
        idle = ~_progressing(timelines, framework)
        holds = (timelines.get(framework, "cpus") > 0) | (timelines.get(framework, "mem_mb") > 0)
        holding_idle[framework] = holds & idle
        waiting[framework] = (timelines.get(framework, "pending_tasks") > 0) & idle
    verdicts = []
    for holder in timelines.frameworks:
        for waiter in timelines.frameworks:
            if holder == waiter:
                continue
            for window in _runs(holding_idle[holder] & waiting[waiter], timelines.grid, threshold):
                cpus = _window_mean(timelines.get(holder, "cpus"), timelines.grid, window)
                memory = _window_mean(timelines.get(holder, "mem_mb"), timelines.grid, window)
                pending = _window_mean(timelines.get(waiter, "pending_tasks"), timelines.grid, window)
                text = (
                    f"deadlock for {window[1] - window[0]:.1f} s (t={window[0]:.1f}-{window[1]:.1f} s): {holder} held"
                    f" {cpus:.1f} CPUs and {memory:.0f} MB without running a task while {waiter} waited with"
                    f" {pending:.0f} tasks pending"
                )
                verdicts.append(Verdict("deadlock", holder, window[0], window[1], text))
    return verdicts


def dominant_shares(timelines: Timelines) -> dict[str, Array]:
    """Each framework's dominant share over time: max(CPU share, memory share) of the cluster."""
    shares = {}
    for framework in timelines.frameworks:
        parts = []
        if timelines.capacity_cpus:
            parts.append(timelines.get(framework, "cpus") / timelines.capacity_cpus)
        if timelines.capacity_mem_mb:
            parts.append(timelines.get(framework, "mem_mb") / timelines.capacity_mem_mb)
        shares[framework] = np.maximum.reduce(parts) if parts else timelines.get(framework, "cpus")
    return shares


def jain_index(shares: dict[str, Array], active: dict[str, Mask]) -> Array:
    """Jain's index over the frameworks with demand at each time (NaN where fewer than two)."""
    matrix = np.array([shares[f] for f in sorted(shares)])
    demand = np.array([active[f] for f in sorted(shares)])
    x = np.where(demand, matrix, 0.0)
    count = demand.sum(axis=0)
    total, squares = x.sum(axis=0), (x**2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where((count >= 2) & (squares > 0), total**2 / (count * squares), np.nan)
    result: Array = index
    return result


def fairness(timelines: Timelines, threshold: float = 0.9) -> list[Verdict]:
    shares = dominant_shares(timelines)
    active = {
        f: (timelines.get(f, "pending_tasks") > 0) | (timelines.get(f, "active_tasks") > 0)
        for f in timelines.frameworks
    }
    index = jain_index(shares, active)
    contended = ~np.isnan(index)
    if not np.any(contended):
        return []
    window = (float(timelines.grid[contended][0]), float(timelines.grid[contended][-1]))
    mean = float(np.nanmean(index))
    worst = int(np.nanargmin(index))
    mean_shares = ", ".join(f"{f} {float(np.mean(shares[f][contended])):.2f}" for f in timelines.frameworks)
    outcome = "fair sharing held" if mean >= threshold else "fair sharing failed"
    text = (
        f"{outcome} while frameworks competed (t={window[0]:.1f}-{window[1]:.1f} s): Jain's index {mean:.2f} on"
        f" average, lowest {float(index[worst]):.2f} at t={float(timelines.grid[worst]):.1f} s; mean dominant shares"
        f" {mean_shares}"
    )
    return [Verdict("fairness", None, window[0], window[1], text)]


def startup_overhead(timelines: Timelines) -> list[Verdict]:
    """From submission (a `submitted` sample, else the framework's first sample) to its first running task."""
    verdicts = []
    for framework in timelines.frameworks:
        running = np.flatnonzero(timelines.get(framework, "active_tasks") > 0)
        if not len(running):
            continue
        first_seen = min(
            float(timelines.grid[np.flatnonzero(values != 0)[0]]) if np.any(values != 0) else np.inf
            for values in timelines.series[framework].values()
        )
        submitted = timelines.submitted.get(framework, first_seen)
        started = float(timelines.grid[running[0]])
        text = (
            f"{framework} ran its first task {started - submitted:.1f} s after submission"
            f" (t={submitted:.1f}-{started:.1f} s)"
        )
        verdicts.append(Verdict("startup", framework, submitted, started, text))
    return verdicts


def verdicts(
    timelines: Timelines, starvation_s: float = 10.0, deadlock_s: float = 30.0, fair_index: float = 0.9
) -> list[Verdict]:
    found = startup_overhead(timelines) + fairness(timelines, fair_index)
    found += starvation(timelines, starvation_s) + deadlock(timelines, deadlock_s)
    return sorted(found, key=lambda v: (v.start, v.kind))
