"""Multi-tenant verdicts on synthetic two-tenant timelines with known windows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from stacklab.analysis.timeline import build_timelines, deadlock, fairness, jain_index, startup_overhead, starvation
from stacklab.results.reader import load_results
from tests.conftest import Sample, sample

T0 = 1763700000.0


def tenant(framework: str, seconds: int, cpus: Callable[[int], float], active: Callable[[int], float],
           pending: Callable[[int], float], mem_per_cpu: float = 1024) -> list[Sample]:  # fmt: skip
    points = []
    for t in range(seconds + 1):
        at = T0 + t
        points += [
            sample("cpus", cpus(t), unit="count", timestamp=at, framework=framework),
            sample("mem_mb", cpus(t) * mem_per_cpu, unit="MB", timestamp=at, framework=framework),
            sample("active_tasks", active(t), unit="count", timestamp=at, framework=framework),
            sample("pending_tasks", pending(t), unit="count", timestamp=at, framework=framework),
        ]
    return points


def capacity() -> list[Sample]:
    return [
        sample("capacity_cpus", 8, unit="count", timestamp=T0),
        sample("capacity_mem_mb", 8192, unit="MB", timestamp=T0),
    ]


def test_a_known_starvation_window_is_found(results: Callable[..., Path]) -> None:
    # Spark holds the whole cluster until t=60; Hadoop has 40 tasks pending from t=20 and gets
    # CPUs only at t=60: starved from 20 to 60 s.
    spark = tenant(
        "spark", 100, cpus=lambda t: 8 if t < 60 else 4, active=lambda t: 8 if t < 60 else 4, pending=lambda t: 0
    )
    hadoop = tenant(
        "hadoop", 100, cpus=lambda t: 0 if t < 60 else 4, active=lambda t: 0 if t < 60 else 4,
        pending=lambda t: 40 if 20 <= t < 60 else (36 if t >= 60 else 0),
    )  # fmt: skip
    timelines = build_timelines(load_results(results(spark + hadoop + capacity())))
    assert timelines is not None
    (verdict,) = starvation(timelines, threshold=10)
    assert verdict.framework == "hadoop"
    assert (verdict.start, verdict.end) == pytest.approx((20.0, 60.0), abs=1.0)
    assert "hadoop starved for 40.0 s (t=20.0-60.0 s): 40 tasks pending" in verdict.text
    assert "spark 8.0 CPUs" in verdict.text


def test_no_starvation_when_pending_work_is_served(results: Callable[..., Path]) -> None:
    both = tenant("a", 50, lambda t: 4, lambda t: 4, lambda t: 10) + tenant(
        "b", 50, lambda t: 4, lambda t: 4, lambda t: 10
    )
    timelines = build_timelines(load_results(results(both + capacity())))
    assert timelines is not None
    assert starvation(timelines, threshold=5) == []
    assert deadlock(timelines, threshold=5) == []
    (fair,) = fairness(timelines)
    assert fair.text.startswith("fair sharing held")


def test_resources_held_without_progress_while_another_waits_is_a_deadlock(results: Callable[..., Path]) -> None:
    # Storm holds 4 CPUs from t=10 to t=70 without running anything; Hadoop waits with 40 tasks.
    storm = tenant("storm", 80, cpus=lambda t: 4 if 10 <= t < 70 else 0, active=lambda t: 0, pending=lambda t: 0)
    hadoop = tenant("hadoop", 80, cpus=lambda t: 0, active=lambda t: 0, pending=lambda t: 40 if t >= 5 else 0)
    timelines = build_timelines(load_results(results(storm + hadoop + capacity())))
    assert timelines is not None
    (verdict,) = deadlock(timelines, threshold=30)
    assert verdict.framework == "storm"
    assert (verdict.start, verdict.end) == pytest.approx((10.0, 70.0), abs=1.0)
    assert "storm held 4.0 CPUs and 4096 MB without running a task while hadoop waited with 40 tasks" in verdict.text


def test_jain_index_of_known_shares() -> None:
    shares = {"a": np.array([0.75, 0.5]), "b": np.array([0.25, 0.5])}
    active = {"a": np.array([True, True]), "b": np.array([True, True])}
    assert jain_index(shares, active) == pytest.approx([0.8, 1.0])


def test_startup_overhead_runs_from_submission_to_the_first_task(results: Callable[..., Path]) -> None:
    spark = tenant(
        "spark", 30, cpus=lambda t: 2 if t >= 8 else 0, active=lambda t: 2 if t >= 12 else 0, pending=lambda t: 2
    )
    submitted = sample("submitted", 1, unit="event", timestamp=T0 + 5, framework="spark")
    timelines = build_timelines(load_results(results([*spark, submitted])))
    assert timelines is not None
    (verdict,) = startup_overhead(timelines)
    assert (verdict.start, verdict.end) == pytest.approx((5.0, 12.0))
    assert verdict.text == "spark ran its first task 7.0 s after submission (t=5.0-12.0 s)"
