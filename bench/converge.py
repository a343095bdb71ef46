#!/usr/bin/env python3
"""Print how long site.yml takes on fresh sandbox hosts (cold converge) and on converged ones
(no-op re-converge), plus provisioning. Uses its own network and hosts, and removes them at the end.

    make converge-bench          (or: .venv/bin/python bench/converge.py [--hosts 3])
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NETWORK = "stacklab-bench-converge"
PREFIX = "10.89.80"


def write_inventory(folder: Path, hosts: int) -> Path:
    names = {f"bc{n}": {"ansible_host": f"{PREFIX}.{10 + n}"} for n in range(1, hosts + 1)}
    inventory = {
        "all": {
            "children": {
                "sandbox": {"hosts": names},
                "zookeeper": {"hosts": dict.fromkeys(names)},
                "bench_client": {"hosts": {"bc1": None}},
            }
        }
    }
    (folder / "hosts.yml").write_text(yaml.safe_dump(inventory))
    (folder / "group_vars").symlink_to(ROOT / "inventories/local/group_vars")
    return folder


def playbook(inventory: Path, name: str) -> tuple[float, str]:
    command = [
        "ansible-playbook", "-i", str(inventory), name,
        "-e", f"sandbox_network={NETWORK}", "-e", f"sandbox_subnet={PREFIX}.0/24",
    ]  # fmt: skip
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-2000:])
        raise SystemExit(f"{name} failed (exit {result.returncode})")
    return took, result.stdout


def changed_total(output: str) -> int:
    return sum(int(n) for n in re.findall(r"changed=(\d+)", output.split("PLAY RECAP")[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=3, help="sandbox hosts (an odd number: they form the ensemble)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklab-converge-") as folder:
        inventory = write_inventory(Path(folder), args.hosts)
        playbook(inventory, "playbooks/teardown.yml")
        try:
            provision, _ = playbook(inventory, "playbooks/provision.yml")
            cold, cold_output = playbook(inventory, "site.yml")
            noop, noop_output = playbook(inventory, "site.yml")
        finally:
            playbook(inventory, "playbooks/teardown.yml")
    print(f"hosts: {args.hosts} (sandbox, ssh with pipelining)")
    print(f"provision:            {provision:7.1f} s")
    print(f"cold converge:        {cold:7.1f} s  (changed={changed_total(cold_output)})")
    print(f"no-op re-converge:    {noop:7.1f} s  (changed={changed_total(noop_output)})")


if __name__ == "__main__":
    main()
