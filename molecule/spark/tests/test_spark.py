"""Verify Spark standalone with real applications: masters' /json/, spark-perf runs, master failover.

The tests run in file order. The failover test kills the ALIVE master, which systemd restarts as the
new STANDBY, so a later test (or molecule's destroy) finds both masters up.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import testinfra
from sandbox_cluster import hosts

from stacklab.polling import wait_until
from stacklab.spec.sparkperf import TESTS, parse_classic_summary, parse_results_line

MASTERS = hosts("spark_master")
WORKERS = hosts("spark_worker")
HISTORY = hosts("spark_history")[0]
CLIENT = hosts("bench_client")[0]
MASTER_UI_PORT = 8080
HISTORY_PORT = 18080
FAILOVER_DEADLINE_S = 30
# Ports each group's daemons listen on.
GROUP_PORTS = {"spark_master": [7077, MASTER_UI_PORT], "spark_worker": [7078, 8081], "spark_history": [HISTORY_PORT]}


def master_state(via: testinfra.host.Host, master: str) -> dict[str, Any] | None:
    """The master's /json/ document, or None when it does not answer."""
    result = via.run(f"curl -sf --max-time 3 http://{master}:{MASTER_UI_PORT}/json/")
    if result.rc != 0:
        return None
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def statuses(via: testinfra.host.Host) -> dict[str, str | None]:
    return {master: (master_state(via, master) or {}).get("status") for master in MASTERS}


def alive_master(via: testinfra.host.Host) -> str:
    alive = [master for master, status in statuses(via).items() if status == "ALIVE"]
    assert len(alive) == 1, statuses(via)
    return alive[0]


def application_count(via: testinfra.host.Host) -> int:
    state = master_state(via, alive_master(via)) or {}
    return len(state.get("activeapps", [])) + len(state.get("completedapps", []))


def samples(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"metric"')]


def test_daemons_run_from_the_explicit_java_command(cluster: dict[str, testinfra.host.Host]) -> None:
    expected = {"spark-master": MASTERS, "spark-worker": WORKERS, "spark-history": [HISTORY]}
    main_class = {
        "spark-master": "deploy.master.Master",
        "spark-worker": "deploy.worker.Worker",
        "spark-history": "deploy.history.HistoryServer",
    }
    for unit, names in expected.items():
        for name in names:
            service = cluster[name].service(unit)
            assert service.is_running and service.is_enabled, f"{unit} on {name}"
            command = cluster[name].run("systemctl show -p ExecStart --value %s", unit).stdout
            assert "/usr/bin/java" in command and f"org.apache.spark.{main_class[unit]}" in command


def test_one_master_is_alive_and_the_other_standby(client: testinfra.host.Host) -> None:
    assert sorted(status or "down" for status in statuses(client).values()) == ["ALIVE", "STANDBY"]


def test_every_worker_is_registered_with_its_cores_and_memory(client: testinfra.host.Host) -> None:
    state = master_state(client, alive_master(client)) or {}
    workers = {worker["host"]: worker for worker in state["workers"] if worker["state"] == "ALIVE"}
    assert sorted(workers) == WORKERS
    assert all(worker["cores"] == 2 and worker["memory"] == 1024 for worker in workers.values()), workers


def test_ports_bind_to_the_cluster_address_only(cluster: dict[str, testinfra.host.Host]) -> None:
    for name, host in cluster.items():
        ports = [port for group, group_ports in GROUP_PORTS.items() if name in hosts(group) for port in group_ports]
        address = host.run("getent hosts %s", name).stdout.split()[0]
        for port in ports:
            assert host.socket(f"tcp://{address}:{port}").is_listening, f"{name}:{port}"
            assert not host.socket(f"tcp://0.0.0.0:{port}").is_listening, f"{name}:{port} on every interface"
        # The standalone REST submission server (6066) is off.
        assert not host.socket(f"tcp://{address}:6066").is_listening, name


def test_authentication_is_on_and_the_secret_is_not_world_readable(cluster: dict[str, testinfra.host.Host]) -> None:
    spark_hosts = {name: host for name, host in cluster.items() if host.file("/etc/spark/spark-defaults.conf").exists}
    assert set(spark_hosts) == set(MASTERS + WORKERS + [HISTORY, CLIENT])
    for name, host in spark_hosts.items():
        conf = host.file("/etc/spark/spark-defaults.conf")
        assert conf.mode == 0o640 and conf.group == "stacklab", name
        content = conf.content_string
        assert "spark.authenticate                        true" in content
        secret = next(line.split()[1] for line in content.splitlines() if line.startswith("spark.authenticate.secret"))
        assert len(secret) == 48
        # Every host holds the same cluster secret.
        assert (
            secret
            == cluster[CLIENT]
            .file("/etc/spark/spark-defaults.conf")
            .content_string.split("spark.authenticate.secret")[1]
            .split()[0]
        )


def test_scheduling_throughput_with_1000_tasks_completes(client: testinfra.host.Host) -> None:
    result = client.run("spark-perf scheduling-throughput --num-tasks 1000 --num-trials 2 --inter-trial-wait 0")
    assert result.rc == 0, result.stderr[-3000:]
    trials = samples(result.stdout)
    assert [sample["labels"]["trial"] for sample in trials] == [1, 2]
    assert all(sample["metric"] == "job_time" and sample["unit"] == "s" and sample["value"] > 0 for sample in trials)
    assert all(
        sample["labels"]["num_tasks"] == 1000 and sample["labels"]["test"] == "scheduling-throughput"
        for sample in trials
    )
    results_line = next(line for line in result.stdout.splitlines() if line.startswith("results: "))
    assert parse_results_line(results_line) == [sample["value"] for sample in trials]
    summary = parse_classic_summary(result.stdout.splitlines()[-1])
    assert summary.test == "scheduling-throughput" and summary.options["num-tasks"] == "1000"
    assert summary.min == pytest.approx(min(sample["value"] for sample in trials), abs=1e-3)

    # The history server shows the finished application (it scans the event logs every 10 s).
    app_id = trials[0]["labels"]["app_id"]

    def listed() -> bool:
        reply = client.run(f"curl -sf --max-time 3 http://{HISTORY}:{HISTORY_PORT}/api/v1/applications")
        return reply.rc == 0 and app_id in reply.stdout

    wait_until(listed, deadline_s=60, interval_s=2)


# Small inputs: 20,000 records in 4 partitions, 1,000 keys, 100 values per key.
KV_OPTIONS = (
    "--num-trials 1 --inter-trial-wait 0 --num-records 20000 --num-partitions 4 --reduce-tasks 4 "
    "--unique-keys 1000 --key-length 10 --unique-values 100 --value-length 10"
)


@pytest.mark.parametrize("test", [name for name in TESTS if name != "scheduling-throughput"])
def test_every_key_value_test_runs(client: testinfra.host.Host, test: str) -> None:
    persistence = "disk" if test.startswith("sort") else "memory"
    result = client.run(f"spark-perf {test} {KV_OPTIONS} --persistent-type {persistence}")
    assert result.rc == 0, result.stderr[-3000:]
    [sample] = samples(result.stdout)
    assert sample["labels"]["test"] == test and sample["labels"]["persistent_type"] == persistence
    assert sample["labels"]["num_records"] == 20000 and sample["value"] > 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("no-such-test", "unknown test 'no-such-test'"),
        ("scheduling-throughput --num-tasks 0", "--num-tasks must be at least 1, got 0"),
        ("scheduling-throughput --num-tasks -5", "--num-tasks must be at least 1, got -5"),
        ("aggregate-by-key --persistent-type tape", "--persistent-type must be one of"),
    ],
)
def test_a_bad_invocation_is_refused_before_anything_is_submitted(
    client: testinfra.host.Host, arguments: str, message: str
) -> None:
    before = application_count(client)
    result = client.run(f"spark-perf {arguments}")
    assert result.rc == 2 and message in result.stderr, result.stderr[-2000:]
    assert application_count(client) == before


def test_the_standby_takes_over_while_an_application_runs(
    cluster: dict[str, testinfra.host.Host], client: testinfra.host.Host
) -> None:
    leader = alive_master(client)
    standby = next(master for master in MASTERS if master != leader)
    # About 30 s of work in trials, in the background, so that the master dies while it runs.
    workload = "spark-perf scheduling-throughput --num-tasks 200 --num-trials 8 --inter-trial-wait 2"
    client.run(
        f"rm -f /tmp/failover.rc; setsid bash -c '{workload} >/tmp/failover.out 2>/tmp/failover.err; "
        "echo $? >/tmp/failover.rc' </dev/null >/dev/null 2>&1 &"
    )

    def running() -> bool:
        state = master_state(client, leader) or {}
        return any(app["state"] == "RUNNING" for app in state.get("activeapps", []))

    wait_until(running, deadline_s=90, interval_s=0.5)
    wait_until(
        lambda: len(samples(client.file("/tmp/failover.out").content_string)) >= 1, deadline_s=90, interval_s=0.5
    )

    assert cluster[leader].run("systemctl kill --signal=SIGKILL spark-master").rc == 0
    took = wait_until(lambda: statuses(client)[standby] == "ALIVE", deadline_s=FAILOVER_DEADLINE_S, interval_s=0.25)
    print(f"standby {standby} ALIVE {took:.1f} s after the ALIVE master {leader} was killed")

    wait_until(lambda: client.file("/tmp/failover.rc").exists, deadline_s=240, interval_s=1)
    assert client.file("/tmp/failover.rc").content_string.strip() == "0", client.file(
        "/tmp/failover.err"
    ).content_string[-3000:]
    assert [sample["labels"]["trial"] for sample in samples(client.file("/tmp/failover.out").content_string)] == list(
        range(1, 9)
    )
    # systemd restarts the killed master, which comes back as the standby.
    wait_until(lambda: statuses(client) == {leader: "STANDBY", standby: "ALIVE"}, deadline_s=90, interval_s=1)
