"""A changed setting on each running framework, converged: its daemons restart one host at a time,
the leader last, each host healthy again before the next (roles/jvm_service), and nobody notices.

The change is each leader-bearing daemon's heap (ZooKeeper, the NameNodes, the Spark masters, the
Nimbus hosts), so that exactly those restart. While site.yml converges, the controller looks at
the cluster a few times a second (ZooKeeper's srvr, the NameNodes' JMX, the masters' /json/, the
Nimbus thrift ports), and once the first Spark master goes down it submits a Spark application
from the client. Afterwards: every changed daemon restarted, one host at a time, the one leading
when its framework's restarts began last; ZooKeeper never went long without a leader; a NameNode
was active throughout (the active one hands over before it restarts); the application submitted
during the rolling restart completed, having run across the ALIVE master's restart.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import testinfra
from sandbox_cluster import address, get_json, hosts, namenode_state, run_playbook

from stacklab.polling import wait_until

CONVERGE_DEADLINE_S = 1200
# (variable, unit, group) of the changed setting of each framework.
CHANGES = [
    ("zookeeper_heap", "zookeeper", "zookeeper"),
    ("hadoop_namenode_heap", "hadoop-namenode", "hdfs_namenode"),
    ("spark_master_heap", "spark-master", "spark_master"),
    ("storm_nimbus_heap", "storm-nimbus", "storm_nimbus"),
]
FRAMEWORKS = "zookeeper,hadoop,spark,storm"
CLIENT = hosts("bench_client")[0]
# ZooKeeper sessions (zookeeper_max_session_timeout) outlive a leader election shorter than this.
LONGEST_LEADERLESS_S = 15.0
# A graceful HDFS failover leaves no NameNode active for a moment at most.
LONGEST_WITHOUT_ACTIVE_NAMENODE_S = 5.0
# About a minute of work: submitted when the STANDBY master goes down, it still runs when the
# ALIVE one restarts (after the STANDBY is back and healthy).
APPLICATION = "spark-perf scheduling-throughput --num-tasks 100 --num-trials 12 --inter-trial-wait 3"
LOOK_INTERVAL_S = 0.25


def zookeeper_mode(server: str) -> str | None:
    """The server's mode from srvr; "down" when nothing answers on its port, None when it answers
    without serving (during an election)."""
    try:
        with socket.create_connection((address(server), 2181), timeout=1) as connection:
            connection.sendall(b"srvr")
            reply = b"".join(iter(lambda: connection.recv(4096), b"")).decode()
    except OSError:
        return "down"
    return next((line.split(":", 1)[1].strip() for line in reply.splitlines() if line.startswith("Mode:")), None)


def master_status(master: str) -> str:
    return str((get_json(f"http://{address(master)}:8080/json/") or {}).get("status", "down"))


def nimbus_port(nimbus: str) -> str:
    """ "up" when the Nimbus thrift port accepts connections, else "down" (Nimbus has no status page
    without the UI; who leads is storm-admin's, too slow to ask a few times a second)."""
    try:
        with socket.create_connection((address(nimbus), 6627), timeout=1):
            return "up"
    except OSError:
        return "down"


# What a look records, per group: host -> state ("down" when the daemon does not answer), and the
# state that means "leads".
LOOKS: dict[str, tuple[Callable[[str], Any], str | None]] = {
    "zookeeper": (zookeeper_mode, "leader"),
    "hdfs_namenode": (namenode_state, "active"),
    "spark_master": (master_status, "ALIVE"),
    "storm_nimbus": (nimbus_port, None),
}


def look() -> dict[str, Any]:
    seen: dict[str, Any] = {group: {host: state(host) for host in hosts(group)} for group, (state, _) in LOOKS.items()}
    return {"time": time.time(), **seen}


class Watcher:
    """Looks at the cluster in a thread until stopped; calls `on_look` with each look."""

    def __init__(self, on_look: Callable[[dict[str, Any]], None]) -> None:
        self.looks: list[dict[str, Any]] = []
        self._on_look = on_look
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.looks.append(look())
            self._on_look(self.looks[-1])
            self._stop.wait(LOOK_INTERVAL_S)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def longest(looks: list[dict[str, Any]], bad: Callable[[dict[str, Any]], bool]) -> float:
    """The longest stretch of looks for which `bad` holds, in seconds (from the last good look
    before it to the first good one after)."""
    worst, since, previous = 0.0, None, None
    for current in looks:
        if bad(current) and since is None:
            since = (previous or current)["time"]
        elif not bad(current) and since is not None:
            worst, since = max(worst, current["time"] - since), None
        previous = current
    return max(worst, looks[-1]["time"] - since) if since is not None else worst


def outages(looks: list[dict[str, Any]], group: str, after: float = 0.0) -> list[tuple[str, float, float]]:
    """(host, first, last time seen down) of every outage of the group's daemons that began after
    `after`, in time order."""
    found: list[tuple[str, float, float]] = []
    for host in hosts(group):
        down = False
        for current in (current for current in looks if current["time"] > after):
            if current[group][host] == "down" and not down:
                found.append((host, current["time"], current["time"]))
            elif current[group][host] == "down":
                found[-1] = (host, found[-1][1], current["time"])
            down = current[group][host] == "down"
    return sorted(found, key=lambda outage: outage[1])


def leader_before(looks: list[dict[str, Any]], group: str, when: float) -> str | None:
    """The host that led the group at the last look before `when`."""
    _, leads = LOOKS[group]
    earlier = [current for current in looks if current["time"] < when]
    return next((h for h, state in earlier[-1][group].items() if state == leads), None) if earlier else None


def heap(host: testinfra.host.Host, unit: str) -> int:
    """The unit's heap in MB, from its java command line."""
    command = host.run("systemctl show -p ExecStart --value %s", unit).stdout
    return int(re.search(r"-Xmx(\d+)m", command).group(1))  # type: ignore[union-attr]


def started_at(host: testinfra.host.Host, unit: str) -> int:
    """When the unit's daemon started (µs of the kernel's monotonic clock)."""
    return int(host.run("systemctl show -p ExecMainStartTimestampMonotonic --value %s", unit).stdout)


def test_a_changed_setting_restarts_each_framework_without_losing_its_leader(
    cluster: dict[str, testinfra.host.Host],
) -> None:
    client = cluster[CLIENT]
    client.run("rm -rf /tmp/rolling && mkdir /tmp/rolling")
    submitted = threading.Event()

    namenodes_seen_down: set[str] = set()

    def submit_once_a_master_is_down(current: dict[str, Any]) -> None:
        """Submits the application when the Spark play restarts its first master: after every
        NameNode restarted (the Hadoop play is over), not when a master exits because a ZooKeeper
        restart took its leadership away."""
        namenodes_seen_down.update(h for h, state in current["hdfs_namenode"].items() if state == "down")
        hadoop_done = (
            namenodes_seen_down == set(hosts("hdfs_namenode")) and "down" not in current["hdfs_namenode"].values()
        )
        if hadoop_done and not submitted.is_set() and "down" in current["spark_master"].values():
            submitted.set()
            client.run(
                f"setsid bash -c 'date +%s.%N > /tmp/rolling/start; {APPLICATION} > /tmp/rolling/out"
                " 2> /tmp/rolling/err; echo $? > /tmp/rolling/rc; date +%s.%N > /tmp/rolling/end'"
                " < /dev/null > /dev/null 2>&1 &"
            )

    started = {(unit, h): started_at(cluster[h], unit) for _, unit, group in CHANGES for h in hosts(group)}
    new_heaps = {variable: f"{heap(cluster[hosts(group)[0]], unit) + 32}m" for variable, unit, group in CHANGES}
    with Watcher(submit_once_a_master_is_down) as watcher:
        began = time.time()
        # As an operator would: only the frameworks' roles (--tags), the heaps given on the command line.
        result = run_playbook("site.yml", CONVERGE_DEADLINE_S, "--tags", FRAMEWORKS, **new_heaps)
        ended = time.time()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    looks = watcher.looks
    print(f"rolling restart: {ended - began:.0f} s, {len(looks)} looks")

    # Every changed daemon restarted, one host at a time, the one that led when they began last.
    # The plays restart one framework after the other: a framework's restarts are the outages after
    # the previous framework's last (a master or Nimbus that exits when a ZooKeeper restart takes
    # its leadership away, and comes back, is not one of them).
    phase_began = began
    for _, unit, group in CHANGES:
        assert all(started_at(cluster[h], unit) > started[(unit, h)] for h in hosts(group)), f"{unit}: not restarted"
        down = outages(looks, group, after=phase_began)
        assert sorted(host for host, _, _ in down) == sorted(hosts(group)), f"{unit}: not one outage a host: {down}"
        during = [current for current in looks if down[0][1] <= current["time"] <= down[-1][2]]
        assert max(list(current[group].values()).count("down") for current in during) == 1, f"{unit}: two down at once"
        if LOOKS[group][1]:
            assert down[-1][0] == leader_before(looks, group, down[0][1]), f"{unit}: the leader did not restart last"
        phase_began = down[-1][2]

    # ZooKeeper: leader elections shorter than a session's timeout.
    leaderless = longest(looks, lambda current: "leader" not in current["zookeeper"].values())
    assert leaderless < LONGEST_LEADERLESS_S, f"ZooKeeper had no leader for {leaderless:.1f} s"

    # HDFS: never two active NameNodes, and an active one throughout but for a moment.
    assert max(list(current["hdfs_namenode"].values()).count("active") for current in looks) == 1
    without = longest(looks, lambda current: "active" not in current["hdfs_namenode"].values())
    assert without < LONGEST_WITHOUT_ACTIVE_NAMENODE_S, f"no active NameNode for {without:.1f} s"

    # Spark: the application submitted during the restarts completed, across the ALIVE master's.
    assert submitted.is_set(), "no Spark master was seen down"
    wait_until(lambda: client.file("/tmp/rolling/end").exists, 600, 2, "the Spark application's end")
    assert client.file("/tmp/rolling/rc").content_string.strip() == "0", client.file("/tmp/rolling/err").content_string[
        -3000:
    ]
    start, end = (float(client.file(f"/tmp/rolling/{name}").content_string) for name in ("start", "end"))
    last_master, down_from, down_to = outages(looks, "spark_master", after=start)[-1]
    assert start < down_from and end > down_to, f"the application ({start}-{end}) did not span {last_master}'s restart"
    trials = [
        line for line in client.file("/tmp/rolling/out").content_string.splitlines() if line.startswith('{"metric"')
    ]
    assert len(trials) == 12, "the application did not run every trial"
