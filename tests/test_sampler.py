"""The metric sampler that runs on the hosts (roles/cell_metrics/files/stacklab_sampler.py)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.lookup.package_files import package_files

SAMPLER = Path(__file__).resolve().parent.parent / "roles/cell_metrics/files/stacklab_sampler.py"


@pytest.fixture(scope="module")
def sampler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stacklab_sampler", SAMPLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_proc(root: Path, user: int, idle: int) -> None:
    root.mkdir(exist_ok=True)
    (root / "net").mkdir(exist_ok=True)
    (root / "stat").write_text(f"cpu  {user} 0 0 {idle} 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\n")
    (root / "meminfo").write_text("MemTotal:       4096000 kB\nMemFree:  100 kB\nMemAvailable:   1024000 kB\n")
    (root / "loadavg").write_text("0.50 0.40 0.30 1/100 123\n")
    (root / "diskstats").write_text(
        "   8       0 sda 10 0 100 0 20 0 200 0 0 0 0\n   8       1 sda1 10 0 100 0 20 0 200 0 0 0 0\n"
        "   7       0 loop0 5 0 50 0 0 0 0 0 0 0 0\n 259 0 nvme0n1 1 0 10 0 1 0 10 0 0 0 0\n"
        " 259 1 nvme0n1p1 1 0 10 0 1 0 10 0 0 0 0\n"
    )
    (root / "net/dev").write_text(
        "Inter-|   Receive\n face |bytes\n    lo: 999 0 0 0 0 0 0 0 999 0 0 0 0 0 0 0\n"
        "  eth0: 1000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n"
    )


def test_host_counters_from_proc(sampler: ModuleType, tmp_path: Path) -> None:
    fake_proc(tmp_path, user=100, idle=900)
    counters = sampler.HostCounters(str(tmp_path))
    first = {metric: value for metric, value, _ in counters.samples()}
    assert "cpu_busy" not in first  # needs two readings
    assert first["mem_used_mb"] == 3000.0
    assert (first["disk_read_bytes"], first["disk_write_bytes"]) == ((100 + 10) * 512, (200 + 10) * 512)
    assert (first["net_rx_bytes"], first["net_tx_bytes"]) == (1000, 2000)
    fake_proc(tmp_path, user=400, idle=1000)  # 300 busy of 400 more jiffies
    assert dict((m, v) for m, v, _ in counters.samples())["cpu_busy"] == 75.0


def test_spark_allocation_per_application(sampler: ModuleType) -> None:
    state = {
        "status": "ALIVE",
        "cores": 4,
        "memory": 2048,
        "activeapps": [{"id": "app-1", "name": "alpha", "cores": 4}, {"id": "app-2", "name": "beta", "cores": 0}],
    }
    rows = list(sampler.spark_master_samples(state))
    assert ("capacity_cpus", 4.0, {"framework": "spark"}) in rows
    assert ("cpus", 0.0, {"framework": "spark", "tenant": "beta", "app_id": "app-2"}) in rows


def test_yarn_and_mesos_allocations(sampler: ModuleType) -> None:
    apps = {
        "apps": {
            "app": [
                {
                    "id": "application_1_0001",
                    "name": "hadoop",
                    "applicationType": "MAPREDUCE",
                    "state": "RUNNING",
                    "allocatedVCores": 3,
                    "allocatedMB": 3072,
                    "runningContainers": 3,
                },
                {
                    "id": "application_1_0002",
                    "name": "spark",
                    "applicationType": "SPARK",
                    "state": "ACCEPTED",
                    "allocatedVCores": 0,
                    "allocatedMB": 0,
                    "runningContainers": 0,
                },
            ]
        }
    }
    rows = {(metric, labels["tenant"]): value for metric, value, labels in sampler.yarn_samples(apps)}
    assert (
        rows[("cpus", "hadoop")] == 3
        and rows[("pending_tasks", "spark")] == 1
        and rows[("pending_tasks", "hadoop")] == 0
    )
    assert list(sampler.yarn_samples({"apps": None})) == []
    state: dict[str, Any] = {
        "frameworks": [
            {
                "name": "Hadoop",
                "id": "f1",
                "used_resources": {"cpus": 2.5, "mem": 2816},
                "tasks": [{"state": "TASK_RUNNING"}, {"state": "TASK_FINISHED"}],
            }
        ],
        "slaves": [
            {"active": True, "resources": {"cpus": 2.0, "mem": 1536.0}},
            {"active": False, "resources": {"cpus": 2.0, "mem": 1536.0}},
        ],
    }
    mesos = {metric: value for metric, value, _ in sampler.mesos_samples(state)}
    assert mesos == {
        "capacity_cpus": 2.0,
        "capacity_mem_mb": 1536.0,
        "cpus": 2.5,
        "mem_mb": 2816.0,
        "active_tasks": 1.0,
    }


MESOS_STATE = {
    "slaves": [{"id": "S1", "hostname": "agent1"}, {"id": "S2", "hostname": "agent2"}],
    "frameworks": [
        {
            "name": "spark-cg",
            "id": "f1",
            "registered_time": 100.0,
            "tasks": [
                {
                    "id": "0",
                    "slave_id": "S1",
                    "statuses": [
                        {"state": "TASK_STAGING", "timestamp": 101.0},
                        {"state": "TASK_RUNNING", "timestamp": 104.5},
                    ],
                },
                {"id": "1", "slave_id": "S2", "statuses": [{"state": "TASK_STAGING", "timestamp": 101.0}]},
            ],
            "completed_tasks": [
                {
                    "id": "2",
                    "slave_id": "S2",
                    "statuses": [
                        {"state": "TASK_STARTING", "timestamp": 102.0},
                        {"state": "TASK_RUNNING", "timestamp": 109.0},
                        {"state": "TASK_FINISHED", "timestamp": 120.0},
                    ],
                },
            ],
        }
    ],
}


def test_mesos_tasks_that_ran_give_their_start_times_once_each(sampler: ModuleType) -> None:
    starts = {
        labels["task_id"]: (labels["agent"], dict(values), when)
        for labels, values, when in sampler.mesos_task_starts(MESOS_STATE)
    }
    # The staging task has not run yet: nothing of it.
    assert starts == {
        "0": ("agent1", {"task_start_s": 3.5, "task_running_after_s": 4.5}, 104.5),
        "2": ("agent2", {"task_start_s": 7.0, "task_running_after_s": 9.0}, 109.0),
    }
    args = sampler.argparse.Namespace(host="h1", host_metrics=False, spark_master=[], yarn_rm=[], mesos_master=[])
    polling = sampler.Sampler(args)
    polling.mesos_state = MESOS_STATE
    first = [s for s in polling._mesos_task_starts()]
    assert sorted((s["metric"], s["labels"]["task_id"]) for s in first) == [
        ("task_running_after_s", "0"),
        ("task_running_after_s", "2"),
        ("task_start_s", "0"),
        ("task_start_s", "2"),
    ]
    assert list(polling._mesos_task_starts()) == []  # the next tick repeats none


def test_the_sampler_writes_whole_sample_lines_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Installed as roles/cell_metrics installs it (beside the files package_files names) and run
    by the system's python3 without site-packages, as on a host with nothing else of stacklab."""
    lib = tmp_path / "lib"
    for file in [{"src": str(SAMPLER), "path": SAMPLER.name}, *package_files("stacklab.results.schema")]:
        (lib / file["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(file["src"], lib / file["path"])
    out = tmp_path / "m.jsonl"
    command = ["/usr/bin/python3", "-S", "-E", str(lib / SAMPLER.name), "--out", str(out), "--interval", "0.1"]
    process = subprocess.Popen([*command, "--host", "h1"])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("cpu_busy") < 2):
            time.sleep(0.05)
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
    samples = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"cpu_busy", "mem_used_mb", "net_rx_bytes"} <= {s["metric"] for s in samples}
    assert all(s["labels"] == {"host": "h1"} for s in samples)


def test_an_ended_application_drops_to_zero_once(sampler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    polls = iter([[("cpus", 4.0, {"tenant": "a"})], [], []])
    args = sampler.argparse.Namespace(host_metrics=False, host="h")
    instance = sampler.Sampler(args)
    monkeypatch.setattr(instance, "_allocations", lambda: iter(next(polls)))
    assert [s["value"] for s in instance.once()] == [4.0]
    assert [(s["metric"], s["value"], s["labels"]["tenant"]) for s in instance.once()] == [("cpus", 0.0, "a")]
    assert instance.once() == []


def test_driver_tasks_and_executor_memory(sampler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        "/executors": [
            {"id": "driver", "activeTasks": 0},
            {"id": "0", "activeTasks": 2, "completedTasks": 10},
            {"id": "1", "activeTasks": 1, "completedTasks": 5},
        ],
        "/stages?status=active": [{"numTasks": 100, "numActiveTasks": 3, "numCompleteTasks": 15}],
    }
    monkeypatch.setattr(sampler, "_try", lambda url: next(v for k, v in answers.items() if url.endswith(k)))
    rows = {m: v for m, v, _ in sampler.spark_driver_samples("http://d:4040", {"id": "app-1", "name": "a"}, 512.0)}
    assert rows == {"active_tasks": 3.0, "completed_tasks": 15.0, "pending_tasks": 82.0, "mem_mb": 1024.0}
