"""bench.yml with the streaming tenant on the converged Storm cluster: a cell replaces the topology an
interrupted cell left running and records throughput, latency and host metrics; a cell cut by its
timeout fails and leaves no topology behind.

bench.yml runs from the controller with molecule's inventory, `converge=false` (molecule has
converged the hosts) and `stacklab_target=static` (the hosts exist; nothing is provisioned).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import testinfra
import yaml
from sandbox_cluster import ROOT, hosts
from sandbox_cluster import run_bench as run_bench_spec

from stacklab.polling import wait_until

RUN_DEADLINE_S = 600
SLOTS = 2 * len(hosts("storm_supervisor"))  # the sandbox's supervisors offer 2 slots each
RATE = 100
TENANT = "storm"  # the topology's name: bench.yml names it after its tenant


def spec(name: str, duration_s: int, timeout: int) -> dict[str, Any]:
    return {
        "name": name,
        "stack": {"frameworks": ["zookeeper", "storm"]},
        "tenants": [
            {
                "name": TENANT,
                "framework": "storm",
                "workload": "wordcount",
                "options": {"rate": RATE, "duration_s": duration_s, "workers": 2, "sample_interval_s": 5},
            }
        ],
        "trials": 1,
        "timeout": timeout,
        "metrics": {"interval": 2.0},
    }


def cluster(client: testinfra.host.Host) -> dict[str, Any]:
    result = client.run("storm-admin cluster")
    return json.loads(result.stdout) if result.rc == 0 else {"topologies": None, "supervisors": []}


def topologies(client: testinfra.host.Host) -> list[str] | None:
    listed = cluster(client)["topologies"]
    return None if listed is None else [t["name"] for t in listed]


def free_slots(client: testinfra.host.Host) -> int:
    return sum(s["slots"] - s["used_slots"] for s in cluster(client)["supervisors"])


def run_bench(document: dict[str, Any], tmp_path: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    path = tmp_path / "spec.yml"
    path.write_text(yaml.safe_dump(document))
    run_id = f"{document['name']}-{int(time.time())}"
    return run_id, run_bench_spec(path, run_id, RUN_DEADLINE_S)


def samples_of(run_id: str) -> list[dict[str, Any]]:
    path = ROOT / "results" / run_id / "samples.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_cell_replaces_a_leftover_topology_and_records_throughput_latency_and_host_metrics(
    client: testinfra.host.Host, tmp_path: Path
) -> None:
    # What a bench run SIGKILLed mid-cell leaves: the tenant's topology, running, on all but one of
    # the slots, so that the cell's 2 workers would not fit beside it. (Nimbus frees a killed
    # topology's slots a little after it stops listing it: an earlier test's may still count.)
    wait_until(lambda: free_slots(client) == SLOTS, 60, interval_s=2, what=f"all {SLOTS} slots free")
    leftover = client.run(
        f"STACKLAB_APP_NAME={TENANT} stacklab-storm wordcount --rate 10 --workers {SLOTS - 1} --detach"
    )
    assert leftover.rc == 0, leftover.stderr

    run_id, result = run_bench(spec("molecule-storm-cell", duration_s=20, timeout=300), tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "[bench] 1/1 cells" in result.stderr

    samples = samples_of(run_id)
    measured = [s for s in samples if s["labels"].get("tenant") == TENANT]
    assert all(s["labels"]["framework"] == "storm" and s["labels"]["test"] == "wordcount" for s in measured)
    assert {s["labels"]["rate"] for s in measured if "rate" in s["labels"]} == {RATE}
    by_metric: dict[str, list[float]] = {}
    for sample in measured:
        by_metric.setdefault(sample["metric"], []).append(sample["value"])
    # Every interval saw acks: Nimbus's counts are fresher than the 5-s samples (storm_metrics_interval_secs).
    assert len(by_metric["throughput"]) >= 3 and min(by_metric["throughput"]) > 0, by_metric["throughput"]
    assert all(latency > 0 for latency in by_metric["complete_latency"])
    # The rate of the cell's topology, not the leftover's 10 a second.
    assert abs(by_metric["mean_throughput"][0] - RATE) < RATE / 3, by_metric
    assert by_metric["acked_total"][0] > 0 and by_metric["failed_total"][0] == 0
    assert by_metric["startup_time"][0] > 0 and by_metric["app_time"][0] > 20
    assert {s["labels"]["host"] for s in samples if s["metric"] == "cpu_busy"} == set(hosts())
    assert topologies(client) == []


def test_a_cell_cut_by_its_timeout_fails_and_kills_its_topology(client: testinfra.host.Host, tmp_path: Path) -> None:
    run_id, result = run_bench(spec("molecule-storm-timeout", duration_s=600, timeout=45), tmp_path)
    assert result.returncode != 0
    assert f"tenant {TENANT}: killed at the cell's timeout" in result.stdout + result.stderr
    assert not [s for s in samples_of(run_id) if s["metric"] == "cell_time"], "a failed cell records nothing"
    # stacklab-storm kills its topology on SIGTERM (bench_tenants' first signal at the deadline).
    wait_until(lambda: topologies(client) == [], 60, interval_s=2, what="no topology left running")
