"""Bad input: a clear message naming the problem, the rest still analysed, nothing rewritten."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stacklab.analysis.aggregate import aggregate
from stacklab.cli import main
from stacklab.results.reader import load_results
from tests.conftest import sample


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def good(n: int, **labels: Any) -> list[dict[str, object]]:
    return [sample("job_time", 1.0 + t, trial=t, **labels) for t in range(1, n + 1)]


def test_a_truncated_last_line_is_reported_and_the_rest_read(results: Callable[..., Path]) -> None:
    folder = results([*good(3), '{"metric": "job_time", "value": 4.0, "un'])
    before = digest(folder / "samples.jsonl")
    samples = load_results(folder)
    assert len(samples) == 3
    assert samples.problems == ["samples.jsonl:4: skipped, truncated last line (40 bytes without a newline)"]
    assert digest(folder / "samples.jsonl") == before


def test_nan_and_broken_lines_are_named_by_line(results: Callable[..., Path]) -> None:
    nan_line = json.dumps(sample("job_time", float("nan"), trial=9)) + "\n"
    folder = results([*good(2), nan_line, "not json\n", json.dumps({"metric": "x", "value": 1}) + "\n", *good(1)])
    samples = load_results(folder)
    assert len(samples) == 3
    assert samples.problems[0] == "samples.jsonl:3: skipped, value nan is not a finite number"
    assert samples.problems[1].startswith("samples.jsonl:4: skipped, not JSON")
    assert samples.problems[2].startswith("samples.jsonl:5: skipped, Object missing required field `unit`")


def test_unknown_metrics_are_analysed_as_they_are(results: Callable[..., Path]) -> None:
    folder = results([sample("frobnication_rate", 3.0, unit="frobs/s", trial=t) for t in (1, 2)])
    (item,) = aggregate(load_results(folder))
    assert (item.config.metric, item.config.unit, item.summary.median) == ("frobnication_rate", "frobs/s", 3.0)


def test_time_units_convert_and_foreign_units_are_kept_apart(results: Callable[..., Path]) -> None:
    folder = results(
        [
            sample("job_time", 1500, unit="ms", trial=1),
            sample("job_time", 2.5, unit="s", trial=2),
            sample("job_time", 7, unit="MB", trial=3),
        ]
    )
    samples = load_results(folder)
    by_unit = {item.config.unit: item for item in aggregate(samples)}
    assert by_unit["s"].summary.n == 2 and by_unit["s"].summary.median == pytest.approx(2.0)
    assert by_unit["MB"].summary.n == 1
    assert any("do not convert (MB, s)" in p for p in samples.problems)


def test_an_empty_or_missing_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", str(tmp_path / "nothing")]) == 2
    assert "is not a results folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "has no samples.jsonl" in capsys.readouterr().err


def test_a_run_whose_cells_all_failed_still_gets_its_report(results: Callable[..., Path]) -> None:
    """bench.yml writes the report after failed cells too: an empty samples.jsonl has no tables."""
    folder = results([])
    assert aggregate(load_results(folder)) == []
    assert main(["report", str(folder)]) == 0
    assert (folder / "report" / "report.html").is_file()


def test_the_report_leaves_the_samples_untouched(results: Callable[..., Path]) -> None:
    folder = results([*good(5, num_tasks=1000), *good(5, num_tasks=2000), '{"trunc'])
    before = digest(folder / "samples.jsonl")
    assert main(["report", str(folder)]) == 0
    assert digest(folder / "samples.jsonl") == before
    page = (folder / "report" / "report.html").read_text()
    assert "truncated last line" in page
    assert "NUM_TASKS" in page
    assert "data:image/png;base64," in page


def test_the_report_summarizes_kept_spark_event_logs(results: Callable[..., Path]) -> None:
    folder = results(good(3))
    logs = folder / "raw" / "eventlogs"
    logs.mkdir(parents=True)
    events = [
        {"Event": "SparkListenerApplicationStart", "App Name": "count", "Timestamp": 1000},
        {"Event": "SparkListenerJobStart", "Job ID": 0, "Submission Time": 1100},
        {"Event": "SparkListenerTaskEnd", "Task Info": {"Launch Time": 1250, "Finish Time": 1300}},
        {"Event": "SparkListenerJobEnd", "Job ID": 0, "Completion Time": 1400},
    ]
    (logs / "app-1").write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))
    assert main(["report", str(folder)]) == 0
    page = (folder / "report" / "report.html").read_text()
    assert "<td>count</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0.250</td>" in page


def test_mesos_task_starts_aggregate_per_tenant_and_agent(results: Callable[..., Path]) -> None:
    """The sampler's task_start_s, one sample a task: the tasks of one tenant on one agent are one
    configuration (the startup overhead per agent), whatever their task ids."""
    starts = [
        sample("task_start_s", value, tenant="spark-cg", agent=agent, task_id=task, framework="mesos", app_id="f1")
        for value, agent, task in [(2.0, "a1", "0"), (4.0, "a1", "3"), (9.0, "a2", "1")]
    ]
    by_agent = {
        item.config.labels: item.summary
        for item in aggregate(load_results(results(starts)))
        if item.config.metric == "task_start_s"
    }
    assert sorted((dict(labels)["agent"], summary.n, summary.mean) for labels, summary in by_agent.items()) == [
        ("a1", 2, 3.0),
        ("a2", 1, 9.0),
    ]


def test_samples_of_a_cell_without_its_cell_time_are_left_out(results: Callable[..., Path]) -> None:
    """A cell cut short between its appends (or lines kept when a file was mended by hand) is not
    recorded: a resume runs it again, so its lines would count its trial twice."""
    recorded = [sample("job_time", 1.0, cell="a", trial=1), sample("cell_time", 3.0, cell="a")]
    cut = [sample("job_time", 50.0, cell="b", trial=2), sample("app_time", 60.0, cell="b")]
    rerun = [sample("job_time", 2.0, cell="b", trial=2), sample("cell_time", 3.0, cell="b")]
    samples = load_results(results([*recorded, *cut]))
    assert sorted(row.value for row in samples.rows(["job_time"])) == [1.0]
    assert samples.problems == [
        "samples.jsonl: left out 2 samples of 1 cells without a cell_time (not recorded: cut short, or mended by"
        " hand; a resume runs them again)"
    ]
    samples = load_results(results([*recorded, *rerun], name="resumed"))
    assert sorted(row.value for row in samples.rows(["job_time"])) == [1.0, 2.0] and samples.problems == []
