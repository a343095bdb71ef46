"""bench.yml refuses an experiment the inventory cannot run before it touches anything: no host is
provisioned or contacted, and no results folder is created for the run (molecule/spark's
test_bench.py checks a malformed spec the same way).

The inventory's hosts point at a closed loopback port: if anything tried to reach them, the run
would show UNREACHABLE instead of the refusal, and the test would fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE_HOST = {"ansible_host": "127.0.0.1", "ansible_port": 9}


def inventory(tmp_path: Path, groups: dict[str, list[str]]) -> Path:
    """A static inventory (stacklab_target=static: nothing is provisioned) with these groups."""
    children = {group: {"hosts": {host: UNREACHABLE_HOST for host in hosts}} for group, hosts in groups.items()}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"vars": {"stacklab_target": "static"}, "children": children}}))
    return path


def run_bench(hosts: Path, experiment: Path, run_id: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "STACKLAB_PROGRESS": "0"}
    command = ["ansible-playbook", "-i", str(hosts), "bench.yml"]
    command += ["-e", f"experiment={experiment}", "-e", f"run_id={run_id}"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)


def assert_refused(result: subprocess.CompletedProcess[str], run_id: str, *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for text in expected:
        assert text in output, output
    assert "UNREACHABLE" not in output, "a host was contacted before the refusal"
    assert not (ROOT / "results" / run_id).exists(), "a results folder was created for a refused run"


SPARK_STANDALONE = {"zookeeper": ["a"], "spark_master": ["a"], "spark_worker": ["a"], "bench_client": ["a"]}


@pytest.mark.parametrize(
    ("groups", "missing"),
    [
        (SPARK_STANDALONE, "the inventory has no hdfs_namenode hosts"),
        # Spark on YARN needs no masters, but YARN's NodeManagers.
        ({**SPARK_STANDALONE, "hdfs_namenode": ["a"], "hdfs_datanode": ["a"], "yarn_resourcemanager": ["a"]},
         "the inventory has no yarn_nodemanager hosts"),
    ],
    ids=["no-hadoop", "no-nodemanager"],
)  # fmt: skip
def test_an_experiment_needing_groups_the_inventory_lacks_is_refused(
    tmp_path: Path, groups: dict[str, list[str]], missing: str
) -> None:
    run_id = f"refused-{tmp_path.name}"
    experiment = ROOT / "experiments" / "interference-start-order-yarn-local.yml"
    result = run_bench(inventory(tmp_path, groups), experiment, run_id)
    assert_refused(result, run_id, missing, "interference-start-order-yarn-local needs them", "nothing was changed")


def test_a_topology_wanting_more_workers_than_the_supervisors_have_slots_is_refused(tmp_path: Path) -> None:
    """interference-streaming-yarn-local's Storm tenant takes 1 worker; the inventory's one supervisor
    offers none (storm_supervisor_slots: 0 set on it, as a mistaken inventory would)."""
    groups = {
        "zookeeper": ["a"],
        "hdfs_namenode": ["a"],
        "hdfs_datanode": ["a"],
        "yarn_resourcemanager": ["a"],
        "yarn_nodemanager": ["a"],
        "storm_nimbus": ["a"],
        "storm_supervisor": ["b"],
        "bench_client": ["a"],
    }
    hosts = inventory(tmp_path, groups)
    document = yaml.safe_load(hosts.read_text())
    document["all"]["children"]["storm_supervisor"]["hosts"]["b"] = {**UNREACHABLE_HOST, "storm_supervisor_slots": 0}
    hosts.write_text(yaml.safe_dump(document))
    run_id = f"refused-{tmp_path.name}"
    experiment = ROOT / "experiments" / "interference-streaming-yarn-local.yml"
    result = run_bench(hosts, experiment, run_id)
    assert_refused(result, run_id, "takes 1 workers, more than the 0 worker slots", "nothing was changed")


MESOS_SPEC = {
    "name": "mesos-without-a-build",
    "system": "linux",
    "stack": {"frameworks": ["zookeeper", "spark", "mesos"], "spark": {"mode": "mesos"}},
    "tenants": [{"name": "spark", "framework": "spark", "workload": "scheduling-throughput", "mesos_mode": "fine"}],
    "matrix": {"num_tasks": [100]},
    "trials": 1,
}


def test_an_experiment_on_mesos_without_a_mesos_build_to_fetch_is_refused(tmp_path: Path) -> None:
    """No registry ships Mesos: where mesos_download_url answers nothing (here a closed loopback
    port; on a sandbox, a mirror without the build), the run stops before any host is made."""
    groups = {"zookeeper": ["a"], "mesos_master": ["a"], "mesos_agent": ["a"], "bench_client": ["a"]}
    hosts = inventory(tmp_path, groups)
    document = yaml.safe_load(hosts.read_text())
    document["all"]["vars"]["mesos_download_url"] = "http://127.0.0.1:9/mesos/mesos-1.12.0-debian12-amd64.tar.gz"
    hosts.write_text(yaml.safe_dump(document))
    experiment = tmp_path / "mesos.yml"
    experiment.write_text(yaml.safe_dump(MESOS_SPEC))
    run_id = f"refused-{tmp_path.name}"
    result = run_bench(hosts, experiment, run_id)
    assert_refused(
        result,
        run_id,
        "Mesos 1.12.0 is not at http://127.0.0.1:9/mesos/",
        "No registry ships Mesos",
        "Nothing was changed",
    )


def test_a_topology_wanting_more_workers_than_a_cloud_layouts_supervisors_have_is_refused(tmp_path: Path) -> None:
    """The same for a cloud run, whose supervisors do not exist yet: its layout's storm_supervisor
    node groups (none offer a slot here) are counted before any cloud call."""
    hosts = tmp_path / "hosts.yml"
    hosts.write_text(yaml.safe_dump({"all": {"vars": {"stacklab_target": "ec2", "storm_supervisor_slots": 0}}}))
    layout = tmp_path / "layout.yml"
    layout.write_text(
        yaml.safe_dump(
            {
                "cloud_nodes": [
                    {"name": "control", "count": 1, "instance_type": "t3.small",
                     "groups": ["zookeeper", "hdfs_namenode", "yarn_resourcemanager", "storm_nimbus", "bench_client"]},
                    {"name": "worker", "count": 2, "instance_type": "t3.small",
                     "groups": ["hdfs_datanode", "yarn_nodemanager", "storm_supervisor"]},
                ]
            }
        )
    )  # fmt: skip
    run_id = f"refused-{tmp_path.name}"
    experiment = ROOT / "experiments" / "interference-streaming-yarn-local.yml"
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "STACKLAB_PROGRESS": "0"}
    command = ["ansible-playbook", "-i", str(hosts), "bench.yml", "-e", f"@{layout}"]
    command += ["-e", f"experiment={experiment}", "-e", f"run_id={run_id}", "-e", "stacklab_target=ec2"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert_refused(result, run_id, "takes 1 workers, more than the 0 worker slots of the cloud layout's supervisors")
