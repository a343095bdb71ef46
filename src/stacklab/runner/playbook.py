"""`stacklab bench`: bench.yml through ansible-runner, after validating the spec here first."""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from stacklab.spec import strict_yaml
from stacklab.spec.experiment import SpecError, load, missing_workloads

# What `stacklab bench` sets itself, from its own options: not to be given again with -e.
OWN_VARIABLES = ("experiment", "stacklab_target", "teardown", "run_id")


class ExtraVarsError(ValueError):
    """An -e argument stacklab bench cannot pass on."""


def parse_extra_vars(arguments: list[str]) -> dict[str, Any]:
    """ansible-playbook's -e forms: KEY=VALUE (a string) or @FILE (a YAML mapping), later ones
    winning; the variables stacklab bench sets from its own options are refused."""
    variables: dict[str, Any] = {}
    for argument in arguments:
        if argument.startswith("@"):
            path = Path(argument[1:])
            try:
                document = strict_yaml.load(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise ExtraVarsError(f"-e {argument}: cannot read: {error.strerror}") from error
            except yaml.YAMLError as error:
                raise ExtraVarsError(f"-e {argument}: not valid YAML: {error}") from error
            if not isinstance(document, dict):
                raise ExtraVarsError(f"-e {argument}: the file must hold a mapping of variables")
            variables.update(document)
            continue
        key, equals, value = argument.partition("=")
        if not equals or not key.isidentifier():
            raise ExtraVarsError(f"-e {argument!r}: expected KEY=VALUE (KEY a variable name) or @FILE")
        variables[key] = value
    own = sorted(set(variables) & set(OWN_VARIABLES))
    if own:
        raise ExtraVarsError(
            f"-e: {', '.join(own)} come from stacklab bench's own options (SPEC, --target, --teardown, --run-id)"
        )
    return variables


# The sandboxes for stacks beyond the default one's (Spark standalone): Mesos (with HDFS for the
# inputs), else HDFS and YARN.
LOCAL_SANDBOXES = (("mesos", "local-mesos"), ("hadoop", "local-interference"))


def default_inventory(project: Path, target: str, frameworks: list[str], spark_mode: str | None = None) -> Path:
    """inventories/<target>; on the local sandbox, inventories/local-osv for Spark on OSv workers,
    inventories/local-mesos for a stack with Mesos and inventories/local-interference for one with
    Hadoop (the interference paper's specs)."""
    if target == "local" and spark_mode == "osv":
        return project / "inventories" / "local-osv"
    if target == "local":
        for framework, sandbox in LOCAL_SANDBOXES:
            if framework in frameworks:
                return project / "inventories" / sandbox
    return project / "inventories" / target


def spark_mode(spec: dict[str, Any]) -> str | None:
    """The spec's stack.spark.mode, if it names one."""
    mode = spec["stack"].get("spark", {}).get("mode")
    return str(mode) if mode else None


def run_bench(
    spec: Path,
    target: str | None = None,
    run_id: str | None = None,
    inventory: Path | None = None,
    project: Path | None = None,
    teardown: bool = False,
    extra_vars: list[str] | None = None,
) -> int:
    try:
        plan = load(spec)
        variables = parse_extra_vars(extra_vars or [])
    except (SpecError, ExtraVarsError) as error:
        print(error, file=sys.stderr)
        return 1
    missing = missing_workloads(plan.cells)
    if missing:
        print(f"{spec}: cannot run yet: " + "; ".join(missing), file=sys.stderr)
        return 1
    project = (project or Path.cwd()).resolve()
    if not (project / "bench.yml").is_file():
        print(f"error: no bench.yml in {project}: run from the stacklab checkout or pass --project", file=sys.stderr)
        return 2
    target = target or plan.spec["target"]
    inventory = (
        inventory or default_inventory(project, target, plan.spec["stack"]["frameworks"], spark_mode(plan.spec))
    ).resolve()
    if not inventory.exists():
        print(f"error: no inventory {inventory} for target {target}", file=sys.stderr)
        return 2
    run_id = run_id or new_run_id(plan.spec["name"])
    # bench.yml is run without its own teardown: a run that fails half way (a converge, a sampler,
    # a cell) would skip it. stacklab bench tears down afterwards whatever happened.
    extravars = {**variables, "experiment": str(spec.resolve()), "stacklab_target": target, "teardown": False}
    extravars["run_id"] = run_id
    rc = 1
    try:
        status, rc = _run_playbook("bench.yml", project, inventory, extravars)
        print(f"bench: {status} (ansible-playbook exit {rc}); run {run_id}", file=sys.stderr)
    finally:  # an interrupted run (Ctrl-C) is torn down too
        if teardown and not _tear_down(project, inventory, {**variables, "stacklab_target": target, "run_id": run_id}):
            rc = 1
    return 0 if rc == 0 else 1


def _tear_down(project: Path, inventory: Path, extravars: dict[str, Any]) -> bool:
    status, rc = _run_playbook("playbooks/teardown.yml", project, inventory, extravars)
    print(f"teardown: {status} (ansible-playbook exit {rc})", file=sys.stderr)
    if rc != 0:
        print(
            f"error: teardown of run {extravars['run_id']} did not finish; what is left is listed above. Run it"
            f" again: ansible-playbook playbooks/teardown.yml -i {inventory} -e run_id={extravars['run_id']}",
            file=sys.stderr,
        )
    return rc == 0


def new_run_id(name: str) -> str:
    """<spec name>-<UTC time>-<4 random hex digits>, as bench.yml names a run it is not given."""
    return f"{name}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(2)}"


def _run_playbook(playbook: str, project: Path, inventory: Path, extravars: dict[str, Any]) -> tuple[str, int]:
    import ansible_runner  # imported late: validating a spec must not need Ansible

    with tempfile.TemporaryDirectory(prefix="stacklab-runner-") as private:
        result = ansible_runner.run(
            private_data_dir=private,
            project_dir=str(project),
            playbook=str(project / playbook),
            inventory=str(inventory),
            extravars=extravars,
            envvars={"ANSIBLE_CONFIG": str(project / "ansible.cfg")},
            quiet=False,
        )
    return str(result.status), int(result.rc)
