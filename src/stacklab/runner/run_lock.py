"""One run id runs once at a time: the run's folder names the process running it (the
ansible-playbook of bench.yml), and a second run of the same id is refused while that process lives.

A process is its pid and its start time (a pid is reused after the process ends; the pair is not).
Nothing has to release the lock: once its process is gone, the next run of the id takes it over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

LOCK_FILE = "running"


class RunBusy(Exception):
    """Another process is running this run id."""


def start_time(pid: int) -> int | None:
    """When the process started (clock ticks since boot, /proc/<pid>/stat's 22nd field); None if
    there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (2nd field) is in parentheses and may hold spaces: count after its end.
    return int(stat[stat.rindex(")") + 2 :].split()[19])


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def playbook_process(pid: int | None = None) -> int:
    """The ansible-playbook process this one runs under (a module runs in a child of a worker of
    it), else the parent of this process."""
    current: int | None = pid if pid is not None else os.getpid()
    while current and current > 1:
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{current}/cmdline").read_bytes().split(b"\0")
            if any(Path(arg.decode(errors="replace")).name == "ansible-playbook" for arg in argv[:2]):
                return current
        current = _parent(current)
    return os.getppid()


def claim(results_dir: Path, owner: int) -> None:
    """Make process `owner` the one running the run; RunBusy if another live process is."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        try:
            holder = json.loads(handle.read() or "{}")
        except ValueError:
            holder = {}
        pid, started = holder.get("pid"), holder.get("start_time")
        if isinstance(pid, int) and pid != owner and started is not None and start_time(pid) == started:
            raise RunBusy(
                f"run {results_dir.name} is being run by process {pid} (started at tick {started}): wait for it to"
                " end, or stop it, before running it again"
            )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": owner, "start_time": start_time(owner)}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
