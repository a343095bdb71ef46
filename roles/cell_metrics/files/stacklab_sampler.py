#!/usr/bin/python3
"""Sample this host's /proc counters and the resource managers' allocations into a JSON-lines file.

Started by bench.yml (roles/cell_metrics) as a transient systemd unit on every host while cells
run; stops on SIGTERM or at systemd's RuntimeMaxSec. Each line is one sample, made by
stacklab.results.schema (the role ships that module beside this file). Standard library only
otherwise: it runs on the hosts' own python3.

Host metrics (--host-metrics): cpu_busy (percent of all cores since the last sample), mem_used_mb,
load1, and the counters disk_read_bytes, disk_write_bytes, net_rx_bytes, net_tx_bytes (lo left out).
Allocation (the interference paper's Figure 5), per application, labelled framework and tenant
(the application's name; bench names each tenant's application after the tenant):
  --spark-master URL   Spark standalone masters' /json/ (the ALIVE one answers): cpus,
                       capacity_cpus, capacity_mem_mb; with --spark-driver-host, each driver's
                       REST API adds active_tasks, pending_tasks, completed_tasks, and mem_mb
                       (its executors times the master's memory per executor)
  --yarn-rm URL        the ResourceManager's /ws/v1/cluster/apps: cpus, mem_mb, active_tasks
                       (running containers), pending_tasks (1 while the application waits to start)
  --mesos-master URL   Mesos masters' /state: capacity_cpus, capacity_mem_mb (the active agents'),
                       per framework cpus, mem_mb, active_tasks; and once
                       per task (labelled with its agent), task_start_s (its first status, staging
                       or starting, to running) and
                       task_running_after_s (the framework's registration to the task running: the
                       interference paper's startup overhead, each agent's executor later)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from stacklab.results.schema import sample

HTTP_TIMEOUT_S = 2.0
DRIVER_PORTS = range(4040, 4056)  # Spark drivers take 4040 and count up when it is taken
Sample = dict[str, Any]


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as response:
        return json.load(response)


def _try(url: str) -> Any:
    try:
        return _get(url)
    except (OSError, ValueError, urllib.error.URLError):
        return None


class HostCounters:
    """The /proc readings; cpu_busy needs the previous reading."""

    def __init__(self, proc: str = "/proc"):
        self.proc = proc
        self.last_cpu: tuple[int, int] | None = None

    def _read(self, name: str) -> str:
        with open(os.path.join(self.proc, name), encoding="ascii") as handle:
            return handle.read()

    def cpu_busy(self) -> float | None:
        fields = [int(value) for value in self._read("stat").splitlines()[0].split()[1:]]
        idle, total = fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])
        previous, self.last_cpu = self.last_cpu, (idle, total)
        if previous is None or total == previous[1]:
            return None
        return round(100.0 * (1 - (idle - previous[0]) / (total - previous[1])), 2)

    def memory_used_mb(self) -> float:
        info = {line.split(":")[0]: int(line.split()[1]) for line in self._read("meminfo").splitlines() if ":" in line}
        return round((info["MemTotal"] - info.get("MemAvailable", info.get("MemFree", 0))) / 1024, 1)

    def disk_bytes(self) -> tuple[int, int]:
        read = written = 0
        for line in self._read("diskstats").splitlines():
            parts = line.split()
            name = parts[2]
            # Whole devices only (a partition's sectors are already in its disk's).
            if name.startswith(("loop", "ram", "dm-")) or (name[-1].isdigit() and not name.startswith("nvme")):
                continue
            if name.startswith("nvme") and "p" in name[4:]:
                continue
            read, written = read + int(parts[5]) * 512, written + int(parts[9]) * 512
        return read, written

    def net_bytes(self) -> tuple[int, int]:
        rx = tx = 0
        for line in self._read("net/dev").splitlines()[2:]:
            name, _, data = line.partition(":")
            if name.strip() == "lo":
                continue
            values = data.split()
            rx, tx = rx + int(values[0]), tx + int(values[8])
        return rx, tx

    def samples(self) -> Iterator[tuple[str, float, str]]:
        busy = self.cpu_busy()
        if busy is not None:
            yield "cpu_busy", busy, "percent"
        yield "mem_used_mb", self.memory_used_mb(), "MB"
        yield "load1", float(self._read("loadavg").split()[0]), "count"
        read, written = self.disk_bytes()
        yield "disk_read_bytes", read, "bytes"
        yield "disk_write_bytes", written, "bytes"
        rx, tx = self.net_bytes()
        yield "net_rx_bytes", rx, "bytes"
        yield "net_tx_bytes", tx, "bytes"


def spark_master_samples(state: dict[str, Any]) -> Iterator[tuple[str, float, dict[str, Any]]]:
    """(metric, value, labels) from an ALIVE standalone master's /json/."""
    yield "capacity_cpus", float(state.get("cores", 0)), {"framework": "spark"}
    yield "capacity_mem_mb", float(state.get("memory", 0)), {"framework": "spark"}
    for app in state.get("activeapps", []):
        labels = {"framework": "spark", "tenant": app.get("name", app.get("id")), "app_id": app.get("id")}
        yield "cpus", float(app.get("cores", 0)), labels


def spark_driver_samples(
    base: str, app: dict[str, Any], executor_mb: float
) -> Iterator[tuple[str, float, dict[str, Any]]]:
    """Tasks of one application from its driver's REST API, and the memory its executors hold
    (executor_mb each, from the master: the driver reports only their storage memory)."""
    labels = {"framework": "spark", "tenant": app.get("name", app["id"]), "app_id": app["id"]}
    executors = [e for e in _try(f"{base}/api/v1/applications/{app['id']}/executors") or [] if e.get("id") != "driver"]
    stages = _try(f"{base}/api/v1/applications/{app['id']}/stages?status=active") or []
    yield "active_tasks", float(sum(e.get("activeTasks", 0) for e in executors)), labels
    yield "completed_tasks", float(sum(e.get("completedTasks", 0) for e in executors)), labels
    pending = sum(
        max(0, s.get("numTasks", 0) - s.get("numActiveTasks", 0) - s.get("numCompleteTasks", 0)) for s in stages
    )
    yield "pending_tasks", float(pending), labels
    yield "mem_mb", float(len(executors) * executor_mb), labels


def yarn_samples(apps: dict[str, Any]) -> Iterator[tuple[str, float, dict[str, Any]]]:
    for app in (apps.get("apps") or {}).get("app") or []:
        labels = {
            "framework": str(app.get("applicationType", "yarn")).lower(),
            "tenant": app.get("name"),
            "app_id": app.get("id"),
        }
        yield "cpus", float(app.get("allocatedVCores", 0)), labels
        yield "mem_mb", float(app.get("allocatedMB", 0)), labels
        yield "active_tasks", float(app.get("runningContainers", 0)), labels
        yield (
            "pending_tasks",
            1.0 if app.get("state") in ("NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED") else 0.0,
            labels,
        )


def mesos_samples(state: dict[str, Any]) -> Iterator[tuple[str, float, dict[str, Any]]]:
    """(metric, value, labels) from the leading master's /state: what its active agents offer, and
    what each framework holds."""
    agents = [agent for agent in state.get("slaves", []) if agent.get("active")]
    yield (
        "capacity_cpus",
        float(sum(agent.get("resources", {}).get("cpus", 0) for agent in agents)),
        {"framework": "mesos"},
    )
    yield (
        "capacity_mem_mb",
        float(sum(agent.get("resources", {}).get("mem", 0) for agent in agents)),
        {"framework": "mesos"},
    )
    for framework in state.get("frameworks", []):
        labels = {"framework": "mesos", "tenant": framework.get("name"), "app_id": framework.get("id")}
        used = framework.get("used_resources", {})
        live = [
            t for t in framework.get("tasks", []) if t.get("state") in ("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING")
        ]
        yield "cpus", float(used.get("cpus", 0)), labels
        yield "mem_mb", float(used.get("mem", 0)), labels
        yield "active_tasks", float(len(live)), labels


def mesos_task_starts(state: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[tuple[str, float]], float]]:
    """(labels, [(metric, value)], when) for each task of the master's frameworks that has run:
    how long it took from its first status to running (task_start_s: staging, or starting, which is
    what the master records first for a command task: the executor's launch), and how long after
    its framework registered it ran (task_running_after_s), at the time it ran."""
    agents = {agent.get("id"): agent.get("hostname") for agent in state.get("slaves", [])}
    for framework in state.get("frameworks", []) + state.get("completed_frameworks", []):
        registered = framework.get("registered_time")
        for task in framework.get("tasks", []) + framework.get("completed_tasks", []):
            times = {status.get("state"): status.get("timestamp") for status in task.get("statuses", [])}
            staged, running = times.get("TASK_STAGING", times.get("TASK_STARTING")), times.get("TASK_RUNNING")
            if running is None:
                continue
            labels = {
                "framework": "mesos",
                "tenant": framework.get("name"),
                "app_id": framework.get("id"),
                "task_id": task.get("id"),
                "agent": agents.get(task.get("slave_id"), task.get("slave_id")),
            }
            values = [("task_start_s", round(running - staged, 3))] if staged is not None else []
            if registered is not None:
                values.append(("task_running_after_s", round(running - registered, 3)))
            yield labels, values, running


class Sampler:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.counters = HostCounters() if args.host_metrics else None
        self.executor_mb: dict[str, float] = {}  # app id -> memory per executor, from the master
        self.last_seen: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.mesos_state: dict[str, Any] = {}  # the leading Mesos master's /state of this tick
        self.mesos_tasks_seen: set[tuple[str, str]] = set()  # (framework id, task id) sampled once

    def _allocations(self) -> Iterator[tuple[str, float, dict[str, Any]]]:
        for url in self.args.spark_master:
            state = _try(url.rstrip("/") + "/json/")
            if state and state.get("status") == "ALIVE":
                self.executor_mb = {
                    app.get("id"): float(app.get("memoryperexecutor", app.get("memoryperslave", 0)))
                    for app in state.get("activeapps", [])
                }
                yield from spark_master_samples(state)
                if self.args.spark_driver_host:
                    yield from self._drivers()
                break
        for url in self.args.yarn_rm:
            apps = _try(url.rstrip("/") + "/ws/v1/cluster/apps?states=NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING")
            if apps is not None:
                yield from yarn_samples(apps)
                break
        self.mesos_state = {}
        for url in self.args.mesos_master:
            state = _try(url.rstrip("/") + "/state")
            if state and state.get("leader") and state.get("pid") == state.get("leader"):
                self.mesos_state = state
                yield from mesos_samples(state)
                break

    def _mesos_task_starts(self) -> Iterator[Sample]:
        """Each task's start samples, once: when the leading master first shows it running."""
        for labels, values, when in mesos_task_starts(self.mesos_state):
            key = (str(labels["app_id"]), str(labels["task_id"]))
            if key in self.mesos_tasks_seen:
                continue
            self.mesos_tasks_seen.add(key)
            for metric, value in values:
                yield sample(metric, value, "s", {**labels, "source_host": self.args.host}, round(when, 3))

    def _drivers(self) -> Iterator[tuple[str, float, dict[str, Any]]]:
        for port in DRIVER_PORTS:
            base = f"http://{self.args.spark_driver_host}:{port}"
            apps = _try(f"{base}/api/v1/applications")
            if apps is None:
                continue
            for app in apps:
                yield from spark_driver_samples(base, app, self.executor_mb.get(app["id"], 0.0))

    def once(self) -> list[Sample]:
        now = round(time.time(), 3)
        out: list[Sample] = []
        if self.counters is not None:
            for metric, value, unit in self.counters.samples():
                out.append(sample(metric, value, unit, {"host": self.args.host}, now))
        seen: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for metric, value, labels in self._allocations():
            seen[(metric, json.dumps(labels, sort_keys=True))] = (metric, labels)
            out.append(_allocation(metric, value, labels, now, self.args.host))
        # An application that has ended holds nothing: say so once, so that a timeline (which
        # holds each value until the next sample) drops to zero instead of holding its last value.
        for key, (metric, labels) in self.last_seen.items():
            if key not in seen:
                out.append(_allocation(metric, 0.0, labels, now, self.args.host))
        self.last_seen = seen
        out.extend(self._mesos_task_starts())
        return out


def _allocation(metric: str, value: float, labels: dict[str, Any], now: float, host: str) -> Sample:
    unit = "MB" if "mem" in metric else ("cores" if "cpus" in metric else "count")
    return sample(metric, value, unit, {**labels, "source_host": host}, now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--host", default=os.uname().nodename)
    parser.add_argument("--host-metrics", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--spark-master", action="append", default=[])
    parser.add_argument("--spark-driver-host")
    parser.add_argument("--yarn-rm", action="append", default=[])
    parser.add_argument("--mesos-master", action="append", default=[])
    args = parser.parse_args(argv)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    sampler = Sampler(args)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as out:
        while not stop:
            started = time.monotonic()
            lines = "".join(json.dumps(sample, separators=(",", ":")) + "\n" for sample in sampler.once())
            out.write(lines)  # whole lines per tick; the collector drops a cut last line
            out.flush()
            time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
