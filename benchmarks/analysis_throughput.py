#!/usr/bin/env python3
"""Print how fast the analysis package reads and aggregates samples and parses Spark event logs,
next to the naive way (pandas read_json of the samples; json.loads of every event-log line).

    .venv/bin/python -m benchmarks.analysis_throughput [--samples 10000000] [--eventlog-mb 1024]

The naive pandas run reads only the first --naive-rows lines (a whole 10-million-line file would
need tens of GB as Python objects); rows/s are compared, not totals. Files go to a temporary folder
that is removed at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import tempfile
import time
from pathlib import Path

from stacklab.analysis.aggregate import aggregate
from stacklab.analysis.eventlog import parse_event_log
from stacklab.results.reader import read_samples, recorded_cells


def write_samples(path: Path, count: int) -> None:
    """Scheduler-throughput-shaped samples: 10 num_tasks x 2 systems x trials, as bench.yml writes them."""
    rng = random.Random(5)
    labels = []
    for num_tasks in range(1000, 11000, 1000):
        for system in ("linux", "osv"):
            for trial in range(1, 6):
                labels.append(
                    json.dumps(
                        {
                            "experiment": "sparkos-scheduler",
                            "test": "scheduling-throughput",
                            "num_tasks": num_tasks,
                            "system": system,
                            "trial": trial,
                            "warmup": trial == 1,
                            "cell": f"{num_tasks}{system}{trial}",
                        },
                        separators=(",", ":"),
                    )
                )
    with path.open("w") as out:
        batch = []
        for n in range(count):
            batch.append(
                f'{{"labels":{labels[n % len(labels)]},"metric":"job_time","timestamp":{1763700000 + n / 1000:.3f},'
                f'"unit":"s","value":{rng.uniform(1, 140):.4f}}}\n'
            )
            if len(batch) == 100_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def write_event_log(path: Path, megabytes: int) -> None:
    """A Spark-shaped event log: start-up events, then jobs of 100 tasks whose end events carry metrics."""
    metrics = {
        "Executor Deserialize Time": 3,
        "Executor Run Time": 41,
        "Result Size": 1024,
        "JVM GC Time": 0,
        "Shuffle Read Metrics": {
            "Remote Blocks Fetched": 0,
            "Local Blocks Fetched": 4,
            "Fetch Wait Time": 0,
            "Remote Bytes Read": 0,
            "Local Bytes Read": 4096,
            "Total Records Read": 100,
        },
        "Shuffle Write Metrics": {
            "Shuffle Bytes Written": 2048,
            "Shuffle Write Time": 100000,
            "Shuffle Records Written": 50,
        },
        "Input Metrics": {"Bytes Read": 0, "Records Read": 0},
        "Output Metrics": {"Bytes Written": 0, "Records Written": 0},
        "Updated Blocks": [],
        "Accumulables": [{"ID": i, "Name": f"internal.metrics.m{i}", "Update": i, "Value": i * 7} for i in range(12)],
    }
    limit = megabytes << 20
    written = 0
    clock = 1763700000000
    with path.open("w") as out:
        head = {"Event": "SparkListenerApplicationStart", "App Name": "bench", "Timestamp": clock}
        written += out.write(json.dumps(head, separators=(",", ":")) + "\n")
        job = 0
        while written < limit:
            lines = [
                json.dumps(
                    {"Event": "SparkListenerJobStart", "Job ID": job, "Submission Time": clock}, separators=(",", ":")
                )
            ]
            for task in range(100):
                info = {
                    "Task ID": job * 100 + task,
                    "Launch Time": clock + task,
                    "Finish Time": clock + task + 40,
                    "Executor ID": str(task % 4),
                    "Host": "node2",
                    "Failed": False,
                    "Killed": False,
                }
                event = {
                    "Event": "SparkListenerTaskEnd",
                    "Stage ID": job,
                    "Task Type": "ResultTask",
                    "Task End Reason": {"Reason": "Success"},
                    "Task Info": info,
                    "Task Metrics": metrics,
                }
                lines.append(json.dumps(event, separators=(",", ":")))
            clock += 200
            lines.append(
                json.dumps(
                    {"Event": "SparkListenerJobEnd", "Job ID": job, "Completion Time": clock}, separators=(",", ":")
                )
            )
            written += out.write("\n".join(lines) + "\n")
            job += 1


def naive_pandas(path: Path, rows: int) -> float:
    import pandas as pd

    with path.open() as source, tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as prefix:
        for _, line in zip(range(rows), source, strict=False):
            prefix.write(line)
    started = time.perf_counter()
    frame = pd.read_json(prefix.name, lines=True)
    labels = pd.json_normalize(frame["labels"])
    frame = pd.concat([frame.drop(columns="labels"), labels], axis=1)
    frame = frame[~frame["warmup"]]
    frame.groupby(["metric", "unit", "experiment", "test", "num_tasks", "system"])["value"].agg(
        ["count", "mean", "median", "std", "min", "max"]
    )
    took = time.perf_counter() - started
    Path(prefix.name).unlink()
    return took


def naive_event_log(path: Path, megabytes: int) -> tuple[float, int]:
    limit = megabytes << 20
    size = 0
    started = time.perf_counter()
    with path.open("rb") as source:
        for line in source:
            json.loads(line)
            size += len(line)
            if size >= limit:
                break
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--naive-rows", type=int, default=1_000_000)
    parser.add_argument("--eventlog-mb", type=int, default=1024)
    parser.add_argument("--naive-eventlog-mb", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklab-benchmark-analysis-", dir="/var/tmp") as folder:
        samples_path, log_path = Path(folder) / "samples.jsonl", Path(folder) / "eventlog"
        write_samples(samples_path, args.samples)
        size_mb = samples_path.stat().st_size / 2**20

        started = time.perf_counter()
        samples = read_samples(samples_path)
        load_s = time.perf_counter() - started
        aggregates = aggregate(samples)
        aggregate_s = time.perf_counter() - started - load_s
        ours = args.samples / (load_s + aggregate_s)
        naive_rows = min(args.naive_rows, args.samples)
        naive = naive_rows / naive_pandas(samples_path, naive_rows)
        print(f"samples: {args.samples:,} lines, {size_mb:,.0f} MB, {len(aggregates)} configurations")
        print(f"  stacklab (read {load_s:.1f} s + aggregate {aggregate_s:.1f} s): {ours:,.0f} rows/s")
        print(f"  naive pandas read_json + json_normalize + groupby ({naive_rows:,} rows): {naive:,.0f} rows/s")
        print(f"  speed-up: {ours / naive:.1f}x (goal: 10x)")
        del samples, aggregates

        # A resume's plan reads the run's recorded cells (bench_plan, before anything is provisioned).
        resume_path, resume_lines = Path(folder) / "resume.jsonl", min(args.samples, 2_000_000)
        with samples_path.open("rb") as source, resume_path.open("wb") as target:
            target.writelines(itertools.islice(source, resume_lines))
        started = time.perf_counter()
        cells = recorded_cells(str(resume_path))
        resume_s = time.perf_counter() - started
        print(f"resume plan: cells recorded in {resume_lines:,} lines ({len(cells):,}): {resume_s:.1f} s (goal: 5 s)")

        write_event_log(log_path, args.eventlog_mb)
        log_mb = log_path.stat().st_size / 2**20
        started = time.perf_counter()
        log = parse_event_log(log_path)
        parse_s = time.perf_counter() - started
        naive_s, naive_bytes = naive_event_log(log_path, args.naive_eventlog_mb)
        print(f"event log: {log_mb:,.0f} MB, {log.tasks:,} tasks, {len(log.jobs):,} jobs")
        print(f"  stacklab parse_event_log (one core): {log_mb / parse_s:,.0f} MB/s (goal: 100 MB/s)")
        print(f"  naive json.loads per line ({naive_bytes / 2**20:,.0f} MB): {naive_bytes / 2**20 / naive_s:,.0f} MB/s")


if __name__ == "__main__":
    main()
