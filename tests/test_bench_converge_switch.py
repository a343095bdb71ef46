"""bench.yml's converge switch: with -e converge=false, site.yml's plays are not part of the run at
all (a skipped `when` would still walk each of its tasks on every host), and by default they are."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE_PLAYS = ["ZooKeeper ensemble", "Hadoop", "Spark", "Storm", "Host basics and Java on every host"]


def plays(*extra_vars: str) -> list[str]:
    """The names of bench.yml's plays, as --list-tasks prints them."""
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    command = ["ansible-playbook", "bench.yml", "--list-tasks", "-e", "experiment=unused.yml"]
    command += [argument for extra in extra_vars for argument in ("-e", extra)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return re.findall(r"^\s*play #\d+ \([^)]*\): (.+?)\tTAGS", result.stdout, re.MULTILINE)


def test_site_plays_are_part_of_a_run_by_default() -> None:
    assert set(SITE_PLAYS) <= set(plays())


@pytest.mark.parametrize("switch", ["converge=false", '{"converge": false}'])
def test_converge_false_leaves_site_plays_out(switch: str) -> None:
    listed = plays(switch)
    assert not set(SITE_PLAYS) & set(listed), listed
    assert "Run the workload cells from bench_client" in listed
