"""The srvr client against small fake servers on loopback that answer as ZooKeeper does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from ansible_collections.stacklab.bigdata.plugins.modules.zookeeper_ensemble import (
    has_quorum,
    leader_of,
    parse_srvr,
    poll,
)

LEADER_REPLY = (
    "Zookeeper version: 3.9.4\nLatency min/avg/max: 0/0.0/0\nZxid: 0x100000002\nMode: leader\nNode count: 5\n"
)
NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n"


def serve(reply: str) -> tuple[str, threading.Event]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        with listener:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.recv(4)
                    connection.sendall(reply.encode())

    threading.Thread(target=loop, daemon=True).start()
    return f"127.0.0.1:{listener.getsockname()[1]}", stop


@pytest.fixture
def servers() -> Iterator[dict[str, str]]:
    started = {
        "leader": serve(LEADER_REPLY),
        "follower": serve(LEADER_REPLY.replace("leader", "follower")),
        "down": serve(NOT_SERVING),
    }
    yield {name: address for name, (address, _) in started.items()}
    for _, stop in started.values():
        stop.set()


def test_parse_reads_mode_and_zxid() -> None:
    assert parse_srvr(LEADER_REPLY) == {"mode": "leader", "zxid": "0x100000002", "error": None}
    assert parse_srvr(NOT_SERVING)["mode"] is None


def test_a_leader_and_a_follower_make_a_quorum(servers: dict[str, str]) -> None:
    state = poll([servers["leader"], servers["follower"]], timeout=2)
    assert has_quorum(state)
    assert leader_of(state) == servers["leader"]


def test_a_server_that_does_not_serve_breaks_the_quorum(servers: dict[str, str]) -> None:
    state = poll([servers["leader"], servers["down"]], timeout=2)
    assert not has_quorum(state)
    assert "not currently serving" in state[servers["down"]]["error"]


def test_an_unreachable_server_is_reported_not_raised() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    state = poll([f"127.0.0.1:{port}"], timeout=1)
    assert state[f"127.0.0.1:{port}"]["mode"] is None
    assert not has_quorum(state)


def test_two_leaders_are_no_quorum(servers: dict[str, str]) -> None:
    state: dict[str, dict[str, object]] = {"a": {"mode": "leader"}, "b": {"mode": "leader"}}
    assert not has_quorum(state)
