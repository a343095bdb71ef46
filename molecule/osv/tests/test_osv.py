"""Verify OSv workers on their own sandbox (molecule/osv): real OSv VMs under qemu (software
emulation here), stacklab's executor agent in each, Spark 3.5.9 drivers in the client container.

The image is composed once and readable by root only; each worker's agent answers the cluster's
secret with its offer and nothing else; a worker rebooted as a Linux guest under the same qemu
(system linux-vm: the same agent on a disk of its own) runs a Spark application's executor;
spark-perf's scheduling throughput through bench.yml as system osv boots that worker as OSv again,
runs with its executors on the OSv agents, and records its samples with the rebooted worker's
launch-to-registered time; a task that calls System.exit ends only its executor, and the agent runs
the replacement. The tests run in file order (they reboot a worker).
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import testinfra
import yaml
from ansible_collections.stacklab.bigdata.plugins.module_utils.osv_agent import AgentError, request
from sandbox_cluster import ROOT, address, hosts, run_playbook

from stacklab.polling import wait_until

WORKERS = hosts("osv_worker")
PORT = 7610
CACHE = Path(os.environ.get("STACKLAB_CACHE", "/var/cache/stacklab"))
SECRET = (CACHE / "credentials/spark-molecule-osv.secret").read_text()
AGENT_JAR = "/opt/spark/osv/stacklab-osv-3.5.9.jar"


def status(worker: str, secret: str = SECRET) -> dict[str, str]:
    answer: dict[str, str] = request(address(worker), PORT, secret, "STATUS")
    return answer


def launched(worker: str) -> int:
    return int(status(worker)["launched"])


def idle(worker: str) -> bool:
    try:
        return status(worker).get("state") == "idle"
    except AgentError:
        return False


def test_the_image_is_composed_once_and_readable_by_root_only() -> None:
    images = sorted((CACHE / "osv/images").glob("spark-3.5.9-worker-*.qcow2"))
    assert len(images) == 1, images
    assert stat.S_IMODE(images[0].stat().st_mode) == 0o600


def test_each_worker_answers_the_clusters_secret_with_its_offer_and_nothing_else() -> None:
    for worker in WORKERS:
        answer = status(worker)
        assert (answer["status"], answer["cores"], answer["memory_mb"]) == ("OK", "1", "640"), answer
        assert status(worker, "not-the-secret") == {"status": "ERR", "reason": "unauthenticated"}


def bench(spec_name: str, tmp_path: Path, system: str, trials: int) -> list[dict[str, Any]]:
    """Runs experiments/sparkos-scheduler-osv-local.yml through bench.yml as system `system` with
    100 tasks: its samples."""
    spec = yaml.safe_load((ROOT / "experiments/sparkos-scheduler-osv-local.yml").read_text())
    spec.update(name=spec_name, system=system, matrix={"num_tasks": [100]}, trials=trials)
    spec["tenants"][0]["options"]["app_warmups"] = 0
    (tmp_path / "spec.yml").write_text(yaml.safe_dump(spec))
    run_id = f"{spec_name}-{int(time.time())}"
    # converge=false: the client is converged; bench.yml still boots the workers that are not
    # running as the system's guest (playbooks/converged.yml).
    result = run_playbook("bench.yml", 1200, experiment=tmp_path / "spec.yml", run_id=run_id, converge="false")
    assert result.returncode == 0, result.stdout[-4000:]
    lines = (ROOT / "results" / run_id / "samples.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def registered_as(samples: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(host, system) of the run's launch-to-registered samples, each checked to be a time."""
    registered = [s for s in samples if s["metric"] == "node_registered_s"]
    assert all(0 < s["value"] < 300 for s in registered), registered
    return sorted((s["labels"]["host"], s["labels"]["system"]) for s in registered)


def test_a_worker_rebooted_as_a_linux_guest_runs_the_same_agent(client: testinfra.host.Host) -> None:
    """system linux-vm's worker: the same VM slot booted as a Linux guest under the same qemu (Debian
    12's kernel, the sandbox image, the same agent from its /app disk) runs a Spark application's
    executor. (bench.yml's linux-vm runs reboot every worker so; here one, to keep the test short.)"""
    linux = WORKERS[-1]
    booted = run_playbook("playbooks/osv.yml", 300, "--limit", linux, osv_worker_guest="linux")
    assert booted.returncode == 0, booted.stdout[-3000:]
    assert "launch to registered" in booted.stdout
    # The same agent (its offer, its authentication), now on Linux: its /app disk is root's only.
    assert status(linux)["cores"] == "1" and status(linux)["launched"] == "0"
    assert status(linux, "not-the-secret") == {"status": "ERR", "reason": "unauthenticated"}
    disks = sorted((CACHE / "osv/images").glob("spark-3.5.9-worker-app-*.ext4"))
    assert len(disks) == 1 and stat.S_IMODE(disks[0].stat().st_mode) == 0o600, disks
    master = f"spark+osv://{address(linux)}:{PORT}"
    command = f"STACKLAB_SPARK_MASTER={master} spark-perf scheduling-throughput --num-tasks 100 --num-trials 1"
    result = client.run(f"runuser -u spark -- bash -lc '{command}'")
    assert result.rc == 0, result.stderr[-3000:]
    (trial,) = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"')]
    assert trial["metric"] == "job_time" and trial["value"] > 0
    assert launched(linux) == 1


def test_scheduling_throughput_runs_on_the_osv_agents_and_its_samples_are_recorded(tmp_path: Path) -> None:
    # The last worker runs Linux (the test before): the run boots it again as OSv, and measures it.
    rebooted = WORKERS[-1]
    before = {worker: launched(worker) for worker in WORKERS if worker != rebooted}
    samples = bench("molecule-osv-scheduler", tmp_path, "osv", trials=2)
    jobs = [s for s in samples if s["metric"] == "job_time" and s["labels"].get("system") == "osv"]
    assert len(jobs) == 2 and all(s["value"] > 0 for s in jobs), jobs
    assert registered_as(samples) == [(rebooted, "osv")]
    # Both workers ran the application's executors (the running worker's count grew).
    assert launched(rebooted) >= 1
    assert all(launched(worker) > count for worker, count in before.items())


def exit_check(client: testinfra.host.Host) -> dict[str, Any]:
    """stacklab.osv.check.ExitingTask (in the cluster manager's jar) as the spark user, with one
    executor at a time (spark.cores.max 1: the task's retry needs the replacement): its JSON line."""
    command = f"spark-submit --conf spark.cores.max=1 --class stacklab.osv.check.ExitingTask {AGENT_JAR}"
    result = client.run(f"runuser -u spark -- bash -lc '{command}'")
    assert result.rc == 0, result.stderr[-3000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("{")]
    document: dict[str, Any] = json.loads(line)
    return document


def test_a_task_that_exits_ends_only_its_executor_and_the_agent_runs_the_next(client: testinfra.host.Host) -> None:
    wait_until(lambda: all(idle(worker) for worker in WORKERS), 60, 1, "the agents idle")
    before = sum(launched(worker) for worker in WORKERS)
    result = exit_check(client)
    # The job completed: with its only executor gone, the exiting task's retry ran on a new one.
    assert result["count"] == 100, result
    assert len(result["removed"]) == 1, result
    assert set(result["added"]) - set(result["removed"]), result
    # The agents' JVMs (the VMs) lived through the exit, and an agent started the replacement: two
    # executors for the application.
    wait_until(lambda: all(idle(worker) for worker in WORKERS), 60, 1, "the agents idle again")
    assert sum(launched(worker) for worker in WORKERS) - before == 2
