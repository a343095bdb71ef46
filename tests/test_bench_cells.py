"""One cell from plan to samples: commands, the tenants runner (real processes), samples, resume."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.callback.stacklab_progress import Progress, duration
from ansible_collections.stacklab.bigdata.plugins.modules import bench_tenants

from stacklab.results.reader import recorded_cells
from stacklab.results.store import (
    StaleAttempt,
    append_samples,
    claim_attempt,
    finished_cells,
)
from stacklab.runner.cells import CellFailed, cell_samples, tenant_commands
from stacklab.spec.experiment import plan
from stacklab.spec.workloads import batch_inputs, streaming_workers

SPEC: dict[str, Any] = {
    "name": "two",
    "stack": {"frameworks": ["spark"]},
    "tenants": [
        {
            "name": "alpha",
            "framework": "spark",
            "workload": "count",
            "options": {"num_records": 1000, "app_warmups": 1},
        },
        {"name": "beta", "framework": "spark", "workload": "scheduling-throughput", "start_offset": 10},
    ],
    "matrix": {"beta.num_tasks": [100, 200]},
    "trials": 1,
}


def jar_output(times: list[float], test: str = "count") -> str:
    lines = [
        json.dumps(
            {
                "metric": "job_time",
                "value": t,
                "unit": "s",
                "timestamp": 1.0 + i,
                "labels": {"test": test, "trial": i + 1, "app_id": "app-1"},
            }
        )
        for i, t in enumerate(times)
    ]
    return "\n".join([*lines, 'results: {"results": []}', f"{test}, --x=1, 1.0, 0.0, 1.0, 1.0, 1.0"]) + "\n"


def test_each_tenant_gets_spark_perf_with_its_options_offset_and_app_name() -> None:
    cell = plan(SPEC).cells[1]
    runs = tenant_commands(cell, {"spark-perf": "/usr/local/bin/spark-perf"}, inter_trial_wait=3)
    alpha, beta = runs
    assert alpha["argv"][:6] == ["/usr/local/bin/spark-perf", "count", "--num-trials", "2", "--ignored-trials", "1"]
    assert "--num-records" in alpha["argv"] and "--num-tasks" not in alpha["argv"]
    assert beta["argv"][beta["argv"].index("--num-tasks") + 1] == "200"
    assert (alpha["start_offset"], beta["start_offset"]) == (0, 10)
    assert alpha["env"] == {"STACKLAB_APP_NAME": "alpha"}


def test_a_finished_cell_gives_labelled_samples_app_times_and_one_cell_time() -> None:
    cell = plan(SPEC).cells[0]
    results = {
        "alpha": {"rc": 0, "stdout": jar_output([9.0, 2.0]), "started": 100.0, "ended": 120.0},
        "beta": {"rc": 0, "stdout": jar_output([4.0, 3.0], "scheduling-throughput"), "started": 110.0, "ended": 125.5},
    }
    samples = cell_samples(cell, results)
    jobs = [s for s in samples if s["metric"] == "job_time"]
    assert [(s["labels"]["tenant"], s["labels"]["app_trial"], s["labels"]["warmup"]) for s in jobs] == [
        ("alpha", 1, True),
        ("alpha", 2, False),
        ("beta", 1, True),
        ("beta", 2, False),
    ]
    assert all(s["labels"]["cell"] == cell["key"] and s["labels"]["trial"] == 1 for s in samples)
    assert all(s["labels"]["experiment"] == "two" and s["labels"]["system"] == "linux" for s in samples)
    assert all(s["labels"]["beta.num_tasks"] == 100 for s in samples)
    assert {s["labels"]["tenant"]: s["value"] for s in samples if s["metric"] == "app_time"} == {
        "alpha": 20.0,
        "beta": 15.5,
    }
    assert [s["value"] for s in samples if s["metric"] == "cell_time"] == [25.5]


BATCH_SPEC: dict[str, Any] = {
    "name": "batch",
    "stack": {"frameworks": ["hadoop", "spark"], "spark": {"mode": "yarn"}},
    "tenants": [
        {"name": "hadoop", "framework": "hadoop", "workload": "wordcount"},
        {"name": "spark", "framework": "spark", "workload": "wordcount", "start_offset": 10},
    ],
    "matrix": {"workload": ["wordcount", "naive-bayes"], "input_mb": [64]},
    "trials": 1,
}
BATCH_COMMANDS = {
    "stacklab-mapreduce": "/usr/local/bin/stacklab-mapreduce",
    "stacklab-spark": "/usr/local/bin/stacklab-spark",
}


def test_batch_tenants_get_their_frameworks_command_with_size_and_seed() -> None:
    cell = next(c for c in plan(BATCH_SPEC).cells if c["point"]["workload"] == "naive-bayes")
    hadoop, spark = tenant_commands(cell, BATCH_COMMANDS, inter_trial_wait=3)
    assert hadoop["argv"][:4] == ["/usr/local/bin/stacklab-mapreduce", "naive-bayes", "--input-mb", "64"]
    assert spark["argv"][:4] == ["/usr/local/bin/stacklab-spark", "naive-bayes", "--input-mb", "64"]
    assert (hadoop["start_offset"], spark["start_offset"]) == (0, 10)


def test_only_spark_tenants_are_sent_to_the_experiments_spark_master() -> None:
    cell = plan(BATCH_SPEC).cells[0]
    hadoop, spark = tenant_commands(cell, BATCH_COMMANDS, inter_trial_wait=0, spark_master="yarn")
    assert spark["env"] == {"STACKLAB_APP_NAME": spark["name"], "STACKLAB_SPARK_MASTER": "yarn"}
    assert hadoop["env"] == {"STACKLAB_APP_NAME": hadoop["name"]}
    _, default = tenant_commands(cell, BATCH_COMMANDS, inter_trial_wait=0)
    assert "STACKLAB_SPARK_MASTER" not in default["env"]


def test_spark_tenants_on_mesos_run_in_their_own_mesos_mode() -> None:
    spec = {
        **BATCH_SPEC,
        "stack": {"frameworks": ["spark", "mesos"], "spark": {"mode": "mesos"}},
        "tenants": [
            {"name": "spark-cg", "framework": "spark", "workload": "wordcount", "mesos_mode": "coarse"},
            {"name": "spark-fg", "framework": "spark", "workload": "wordcount", "mesos_mode": "fine"},
            {"name": "spark-default", "framework": "spark", "workload": "wordcount"},
        ],
    }
    master = "mesos://zk://z1:2181/mesos"
    coarse, fine, default = tenant_commands(
        plan(spec).cells[0], BATCH_COMMANDS, inter_trial_wait=0, spark_master=master
    )
    assert coarse["env"]["STACKLAB_SPARK_MESOS_COARSE"] == "true"
    assert fine["env"]["STACKLAB_SPARK_MESOS_COARSE"] == "false"
    assert "STACKLAB_SPARK_MESOS_COARSE" not in default["env"]
    assert {run["env"]["STACKLAB_SPARK_MASTER"] for run in (coarse, fine, default)} == {master}


def test_the_experiments_spark_sizes_go_to_every_spark_tenant_only() -> None:
    sizes = {"mode": "yarn", "executor_memory_mb": 512, "executor_memory_overhead_mb": 384, "mesos_executor_cores": 1}
    spec = {**BATCH_SPEC, "stack": {**BATCH_SPEC["stack"], "spark": sizes}}
    hadoop, spark = tenant_commands(plan(spec).cells[0], BATCH_COMMANDS, inter_trial_wait=0, spark=sizes)
    assert spark["env"]["STACKLAB_SPARK_CONF"] == (
        "spark.executor.memory=512m spark.executor.memoryOverhead=384m spark.mesos.mesosExecutor.cores=1"
    )
    assert "STACKLAB_SPARK_CONF" not in hadoop["env"]
    _, unsized = tenant_commands(plan(BATCH_SPEC).cells[0], BATCH_COMMANDS, inter_trial_wait=0, spark={"mode": "yarn"})
    assert "STACKLAB_SPARK_CONF" not in unsized["env"]


def test_a_batch_tenant_whose_command_is_not_installed_fails_the_cell() -> None:
    with pytest.raises(CellFailed, match="no stacklab-spark command"):
        tenant_commands(plan(BATCH_SPEC).cells[0], {"stacklab-mapreduce": "/bin/true"}, inter_trial_wait=0)


STREAMING_SPEC: dict[str, Any] = {
    "name": "streaming",
    "stack": {"frameworks": ["storm", "hadoop"]},
    "tenants": [
        {"name": "storm", "framework": "storm", "workload": "wordcount", "options": {"rate": 500}},
        {"name": "hadoop", "framework": "hadoop", "workload": "wordcount", "start_offset": 10},
    ],
    "matrix": {"storm.workers": [1, 3]},
    "trials": 1,
}


def test_the_streaming_tenant_gets_stacklab_storm_with_every_option_spelled_out_and_replaces_leftovers() -> None:
    cell = plan(STREAMING_SPEC).cells[-1]
    storm, hadoop = tenant_commands(cell, {**BATCH_COMMANDS, "stacklab-storm": "/usr/local/bin/stacklab-storm"}, 0)
    assert storm["argv"] == [
        "/usr/local/bin/stacklab-storm", "wordcount", "--duration-s", "60", "--random-seed", "1", "--rate", "500",
        "--sample-interval-s", "5", "--workers", "3", "--replace",
    ]  # fmt: skip
    assert storm["env"] == {"STACKLAB_APP_NAME": "storm"} and hadoop["argv"][1] == "wordcount"


def test_the_slots_a_run_needs_are_its_largest_topology() -> None:
    assert streaming_workers(plan(STREAMING_SPEC).cells) == 3
    assert streaming_workers(plan(BATCH_SPEC).cells) == 0


def test_a_batch_run_is_one_measured_job_not_a_warm_up() -> None:
    cell = plan(BATCH_SPEC).cells[0]
    output = json.dumps(
        {"metric": "job_time", "value": 7.5, "unit": "s", "timestamp": 5.0, "labels": {"test": "wordcount"}}
    )
    result = {"rc": 0, "stdout": output + "\nresults: {}\n", "started": 1.0, "ended": 9.0}
    samples = cell_samples(cell, {"hadoop": result, "spark": result})
    jobs = [s for s in samples if s["metric"] == "job_time"]
    assert [(s["labels"]["tenant"], s["labels"]["warmup"]) for s in jobs] == [("hadoop", False), ("spark", False)]


def test_each_batch_input_is_generated_once_preferably_by_mapreduce() -> None:
    inputs = batch_inputs(plan(BATCH_SPEC).cells)
    assert inputs == [
        {"command": "stacklab-mapreduce", "labelled": False, "input_mb": 64, "random_seed": 1},
        {"command": "stacklab-mapreduce", "labelled": True, "input_mb": 64, "random_seed": 1},
    ]
    spark_only = {**BATCH_SPEC, "tenants": BATCH_SPEC["tenants"][1:], "matrix": {"input_mb": [32, 64]}}
    assert [(i["command"], i["input_mb"]) for i in batch_inputs(plan(spark_only).cells)] == [
        ("stacklab-spark", 32),
        ("stacklab-spark", 64),
    ]


@pytest.mark.parametrize(
    ("result", "why"),
    [
        ({"rc": 1, "stdout": ""}, "tenant beta: exit status 1"),
        ({"rc": -9, "timed_out": True, "stdout": ""}, "tenant beta: killed at the cell's timeout"),
        ({"rc": 0, "stdout": "no results here\n"}, "tenant beta: the output has no results line"),
        ({"rc": None, "error": "cannot start spark-perf: No such file or directory", "stdout": ""}, "cannot start"),
    ],
)
def test_a_failed_tenant_fails_the_whole_cell(result: dict[str, Any], why: str) -> None:
    cell = plan(SPEC).cells[0]
    ok = {"rc": 0, "stdout": jar_output([1.0]), "started": 1.0, "ended": 2.0}
    with pytest.raises(CellFailed, match=why):
        cell_samples(cell, {"alpha": ok, "beta": {"started": 1.0, "ended": 2.0, **result}})


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture
def pgid_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(bench_tenants, "PGID_DIR", str(tmp_path / "pgids"))
    return tmp_path / "pgids"


def test_tenants_start_at_their_offsets_and_report_their_output(pgid_dir: Path) -> None:
    bench_tenants.claim("a1")
    tenants = [
        bench_tenants.Tenant({"name": "first", "argv": python("print('one')"), "start_offset": 0}, 1000),
        bench_tenants.Tenant(
            {
                "name": "second",
                "argv": python("import os; print(os.environ['X'])"),
                "env": {"X": "two"},
                "start_offset": 0.5,
            },
            1000,
        ),
    ]
    bench_tenants.run(tenants, timeout=30, grace=1)
    first, second = (tenant.result() for tenant in tenants)
    assert (first["rc"], first["stdout"], second["stdout"]) == (0, "one\n", "two\n")
    assert second["started"] - first["started"] >= 0.45
    assert [name for name in os.listdir(pgid_dir) if not name.startswith(".")] == []


def test_the_deadline_kills_the_whole_process_group(pgid_dir: Path, tmp_path: Path) -> None:
    bench_tenants.claim("a1")
    child_pid = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f" open({str(child_pid)!r}, 'w').write(str(child.pid)); time.sleep(60)"
    )
    tenants = [
        bench_tenants.Tenant({"name": "stuck", "argv": python(code)}, 1000),
        bench_tenants.Tenant({"name": "late", "argv": python("pass"), "start_offset": 30}, 1000),
    ]
    began = time.monotonic()
    bench_tenants.run(tenants, timeout=1.5, grace=1)
    assert time.monotonic() - began < 10
    stuck, late = (tenant.result() for tenant in tenants)
    assert stuck["timed_out"] and stuck["rc"] == -signal.SIGTERM
    assert late["rc"] is None and "not started" in late["error"]
    pid = int(child_pid.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the tenant's child outlived the cell"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_an_older_attempts_tenant_is_killed_and_a_late_older_module_refuses(pgid_dir: Path) -> None:
    import subprocess

    bench_tenants.claim("20261122T010000.000000")
    orphan = subprocess.Popen(python("import time; time.sleep(60)"), start_new_session=True)
    (pgid_dir / str(orphan.pid)).write_text("20261122T010000.000000 alpha\n")
    sibling = subprocess.Popen(python("import time; time.sleep(60)"), start_new_session=True)
    (pgid_dir / str(sibling.pid)).write_text("20261122T020000.000000 beta\n")
    try:
        killed = bench_tenants.claim("20261122T020000.000000")
        assert killed == [f"alpha of attempt 20261122T010000.000000 (process group {orphan.pid})"]
        assert orphan.wait(timeout=5) == -signal.SIGKILL
        assert sibling.poll() is None, "a tenant of the same attempt was killed"
        with pytest.raises(bench_tenants.SupersededAttempt):
            bench_tenants.claim("20261122T010000.000000")  # the old attempt's module, delivered late
        assert sibling.poll() is None
    finally:
        sibling.kill()
        sibling.wait()


# Both readers of a run's recorded cells: the standard library's (store) and the columnar one that
# bench_plan uses on the controller (2 million lines in about 3 s).
CELL_READERS = [finished_cells, recorded_cells]


@pytest.mark.parametrize("finished_cells", CELL_READERS, ids=lambda reader: reader.__name__)
def test_finished_cells_are_read_from_cell_time_samples(tmp_path: Path, finished_cells: Any) -> None:
    path = tmp_path / "samples.jsonl"
    assert finished_cells(str(path)) == set()
    lines = [
        {"metric": "job_time", "value": 1, "unit": "s", "timestamp": 1, "labels": {"cell": "aaa"}},
        {"metric": "cell_time", "value": 1, "unit": "s", "timestamp": 1, "labels": {"cell": "aaa"}},
        {"metric": "job_time", "value": 1, "unit": "s", "timestamp": 1, "labels": {"cell": "bbb"}},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert finished_cells(str(path)) == {"aaa"}


@pytest.mark.parametrize("finished_cells", CELL_READERS, ids=lambda reader: reader.__name__)
def test_a_cut_or_garbled_results_file_is_an_error_naming_the_line(tmp_path: Path, finished_cells: Any) -> None:
    path = tmp_path / "samples.jsonl"
    whole = json.dumps({"metric": "cell_time", "value": 1, "unit": "s", "timestamp": 1, "labels": {"cell": "a"}})
    path.write_text(whole + "\n" + whole[:20])
    with pytest.raises(ValueError, match="line 2 is cut short"):
        finished_cells(str(path))
    path.write_text(whole + "\nnot json\n")
    with pytest.raises(ValueError, match="line 2 is not a sample"):
        finished_cells(str(path))
    assert path.read_text() == whole + "\nnot json\n"


def _cell_time(cell: str) -> dict[str, object]:
    return {"metric": "cell_time", "value": 1, "unit": "s", "timestamp": 1, "labels": {"cell": cell}}


def test_a_superseded_attempt_records_nothing(tmp_path: Path) -> None:
    # A killed bench run's worker finishing its cell after the next attempt planned must not record
    # it: the new attempt already counts that cell as pending and runs it again.
    path = str(tmp_path / "samples.jsonl")
    assert claim_attempt(path, "20261122T010000.000000") == set()
    append_samples(path, [_cell_time("a")], attempt="20261122T010000.000000")
    assert claim_attempt(path, "20261122T020000.000000") == {"a"}
    with pytest.raises(StaleAttempt, match=r"superseded by attempt 20261122T020000\.000000"):
        append_samples(path, [_cell_time("b")], attempt="20261122T010000.000000")
    append_samples(path, [_cell_time("b")], attempt="20261122T020000.000000")
    assert finished_cells(path) == {"a", "b"}


def test_a_results_file_needing_repair_leaves_the_attempt_unclaimed(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps(_cell_time("a"))[:20])
    with pytest.raises(ValueError, match="cut short"):
        claim_attempt(str(path), "20261122T020000.000000")
    assert not (tmp_path / "attempt").exists()


def test_progress_counts_cells_and_estimates_the_rest() -> None:
    pending = [{"point": {"n": n}, "trial": 1, "warmup": False} for n in (1, 2, 3)]
    progress = Progress(total=5, done_before=2, pending=pending)
    first = progress.line({"seconds": 10.0})
    assert first.startswith("[bench] 3/5 cells (2 recorded before) · last 10.0 s · now: n=2 trial 1 · ETA 20s")
    progress.line({"seconds": 20.0})
    assert progress.line({"seconds": 30.0}).endswith("all cells run")
    assert duration(3725) == "1h02m" and duration(61) == "1m01s"
