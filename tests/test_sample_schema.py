"""One sample schema and one set of label names for every producer of samples.jsonl: the command
cells (bench_cell), the ZooKeeper cells (their record task, run by Ansible), the metric sampler,
and the cloud role's up-time filters. Each is held to stacklab.results.schema; a cell's cell_time
carries the cell's own labels, whichever runner recorded it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from ansible_collections.stacklab.bigdata.plugins.filter.cloud import cloud_registered_samples, cloud_uptime_samples

from stacklab.results.schema import LABELS, check_sample
from stacklab.runner.cells import cell_samples
from stacklab.spec.experiment import plan
from stacklab.spec.workloads import WORKLOADS
from tests.test_sampler import MESOS_STATE, sampler  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parent.parent

SPARK_SPEC: dict[str, Any] = {
    "name": "schema",
    "stack": {"frameworks": ["spark"]},
    "tenants": [{"name": "alpha", "framework": "spark", "workload": "scheduling-throughput"}],
    "matrix": {"num_tasks": [10, 20]},
    "trials": 1,
}
ZOOKEEPER_SPEC = yaml.safe_load((ROOT / "experiments/zookeeper-smoke.yml").read_text())


def allowed_labels(cell: dict[str, Any] | None = None) -> set[str]:
    """The vocabulary, the cell's matrix axes and the options its tenants' workloads take."""
    if cell is None:
        return set(LABELS)
    options = {
        name for tenant in cell["tenants"] for name in WORKLOADS[(tenant["framework"], tenant["workload"])].options
    }
    return set(LABELS) | set(cell["point"]) | options


def assert_schema(samples: list[dict[str, Any]], allowed: set[str]) -> None:
    assert samples, "the producer made no samples"
    for made in samples:
        assert check_sample(made) is None, check_sample(made)
        assert set(made["labels"]) <= allowed, f"{made['metric']}: unknown labels {set(made['labels']) - allowed}"


def test_command_cells() -> None:
    cell = plan(SPARK_SPEC).cells[0]
    line = {"metric": "job_time", "value": 0.5, "unit": "s", "timestamp": 2.0, "labels": {"trial": 1}}
    stdout = f'{json.dumps(line)}\nresults: {{"results": []}}\n'
    samples = cell_samples(cell, {"alpha": {"rc": 0, "stdout": stdout, "stderr": "", "started": 1.0, "ended": 3.0}})
    assert_schema(samples, allowed_labels(cell))
    assert [s["labels"] for s in samples if s["metric"] == "cell_time"] == [cell["labels"]]


def test_zookeeper_cells(tmp_path: Path) -> None:
    """The role's own record task, run by Ansible with the waits' results it follows."""
    cell = plan(ZOOKEEPER_SPEC).cells[0]
    tasks = yaml.safe_load((ROOT / "roles/cell_zookeeper/tasks/trial.yml").read_text())
    (record,) = [task for task in tasks if task["name"] == "Record the cell's samples"]
    facts = {
        "_cell_zookeeper_cell": cell,
        "_cell_zookeeper_cell_started_at": 1.0,
        **{f"_cell_zookeeper_{wait}": {"elapsed_since": 2.5} for wait in ("quorum", "failover", "rejoin")},
        "cell_zookeeper_servers": ["zk1", "zk2", "zk3"],
        "cell_zookeeper_samples_path": str(tmp_path / "samples.jsonl"),
        "cell_zookeeper_attempt": "",
    }
    play = [{"name": "Record", "hosts": "localhost", "gather_facts": False, "vars": facts, "tasks": [record]}]
    (tmp_path / "record.yml").write_text(yaml.safe_dump(play))
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    done = subprocess.run(
        ["ansible-playbook", "-c", "local", str(tmp_path / "record.yml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    samples = [json.loads(line) for line in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert_schema(samples, allowed_labels(cell))
    assert {s["metric"] for s in samples} == {"time_to_quorum", "leader_failover", "rejoin", "cell_time"}
    assert [s["labels"] for s in samples if s["metric"] == "cell_time"] == [cell["labels"]]


def test_the_metric_sampler(sampler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    allocations = [("cpus", 4.0, {"framework": "spark", "tenant": "a", "app_id": "app-1"})]
    args = sampler.argparse.Namespace(host="h1", host_metrics=True, spark_master=[], yarn_rm=[], mesos_master=[])
    polling = sampler.Sampler(args)
    monkeypatch.setattr(polling, "_allocations", lambda: iter(allocations))
    polling.once()
    assert_schema(polling.once(), allowed_labels())
    polling.mesos_state = MESOS_STATE
    assert_schema(list(polling._mesos_task_starts()), allowed_labels())


def test_the_cloud_up_times() -> None:
    run = {"target": "ec2", "run_id": "r1"}
    node = {"name": "worker", "instance_type": "m5.large"}
    launch = {"item": node, "instances": [{"hostname": "w1", "requested_at": 10.0, "running_at": 40.0}]}
    assert_schema(cloud_uptime_samples([launch], {"w1": 55.0}, run), allowed_labels())
    registered = cloud_registered_samples(
        ["w1"], {"w1": {"stacklab_requested_at": 10.0}}, 70.0, "node_registered_s", run
    )
    assert_schema(registered, allowed_labels())
