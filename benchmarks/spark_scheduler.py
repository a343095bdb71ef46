#!/usr/bin/env python3
"""spark-perf's scheduling-throughput over num-tasks on a sandbox Spark cluster: the SparkOS paper's
Table III (Linux column), locally. Prints the median job time and tasks/s per point and keeps every
trial as samples in results/<run-id>/samples.jsonl (for `stacklab report`).

Each point is one application: its first trial (which waits for executors to start) is a warm-up,
left out of the figures but kept in the samples with warmup=true. The cluster (ZooKeeper, two
masters, two workers, the client) runs on its own network and is removed at the end.

    make benchmark-spark-scheduler
    .venv/bin/python -m benchmarks.spark_scheduler [--from 1000 --to 10000 --step 1000 --trials 5] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.sandbox_hosts import ROOT, run_playbook, write_inventory
from stacklab.spec.sparkperf import samples_from_jar_output

NETWORK = "stacklab-bench-spark"
PREFIX = "10.89.82"
HOSTS = ["bs1", "bs2", "bs3"]
GROUPS = {
    "zookeeper": ["bs1"],
    "spark_master": ["bs1", "bs2"],
    "spark_worker": ["bs2", "bs3"],
    "spark_history": ["bs1"],
    "bench_client": ["bs1"],
}
CACHE = Path(os.environ.get("STACKLAB_CACHE", "/var/cache/stacklab"))


def playbook(inventory: Path, name: str) -> None:
    print(f"... ansible-playbook {name}", flush=True)
    run_playbook(inventory, name, NETWORK, PREFIX, "-e", "spark_cluster_name=bench")


def run_point(num_tasks: int, trials: int) -> str:
    """One application of trials + 1 trials (the first a warm-up); the jar's standard output."""
    command = (
        f"spark-perf scheduling-throughput --num-tasks {num_tasks} --num-trials {trials + 1} "
        "--ignored-trials 1 --inter-trial-wait 1 --num-jobs 1 --closure-size 0"
    )
    ssh = [
        "ssh", "-i", str(CACHE / "ssh/id_ed25519"), "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", f"root@{PREFIX}.11", command,
    ]  # fmt: skip
    result = subprocess.run(ssh, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        raise SystemExit(f"num-tasks {num_tasks}: spark-perf failed (exit {result.returncode})")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="first", type=int, default=1000)
    parser.add_argument("--to", dest="last", type=int, default=10000)
    parser.add_argument("--step", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=5, help="measured trials per point (plus one warm-up)")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running at the end")
    args = parser.parse_args()
    points = list(range(args.first, args.last + 1, args.step))
    if not points or args.first < 1 or args.trials < 1:
        parser.error("need 1 <= --from <= --to, --step >= 1 and --trials >= 1")

    run_id = time.strftime("bench-spark-scheduler-%Y%m%dT%H%M%SZ", time.gmtime())
    results = ROOT / "results" / run_id
    results.mkdir(parents=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stacklab-spark-bench-") as folder:
        inventory = write_inventory(Path(folder), PREFIX, HOSTS, GROUPS)
        playbook(inventory, "playbooks/teardown.yml")
        try:
            playbook(inventory, "playbooks/provision.yml")
            playbook(inventory, "site.yml")
            for done, num_tasks in enumerate(points, start=1):
                output = run_point(num_tasks, args.trials)
                labels = {"experiment": "sparkos-scheduler", "system": "linux"}
                samples = samples_from_jar_output(output, labels)
                for sample in samples:
                    sample["labels"]["warmup"] = sample["labels"]["trial"] == 1
                with (results / "samples.jsonl").open("a", encoding="utf-8") as handle:
                    handle.writelines(json.dumps(sample) + "\n" for sample in samples)
                times = [sample["value"] for sample in samples if not sample["labels"]["warmup"]]
                median = statistics.median(times)
                rows.append((num_tasks, median, min(times), max(times), num_tasks / median))
                print(f"[{done}/{len(points)}] num-tasks {num_tasks}: median {median:.3f} s", flush=True)
        finally:
            if not args.keep:
                playbook(inventory, "playbooks/teardown.yml")
    print(
        f"\nscheduling-throughput, Spark standalone on 2 sandbox workers (2 cores each), {args.trials} trials per point"
    )
    print(f"{'num-tasks':>9}  {'median s':>9}  {'min s':>7}  {'max s':>7}  {'tasks/s':>8}")
    for num_tasks, median, low, high, rate in rows:
        print(f"{num_tasks:>9}  {median:>9.3f}  {low:>7.3f}  {high:>7.3f}  {rate:>8.0f}")
    print(f"\nsamples: {results / 'samples.jsonl'}  (stacklab report {results})")


if __name__ == "__main__":
    main()
