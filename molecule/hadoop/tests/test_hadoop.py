"""Verify HDFS, YARN and MapReduce with real clients: put/get, WordCount against a local count, the
web servers' guard, and failover of the active NameNode and of the active ResourceManager.

The tests run in file order. The failover tests kill a daemon with SIGKILL; systemd restarts it
(it comes back as the standby), so later tests and molecule's destroy find every daemon up.
"""

from __future__ import annotations

import collections
import json
import random
import shlex
import time

import testinfra
from sandbox_cluster import hosts, namenode_state

from stacklab.polling import wait_until

NAMENODES = hosts("hdfs_namenode")
RESOURCEMANAGERS = hosts("yarn_resourcemanager")
RM_WEB_PORT = 8088
FAILOVER_DEADLINE_S = 60
JOB_DEADLINE_S = 420
EXAMPLES = "/opt/stacklab/hadoop/share/hadoop/mapreduce/hadoop-mapreduce-examples-*.jar"
VOCABULARY = ["stack", "lab", "hadoop", "yarn", "hdfs", "spark", "storm", "mesos", "zookeeper", "osv"]


def run_ok(host: testinfra.host.Host, command: str) -> str:
    result = host.run(command)
    assert result.rc == 0, f"{command}: rc {result.rc}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return str(result.stdout)


def namenode_states(client: testinfra.host.Host) -> dict[str, str]:
    """host -> active/standby (hosts that do not answer are left out)."""
    states = {namenode: namenode_state(namenode) for namenode in NAMENODES}
    return {namenode: state for namenode, state in states.items() if state in ("active", "standby")}


def active_namenode(client: testinfra.host.Host) -> str | None:
    active = [host for host, state in namenode_states(client).items() if state == "active"]
    return active[0] if len(active) == 1 else None


def rm_state(client: testinfra.host.Host, rm: str) -> str | None:
    result = client.run(f"curl -s --max-time 3 http://{rm}:{RM_WEB_PORT}/ws/v1/cluster/info")
    try:
        return str(json.loads(result.stdout)["clusterInfo"]["haState"])
    except (ValueError, KeyError):
        return None


def active_resourcemanager(client: testinfra.host.Host) -> str | None:
    active = [rm for rm in RESOURCEMANAGERS if rm_state(client, rm) == "ACTIVE"]
    return active[0] if len(active) == 1 else None


def write_text(client: testinfra.host.Host, path: str, words: int, seed: int) -> collections.Counter[str]:
    """Write `words` random words from VOCABULARY (ten to a line) to `path` on the client and return
    their counts, computed here."""
    rng = random.Random(seed)
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    lines = "\n".join(" ".join(chosen[i : i + 10]) for i in range(0, len(chosen), 10)) + "\n"
    client.run(f"rm -f {path}")
    for start in range(0, len(lines), 60000):  # command-line sized pieces
        run_ok(client, f"printf %s {shlex.quote(lines[start : start + 60000])} >> {path}")
    return collections.Counter(chosen)


def test_daemons_run_from_explicit_java_commands(cluster: dict[str, testinfra.host.Host]) -> None:
    expected = {
        "hadoop-journalnode": (hosts("hdfs_journalnode"), "qjournal.server.JournalNode"),
        "hadoop-namenode": (NAMENODES, "server.namenode.NameNode"),
        "hadoop-zkfc": (NAMENODES, "tools.DFSZKFailoverController"),
        "hadoop-datanode": (hosts("hdfs_datanode"), "server.datanode.DataNode"),
        "hadoop-resourcemanager": (RESOURCEMANAGERS, "resourcemanager.ResourceManager"),
        "hadoop-nodemanager": (hosts("yarn_nodemanager"), "nodemanager.NodeManager"),
        "hadoop-historyserver": (hosts("mapreduce_history"), "hs.JobHistoryServer"),
    }
    for unit, (names, main_class) in expected.items():
        for name in names:
            service = cluster[name].service(unit)
            assert service.is_running and service.is_enabled, f"{unit} on {name}"
            command = cluster[name].run("systemctl show -p ExecStart --value %s", unit).stdout
            assert "/usr/bin/java" in command and main_class in command, command


def test_one_namenode_is_active_and_one_resourcemanager(client: testinfra.host.Host) -> None:
    assert sorted(namenode_states(client).values()) == ["active", "standby"]
    assert sorted(str(rm_state(client, rm)) for rm in RESOURCEMANAGERS) == ["ACTIVE", "STANDBY"]


# Ports each group's daemons always listen on, whether active or standby (a standby
# ResourceManager opens only its admin and web ports; a NameNode's host runs its ZKFC too).
GROUP_PORTS = {
    "hdfs_journalnode": {8480, 8485},
    "hdfs_namenode": {8019, 8020, 9870},
    "yarn_resourcemanager": {8033, 8088},
    "hdfs_datanode": {9864, 9866, 9867},
    "yarn_nodemanager": {8040, 8041, 8042},
    "mapreduce_history": {10020, 10033, 19888},
}
LISTENING = {
    name: set().union(*(ports for group, ports in GROUP_PORTS.items() if name in hosts(group))) for name in hosts()
}
HADOOP_PORTS = set().union(*GROUP_PORTS.values()) | {8030, 8031, 8032}


def test_daemons_listen_only_on_the_cluster_address(cluster: dict[str, testinfra.host.Host]) -> None:
    for name, host in cluster.items():
        address = host.run(f"getent hosts {name}").stdout.split()[0]
        seen = set()
        for line in filter(None, host.run("ss -Hltn").stdout.split("\n")):
            ip, port = line.split()[3].rsplit(":", 1)
            if int(port) in HADOOP_PORTS:
                assert ip == address, f"{name}: port {port} listens on {ip}, not on the cluster address {address}"
                seen.add(int(port))
        assert LISTENING[name] <= seen, f"{name}: nothing listens on {sorted(LISTENING[name] - seen)}"


def test_yarn_web_servers_are_read_only(client: testinfra.host.Host) -> None:
    rm = active_resourcemanager(client)
    assert rm, "no active ResourceManager"
    base = f"http://{rm}:{RM_WEB_PORT}/ws/v1/cluster"
    assert client.run(f"curl -s -o /dev/null -w '%{{http_code}}' {base}/info").stdout == "200"
    for method, path in [
        ("POST", "/apps/new-application"),
        ("PUT", "/apps/application_1_0001/state"),
        ("DELETE", "/apps"),
    ]:
        status = client.run(f"curl -s -o /dev/null -w '%{{http_code}}' -X {method} {base}{path}").stdout
        assert status == "405", f"{method} {path}: HTTP {status}"


def test_put_and_get_keep_the_content(client: testinfra.host.Host) -> None:
    run_ok(client, "head -c 40000000 /dev/urandom > /tmp/put.bin")  # 3 blocks of 16 MB
    run_ok(client, "hdfs dfs -mkdir -p molecule && hdfs dfs -put -f /tmp/put.bin molecule/put.bin")
    run_ok(client, "rm -f /tmp/got.bin && hdfs dfs -get molecule/put.bin /tmp/got.bin")
    sums = run_ok(client, "sha256sum /tmp/put.bin /tmp/got.bin").split()
    assert sums[0] == sums[2]


def test_wordcount_matches_a_local_count(client: testinfra.host.Host) -> None:
    expected = write_text(client, "/tmp/words.txt", words=30000, seed=7)
    run_ok(client, "hdfs dfs -rm -r -f molecule/words molecule/counts")
    run_ok(client, "hdfs dfs -mkdir -p molecule/words && hdfs dfs -put /tmp/words.txt molecule/words/")
    run_ok(client, f"hadoop jar {EXAMPLES} wordcount molecule/words molecule/counts")
    output = run_ok(client, "hdfs dfs -cat 'molecule/counts/part-r-*'")
    counted = {word: int(count) for word, count in (line.split("\t") for line in output.splitlines() if line)}
    assert counted == dict(expected)


def test_standby_namenode_takes_over_and_the_file_survives(
    client: testinfra.host.Host, cluster: dict[str, testinfra.host.Host]
) -> None:
    before = active_namenode(client)
    assert before, namenode_states(client)
    started = time.monotonic()
    run_ok(cluster[before], "systemctl kill -s KILL hadoop-namenode")
    other = next(name for name in NAMENODES if name != before)
    wait_until(lambda: namenode_states(client).get(other) == "active", FAILOVER_DEADLINE_S, 1, f"{other} active")
    print(f"NameNode failover {before} -> {other}: {time.monotonic() - started:.1f} s")
    run_ok(client, "rm -f /tmp/got.bin && hdfs dfs -get molecule/put.bin /tmp/got.bin")
    sums = run_ok(client, "sha256sum /tmp/put.bin /tmp/got.bin").split()
    assert sums[0] == sums[2]
    # systemd restarts the killed NameNode; it rejoins as the standby.
    wait_until(lambda: namenode_states(client).get(before) == "standby", 120, 2, f"{before} back as standby")


def test_a_job_completes_when_the_active_resourcemanager_dies(
    client: testinfra.host.Host, cluster: dict[str, testinfra.host.Host]
) -> None:
    expected = write_text(client, "/tmp/words2.txt", words=60000, seed=11)
    run_ok(client, "hdfs dfs -rm -r -f molecule/words2 molecule/counts2")
    run_ok(client, "hdfs dfs -mkdir -p molecule/words2 && hdfs dfs -put /tmp/words2.txt molecule/words2/")
    run_ok(
        client,
        f"nohup bash -c 'hadoop jar {EXAMPLES} wordcount molecule/words2 molecule/counts2; echo $? > /tmp/job.rc'"
        " > /tmp/job.log 2>&1 & rm -f /tmp/job.rc",
    )
    before = active_resourcemanager(client)
    assert before

    def job_running() -> bool:
        answer = client.run(
            f"curl -sL --max-time 3 http://{before}:{RM_WEB_PORT}/ws/v1/cluster/apps?states=RUNNING"
        ).stdout
        try:
            return bool((json.loads(answer).get("apps") or {}).get("app"))
        except ValueError:
            return False

    wait_until(job_running, 180, 2, "the WordCount application RUNNING")
    # SIGKILL, then stop, so that systemd does not start it again (RestartSec=5) and win the
    # election back before the standby takes over; started again once the standby is ACTIVE.
    run_ok(cluster[before], "systemctl kill -s KILL hadoop-resourcemanager; systemctl stop hadoop-resourcemanager")
    other = next(name for name in RESOURCEMANAGERS if name != before)
    try:
        wait_until(lambda: rm_state(client, other) == "ACTIVE", FAILOVER_DEADLINE_S, 1, f"{other} ACTIVE")
    finally:
        run_ok(cluster[before], "systemctl start hadoop-resourcemanager")
    wait_until(lambda: client.file("/tmp/job.rc").exists, JOB_DEADLINE_S, 3, "the WordCount job's end")
    assert client.file("/tmp/job.rc").content_string.strip() == "0", client.run("tail -c 3000 /tmp/job.log").stdout
    output = run_ok(client, "hdfs dfs -cat 'molecule/counts2/part-r-*'")
    counted = {word: int(count) for word, count in (line.split("\t") for line in output.splitlines() if line)}
    assert counted == dict(expected)
    wait_until(lambda: rm_state(client, before) == "STANDBY", 120, 2, f"{before} back as STANDBY")
