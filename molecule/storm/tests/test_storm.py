"""Verify Storm with the real WordCount topology: Nimbus HA, supervisors' slots, bad input refused,
then a long-running topology that survives the leader Nimbus's death and a killed worker JVM. (A
full measured run, through bench.yml, is test_storm_bench.py's.)

The tests run in file order. The failover test kills the leader Nimbus and keeps it down until the
other one leads, then starts it again, so a later test (or molecule's destroy) finds both up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import testinfra
from sandbox_cluster import hosts

from stacklab.polling import wait_until

NIMBUSES = hosts("storm_nimbus")
SUPERVISORS = hosts("storm_supervisor")
CLIENT = hosts("bench_client")[0]
SLOTS = 2  # what the sandbox's supervisors offer
TOPOLOGY = "verify-wordcount"
WORKER_CLASS = "org.apache.storm.daemon.worker.Worker"
DEADLINE_S = 120


def admin(via: testinfra.host.Host, *arguments: str) -> dict[str, Any] | None:
    """storm-admin's JSON, or None when Nimbus does not answer (or the topology is unknown)."""
    result = via.run("storm-admin " + " ".join(arguments))
    if result.rc != 0:
        return None
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def leaders(via: testinfra.host.Host) -> list[str]:
    cluster = admin(via, "cluster") or {"nimbuses": []}
    return [nimbus["host"] for nimbus in cluster["nimbuses"] if nimbus["leader"]]


def acked(via: testinfra.host.Host, name: str = TOPOLOGY) -> int:
    topology = admin(via, "topology", name)
    return -1 if topology is None else int(topology["acked"])


def acked_grows(via: testinfra.host.Host, what: str) -> None:
    """Two readings of the acked count, the second larger (Nimbus updates it every few seconds)."""
    first = acked(via)
    wait_until(lambda: first >= 0, 1, what=f"{what}: Nimbus reports the topology")
    wait_until(lambda: acked(via) > first, DEADLINE_S, interval_s=2, what=f"{what}: acked grows past {first}")


def test_one_nimbus_leads_and_the_supervisors_offer_their_slots(cluster: dict[str, testinfra.host.Host]) -> None:
    for name in NIMBUSES:
        assert cluster[name].service("storm-nimbus").is_running
        assert cluster[name].service("storm-nimbus").is_enabled
    for name in SUPERVISORS:
        assert cluster[name].service("storm-supervisor").is_running
        assert cluster[name].run("pgrep -u storm -f org.apache.storm.daemon.supervisor.Supervisor").rc == 0
    summary = admin(cluster[CLIENT], "cluster")
    assert summary is not None
    assert sorted(nimbus["host"] for nimbus in summary["nimbuses"]) == NIMBUSES
    assert len(leaders(cluster[CLIENT])) == 1
    assert sorted((s["host"], s["slots"]) for s in summary["supervisors"]) == [(name, SLOTS) for name in SUPERVISORS]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            f"--workers {len(SUPERVISORS) * SLOTS + 1}",
            f"--workers {len(SUPERVISORS) * SLOTS + 1} is more than the {len(SUPERVISORS) * SLOTS} free worker slots",
        ),
        ("--speed 3", "unknown or incomplete option --speed"),
        ("--rate 0", "--rate must be at least 1"),
    ],
)
def test_bad_input_is_refused_before_anything_is_submitted(
    client: testinfra.host.Host, arguments: str, message: str
) -> None:
    result = client.run(f"STACKLAB_APP_NAME=refused stacklab-storm wordcount {arguments}")
    assert result.rc == 2, result.stderr
    assert message in result.stderr
    assert (admin(client, "cluster") or {})["topologies"] == []


def test_storm_admin_refuses_a_misspelled_option_rather_than_kill_without_it(client: testinfra.host.Host) -> None:
    result = client.run("storm-admin kill some-topology --wiat 30")
    assert result.rc == 2 and "usage: storm-admin" in result.stderr


@pytest.fixture(scope="module")
def running(client: testinfra.host.Host) -> Iterator[str]:
    """The WordCount topology submitted and left running (two workers: one on each supervisor),
    killed at the end of the module."""
    result = client.run(f"STACKLAB_APP_NAME={TOPOLOGY} stacklab-storm wordcount --rate 100 --workers 2 --detach")
    assert result.rc == 0, result.stderr
    yield TOPOLOGY
    client.run(f"storm-admin kill {TOPOLOGY}")


def test_the_topology_runs_on_both_supervisors_and_acks(client: testinfra.host.Host, running: str) -> None:
    topology = admin(client, "topology", running)
    assert topology is not None and topology["status"] == "ACTIVE"
    assert sorted(worker["host"] for worker in topology["workers"]) == SUPERVISORS
    acked_grows(client, "running topology")


def test_the_other_nimbus_leads_when_the_leader_dies_and_the_topology_keeps_acking(
    cluster: dict[str, testinfra.host.Host], client: testinfra.host.Host, running: str
) -> None:
    (leader,) = leaders(client)
    (standby,) = [name for name in NIMBUSES if name != leader]
    # SIGKILL, then stop, so that systemd does not restart it (RestartSec=5) before the standby leads.
    cluster[leader].run("systemctl kill --signal=KILL storm-nimbus; systemctl stop storm-nimbus")
    try:
        wait_until(lambda: leaders(client) == [standby], DEADLINE_S, interval_s=2, what=f"{standby} leads")
        acked_grows(client, f"after {leader} died")
    finally:
        cluster[leader].run("systemctl start storm-nimbus")
    wait_until(lambda: len((admin(client, "cluster") or {"nimbuses": []})["nimbuses"]) == 2, DEADLINE_S, 2, "both back")


def worker_pid(host: testinfra.host.Host) -> int | None:
    result = host.run(f"pgrep -u storm -f '{WORKER_CLASS}'")
    pids = [int(pid) for pid in result.stdout.split()]
    return max(pids) if pids else None


def test_a_killed_worker_jvm_is_restarted_by_its_supervisor(
    cluster: dict[str, testinfra.host.Host], client: testinfra.host.Host, running: str
) -> None:
    host = cluster[SUPERVISORS[-1]]
    killed = worker_pid(host)
    assert killed is not None
    host.run(f"kill -KILL {killed}")
    wait_until(lambda: worker_pid(host) not in (None, killed), DEADLINE_S, interval_s=2, what="a new worker JVM")
    acked_grows(client, "after the worker's restart")
