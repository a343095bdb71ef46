"""spark-perf's output: the driver's `results:` line and the classic per-test summary line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from stacklab.results.schema import check_sample

# spark-perf's core tests, by spark-perf's names, as the spark-perf jar (workloads/spark-perf) runs them.
TESTS = (
    "scheduling-throughput",
    "aggregate-by-key",
    "aggregate-by-key-int",
    "aggregate-by-key-naive",
    "sort-by-key",
    "sort-by-key-int",
    "count",
    "count-with-filter",
)

RESULTS_TOKEN = "results: "
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# "<test>, <options>, <median>, <std dev>, <min>, <first>, <last>" (spark-perf's lib/sparkperf)
_SUMMARY = re.compile(
    rf"^(?P<test>[\w.-]+), (?P<options>.*?), (?P<median>{_NUMBER}), (?P<std>{_NUMBER}), "
    rf"(?P<min>{_NUMBER}), (?P<first>{_NUMBER}), (?P<last>{_NUMBER})\s*$"
)


def parse_results_line(line: str) -> list[float]:
    """Trial times from a driver's results line: `results: 1.2,3.4` or `results: {"results": [{"time": 1.2}]}`."""
    if RESULTS_TOKEN not in line:
        raise ValueError("no 'results: ' token in the line")
    payload = line.split(RESULTS_TOKEN, 1)[1].strip()
    if payload.startswith("{"):
        document = json.loads(payload)
        return [float(entry["time"]) for entry in document["results"]]
    return [float(part) for part in payload.split(",") if part.strip()]


@dataclass(frozen=True)
class ClassicSummary:
    test: str
    options: dict[str, str]
    median: float
    std: float  # population standard deviation, as spark-perf computes it
    min: float
    first: float
    last: float


def _options(text: str) -> dict[str, str]:
    options: dict[str, Any] = {}
    for token in text.split():
        key, _, value = token.lstrip("-").partition("=")
        options[key] = value
    return options


def parse_classic_summary(line: str) -> ClassicSummary:
    match = _SUMMARY.match(line.strip())
    if match is None:
        raise ValueError(f"not a spark-perf summary line: {line.strip()[:120]!r}")
    numbers = {key: float(match.group(key)) for key in ("median", "std", "min", "first", "last")}
    return ClassicSummary(match.group("test"), _options(match.group("options")), **numbers)


def samples_from_jar_output(text: str, labels: dict[str, Any]) -> list[dict[str, Any]]:
    """The workloads jar's per-trial samples (its JSON lines), with `labels` added (they win on a clash).

    Fails when the output has no results line (the application did not finish), so that a run cut
    short is never mistaken for a complete one."""
    if not any(line.startswith(RESULTS_TOKEN) for line in text.splitlines()):
        raise ValueError("the output has no results line: the test did not finish")
    samples = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith('{"metric"'):
            try:
                sample = json.loads(line)
            except ValueError as error:
                raise ValueError(f"output line {number} is not a sample ({error})") from error
            problem = check_sample(sample)
            if problem:
                raise ValueError(f"output line {number} is not a sample ({problem})")
            sample["labels"] = {**sample["labels"], **labels}
            samples.append(sample)
    return samples


def samples_from_output(
    text: str, labels: dict[str, Any], timestamp: float, ignored_trials: int = 0
) -> list[dict[str, Any]]:
    """job_time samples from a driver's output; the first `ignored_trials` are marked as warm-ups."""
    line = next((candidate for candidate in text.splitlines() if RESULTS_TOKEN in candidate), None)
    if line is None:
        raise ValueError("the output has no results line: the test did not finish")
    return [
        {
            "metric": "job_time",
            "value": value,
            "unit": "s",
            "timestamp": timestamp,
            "labels": {**labels, "trial": trial, "warmup": trial <= ignored_trials},
        }
        for trial, value in enumerate(parse_results_line(line), start=1)
    ]
