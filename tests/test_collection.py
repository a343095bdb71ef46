"""The repository as the collection stacklab.bigdata: `ansible-galaxy collection build` makes an
artifact with the roles and plugins and none of the development tree, it installs into a clean
path, and a role run from there (nothing of this checkout on Ansible's paths) does its work with
the collection's filters and sibling roles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
NAME = f"{GALAXY['namespace']}.{GALAXY['name']}"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    built = run(["ansible-galaxy", "collection", "build", "--output-path", str(out), str(ROOT)], ROOT, dict(os.environ))
    assert built.returncode == 0, built.stdout + built.stderr
    (tarball,) = out.glob("*.tar.gz")
    return tarball


class Installed(NamedTuple):
    place: Path  # where the collection is installed, and where its commands run
    env: dict[str, str]


@pytest.fixture(scope="module")
def installed(artifact: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """An environment whose only stacklab is the installed artifact: its own ansible.cfg, run from
    a folder outside the checkout (no playbook-adjacent collections, no project config)."""
    place = tmp_path_factory.mktemp("installed")
    (place / "ansible.cfg").write_text(f"[defaults]\ncollections_path = {place / 'collections'}\n")
    env = {**os.environ, "ANSIBLE_CONFIG": str(place / "ansible.cfg"), "ANSIBLE_HOME": str(place / ".ansible")}
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    # --no-deps: the dependencies (amazon.aws, ...) come with the pinned ansible package, and
    # Galaxy is not reachable here.
    command = ["ansible-galaxy", "collection", "install", "--no-deps", "-p", str(place / "collections"), str(artifact)]
    done = run(command, place, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(place, env)


def test_the_artifact_holds_the_collection_and_not_the_development_tree(artifact: Path) -> None:
    with tarfile.open(artifact) as archive:
        names = set(archive.getnames())
    for wanted in ("MANIFEST.json", "roles/zookeeper/tasks/main.yml", "plugins/modules/results_append.py"):
        assert wanted in names
    tops = {name.split("/")[0] for name in names}
    assert not tops & {".venv", ".git", "tests", "molecule", "benchmarks", "results", "src"}, tops


def test_every_module_documents_itself_from_the_installed_collection(installed: Installed) -> None:
    listed = run(["ansible-doc", "-t", "module", "-l", NAME, "--json"], *installed)
    assert listed.returncode == 0, listed.stderr
    modules = sorted(json.loads(listed.stdout))
    assert f"{NAME}.results_append" in modules and len(modules) == len(list((ROOT / "plugins/modules").glob("*.py")))
    # ansible-doc fails on a module whose DOCUMENTATION is not valid YAML.
    documented = run(["ansible-doc", "-t", "module", "--json", *modules], *installed)
    assert documented.returncode == 0, documented.stderr
    assert set(json.loads(documented.stdout)) == set(modules)


def validate(installed: Installed, myids: list[int]) -> subprocess.CompletedProcess[str]:
    place = installed.place
    hosts = {f"zk{i}": {"ansible_connection": "local", "zookeeper_id": myid} for i, myid in enumerate(myids, 1)}
    (place / "inventory.yml").write_text(yaml.safe_dump({"all": {"children": {"zookeeper": {"hosts": hosts}}}}))
    playbook = [{"name": "Validate", "hosts": "all", "gather_facts": False, "roles": [{"role": f"{NAME}.validate"}]}]
    (place / "validate.yml").write_text(yaml.safe_dump(playbook))
    return run(["ansible-playbook", "-i", "inventory.yml", "validate.yml"], *installed)


def test_a_role_runs_from_the_installed_collection(installed: Installed) -> None:
    good = validate(installed, [1, 2, 3])
    assert good.returncode == 0, good.stdout + good.stderr
    # The validate role includes the zookeeper role's rules, which use the collection's filters.
    clash = validate(installed, [1, 1, 3])
    assert clash.returncode != 0
    assert "hosts zk1 and zk2 have the same zookeeper_id 1" in clash.stdout, clash.stdout


STAND_IN = """#!/bin/sh
# Stands in for spark-perf: one sample and its results line.
echo '{"metric":"job_time","value":0.2,"unit":"s","timestamp":0,"labels":{"trial":1}}'
echo 'results: {"results":[{"time":0.2}]}'
"""


def test_a_cell_runs_through_the_installed_collections_action_and_module(installed: Installed) -> None:
    """bench_cell (an action) runs the bench_tenants module by its full name: from an installed
    collection a short name is not on the module path (the 4 December CI failure)."""
    from stacklab.spec.experiment import plan

    place = installed.place
    stand_in = place / "spark-perf"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    spec = {
        "name": "one-cell",
        "stack": {"frameworks": ["spark"]},
        "tenants": [
            {"name": "solo", "framework": "spark", "workload": "scheduling-throughput", "options": {"app_warmups": 0}}
        ],
        "trials": 1,
    }
    task = {
        "cell": plan(spec).cells[0],
        "results": str(place / "results"),
        "commands": {"spark-perf": str(stand_in)},
        "timeout": 60,
        "attempt": "20261204T000000.000000",
        "last": True,
    }
    playbook = [{"name": "Cell", "hosts": "localhost", "gather_facts": False, "tasks": [{f"{NAME}.bench_cell": task}]}]
    (place / "cell.yml").write_text(yaml.safe_dump(playbook))
    interpreter = f"ansible_python_interpreter={sys.executable}"  # discovery finds a bare pyenv shim
    done = run(["ansible-playbook", "-i", "localhost,", "-c", "local", "-e", interpreter, "cell.yml"], *installed)
    assert done.returncode == 0, done.stdout + done.stderr
    samples = [json.loads(line) for line in (place / "results" / "samples.jsonl").read_text().splitlines()]
    assert {sample["metric"] for sample in samples} >= {"job_time", "cell_time"}
