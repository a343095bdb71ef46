#!/usr/bin/env python3
"""Print what bench.yml costs per cell beyond the workload's own time.

A sandbox host (its own network) runs a stand-in for spark-perf that prints one sample and a
results line after 0.2 s, so that the cells are almost all orchestration; bench.yml then runs a
matrix of such cells (converge skipped, host metrics on). Per cell, the overhead is the time from
one cell's record to the next one's minus the next cell's own time (cell_time: its tenants' wall
time) — the action's module transfer, the tenants runner, the atomic append and the loop.
The goal: well under one second per cell.

    make benchmark-cell-overhead     (or: .venv/bin/python -m benchmarks.cell_overhead [--cells 30])
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.sandbox_hosts import ROOT, run_playbook, write_inventory

NETWORK = "stacklab-bench-overhead"
PREFIX = "10.89.84"
STUB = """#!/bin/sh
# Stands in for spark-perf in benchmarks/cell_overhead.py: one sample and a results line after 0.2 s.
sleep 0.2
echo '{"metric":"job_time","value":0.2,"unit":"s","timestamp":0,"labels":{"trial":1}}'
echo 'results: {"results":[{"time":0.2}]}'
"""
INSTALL_STUB = [
    {
        "name": "Install the stand-in workload",
        "hosts": "bench_client",
        "gather_facts": False,
        "tasks": [
            {
                "name": "Write it",
                "ansible.builtin.copy": {"dest": "/usr/local/bin/stub-spark-perf", "mode": "0755", "content": STUB},
            }
        ],
    }
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=30)
    args = parser.parse_args()
    spec = {
        "name": "cell-overhead",
        "stack": {"frameworks": ["spark"]},
        "tenants": [
            {"name": "stub", "framework": "spark", "workload": "scheduling-throughput", "options": {"app_warmups": 0}}
        ],
        "matrix": {"num_tasks": {"from": 1, "to": args.cells, "step": 1}},
        "trials": 1,
        "metrics": {"allocation": False},
    }
    with tempfile.TemporaryDirectory(prefix="stacklab-overhead-") as folder:
        inventory = write_inventory(
            Path(folder),
            PREFIX,
            ["co1"],
            {group: ["co1"] for group in ("spark_master", "spark_worker", "bench_client")},
        )
        (Path(folder) / "spec.yml").write_text(yaml.safe_dump(spec))
        (Path(folder) / "stub.yml").write_text(yaml.safe_dump(INSTALL_STUB, sort_keys=False))
        run_id = f"bench-cell-overhead-{time.strftime('%Y%m%dT%H%M%S')}"
        run_playbook(inventory, "playbooks/teardown.yml", NETWORK, PREFIX)
        try:
            run_playbook(inventory, "playbooks/provision.yml", NETWORK, PREFIX)
            run_playbook(inventory, str(Path(folder) / "stub.yml"), NETWORK, PREFIX)
            extra_vars = {
                "experiment": Path(folder) / "spec.yml", "run_id": run_id, "converge": "false",
                "stacklab_target": "static", "workloads_spark_perf_command": "/usr/local/bin/stub-spark-perf",
            }  # fmt: skip
            options = [arg for name, value in extra_vars.items() for arg in ("-e", f"{name}={value}")]
            took, _ = run_playbook(inventory, "bench.yml", NETWORK, PREFIX, *options)
        finally:
            run_playbook(inventory, "playbooks/teardown.yml", NETWORK, PREFIX)
    lines = (ROOT / "results" / run_id / "samples.jsonl").read_text().splitlines()
    cells = sorted((s for s in map(json.loads, lines) if s["metric"] == "cell_time"), key=lambda s: s["timestamp"])
    overheads = [b["timestamp"] - a["timestamp"] - b["value"] for a, b in itertools.pairwise(cells)]
    print(f"bench.yml with {len(cells)} cells of a 0.2 s stand-in workload on one sandbox host: {took:.1f} s in all")
    print(
        f"orchestration per cell (s): median {statistics.median(overheads):.3f}  mean {statistics.mean(overheads):.3f}"
        f"  min {min(overheads):.3f}  max {max(overheads):.3f}  (goal: well under 1 s)"
    )
    print(f"samples: results/{run_id}/samples.jsonl")


if __name__ == "__main__":
    main()
