"""One run id runs once at a time (stacklab.runner.run_lock, bench_plan's claim)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from stacklab.runner.run_lock import LOCK_FILE, RunBusy, claim, start_time


def test_a_second_process_is_refused_while_the_first_lives(tmp_path: Path) -> None:
    first = subprocess.Popen(["sleep", "60"])
    try:
        claim(tmp_path / "run", first.pid)
        with pytest.raises(RunBusy, match=f"run run is being run by process {first.pid}"):
            claim(tmp_path / "run", os.getpid())
        claim(tmp_path / "run", first.pid)  # the same process planning again (bench.yml plans twice)
    finally:
        first.kill()
        first.wait()
    claim(tmp_path / "run", os.getpid())  # the first is gone: the next run takes the run over
    assert json.loads((tmp_path / "run" / LOCK_FILE).read_text())["pid"] == os.getpid()


def test_a_reused_pid_is_not_the_runner(tmp_path: Path) -> None:
    """A live process whose start time differs from the recorded one is another process."""
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / LOCK_FILE).write_text(json.dumps({"pid": os.getppid(), "start_time": -1}))
    claim(folder, os.getpid())
    assert start_time(os.getpid()) == json.loads((folder / LOCK_FILE).read_text())["start_time"]


def test_the_runner_is_the_ansible_playbook_process_above(tmp_path: Path) -> None:
    """bench_plan runs in a child of a worker of ansible-playbook: the lock names ansible-playbook."""
    import sys

    fake = tmp_path / "ansible-playbook"
    code = "from stacklab.runner.run_lock import playbook_process; print(playbook_process())"
    fake.write_text(f"#!/bin/sh\necho $$\n/bin/sh -c '{sys.executable} -c \"{code}\"'\n")
    fake.chmod(0o755)
    shell_pid, found = subprocess.run([str(fake)], capture_output=True, text=True, check=True).stdout.split()
    assert found == shell_pid
