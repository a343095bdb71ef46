from __future__ import annotations

import json
import math
import multiprocessing
from pathlib import Path

import pytest

from stacklab.results.schema import check_sample
from stacklab.results.store import (
    StaleAttempt,
    append_files,
    append_samples,
    claim_attempt,
    finished_cells,
    read_file_samples,
)


def sample(value: float, **labels: object) -> dict[str, object]:
    return {"metric": "job_time", "value": value, "unit": "s", "timestamp": 1763700000.0, "labels": labels}


def test_appends_whole_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "run" / "samples.jsonl"
    append_samples(str(path), [sample(1.5, trial=1)])
    append_samples(str(path), [sample(2.5, trial=2), sample(3.5, trial=3)])
    lines = path.read_text().splitlines()
    assert [json.loads(line)["value"] for line in lines] == [1.5, 2.5, 3.5]


def _append_beyond_a_size_limit(path: str, limit: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """In a process of its own: a file size limit (RLIMIT_FSIZE) stands in for a full disk."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    cell = [sample(float(n), cell="c2", pad="x" * 200) for n in range(20)]
    cell.append({"metric": "cell_time", "value": 9.0, "unit": "s", "timestamp": 1.0, "labels": {"cell": "c2"}})
    try:
        append_samples(path, cell)
        queue.put("written")
    except OSError as error:
        queue.put(f"refused: {error.strerror}")


def test_an_append_that_fills_the_disk_leaves_nothing_of_itself(tmp_path: Path) -> None:
    """A write cut by a full disk is undone: no whole lines of the unrecorded cell stay behind (a
    resume would run the cell again and the analysis count them twice), and the file resumes."""
    path = tmp_path / "samples.jsonl"
    first = [
        sample(1.0, cell="c1"),
        {"metric": "cell_time", "value": 1.0, "unit": "s", "timestamp": 1.0, "labels": {"cell": "c1"}},
    ]
    append_samples(str(path), first)
    before = path.read_bytes()
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_append_beyond_a_size_limit, args=(str(path), len(before) + 2000, queue))
    process.start()
    process.join(30)
    assert queue.get(timeout=5) == "refused: File too large"
    assert path.read_bytes() == before
    assert finished_cells(str(path)) == {"c1"}


def test_attempts_are_compared_for_equality_not_order(tmp_path: Path) -> None:
    """An attempt named by a clock that runs behind is still the current one once it claimed the
    run; an older attempt named later by its clock is still stale."""
    path = str(tmp_path / "samples.jsonl")
    claim_attempt(path, "20261207T100000")
    with pytest.raises(StaleAttempt):
        append_samples(path, [sample(1.0)], attempt="20261207T230000")
    claim_attempt(path, "20261201T000000")  # a new attempt whose clock is a week behind
    append_samples(path, [sample(2.0)], attempt="20261201T000000")
    with pytest.raises(StaleAttempt):
        append_samples(path, [sample(3.0)], attempt="20261207T100000")
    assert [s["value"] for s in read_file_samples(path)[0]] == [2.0]


def _writer(path: str, writer: int) -> None:
    for trial in range(200):
        append_samples(path, [sample(float(trial), writer=writer, pad="x" * 3000)])


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = str(tmp_path / "samples.jsonl")
    processes = [multiprocessing.Process(target=_writer, args=(path, n)) for n in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    lines = Path(path).read_text().splitlines()
    assert len(lines) == 800
    assert all(json.loads(line)["labels"]["pad"] == "x" * 3000 for line in lines)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({**sample(1.0), "value": math.nan}, "value"),
        ({**sample(1.0), "value": True}, "value"),
        ({**sample(1.0), "value": "7"}, "value"),
        ({k: v for k, v in sample(1.0).items() if k != "metric"}, "metric"),
        ({**sample(1.0), "labels": []}, "labels"),
        ({**sample(1.0), "timestamp": None}, "timestamp"),
    ],
)
def test_invalid_samples_are_named(bad: dict[str, object], field: str) -> None:
    problem = check_sample(bad)
    assert problem is not None and field in problem


def test_a_valid_sample_passes() -> None:
    assert check_sample(sample(0.25, trial=1)) is None


def test_sampler_files_are_appended_once_and_a_cut_last_line_is_left_out(tmp_path: Path) -> None:
    whole = json.dumps(
        {"metric": "cpu_busy", "value": 5.0, "unit": "percent", "timestamp": 1.0, "labels": {"host": "a"}}
    )
    source = tmp_path / "a.jsonl"
    source.write_text(whole + "\n" + whole + "\n" + whole[:30])
    samples, cut_line, problem = read_file_samples(str(source))
    assert (len(samples), cut_line, problem) == (2, 3, None)
    target, ledger = str(tmp_path / "samples.jsonl"), str(tmp_path / "appended.txt")
    assert append_files(target, [str(source)], ledger) == (2, 1, True)
    assert append_files(target, [str(source)], ledger) == (0, 0, False)  # the ledger lists it
    assert len(Path(target).read_text().splitlines()) == 2
    source.write_text(whole + '\n{"metric": "x"}\n')
    assert "line 2" in (read_file_samples(str(source))[2] or "")
    with pytest.raises(ValueError, match="line 2"):
        append_files(target, [str(source), str(tmp_path / "b.jsonl")], str(tmp_path / "other.txt"))
    assert len(Path(target).read_text().splitlines()) == 2  # nothing of a bad file is written


def test_the_module_appends_samples_builds_measured_ones_and_needs_a_ledger_with_files(tmp_path: Path) -> None:
    """Through ansible itself: the cloud role passes samples, cell_zookeeper measured values and
    its cell, cell_metrics files and a ledger."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    target = tmp_path / "samples.jsonl"
    sample = {"metric": "rejoin", "value": 2.0, "unit": "s", "timestamp": 1.0, "labels": {"trial": 1}}

    def run(args: dict[str, object]) -> subprocess.CompletedProcess[str]:
        command = [
            "ansible",
            "localhost",
            "-c",
            "local",
            "-m",
            "stacklab.bigdata.results_append",
            "-a",
            json.dumps(args),
        ]
        env = {**os.environ, "ANSIBLE_CONFIG": str(root / "ansible.cfg")}
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)

    assert run({"path": str(target), "samples": [sample]}).returncode == 0
    assert [json.loads(line) for line in target.read_text().splitlines()] == [sample]
    missing = run({"path": str(target), "from_files": [str(target)]})
    assert missing.returncode != 0 and "required by 'from_files': ledger" in missing.stdout, missing.stdout
    cell = {"cell": "c1", "trial": 1}
    measured = {"measured": {"rejoin": 1.5}, "labels": {**cell, "test": "zookeeper-failover"}}
    assert run({"path": str(target), **measured, "cell_labels": cell, "cell_seconds": 9.25}).returncode == 0
    written = [json.loads(line) for line in target.read_text().splitlines()[1:]]
    assert [(s["metric"], s["value"], s["labels"]) for s in written] == [
        ("rejoin", 1.5, {**cell, "test": "zookeeper-failover"}),
        ("cell_time", 9.25, cell),
    ]
    bad = run({"path": str(target), "measured": {"rejoin": "soon"}})
    assert bad.returncode != 0 and "'value' must be a finite number" in bad.stdout, bad.stdout
