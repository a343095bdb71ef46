"""Masters that lose their ZooKeeper leadership come back.

Stopping the ZooKeeper leader (the other two servers keep the quorum) disconnects every client
while the others elect a new leader. The ALIVE Spark master then exits with status 0, by Spark's
design ("Leadership has been revoked"), and the standby takes over. Twice in a row, that leaves no
master at all unless systemd starts a master that exited cleanly (Restart=always, roles/jvm_service).
Afterwards both Spark masters answer (one ALIVE), and both ResourceManagers and both Nimbus hosts
run, each pair with one leader.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from typing import Any

import testinfra
from sandbox_cluster import address, hosts

from stacklab.polling import wait_until

ZOOKEEPERS = hosts("zookeeper")
MASTERS = hosts("spark_master")
RESOURCEMANAGERS = hosts("yarn_resourcemanager")
NIMBUSES = hosts("storm_nimbus")
DEADLINE_S = 120


def zookeeper_mode(server: str) -> str | None:
    """The server's mode (leader, follower, ...) from srvr, or None when it does not serve."""
    try:
        with socket.create_connection((address(server), 2181), timeout=2) as connection:
            connection.sendall(b"srvr")
            reply = b"".join(iter(lambda: connection.recv(4096), b"")).decode()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in reply.splitlines() if line.startswith("Mode:")), None)


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def master_statuses() -> list[str]:
    return sorted(str((get_json(f"http://{address(m)}:8080/json/") or {}).get("status")) for m in MASTERS)


def resourcemanager_states() -> list[str]:
    states = [get_json(f"http://{address(rm)}:8088/ws/v1/cluster/info") or {} for rm in RESOURCEMANAGERS]
    return sorted(str(state.get("clusterInfo", {}).get("haState")) for state in states)


def nimbus_leaders(via: testinfra.host.Host) -> tuple[int, int]:
    """(Nimbus hosts known, how many lead), from storm-admin."""
    result = via.run("storm-admin cluster")
    nimbuses = json.loads(result.stdout)["nimbuses"] if result.rc == 0 else []
    return len(nimbuses), len([nimbus for nimbus in nimbuses if nimbus["leader"]])


def master_restarts(cluster: dict[str, testinfra.host.Host]) -> int:
    """How often systemd started a Spark master again after it exited (NRestarts, all masters)."""
    return sum(int(cluster[m].run("systemctl show -p NRestarts --value spark-master").stdout) for m in MASTERS)


def test_masters_come_back_after_the_zookeeper_leader_stops_twice(cluster: dict[str, testinfra.host.Host]) -> None:
    wait_until(lambda: master_statuses() == ["ALIVE", "STANDBY"], DEADLINE_S, 1, "one ALIVE and one STANDBY master")
    restarts_before = master_restarts(cluster)
    for _ in range(2):
        wait_until(lambda: sorted(map(str, map(zookeeper_mode, ZOOKEEPERS))) == ["follower", "follower", "leader"], 60)
        (leader,) = [server for server in ZOOKEEPERS if zookeeper_mode(server) == "leader"]
        others = [server for server in ZOOKEEPERS if server != leader]
        cluster[leader].run_test("systemctl stop zookeeper")
        try:
            wait_until(lambda: "leader" in map(zookeeper_mode, others), 60, 0.5, "a new ZooKeeper leader")  # noqa: B023
            # The old ALIVE master has lost its leadership: the other one leads (once its workers
            # and applications reconnected) before the next round.
            wait_until(lambda: "ALIVE" in master_statuses(), DEADLINE_S, 1, "an ALIVE master")
        finally:
            cluster[leader].run_test("systemctl start zookeeper")

    wait_until(lambda: master_statuses() == ["ALIVE", "STANDBY"], DEADLINE_S, 1, "both masters back, one ALIVE")
    assert master_restarts(cluster) > restarts_before, "no master exited: the ZooKeeper blips did not test anything"
    wait_until(lambda: resourcemanager_states() == ["ACTIVE", "STANDBY"], DEADLINE_S, 2, "both ResourceManagers")
    via = cluster[NIMBUSES[0]]
    wait_until(lambda: nimbus_leaders(via) == (len(NIMBUSES), 1), DEADLINE_S, 3, "every Nimbus known, one leading")
    for name in MASTERS:
        assert cluster[name].service("spark-master").is_running, name
