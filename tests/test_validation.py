"""Bad inventories are refused by site.yml with the host and variable named, before any host changes.

The hosts point at a closed loopback port: if anything tried to reach them, the run would show
UNREACHABLE instead of the validation message, and the test would fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def inventory(tmp_path: Path, servers: int = 3, per_host: dict[str, dict[str, Any]] | None = None) -> Path:
    hosts = {f"zk{n}": {"ansible_host": "127.0.0.1", "ansible_port": 9} for n in range(1, servers + 1)}
    for host, variables in (per_host or {}).items():
        hosts[host].update(variables)
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"children": {"zookeeper": {"hosts": hosts}}}}))
    return path


def run_playbook(playbook: str, hosts: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(
        ["ansible-playbook", "-i", str(hosts), playbook, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for text in expected:
        assert text in output, output
    assert "UNREACHABLE" not in output, "a host was contacted before validation failed"
    assert "PLAY [Host basics" not in output, "site.yml went past validation"


@pytest.mark.parametrize(
    ("sandbox", "host", "notice"),
    [
        ("local", "node1", "spark_executor_memory_mb was checked against the workers of this run only (none)"),
        ("local", "node2", "the others (node3) are outside --limit"),
        (
            "local-interference",
            "interference1",
            "the container sizes were checked against the NodeManagers of this run",
        ),
    ],
)
def test_validation_under_limit_checks_the_hosts_it_has_and_says_so(sandbox: str, host: str, notice: str) -> None:
    """`site.yml --limit HOST` (converge one host): the rules that compare hosts use those of the
    run and say which were left out, instead of failing on the others' missing facts."""
    result = run_playbook("playbooks/validate.yml", ROOT / "inventories" / sandbox, "--limit", host)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert notice in output and "UNREACHABLE" not in output


def test_a_valid_inventory_passes_validation(tmp_path: Path) -> None:
    result = run_playbook("playbooks/validate.yml", inventory(tmp_path, per_host={"zk2": {"zookeeper_id": 5}}))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("servers", [2, 4])
def test_an_even_ensemble_is_refused(tmp_path: Path, servers: int) -> None:
    result = run_playbook("site.yml", inventory(tmp_path, servers=servers))
    assert_refused(result, f"inventory group zookeeper has {servers} hosts", "needs an odd number")


@pytest.mark.parametrize(
    ("per_host", "expected"),
    [
        ({"zk2": {"zookeeper_id": 1}}, "hosts zk1 and zk2 have the same zookeeper_id 1"),
        ({"zk3": {"zookeeper_id": "three"}}, "host zk3: zookeeper_id=three is not an integer"),
        ({"zk1": {"zookeeper_id": 300}}, "host zk1: zookeeper_id=300 is not an integer"),
        ({"zk2": {"zookeeper_client_port": 70000}}, "host zk2: zookeeper_client_port=70000 is not a port"),
        ({"zk1": {"zookeeper_election_port": "38x8"}}, "host zk1: zookeeper_election_port=38x8 is not a port"),
        ({"zk3": {"zookeeper_peer_port": 2181}}, "host zk3: zookeeper_client_port, zookeeper_peer_port"),
        ({"zk1": {"zookeeper_admin_enabled": "yes"}}, "host zk1: zookeeper_admin_enabled=yes must be true or false"),
    ],
)
def test_bad_host_variables_are_named(tmp_path: Path, per_host: dict[str, dict[str, Any]], expected: str) -> None:
    assert_refused(run_playbook("site.yml", inventory(tmp_path, per_host=per_host)), expected)


def test_provision_refuses_an_address_outside_the_sandbox_subnet(tmp_path: Path) -> None:
    hosts = inventory(tmp_path)  # 127.0.0.1 is not in the sandbox subnet
    network = "stacklab-test-refused"
    env_args = ["-e", f"sandbox_network={network}", "-e", "sandbox_subnet=10.89.79.0/24"]
    result = subprocess.run(
        ["ansible-playbook", "-i", str(hosts), "playbooks/provision.yml", *env_args],
        cwd=ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "sandbox host zk1: ansible_host 127.0.0.1 must be an address .10-.254 in sandbox_subnet" in output
    exists = subprocess.run(["podman", "network", "exists", network], check=False)
    assert exists.returncode != 0, "the network was created although the inventory was refused"


def unreachable(names: list[str]) -> dict[str, Any]:
    """An inventory group of hosts that point at a closed loopback port."""
    return {"hosts": {name: {"ansible_host": "127.0.0.1", "ansible_port": 9} for name in names}}


def write_inventory(path: Path, groups: dict[str, Any], variables: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"all": {"vars": variables, "children": groups}}))
    return path


def spark_inventory(tmp_path: Path, masters: int = 2, zookeeper: bool = True, **variables: Any) -> Path:
    """s1..s3 (unreachable): masters first, workers s2 and s3, history server and client on s1."""
    names = ["s1", "s2", "s3"]
    groups: dict[str, Any] = {
        "spark_master": unreachable(names[:masters]),
        "spark_worker": unreachable(names[1:]),
        "spark_history": unreachable(["s1"]),
        "bench_client": unreachable(["s1"]),
    }
    if zookeeper:
        groups["zookeeper"] = unreachable(["s1"])
    sized = {"spark_worker_cores": 2, "spark_worker_memory_mb": 1024, "spark_executor_memory_mb": 512, **variables}
    return write_inventory(tmp_path / "spark.yml", groups, sized)


def test_a_valid_spark_inventory_passes_validation(tmp_path: Path) -> None:
    result = run_playbook("playbooks/validate.yml", spark_inventory(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("inventory_args", "expected"),
    [
        ({"zookeeper": False}, "more than one master needs ZooKeeper recovery"),
        (
            {"spark_executor_memory_mb": 4096},
            "spark_executor_memory_mb=4096 is larger than every worker's memory (the largest offers 1024 MB)",
        ),
        ({"spark_worker_cores": 0}, "a worker needs spark_worker_cores >= 1"),
        # Mesos picks Spark 3.5.x on its own, but needs Mesos masters; Spark 4 has no Mesos support.
        ({"spark_client_master": "mesos"}, "spark_client_master=mesos with spark_version=3.5.9 is not possible"),
        (
            {"spark_client_master": "mesos", "spark_version": "4.3.0"},
            "spark_client_master=mesos with spark_version=4.3.0 is not possible",
        ),
        (
            {"spark_client_master": "kubernetes"},
            "spark_client_master=kubernetes with spark_version=4.3.0 is not possible",
        ),
        ({"spark_authenticate": "yes"}, "spark_authenticate=yes must be true or false"),
        ({"spark_client_master": "yarn"}, "yarn (needs a yarn_resourcemanager group and spark_hadoop_conf_dir)"),
        (
            {"spark_services": {"master": {"group": "spark_master", "main_class": "M", "heap": "lots", "port": 1}}},
            "spark_services.master.port: unknown key; spark_services.master.heap must be a JVM size such as 512m",
        ),
    ],
)
def test_impossible_spark_inventories_are_refused(
    tmp_path: Path, inventory_args: dict[str, Any], expected: str
) -> None:
    assert_refused(run_playbook("site.yml", spark_inventory(tmp_path, **inventory_args)), expected)


def test_one_master_needs_no_zookeeper(tmp_path: Path) -> None:
    result = run_playbook("playbooks/validate.yml", spark_inventory(tmp_path, masters=1, zookeeper=False))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_history_server_away_from_local_event_logs_is_refused(tmp_path: Path) -> None:
    path = spark_inventory(tmp_path)
    document = yaml.safe_load(path.read_text())
    document["all"]["children"]["spark_history"] = unreachable(["s3"])
    path.write_text(yaml.safe_dump(document))
    assert_refused(run_playbook("site.yml", path), "is on local disk, where drivers on bench_client (s1) write it")


def test_an_inventory_without_spark_gets_no_spark_client(tmp_path: Path) -> None:
    hosts = inventory(tmp_path)
    document = yaml.safe_load(hosts.read_text())
    document["all"]["children"]["bench_client"] = {"hosts": {"zk1": None}}
    hosts.write_text(yaml.safe_dump(document))
    result = subprocess.run(
        ["ansible-playbook", "-i", str(hosts), "playbooks/spark.yml", "--list-hosts"],
        cwd=ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "hosts (0)" in result.stdout, result.stdout + result.stderr


def hadoop_inventory(tmp_path: Path, namenodes: int = 2, journalnodes: int = 3, **variables: Any) -> Path:
    """h1..h4 (unreachable): ZooKeeper on h1-h3, JournalNodes on the first `journalnodes`, NameNodes
    on the first `namenodes`, ResourceManagers on h1 and h2, DataNodes and NodeManagers on h2 and
    h3, the client on h3."""
    names = ["h1", "h2", "h3", "h4"]
    groups: dict[str, Any] = {
        "zookeeper": unreachable(names[:3]),
        "hdfs_journalnode": unreachable(names[:journalnodes]),
        "hdfs_namenode": unreachable(names[:namenodes]),
        "yarn_resourcemanager": unreachable(names[:2]),
        "hdfs_datanode": unreachable(names[1:3]),
        "yarn_nodemanager": unreachable(names[1:3]),
        "bench_client": unreachable(["h3"]),
    }
    sized = {"hadoop_nodemanager_memory_mb": 1536, "hadoop_mapreduce_map_memory_mb": 384, **variables}
    return write_inventory(tmp_path / "hadoop.yml", groups, sized)


def test_a_valid_hadoop_inventory_passes_validation(tmp_path: Path) -> None:
    result = run_playbook("playbooks/validate.yml", hadoop_inventory(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_namenode_without_ha_passes_validation(tmp_path: Path) -> None:
    result = run_playbook("playbooks/validate.yml", hadoop_inventory(tmp_path, namenodes=1, hadoop_hdfs_ha=False))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("inventory_args", "expected"),
    [
        ({"namenodes": 1}, "inventory group hdfs_namenode has 1 hosts (h1) with hadoop_hdfs_ha=True"),
        ({"journalnodes": 2}, "inventory group hdfs_journalnode has 2 hosts (h1, h2)"),
        ({"journalnodes": 4}, "needs an odd number of JournalNodes, at least 3"),
        (
            {"hadoop_datanode_dirs": ["/var/lib/hadoop/namenode/blocks"]},
            "hadoop_namenode_dirs folder /var/lib/hadoop/namenode overlaps hadoop_datanode_dirs folder"
            " /var/lib/hadoop/namenode/blocks",
        ),
        (
            {"hadoop_mapreduce_map_memory_mb": 4096},
            "hadoop_mapreduce_map_memory_mb=4096 MB is larger than any NodeManager offers",
        ),
        ({"hadoop_yarn_scheduler": "fifo"}, "hadoop_yarn_scheduler=fifo must be fair or capacity"),
        ({"hadoop_yarn_queues": [{"name": "spark", "weight": 0}]}, "weight 0 must be a positive number"),
        ({"hadoop_yarn_preemption": "yes"}, "hadoop_yarn_preemption=yes must be true or false"),
    ],
)
def test_impossible_hadoop_inventories_are_refused(
    tmp_path: Path, inventory_args: dict[str, Any], expected: str
) -> None:
    assert_refused(run_playbook("site.yml", hadoop_inventory(tmp_path, **inventory_args)), expected)


def test_osv_workers_need_free_addresses_on_the_sandbox_network_and_a_known_guest(tmp_path: Path) -> None:
    workers = {
        "osv1": {"ansible_host": "10.89.96.31"},
        "osv2": {"ansible_host": "10.89.96.31"},
        "osv3": {"ansible_host": "10.89.97.33"},
        "osv4": {"ansible_host": "10.89.96.34"},
        "osv5": {"ansible_host": "10.89.96.35", "osv_worker_guest": "windows"},
    }
    document = {
        "all": {
            "vars": {"sandbox_subnet": "10.89.96.0/24"},
            "children": {"osv_worker": {"hosts": workers, "vars": {"ansible_connection": "local"}}},
        }
    }
    hosts = tmp_path / "hosts.yml"
    hosts.write_text(yaml.safe_dump(document))
    assert_refused(
        run_playbook("site.yml", hosts),
        "osv2: OSv workers boot under qemu on the local sandbox (stacklab_target local); 10.89.96.31 is already taken",
        "osv3: OSv workers boot under qemu on the local sandbox (stacklab_target local); 10.89.97.33 is outside",
        "osv5: OSv workers boot under qemu on the local sandbox (stacklab_target local); their guest is osv or linux,"
        " not osv_worker_guest windows",
    )
    assert "osv4: OSv workers" not in run_playbook("playbooks/validate.yml", hosts).stdout
