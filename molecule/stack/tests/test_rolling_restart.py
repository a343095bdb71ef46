"""A changed setting on each running framework, converged: its daemons restart one host at a time,
the leader last, each host healthy again before the next (roles/jvm_service), and nobody notices.

The change is each leader-bearing daemon's heap (ZooKeeper, the NameNodes, the Spark masters, the
Nimbus hosts), so that exactly those restart. While site.yml converges, the controller watches the
cluster every fraction of a second and Spark applications are submitted back to back from the
client; afterwards: every changed daemon restarted, the one leading before last; ZooKeeper never
had two servers down at once nor a long gap without a leader; a NameNode was active throughout
(the active one hands over before it restarts); the Spark masters never were both down, and every
application submitted during the rolling restart completed, one of them across the ALIVE master's
restart.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import testinfra
from sandbox_cluster import address, connect, hosts, run_playbook
from stacklab.polling import wait_until

CONVERGE_DEADLINE_S = 1500
# (variable, unit, group) of the changed setting of each framework.
CHANGES = [
    ("zookeeper_heap", "zookeeper", "zookeeper"),
    ("hadoop_namenode_heap", "hadoop-namenode", "hdfs_namenode"),
    ("spark_master_heap", "spark-master", "spark_master"),
    ("storm_nimbus_heap", "storm-nimbus", "storm_nimbus"),
]
CLIENT = hosts("bench_client")[0]
# ZooKeeper sessions (zookeeper_max_session_timeout) outlive a leader election shorter than this.
LONGEST_LEADERLESS_S = 15.0
# A graceful HDFS failover leaves no NameNode active for a moment at most.
LONGEST_WITHOUT_ACTIVE_NAMENODE_S = 5.0
# Two loops of applications, half an application apart, so that any short outage falls inside one
# application of one loop; two cores each, so that they run side by side on the two workers.
APPLICATION = (
    "SPARK_SUBMIT_OPTS=-Dspark.cores.max=2 spark-perf scheduling-throughput"
    " --num-tasks 200 --num-trials 6 --inter-trial-wait 2"
)


@pytest.fixture(scope="module")
def cluster() -> dict[str, testinfra.host.Host]:
    return {name: connect(name) for name in hosts()}


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def zookeeper_mode(server: str) -> str | None:
    """The server's mode from srvr; "down" when nothing answers on its port, None when it answers
    without serving (an election)."""
    try:
        with socket.create_connection((address(server), 2181), timeout=1) as connection:
            connection.sendall(b"srvr")
            reply = b"".join(iter(lambda: connection.recv(4096), b"")).decode()
    except OSError:
        return "down"
    return next((line.split(":", 1)[1].strip() for line in reply.splitlines() if line.startswith("Mode:")), None)


def namenode_state(namenode: str) -> str | None:
    bean = get_json(f"http://{address(namenode)}:9870/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus") or {}
    return next((str(b.get("State")) for b in bean.get("beans", [])), None)


def master_status(master: str) -> str | None:
    return (get_json(f"http://{address(master)}:8080/json/") or {}).get("status")


def watch() -> dict[str, Any]:
    """One look at the cluster: every ZooKeeper server's mode, NameNode's state, master's status."""
    return {
        "time": time.time(),
        "zookeeper": {server: zookeeper_mode(server) for server in hosts("zookeeper")},
        "namenode": {namenode: namenode_state(namenode) for namenode in hosts("hdfs_namenode")},
        "master": {master: master_status(master) for master in hosts("spark_master")},
    }


class Watcher:
    """Looks at the cluster (watch()) in a thread until stopped."""

    def __init__(self) -> None:
        self.looks: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.looks.append(watch())
            self._stop.wait(0.25)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def longest(looks: list[dict[str, Any]], bad: Callable[[dict[str, Any]], bool]) -> float:
    """The longest stretch of consecutive looks for which `bad` holds, in seconds (from the last
    good look before it to the first good one after)."""
    worst, since = 0.0, None
    for previous, look in zip([None, *looks], looks, strict=False):
        if bad(look) and since is None:
            since = previous["time"] if previous else look["time"]
        elif not bad(look) and since is not None:
            worst, since = max(worst, look["time"] - since), None
    if since is not None:
        worst = max(worst, looks[-1]["time"] - since)
    return worst


def down_windows(
    looks: list[dict[str, Any]], part: str, host: str, down: Callable[[Any], bool]
) -> list[tuple[float, float]]:
    """The (first, last) times at which `host` of `part` was seen down, one pair per outage."""
    windows: list[tuple[float, float]] = []
    previous = None
    for look in looks:
        if down(look[part][host]):
            if windows and windows[-1][1] == previous:
                windows[-1] = (windows[-1][0], look["time"])
            else:
                windows.append((look["time"], look["time"]))
        previous = look["time"]
    return windows


def heap(host: testinfra.host.Host, unit: str) -> int:
    """The unit's heap in MB, from its java command line."""
    command = host.run("systemctl show -p ExecStart --value %s", unit).stdout
    return int(re.search(r"-Xmx(\d+)m", command).group(1))  # type: ignore[union-attr]


def started_at(host: testinfra.host.Host, unit: str) -> int:
    """When the unit's daemon started (µs of the kernel's monotonic clock, which the sandbox hosts share)."""
    return int(host.run("systemctl show -p ExecMainStartTimestampMonotonic --value %s", unit).stdout)


def leaders(cluster: dict[str, testinfra.host.Host]) -> dict[str, str]:
    """The leading host of each changed group now."""
    look = watch()
    admin = json.loads(cluster[CLIENT].check_output("storm-admin cluster"))
    return {
        "zookeeper": next(s for s, mode in look["zookeeper"].items() if mode == "leader"),
        "hdfs_namenode": next(n for n, state in look["namenode"].items() if state == "active"),
        "spark_master": next(m for m, status in look["master"].items() if status == "ALIVE"),
        "storm_nimbus": next(n["host"] for n in admin["nimbuses"] if n["leader"]),
    }


@pytest.fixture
def applications(cluster: dict[str, testinfra.host.Host]) -> Iterator[Callable[[], list[tuple[float, float, int]]]]:
    """Two loops of Spark applications on the client, half an application apart, until stopped;
    yields a function that stops them and returns every application's (start, end, exit status)."""
    client = cluster[CLIENT]
    client.run("rm -rf /tmp/rolling && mkdir -p /tmp/rolling")
    for loop, delay in (("a", 0), ("b", 15)):
        client.run(
            f"setsid bash -c 'sleep {delay}; while [ ! -e /tmp/rolling/stop ]; do start=$(date +%s.%N); "
            f"{APPLICATION} >/dev/null 2>>/tmp/rolling/{loop}.err; rc=$?; "
            f"echo $start $(date +%s.%N) $rc >> /tmp/rolling/apps; done; touch /tmp/rolling/{loop}.done'"
            " </dev/null >/dev/null 2>&1 &"
        )

    def stop() -> list[tuple[float, float, int]]:
        client.run("touch /tmp/rolling/stop")
        wait_until(
            lambda: client.file("/tmp/rolling/a.done").exists and client.file("/tmp/rolling/b.done").exists, 300, 2
        )
        lines = client.file("/tmp/rolling/apps").content_string.split("\n")
        return [(float(a), float(b), int(rc)) for a, b, rc in (line.split() for line in lines if line)]

    yield stop
    client.run("touch /tmp/rolling/stop")


def test_a_changed_setting_restarts_each_framework_without_losing_its_leader(
    cluster: dict[str, testinfra.host.Host], applications: Callable[[], list[tuple[float, float, int]]]
) -> None:
    before = leaders(cluster)
    started = {(unit, h): started_at(cluster[h], unit) for _, unit, group in CHANGES for h in hosts(group)}
    new_heaps = {variable: f"{heap(cluster[hosts(group)[0]], unit) + 32}m" for variable, unit, group in CHANGES}
    began = time.time()
    with Watcher() as watcher:
        result = run_playbook("site.yml", CONVERGE_DEADLINE_S, **new_heaps)
    ended = time.time()
    apps = applications()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    looks = watcher.looks
    print(f"rolling restart: {ended - began:.0f} s, {len(looks)} looks, {len(apps)} applications")

    # Every changed daemon restarted, and the one that led before restarted last.
    for _, unit, group in CHANGES:
        restarted = {h: started_at(cluster[h], unit) for h in hosts(group)}
        assert all(restarted[h] > started[(unit, h)] for h in restarted), f"{unit}: not restarted everywhere"
        assert max(restarted, key=restarted.__getitem__) == before[group], f"{unit}: the leader did not restart last"

    # ZooKeeper: one server down at a time, and leader elections shorter than a session's timeout.
    assert max(list(look["zookeeper"].values()).count("down") for look in looks) == 1
    leaderless = longest(looks, lambda look: "leader" not in look["zookeeper"].values())
    assert leaderless < LONGEST_LEADERLESS_S, f"ZooKeeper had no leader for {leaderless:.1f} s"

    # HDFS: never two active NameNodes, and an active one throughout but for a moment.
    assert max(list(look["namenode"].values()).count("active") for look in looks) == 1
    without = longest(looks, lambda look: "active" not in look["namenode"].values())
    assert without < LONGEST_WITHOUT_ACTIVE_NAMENODE_S, f"no active NameNode for {without:.1f} s"

    # Spark: never both masters down; every application completed, one across the ALIVE master's restart.
    assert all(list(look["master"].values()).count(None) < len(hosts("spark_master")) for look in looks)
    assert apps and all(rc == 0 for _, _, rc in apps), apps
    assert any(began < start < ended for start, _, _ in apps), "no application was submitted during the converge"
    outages = down_windows(looks, "master", before["spark_master"], lambda status: status is None)
    assert outages, "the ALIVE master was never seen down"
    assert any(start < outages[-1][0] and end > outages[-1][1] for start, end, _ in apps), (
        f"no application ran across the ALIVE master's restart {outages[-1]}: {apps}"
    )
