"""What the benchmarks share: sandbox hosts on a network of their own (so that they never touch the
local sandbox), described by a temporary inventory, and ansible-playbook runs against them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def write_inventory(folder: Path, prefix: str, hosts: list[str], groups: dict[str, list[str]]) -> Path:
    """hosts at prefix.11, .12, ... in group sandbox, plus the given groups; the local group_vars."""
    addresses = {name: {"ansible_host": f"{prefix}.{11 + n}"} for n, name in enumerate(hosts)}
    children: dict[str, dict[str, object]] = {"sandbox": {"hosts": addresses}}
    children.update({group: {"hosts": dict.fromkeys(members)} for group, members in groups.items()})
    (folder / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": children}}))
    (folder / "group_vars").symlink_to(ROOT / "inventories/local/group_vars")
    return folder


def run_playbook(inventory: Path, name: str, network: str, prefix: str, *extra: str) -> tuple[float, str]:
    """Run a playbook on the benchmark's network; its duration and output. Exits with its log on failure."""
    command = [
        "ansible-playbook", "-i", str(inventory), name,
        "-e", f"sandbox_network={network}", "-e", f"sandbox_subnet={prefix}.0/24", *extra,
    ]  # fmt: skip
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-2000:])
        raise SystemExit(f"{name} failed (exit {result.returncode})")
    return took, result.stdout
