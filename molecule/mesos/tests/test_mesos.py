"""Verify Mesos on its own cluster (molecule/mesos): the built Mesos 1.12 masters, agents and Spark
3.5.9 on them, for real.

One master leads (elected through ZooKeeper) and every agent is registered with its offer; a
framework without credentials, or one that asks to run tasks as root, is refused; the leading
master SIGKILLed while a coarse-grained Spark application runs: a new leader within 30 s, the
agents and the application's framework re-registered with it, the application completes, and the
killed master comes back as a standby; a fine-grained application completes, one Mesos task per
Spark task; a changed master flag restarts the standby masters first and the leader last. The
tests run in file order (the failover test leaves a new leader behind).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import testinfra
from sandbox_cluster import address, hosts, run_playbook

from stacklab.polling import wait_until

MASTERS = hosts("mesos_master")
AGENTS = hosts("mesos_agent")
PORT = 5050
# What the sandbox inventory offers per agent (inventories/local/group_vars/all.yml).
AGENT_CPUS, AGENT_MEM_MB = 2.0, 1536.0
FAILOVER_DEADLINE_S = 30
CREDENTIALS = "/etc/mesos/frameworks"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def state(master: str) -> dict[str, Any] | None:
    """The master's /state when it leads; None when it is a standby (it redirects) or down."""
    try:
        with OPENER.open(f"http://{address(master)}:{PORT}/state", timeout=5) as response:
            document: dict[str, Any] = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return document if document.get("pid") == document.get("leader") else None


def redirects_to(master: str) -> str | None:
    """The leader a standby master sends /state to (its host name), None when it does not redirect."""
    try:
        OPENER.open(f"http://{address(master)}:{PORT}/state", timeout=5).close()
    except urllib.error.HTTPError as error:
        return str(error.headers.get("Location", "")).lstrip("/").split(":")[0] or None
    except OSError:
        return None
    return None


def leader() -> str | None:
    """The one master that leads while every other redirects to it; None otherwise."""
    leading = [master for master in MASTERS if state(master) is not None]
    if len(leading) != 1:
        return None
    others = [master for master in MASTERS if master != leading[0]]
    return leading[0] if all(redirects_to(master) == leading[0] for master in others) else None


def active_agents(master: str) -> dict[str, dict[str, Any]]:
    document = state(master) or {}
    return {agent["hostname"]: agent for agent in document.get("slaves", []) if agent.get("active")}


def frameworks(master: str, name: str) -> list[dict[str, Any]]:
    """The master's frameworks of this name, active and completed."""
    document = state(master) or {}
    listed = document.get("frameworks", []) + document.get("completed_frameworks", [])
    return [framework for framework in listed if framework.get("name") == name]


def post(master: str, path: str, body: dict[str, Any], user: str | None = None, secret: str = "") -> int:
    """The HTTP status of a POST to the master (with basic authentication when a user is given)."""
    request = urllib.request.Request(
        f"http://{address(master)}:{PORT}{path}", data=json.dumps(body).encode(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    if user is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode())
    try:
        with OPENER.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def spark_perf(via: testinfra.host.Host, name: str, mode: str, num_tasks: int, trials: int) -> str:
    """Starts spark-perf's scheduling-throughput as a tenant would (Mesos mode, app name) in the
    background; returns the path prefix of its .out, .err and .rc files."""
    prefix = f"/tmp/mesos-test-{name}"
    via.run_test(f"rm -f {prefix}.out {prefix}.err {prefix}.rc")
    command = (
        f"STACKLAB_APP_NAME={name} STACKLAB_SPARK_MESOS_COARSE={'true' if mode == 'coarse' else 'false'} "
        f"spark-perf scheduling-throughput --num-tasks {num_tasks} --num-trials {trials} --inter-trial-wait 2 "
        f"--random-seed 1 --num-jobs 1 --closure-size 0"
    )
    via.run_test(f"nohup sh -c '{command} > {prefix}.out 2> {prefix}.err; echo $? > {prefix}.rc' > /dev/null 2>&1 &")
    return prefix


def finished(via: testinfra.host.Host, prefix: str) -> str | None:
    result = via.run(f"cat {prefix}.rc")
    return result.stdout.strip() if result.rc == 0 and result.stdout.strip() else None


def job_times(via: testinfra.host.Host, prefix: str) -> list[float]:
    lines = via.run(f"cat {prefix}.out").stdout.splitlines()
    return [json.loads(line)["value"] for line in lines if line.startswith('{"metric": "job_time"')]


def test_one_master_leads_and_every_agent_is_registered_with_its_offer() -> None:
    wait_until(lambda: leader() is not None, 60, 1, "one leading master, the others redirecting to it")
    agents = active_agents(str(leader()))
    assert sorted(agents) == sorted(AGENTS)
    for agent in agents.values():
        assert (agent["resources"]["cpus"], agent["resources"]["mem"]) == (AGENT_CPUS, AGENT_MEM_MB), agent


def test_frameworks_must_authenticate_and_may_not_run_tasks_as_root(client: testinfra.host.Host) -> None:
    master = str(leader())
    subscribe = {"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "spark", "name": "intruder"}}}
    assert post(master, "/api/v1/scheduler", subscribe) == 401
    assert post(master, "/api/v1/scheduler", subscribe, "spark", "not-the-secret") == 401
    # State-changing endpoints want credentials too.
    assert post(master, "/teardown", {}) == 401
    # The real secret, but tasks as root: the ACLs refuse the launch (the driver runs as root here).
    secret = client.run_test(f"cat {CREDENTIALS}/spark.secret").stdout.strip()
    masters = "zk://" + ",".join(f"{server}:2181" for server in hosts("zookeeper")) + "/mesos"
    result = client.run(
        f"timeout 60 /opt/mesos/bin/mesos-execute --master={masters} --name=as-root --command=id "
        f"--principal=spark --secret={secret}"
    )
    assert "TASK_ERROR" in result.stdout and "under user 'root'" in result.stdout, result.stdout[-2000:]
    assert "intruder" not in json.dumps(state(master))


def test_a_coarse_grained_application_survives_the_leading_master_killed(
    cluster: dict[str, testinfra.host.Host], client: testinfra.host.Host
) -> None:
    old_leader = str(leader())
    app = spark_perf(client, "mesos-cg-failover", "coarse", num_tasks=200, trials=12)
    wait_until(
        lambda: any(f.get("active") and f.get("tasks") for f in frameworks(old_leader, "mesos-cg-failover")),
        120,
        1,
        "the coarse-grained application's executors running",
    )
    assert finished(client, app) is None, "the application ended before the master was killed"
    killed_at = time.time()
    cluster[old_leader].run_test("systemctl kill --signal=SIGKILL mesos-master")
    wait_until(lambda: leader() not in (None, old_leader), FAILOVER_DEADLINE_S, 0.5, "a new leading master")
    new_leader = str(leader())
    print(f"new leader {new_leader} {time.time() - killed_at:.1f} s after the kill")
    wait_until(lambda: sorted(active_agents(new_leader)) == sorted(AGENTS), 90, 1, "the agents re-registered")
    wait_until(
        lambda: any(f.get("active") for f in frameworks(new_leader, "mesos-cg-failover")),
        60,
        1,
        "the application's framework re-registered with the new leader",
    )
    assert finished(client, app) is None, "the application ended before its framework re-registered"
    wait_until(lambda: finished(client, app) is not None, 240, 2, "the application finished")
    assert finished(client, app) == "0", client.run(f"tail -30 {app}.err").stdout
    assert len(job_times(client, app)) == 12
    # Coarse-grained: one long Mesos task (an executor) per agent at most, however many Spark tasks.
    (framework,) = frameworks(new_leader, "mesos-cg-failover")
    executors = framework.get("tasks", []) + framework.get("completed_tasks", [])
    assert 1 <= len(executors) <= len(AGENTS), executors
    # systemd started the killed master again (Restart=always), as a standby of the new leader.
    wait_until(lambda: redirects_to(old_leader) == new_leader, 90, 1, "the killed master back as a standby")
    assert int(cluster[old_leader].run("systemctl show -p NRestarts --value mesos-master").stdout) >= 1


def test_a_fine_grained_application_runs_each_spark_task_as_a_mesos_task(client: testinfra.host.Host) -> None:
    app = spark_perf(client, "mesos-fg", "fine", num_tasks=20, trials=2)
    wait_until(lambda: finished(client, app) is not None, 300, 2, "the fine-grained application finished")
    assert finished(client, app) == "0", client.run(f"tail -30 {app}.err").stdout
    assert len(job_times(client, app)) == 2
    (framework,) = frameworks(str(leader()), "mesos-fg")
    # Fine-grained: every Spark task was a Mesos task (2 trials of 20, and the warm-up's); a
    # coarse-grained application runs one long task (its executor) per agent.
    assert len(framework.get("completed_tasks", [])) >= 40, framework.get("completed_tasks")


def started_at(host: testinfra.host.Host, unit: str) -> int:
    """When the unit's daemon started (µs of the kernel's monotonic clock, which the hosts share)."""
    return int(host.run("systemctl show -p ExecMainStartTimestampMonotonic --value %s", unit).stdout)


def test_a_changed_flag_restarts_the_masters_one_at_a_time_the_leader_last(
    cluster: dict[str, testinfra.host.Host],
) -> None:
    wait_until(lambda: leader() is not None, 60, 1, "one leading master")
    leader_before = str(leader())
    before = {master: started_at(cluster[master], "mesos-master") for master in MASTERS}
    seen: list[tuple[float, str | None]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append((time.time(), leader()))
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        # As an operator would: Mesos' playbook alone, the new flag on the command line.
        changed = json.dumps({"mesos_master_extra_flags": {"max_completed_frameworks": 40}})
        result = run_playbook("playbooks/mesos.yml", 900, "-e", changed)
    finally:
        done.set()
        watcher.join()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    after = {master: started_at(cluster[master], "mesos-master") for master in MASTERS}
    assert all(after[master] > before[master] for master in MASTERS), "a master was not restarted"
    # The standbys first, the leader last: leadership moves once, and never for long.
    assert max(after, key=lambda master: after[master]) == leader_before, after
    leaders = [name for _, name in seen if name is not None]
    changes = sum(1 for previous, current in itertools.pairwise(leaders) if previous != current)
    assert changes <= 1, leaders
    gaps, gap_began = [], None
    for when, name in seen:
        if name is None and gap_began is None:
            gap_began = when
        elif name is not None and gap_began is not None:
            gaps.append(when - gap_began)
            gap_began = None
    assert gap_began is None and max(gaps, default=0) < FAILOVER_DEADLINE_S, gaps
    assert (
        "--max_completed_frameworks=40" in cluster[leader_before].run("systemctl show -p ExecStart mesos-master").stdout
    )
    wait_until(lambda: sorted(active_agents(str(leader()))) == sorted(AGENTS), 90, 1, "the agents registered")
