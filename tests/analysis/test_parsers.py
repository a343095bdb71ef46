from __future__ import annotations

import json
from pathlib import Path

import pytest

from stacklab.analysis.eventlog import parse_event_log
from stacklab.spec.sparkperf import parse_classic_summary, parse_results_line, samples_from_output


def test_results_lines_in_both_forms() -> None:
    assert parse_results_line("results: 1.985,2.143,1.679") == [1.985, 2.143, 1.679]
    document = {"testName": "scheduling-throughput", "results": [{"time": 1.5}, {"time": 2.5}]}
    assert parse_results_line("16/05/01 INFO results: " + json.dumps(document)) == [1.5, 2.5]
    with pytest.raises(ValueError, match="no 'results: ' token"):
        parse_results_line("nothing here")


def test_classic_summary_line() -> None:
    line = "scheduling-throughput, --num-tasks=1000 --num-trials=5 --closure-size=0, 1.985, 0.193, 1.679, 2.143, 1.9"
    summary = parse_classic_summary(line)
    assert summary.test == "scheduling-throughput"
    assert summary.options == {"num-tasks": "1000", "num-trials": "5", "closure-size": "0"}
    assert (summary.median, summary.std, summary.min, summary.first, summary.last) == (1.985, 0.193, 1.679, 2.143, 1.9)


def test_output_becomes_samples_with_warmups_marked() -> None:
    output = "log line\nresults: 3.0,2.0,2.5\n"
    samples = samples_from_output(output, {"test": "count"}, 1.0, ignored_trials=1)
    assert [(s["value"], s["labels"]["warmup"]) for s in samples] == [(3.0, True), (2.0, False), (2.5, False)]
    with pytest.raises(ValueError, match="did not finish"):
        samples_from_output("crashed\n", {}, 1.0)


def event(name: str, **fields: object) -> str:
    return json.dumps({"Event": f"SparkListener{name}", **fields}, separators=(",", ":"))


def test_event_log_jobs_tasks_and_startup(tmp_path: Path) -> None:
    task = {"Task Info": {"Launch Time": 1500, "Finish Time": 1900, "Failed": False}, "Task Metrics": {"x": [1] * 50}}
    lines = [
        event("ApplicationStart", **{"App Name": "scheduling-throughput", "Timestamp": 1000}),
        event("EnvironmentUpdate", **{"Spark Properties": {"a": "b"}}),
        event("ExecutorAdded", **{"Timestamp": 1200, "Executor ID": "0"}),
        event("JobStart", **{"Job ID": 0, "Submission Time": 1400}),
        event("TaskEnd", **task),
        event("TaskEnd", **{**task, "Task Info": {"Launch Time": 1450, "Finish Time": 2100, "Failed": True}}),
        event("JobEnd", **{"Job ID": 0, "Completion Time": 2200}),
        event("ApplicationEnd", Timestamp=2300),
        '{"Event":"SparkListenerTaskEnd","Task Info":{"Laun',  # the log was cut short
    ]
    path = tmp_path / "app-1"
    path.write_text("\n".join(lines))
    log = parse_event_log(path, chunk_size=64)  # small chunks: lines cross chunk borders
    assert log.app_name == "scheduling-throughput"
    assert (log.tasks, log.failed_tasks, log.executors_added, log.unreadable_lines) == (2, 1, 1, 1)
    assert log.jobs[0].seconds == pytest.approx(0.8)
    assert log.startup_seconds == pytest.approx(0.45)
    assert log.bytes_read == path.stat().st_size + 1
