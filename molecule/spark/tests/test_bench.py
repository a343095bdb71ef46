"""bench.yml on a real Spark cluster: a killed run resumes with exactly the missing cells, and a
two-tenant run records host metrics and both tenants' allocation timelines.

bench.yml runs from the controller with molecule's inventory, `converge=false` (molecule has
converged the hosts) and `stacklab_target=static` (the hosts exist; nothing is provisioned).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from sandbox_cluster import ROOT, hosts, playbook_command, playbook_environment, run_bench

from stacklab.polling import wait_until
from stacklab.spec.experiment import plan

RUN_DEADLINE_S = 900

RESUME_SPEC: dict[str, Any] = {
    "name": "molecule-resume",
    "stack": {"frameworks": ["zookeeper", "spark"]},
    "tenants": [
        {"name": "spark", "framework": "spark", "workload": "scheduling-throughput", "options": {"app_warmups": 0}}
    ],
    "matrix": {"num_tasks": [40, 80, 120]},  # 3 cells: killed after 2, resumed with the third
    "trials": 1,
    "timeout": 240,
    "metrics": {"interval": 2.0},
}

TWO_TENANTS_SPEC: dict[str, Any] = {
    "name": "molecule-two-tenants",
    "stack": {"frameworks": ["zookeeper", "spark"]},
    "tenants": [
        {
            "name": "alpha",
            "framework": "spark",
            "workload": "aggregate-by-key",
            "options": {
                # Enough work that the 1-s samples see its tasks run (its jobs take seconds).
                "num_records": 1000000,
                "unique_keys": 300,
                "unique_values": 300,
                "num_partitions": 8,
                "reduce_tasks": 8,
                "app_warmups": 1,
            },
        },
        {
            "name": "beta",
            "framework": "spark",
            "workload": "scheduling-throughput",
            "start_offset": 5,
            "options": {"num_tasks": 2000, "app_warmups": 1},
        },
    ],
    "trials": 1,
    "timeout": 300,
    "metrics": {"interval": 1.0},
}


def bench_command(spec: Path, run_id: str) -> list[str]:
    return playbook_command("bench.yml", experiment=spec, run_id=run_id, converge="false", stacklab_target="static")


@pytest.fixture
def write_spec(tmp_path: Path) -> Any:
    def write(document: dict[str, Any], name: str) -> Path:
        path = tmp_path / f"{name}.yml"
        path.write_text(yaml.safe_dump(document))
        return path

    return write


def results_of(run_id: str) -> Path:
    return ROOT / "results" / run_id


def read_samples(run_id: str) -> list[dict[str, Any]]:
    """Every line must be a whole sample: a killed run never leaves a cut line."""
    text = (results_of(run_id) / "samples.jsonl").read_text()
    assert not text or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def cell_times(run_id: str) -> list[dict[str, Any]]:
    path = results_of(run_id) / "samples.jsonl"
    if not path.exists():
        return []
    return [s for s in read_samples(run_id) if s["metric"] == "cell_time"]


def run_to_the_end(spec: Path, run_id: str) -> subprocess.CompletedProcess[str]:
    result = run_bench(spec, run_id, RUN_DEADLINE_S)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def test_a_killed_run_resumes_with_exactly_the_missing_cells(write_spec: Any) -> None:
    spec = write_spec(RESUME_SPEC, "resume")
    run_id = f"molecule-resume-{int(time.time())}"
    keys = [cell["key"] for cell in plan(RESUME_SPEC).cells]

    first = subprocess.Popen(
        bench_command(spec, run_id),
        cwd=ROOT,
        env=playbook_environment(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: len(cell_times(run_id)) >= 2 or first.poll() is not None, RUN_DEADLINE_S, 0.5)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the whole run, in the middle of a cell
        first.wait()
    killed_at = time.time()
    before = {s["labels"]["cell"] for s in cell_times(run_id)}
    assert 2 <= len(before) < len(keys), "the run was not killed part-way"

    second = run_to_the_end(spec, run_id)
    assert f"{len(keys) - len(before)} of {len(keys)} cells to run" in second.stderr
    assert f"[bench] {len(keys)}/{len(keys)} cells ({len(before)} recorded before)" in second.stderr

    samples = read_samples(run_id)
    per_cell = Counter(s["labels"]["cell"] for s in samples if s["metric"] == "cell_time")
    assert sorted(per_cell) == sorted(keys) and set(per_cell.values()) == {1}, "a cell is missing or recorded twice"
    jobs = Counter(s["labels"]["cell"] for s in samples if s["metric"] == "job_time")
    assert set(jobs.values()) == {1}, "one measured job per cell (no warm-up jobs asked)"
    rerun = {s["labels"]["cell"] for s in samples if s["metric"] == "cell_time" and s["timestamp"] > killed_at}
    assert rerun == set(keys) - before, "exactly the missing cells ran again"


def test_two_tenants_record_both_allocation_timelines_and_host_metrics(write_spec: Any) -> None:
    spec = write_spec(TWO_TENANTS_SPEC, "two")
    run_id = f"molecule-two-{int(time.time())}"
    result = run_to_the_end(spec, run_id)
    assert "[bench] 1/1 cells" in result.stderr

    samples = read_samples(run_id)
    apps = {s["labels"]["tenant"]: s["value"] for s in samples if s["metric"] == "app_time"}
    assert set(apps) == {"alpha", "beta"}
    for tenant in ("alpha", "beta"):
        cpus = [s["value"] for s in samples if s["metric"] == "cpus" and s["labels"].get("tenant") == tenant]
        assert cpus and max(cpus) > 0, f"no allocation timeline with cores for {tenant}"
        tasks = [s["value"] for s in samples if s["metric"] == "active_tasks" and s["labels"].get("tenant") == tenant]
        assert tasks and max(tasks) > 0, f"no running tasks seen for {tenant}"
    hosts_seen = {s["labels"]["host"] for s in samples if s["metric"] == "cpu_busy"}
    assert hosts_seen == set(hosts())
    capacity = [s["value"] for s in samples if s["metric"] == "capacity_cpus"]
    assert capacity and capacity[-1] == 2 * len(hosts("spark_worker"))  # the sandbox offers 2 cores a worker

    timeline = subprocess.run(
        ["stacklab", "timeline", str(results_of(run_id))], capture_output=True, text=True, check=False
    )
    assert timeline.returncode == 0, timeline.stderr
    assert "figure:" in timeline.stdout


def test_a_bad_spec_changes_nothing(write_spec: Any) -> None:
    spec = write_spec({**RESUME_SPEC, "matrix": {"num_tasks": {"from": 10, "to": 0, "step": 5}}}, "bad")
    run_id = f"molecule-bad-{int(time.time())}"
    result = run_bench(spec, run_id, 300)
    assert result.returncode != 0
    assert "matrix.num_tasks: to (0) is below from (10)" in result.stdout + result.stderr
    assert not results_of(run_id).exists()
