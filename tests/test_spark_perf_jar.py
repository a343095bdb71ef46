"""The workloads jar's contract with the rest of stacklab, checked on its sources and sample output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stacklab.spec.sparkperf import TESTS, parse_classic_summary, parse_results_line, samples_from_jar_output

SOURCES = Path(__file__).resolve().parent.parent / "workloads/spark-perf/src/main/java/stacklab/sparkperf"

# Output of `spark-perf scheduling-throughput --num-tasks 1000 --num-trials 2` on the sandbox.
OUTPUT = """\
{"metric": "job_time", "value": 6.395557139, "unit": "s", "timestamp": 1795303945.201, "labels": {"test": "scheduling-throughput", "trial": 1, "num_trials": 2, "num_tasks": 1000, "app_id": "app-1"}}
{"metric": "job_time", "value": 5.132093289, "unit": "s", "timestamp": 1795303950.41, "labels": {"test": "scheduling-throughput", "trial": 2, "num_trials": 2, "num_tasks": 1000, "app_id": "app-1"}}
results: {"testName": "scheduling-throughput", "options": {"num-trials": 2, "num-tasks": 1000}, "results": [{"time": 6.395557139}, {"time": 5.132093289}]}
scheduling-throughput, --num-trials=2 --num-tasks=1000, 5.764, 0.632, 5.132, 6.396, 5.132
"""


def test_the_jar_knows_exactly_the_tests_the_analysis_knows() -> None:
    options = (SOURCES / "Options.java").read_text()
    names = set(re.findall(r'"([a-z-]+)"', options.split("KV_TESTS = List.of(")[1].split(");")[0]))
    names.add(re.search(r'SCHEDULING_THROUGHPUT = "([a-z-]+)"', options).group(1))  # type: ignore[union-attr]
    assert names == set(TESTS)


def test_every_trial_line_becomes_a_sample_with_the_run_labels() -> None:
    samples = samples_from_jar_output(OUTPUT, {"experiment": "sparkos-scheduler", "system": "linux"})
    assert [sample["value"] for sample in samples] == [6.395557139, 5.132093289]
    assert samples[0]["labels"]["num_tasks"] == 1000 and samples[0]["labels"]["system"] == "linux"
    assert samples[1]["timestamp"] == 1795303950.41


def test_the_results_and_summary_lines_agree_with_the_samples() -> None:
    lines = OUTPUT.splitlines()
    assert parse_results_line(lines[2]) == [6.395557139, 5.132093289]
    summary = parse_classic_summary(lines[3])
    assert (summary.median, summary.min, summary.first, summary.last) == (5.764, 5.132, 6.396, 5.132)


def test_an_output_cut_short_is_refused() -> None:
    with pytest.raises(ValueError, match="no results line"):
        samples_from_jar_output("\n".join(OUTPUT.splitlines()[:1]), {})
