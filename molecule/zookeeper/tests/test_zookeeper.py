"""Verify the ensemble through real clients: srvr on every server, zkcli reads and writes, failover.

The tests run in file order and the failover test puts the stopped leader back, so a later test
(or molecule's destroy) finds the ensemble whole.
"""

from __future__ import annotations

import pytest
import testinfra
from sandbox_cluster import connect, hosts

from stacklab.polling import wait_until

SERVERS = hosts("zookeeper")
FIRST, LAST = SERVERS[0], SERVERS[-1]
CLIENT_PORT = 2181
ZNODE = "/stacklab-verify"


@pytest.fixture(scope="module")
def ensemble() -> dict[str, testinfra.host.Host]:
    return {name: connect(name) for name in SERVERS}


def mode(via: testinfra.host.Host, server: str) -> str | None:
    """The server's mode as seen through srvr from `via`, or None when it does not serve."""
    reply: str = via.run(f"exec 3<>/dev/tcp/{server}/{CLIENT_PORT} && printf srvr >&3 && timeout 3 cat <&3").stdout
    for line in reply.splitlines():
        if line.startswith("Mode:"):
            return line.split(":", 1)[1].strip()
    return None


def modes(via: testinfra.host.Host, servers: list[str]) -> dict[str, str | None]:
    return {server: mode(via, server) for server in servers}


def zkcli(host: testinfra.host.Host, server: str, *args: str) -> str:
    result = host.run(f"ZK_SERVER={server}:{CLIENT_PORT} zkcli" + " %s" * len(args), *args)
    assert result.rc == 0, result.stderr
    output: str = result.stdout
    return output


def test_service_runs_from_the_explicit_java_command(ensemble: dict[str, testinfra.host.Host]) -> None:
    for name, host in ensemble.items():
        service = host.service("zookeeper")
        assert service.is_running, name
        assert service.is_enabled, name
        command = host.run("systemctl show -p ExecStart --value zookeeper").stdout
        assert "org.apache.zookeeper.server.quorum.QuorumPeerMain" in command
        assert "-Xmx" in command


def test_ports_bind_to_the_cluster_address_only(ensemble: dict[str, testinfra.host.Host]) -> None:
    for name, host in ensemble.items():
        address = host.run("getent hosts %s", name).stdout.split()[0]
        assert host.socket(f"tcp://{address}:{CLIENT_PORT}").is_listening, name
        assert not host.socket(f"tcp://0.0.0.0:{CLIENT_PORT}").is_listening, name
        assert host.socket(f"tcp://{address}:8180").is_listening, f"{name}: admin server"


def test_one_leader_and_two_followers(ensemble: dict[str, testinfra.host.Host]) -> None:
    seen = modes(ensemble[FIRST], SERVERS)
    assert sorted(seen.values(), key=str) == ["follower", "follower", "leader"], seen


def test_a_znode_written_through_one_server_is_read_from_another(ensemble: dict[str, testinfra.host.Host]) -> None:
    if ZNODE.lstrip("/") in zkcli(ensemble[FIRST], FIRST, "ls", "/"):
        zkcli(ensemble[FIRST], FIRST, "delete", ZNODE)
    zkcli(ensemble[FIRST], FIRST, "create", ZNODE, f"written-on-{FIRST}")
    assert f"written-on-{FIRST}" in zkcli(ensemble[LAST], LAST, "get", ZNODE)


def test_leader_failover_keeps_data_and_the_old_leader_rejoins(ensemble: dict[str, testinfra.host.Host]) -> None:
    before = modes(ensemble[FIRST], SERVERS)
    leader = next(server for server, state in before.items() if state == "leader")
    survivors = [server for server in SERVERS if server != leader]
    observer = ensemble[survivors[0]]

    ensemble[leader].run_test("systemctl stop zookeeper")
    try:
        took = wait_until(lambda: sorted(modes(observer, survivors).values(), key=str) == ["follower", "leader"], 10)
        print(f"new leader after {took:.2f} s")
        assert f"written-on-{FIRST}" in zkcli(observer, survivors[1], "get", ZNODE)
    finally:
        ensemble[leader].run_test("systemctl start zookeeper")

    wait_until(lambda: mode(observer, leader) == "follower", 30)
    assert sorted(modes(observer, SERVERS).values(), key=str) == ["follower", "follower", "leader"]
