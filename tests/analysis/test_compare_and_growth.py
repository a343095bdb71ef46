from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from stacklab.analysis.aggregate import aggregate
from stacklab.analysis.compare import compare
from stacklab.analysis.stats import fit_growth, summarize
from stacklab.results.reader import load_results
from tests.conftest import sample
from tests.fixtures.paper_tables import TABLE_III, TABLE_IV, trials_for


def side(table: dict[int, tuple[float, float, float, float]], system: str, rows: list[int]) -> list[dict[str, object]]:
    samples = []
    for num_tasks in rows:
        trials = trials_for(*table[num_tasks])
        assert trials is not None
        samples += [sample("job_time", v, trial=t, num_tasks=num_tasks, system=system) for t, v in enumerate(trials, 1)]
    return samples


def test_osv_against_linux_point_by_point(results: Callable[..., Path]) -> None:
    linux = aggregate(load_results(results(side(TABLE_III, "linux", [1000, 10000]), "linux")))
    osv = aggregate(load_results(results(side(TABLE_IV, "osv", [2000, 10000]), "osv")))
    (point,) = compare(linux, osv)  # only 10000 tasks is on both sides
    expected = point.b.summary.median / point.a.summary.median
    assert point.ratio.ratio == pytest.approx(expected)
    assert point.ratio.ci[0] <= point.ratio.ratio <= point.ratio.ci[1]
    assert point.ratio.p_value == pytest.approx(0.0079, abs=1e-3)  # 5 vs 5, fully separated
    assert re.match(r"job_time: osv is 1[78]\.\dx slower than linux at num_tasks=10000 \(median", point.sentence)


def test_two_specs_of_one_experiment_compare_point_by_point(results: Callable[..., Path]) -> None:
    """sparkos-scheduler-osv-local against sparkos-scheduler-linux-vm-local: their specs' names
    differ and their node_registered_s samples carry no experiment, yet each point pairs up."""

    def run(system: str, times: list[float], boot: float) -> list[dict[str, object]]:
        experiment = f"sparkos-scheduler-{system}-local"
        jobs = [
            sample("job_time", v, trial=t, num_tasks=100, system=system, experiment=experiment)
            for t, v in enumerate(times, 1)
        ]
        return [*jobs, sample("node_registered_s", boot, host="osv1", system=system, run_id=f"{system}-run")]

    linux = aggregate(load_results(results(run("linux-vm", [10.1, 9.3, 10.9], 26.4), "linux-vm")))
    osv = aggregate(load_results(results(run("osv", [5.2, 4.2, 6.2], 5.1), "osv")))
    sentences = sorted(point.sentence for point in compare(linux, osv))
    assert len(sentences) == 2, sentences
    assert sentences[0].startswith("job_time: osv is 1.9x faster than linux-vm at num_tasks=100 ")
    assert sentences[1].startswith("node_registered_s: osv is 5.2x faster than linux-vm at host=osv1 ")


def test_the_same_distribution_is_no_clear_difference(results: Callable[..., Path]) -> None:
    values = [1.0, 1.2, 0.9, 1.1, 1.05]
    a = aggregate(
        load_results(results([sample("job_time", v, trial=i, system="a") for i, v in enumerate(values)], "a"))
    )
    b = aggregate(
        load_results(results([sample("job_time", v, trial=i, system="b") for i, v in enumerate(values)], "b"))
    )
    (point,) = compare(a, b)
    assert point.sentence.startswith("job_time: no clear difference between b and a, ratio 1.00x")


@pytest.mark.parametrize(
    ("curve", "verdict"),
    [
        (lambda x: 2 + 0.5 * x, "linear"),
        (lambda x: 1 + 0.02 * x**2, "super-linear"),
        (lambda x: 3 * np.sqrt(x), "sub-linear"),
    ],
)
def test_growth_tells_linear_from_super_linear(curve: Callable[[np.ndarray], np.ndarray], verdict: str) -> None:
    x = np.arange(1000, 11000, 1000, dtype=np.float64) / 100
    noise = np.random.default_rng(1).normal(0, 0.01, len(x))
    assert fit_growth(x, curve(x) * (1 + noise)).verdict == verdict


def test_summary_statistics_and_interval() -> None:
    summary = summarize(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    assert (summary.n, summary.median, summary.min, summary.max) == (5, 3.0, 1.0, 100.0)
    assert summary.std_population == pytest.approx(np.std([1, 2, 3, 4, 100]))
    assert summary.std_sample == pytest.approx(np.std([1, 2, 3, 4, 100], ddof=1))
    assert summary.median_ci[0] <= 3.0 <= summary.median_ci[1]
    large = summarize(np.random.default_rng(0).normal(10, 1, 50_000))  # order-statistic interval
    assert large.median_ci[0] < 10 < large.median_ci[1] and large.median_ci[1] - large.median_ci[0] < 0.05
