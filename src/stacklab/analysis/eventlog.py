"""Spark event logs (one JSON event a line): jobs, tasks and start-up times, fast.

Only the events read here are decoded — a line's event name comes first, so every other line is
passed over on its first bytes — and they are decoded into small typed structs that skip the
fields not declared (task metrics and the like).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import msgspec


class _TaskInfo(msgspec.Struct):
    launch: int = msgspec.field(name="Launch Time", default=0)
    finish: int = msgspec.field(name="Finish Time", default=0)
    failed: bool = msgspec.field(name="Failed", default=False)
    executor: str = msgspec.field(name="Executor ID", default="")


class _Event(msgspec.Struct):
    event: str = msgspec.field(name="Event")
    job_id: int | None = msgspec.field(name="Job ID", default=None)
    submission: int | None = msgspec.field(name="Submission Time", default=None)
    completion: int | None = msgspec.field(name="Completion Time", default=None)
    timestamp: int | None = msgspec.field(name="Timestamp", default=None)
    app_name: str | None = msgspec.field(name="App Name", default=None)
    task: _TaskInfo | None = msgspec.field(name="Task Info", default=None)


_WANTED = tuple(
    f'{{"Event":"SparkListener{name}"'.encode()
    for name in ("ApplicationStart", "ApplicationEnd", "JobStart", "JobEnd", "TaskEnd", "ExecutorAdded")
)
_DECODER = msgspec.json.Decoder(_Event)


@dataclass
class Job:
    job_id: int
    submitted_ms: int
    completed_ms: int | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.completed_ms is None else (self.completed_ms - self.submitted_ms) / 1000


@dataclass
class EventLog:
    app_name: str = ""
    app_start_ms: int | None = None
    app_end_ms: int | None = None
    jobs: dict[int, Job] = field(default_factory=dict)
    tasks: int = 0
    failed_tasks: int = 0
    first_task_launch_ms: int | None = None
    last_task_finish_ms: int | None = None
    executors_added: int = 0
    first_executor_ms: int | None = None
    unreadable_lines: int = 0
    bytes_read: int = 0

    @property
    def startup_seconds(self) -> float | None:
        """Application start to its first task launch: the framework's start-up overhead."""
        if self.app_start_ms is None or self.first_task_launch_ms is None:
            return None
        return (self.first_task_launch_ms - self.app_start_ms) / 1000


def _lines(stream: IO[bytes], chunk_size: int) -> Iterator[bytes]:
    rest = b""
    while chunk := stream.read(chunk_size):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest.strip():
        yield rest


def _apply(log: EventLog, event: _Event) -> None:
    kind = event.event
    if kind == "SparkListenerTaskEnd" and event.task is not None:
        log.tasks += 1
        log.failed_tasks += event.task.failed
        launch, finish = event.task.launch, event.task.finish
        log.first_task_launch_ms = launch if log.first_task_launch_ms is None else min(log.first_task_launch_ms, launch)
        log.last_task_finish_ms = finish if log.last_task_finish_ms is None else max(log.last_task_finish_ms, finish)
    elif kind == "SparkListenerJobStart" and event.job_id is not None and event.submission is not None:
        log.jobs[event.job_id] = Job(event.job_id, event.submission)
    elif kind == "SparkListenerJobEnd" and event.job_id in log.jobs:
        log.jobs[event.job_id].completed_ms = event.completion
    elif kind == "SparkListenerApplicationStart":
        log.app_name, log.app_start_ms = event.app_name or "", event.timestamp
    elif kind == "SparkListenerApplicationEnd":
        log.app_end_ms = event.timestamp
    elif kind == "SparkListenerExecutorAdded":
        log.executors_added += 1
        if event.timestamp is not None and (log.first_executor_ms is None or event.timestamp < log.first_executor_ms):
            log.first_executor_ms = event.timestamp


def parse_event_log(path: Path, chunk_size: int = 16 << 20) -> EventLog:
    """Read a Spark event log; lines that are not JSON (a log cut short) are counted, not fatal."""
    log = EventLog()
    with path.open("rb") as stream:
        for line in _lines(stream, chunk_size):
            log.bytes_read += len(line) + 1
            if not line.startswith(_WANTED):
                continue
            try:
                _apply(log, _DECODER.decode(line))
            except (msgspec.DecodeError, msgspec.ValidationError):
                log.unreadable_lines += 1
    return log
