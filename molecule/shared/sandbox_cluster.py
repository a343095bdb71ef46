"""What the molecule scenarios' tests share (molecule puts this folder on their PYTHONPATH).

Every scenario runs on one cluster (.config/molecule/config.yml): its hosts and groups come from
molecule's inventory, so that a test names daemons by inventory group rather than by host. The
playbooks tests run from the controller (bench.yml, site.yml) get molecule's inventory and the
extra variables molecule's converge got.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import testinfra
import yaml

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _inventory() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(Path(os.environ["MOLECULE_INVENTORY_FILE"]).read_text())
    return document


def hosts(group: str = "all") -> list[str]:
    """The hosts of an inventory group (default every host), in inventory order; empty when the
    group is not there."""
    return list((_inventory().get(group) or {}).get("hosts") or {})


def address(host: str) -> str:
    """The host's address on the sandbox network (reachable from the controller)."""
    return str(_inventory()["all"]["hosts"][host]["ansible_host"])


def connect(host: str) -> testinfra.host.Host:
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    return testinfra.get_host(f"ansible://{host}?ansible_inventory={inventory}")


def get_json(url: str) -> Any:
    """The JSON document at `url` (from the controller), None when nothing or no JSON answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def namenode_state(namenode: str) -> str:
    """The NameNode's HA state (active, standby...) from its JMX, what `hdfs haadmin
    -getServiceState` prints without a client JVM a look; "down" when it does not answer."""
    url = f"http://{address(namenode)}:9870/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus"
    bean = get_json(url) or {}
    return next((str(b.get("State")) for b in bean.get("beans", [])), "down")


@functools.cache
def converge_arguments() -> list[str]:
    """The extra arguments molecule gives its converge (the sandbox network, host memory...): the
    scenario's own when it has a cluster of its own (molecule/mesos), else the shared cluster's."""
    shared = ROOT / ".config/molecule/config.yml"
    scenario = Path(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", shared.parent)) / "molecule.yml"
    for config_file in (scenario, shared):
        config = yaml.safe_load(config_file.read_text()) if config_file.is_file() else {}
        if arguments := (config.get("provisioner") or {}).get("ansible_args"):
            return [str(argument) for argument in arguments]
    raise RuntimeError(f"no provisioner.ansible_args in {scenario} or {shared}")


def playbook_command(playbook: str, *arguments: str, **extra_vars: Any) -> list[str]:
    """ansible-playbook with molecule's inventory and converge arguments, then these arguments and
    variables."""
    inventory = Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent
    options = [argument for name, value in extra_vars.items() for argument in ("-e", f"{name}={value}")]
    return ["ansible-playbook", str(ROOT / playbook), "-i", str(inventory), *converge_arguments(), *arguments, *options]


def playbook_environment() -> dict[str, str]:
    """The environment of a playbook run: this one's, with bench.yml's progress lines on (CI silences them)."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    return {**env, "STACKLAB_PROGRESS": "1", "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}


def run_playbook(playbook: str, timeout: float, *arguments: str, **extra_vars: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        playbook_command(playbook, *arguments, **extra_vars),
        cwd=ROOT,
        env=playbook_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_bench(spec: Path, run_id: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """bench.yml on the converged cluster: converge=false (molecule has converged the hosts) and
    stacklab_target=static (the hosts exist; nothing is provisioned)."""
    return run_playbook(
        "bench.yml", timeout, experiment=spec, run_id=run_id, converge="false", stacklab_target="static"
    )
