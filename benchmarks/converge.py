#!/usr/bin/env python3
"""Print how long site.yml takes on fresh sandbox hosts (cold converge) and on converged ones
(no-op re-converge), plus provisioning. Uses its own network and hosts, and removes them at the end.

    make benchmark-converge          (or: .venv/bin/python -m benchmarks.converge [--hosts 3])
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from benchmarks.sandbox_hosts import run_playbook, write_inventory

NETWORK = "stacklab-bench-converge"
PREFIX = "10.89.80"


def playbook(inventory: Path, name: str) -> tuple[float, str]:
    return run_playbook(inventory, name, NETWORK, PREFIX)


def changed_total(output: str) -> int:
    return sum(int(n) for n in re.findall(r"changed=(\d+)", output.split("PLAY RECAP")[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=3, help="sandbox hosts (an odd number: they form the ensemble)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklab-converge-") as folder:
        names = [f"bc{n}" for n in range(1, args.hosts + 1)]
        inventory = write_inventory(Path(folder), PREFIX, names, {"zookeeper": names, "bench_client": ["bc1"]})
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
