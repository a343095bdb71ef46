"""Experiment specs (experiments/*.yml): load, validate, expand into cells.

A spec is checked in two passes, and nothing runs unless both pass: a JSON Schema (types, required
and unknown keys; `SCHEMA`), then rules that relate fields (tenants name frameworks of the stack,
axes name options some tenant's workload takes, zipped axes have equal lengths...). Every problem
names its field (`tenants[1].framework`, `matrix.num_tasks.step`).

The matrix: every axis is a list or a range `{from, to, step}`; axes multiply; the axes of one
`zip` group vary together (the SparkOS aggregate-by-key sweep grows records, keys and values
together). An axis name is
- an option of the tenants' workloads (`num_tasks`): it is set on every tenant whose workload takes it;
- `<tenant>.<option>`, `<tenant>.start_offset` or `<tenant>.workload`: that tenant only;
- `workload`: every tenant's workload;
- `tenants`: which tenants run in the cell (lists of tenant names, e.g. `[[hadoop], [spark]]`).

A cell is one matrix point x one trial (warm-ups first). Its key hashes what the cell runs (stack,
system, its tenants as configured for it, the point, and which trial), not the trial count: a run
resumed with more trials keeps the cells it has.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from stacklab.spec import strict_yaml
from stacklab.spec.workloads import FRAMEWORKS, WORKLOADS, Workload, workloads_of

MAX_CELLS = 100_000
# A week: no cell, wait or offset of a benchmark is longer (a larger one is a typo in seconds).
MAX_SECONDS = 7 * 24 * 3600
# Names label samples and name files: 64 characters at most; "(?!\n)$" because "$" alone also
# matches before a trailing newline.
_NAME = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?!\n)$"}
_SECONDS = {"type": "number", "minimum": 0, "maximum": MAX_SECONDS}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "stacklab experiment",
    "type": "object",
    "required": ["name", "stack", "tenants", "trials"],
    "additionalProperties": False,
    "properties": {
        "name": _NAME,
        "description": {"type": "string"},
        "target": {"enum": ["local", "ec2", "eucalyptus", "static"]},
        "system": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[^\n]*$(?!\n)"},
        "stack": {
            "type": "object",
            "required": ["frameworks"],
            "additionalProperties": False,
            "properties": {
                "frameworks": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": list(FRAMEWORKS)},
                },
                "versions": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
                "spark": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "mode": {"enum": ["standalone", "yarn", "mesos", "osv"]},
                        # Every Spark application's sizes (runner.cells.SPARK_SIZES): the
                        # interference paper's 512 MB executors, 384 MB more per executor JVM,
                        # 1 CPU a task and 1 CPU per fine-grained Mesos executor.
                        "executor_memory_mb": {"type": "integer", "minimum": 128},
                        "executor_memory_overhead_mb": {"type": "integer", "minimum": 0},
                        "executor_cores": {"type": "integer", "minimum": 1},
                        "task_cpus": {"type": "integer", "minimum": 1},
                        "cores_max": {"type": "integer", "minimum": 1},
                        "mesos_executor_cores": {"type": "number", "exclusiveMinimum": 0},
                    },
                },
                "hadoop": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"scheduler": {"enum": ["fair", "capacity"]}, "preemption": {"type": "boolean"}},
                },
            },
        },
        "tenants": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "framework", "workload"],
                "additionalProperties": False,
                "properties": {
                    "name": _NAME,
                    "framework": {"enum": list(FRAMEWORKS)},
                    "workload": {"type": "string"},
                    "options": {"type": "object"},
                    "start_offset": _SECONDS,
                    "mesos_mode": {"enum": ["coarse", "fine"]},
                },
            },
        },
        "matrix": {
            "type": "object",
            "properties": {
                "zip": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": ["array", "object"]},
                    },
                }
            },
            "additionalProperties": {"type": ["array", "object"]},
        },
        "trials": {"type": "integer", "minimum": 1},
        "warmups": {"type": "integer", "minimum": 0},
        "inter_trial_wait": _SECONDS,
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_SECONDS},
        "metrics": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                # Each host's sampler wakes this often: below a tenth of a second it is the load.
                "interval": {"type": "number", "minimum": 0.1, "maximum": 3600},
                "hosts": {"type": "boolean"},
                "allocation": {"type": "boolean"},
            },
        },
    },
}

DEFAULTS: dict[str, Any] = {
    "target": "local",
    "system": "linux",
    "warmups": 0,
    "inter_trial_wait": 0,
    "timeout": 600,
    "metrics": {"interval": 1.0, "hosts": True, "allocation": True},
}
_TENANT_FIELDS = ("start_offset", "workload")


# The systems of stack.spark.mode osv: its worker VMs' guest OS (roles/osv_worker's osv_worker_guest).
AGENT_VM_SYSTEMS = ("osv", "linux-vm")


class SpecError(ValueError):
    """An invalid spec: every problem, each starting with the field it is about."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


@dataclass(frozen=True)
class Axis:
    name: str
    values: list[Any]
    field: str  # where the axis is written, for messages


@dataclass(frozen=True)
class Plan:
    spec: dict[str, Any]  # with defaults filled in
    cells: list[dict[str, Any]]


def _field(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


# JSON Schema counts 2.0 as an integer; a count in a spec is written as one (`trials: 2.0` would
# reach range() as a float).
_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def _non_finite_problems(value: Any, path: tuple[Any, ...] = ()) -> list[str]:
    """Every NaN or infinity in the document (YAML's .nan and .inf), by field: no timeout, wait,
    interval, range or option of a spec can be one."""
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{_field(path)}: must be a finite number, got {value}"]
    if isinstance(value, dict):
        return [problem for key, item in value.items() for problem in _non_finite_problems(item, (*path, key))]
    if isinstance(value, list):
        return [problem for index, item in enumerate(value) for problem in _non_finite_problems(item, (*path, index))]
    return []


def _schema_problems(document: Any) -> list[str]:
    validator = _Validator(SCHEMA)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - allowed):
                problems.append(
                    f"{_field([*error.absolute_path, key])}: unknown key (expected one of {', '.join(sorted(allowed))})"
                )
        elif error.validator == "required":
            problems.append(f"{_field(error.absolute_path)}: missing key {error.message.split()[0]}")
        else:
            problems.append(f"{_field(error.absolute_path)}: {error.message}")
    return problems


def _values(raw: Any, field: str, problems: list[str]) -> list[Any]:
    """An axis's values from a list or a {from, to, step} range."""
    if isinstance(raw, list):
        if not raw:
            problems.append(f"{field}: an empty list gives no values")
        return raw
    keys = set(raw)
    if keys != {"from", "to", "step"}:
        problems.append(
            f"{field}: a range has exactly the keys from, to, step (got {', '.join(sorted(map(str, keys)))})"
        )
        return []
    start, stop, step = raw["from"], raw["to"], raw["step"]
    for key in ("from", "to", "step"):
        if isinstance(raw[key], bool) or not isinstance(raw[key], (int, float)):
            problems.append(f"{field}.{key}: must be a number, got {raw[key]!r}")
            return []
    if step <= 0:
        problems.append(f"{field}.step: must be greater than 0, got {step}")
        return []
    if stop < start:
        problems.append(f"{field}: to ({stop}) is below from ({start}): the range is empty")
        return []
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_CELLS:
        problems.append(f"{field}: {count} values; more than {MAX_CELLS} is surely a mistake")
        return []
    whole = all(isinstance(raw[key], int) for key in ("from", "to", "step"))
    return [start + i * step if whole else round(start + i * step, 10) for i in range(count)]


def _axes(spec: dict[str, Any], problems: list[str]) -> list[list[Axis]]:
    matrix = spec.get("matrix", {})
    groups: list[list[Axis]] = []
    for name, raw in matrix.items():
        if name != "zip":
            groups.append([Axis(name, _values(raw, f"matrix.{name}", problems), f"matrix.{name}")])
    for index, group in enumerate(matrix.get("zip", [])):
        axes = [
            Axis(name, _values(raw, f"matrix.zip[{index}].{name}", problems), f"matrix.zip[{index}].{name}")
            for name, raw in group.items()
        ]
        if len({len(axis.values) for axis in axes}) > 1:
            lengths = ", ".join(f"{axis.name} has {len(axis.values)}" for axis in axes)
            problems.append(f"matrix.zip[{index}]: zipped axes need as many values each ({lengths})")
        groups.append(axes)
    seen: dict[str, str] = {}
    for axis in (axis for group in groups for axis in group):
        if axis.name in seen:
            problems.append(f"{axis.field}: axis {axis.name} is also {seen[axis.name]}")
        seen[axis.name] = axis.field
    return groups


def _stack_problems(spec: dict[str, Any]) -> list[str]:
    stack, problems = spec["stack"], []
    frameworks = set(stack["frameworks"])
    # A version in the spec would label the samples and key the cells while the roles install their
    # own (their <framework>_version variables): refused until bench.yml applies it.
    for framework in stack.get("versions", {}):
        problems.append(
            f"stack.versions.{framework}: not applied by this stacklab (the roles install the version their"
            f" {framework}_version variable names; set it in the inventory): remove it from the spec"
        )
    for framework in ("spark", "hadoop"):
        if framework in stack and framework not in frameworks:
            problems.append(f"stack.{framework}: settings for a framework not in stack.frameworks")
    mode = stack.get("spark", {}).get("mode", "standalone")
    needs = {"yarn": "hadoop", "mesos": "mesos"}.get(mode)
    if needs and needs not in frameworks:
        problems.append(f"stack.spark.mode: {mode} needs {needs} in stack.frameworks")
    # Executors on agent VMs: the system names the guest (the OSv unikernel, or Linux under the same qemu).
    if mode == "osv" and spec["system"] not in AGENT_VM_SYSTEMS:
        guests = ", ".join(AGENT_VM_SYSTEMS)
        problems.append(f"system: {spec['system']!r} with stack.spark.mode osv; the workers' guest is one of {guests}")
    # Linux worker VMs boot under this machine's qemu; a cloud's Linux workers are plain instances.
    if mode == "osv" and spec["system"] == "linux-vm" and spec["target"] != "local":
        problems.append(f"system: linux-vm runs on the local sandbox only, not target {spec['target']}")
    return problems


def _tenant_problems(spec: dict[str, Any]) -> list[str]:
    problems, names = [], set()
    frameworks = set(spec["stack"]["frameworks"])
    spark_mode = spec["stack"].get("spark", {}).get("mode", "standalone")
    for index, tenant in enumerate(spec["tenants"]):
        where = f"tenants[{index}]"
        if tenant["name"] in names:
            problems.append(f"{where}.name: {tenant['name']} names two tenants")
        names.add(tenant["name"])
        if tenant["framework"] not in frameworks:
            problems.append(
                f"{where}.framework: {tenant['framework']} is not in stack.frameworks ({', '.join(sorted(frameworks))})"
            )
        if (tenant["framework"], tenant["workload"]) not in WORKLOADS:
            choices = ", ".join(workloads_of(tenant["framework"])) or "none"
            problems.append(
                f"{where}.workload: {tenant['framework']} has no workload {tenant['workload']!r} (it has {choices})"
            )
        if "mesos_mode" in tenant and (tenant["framework"] != "spark" or spark_mode != "mesos"):
            problems.append(
                f"{where}.mesos_mode: only Spark tenants on Mesos (stack.spark.mode: mesos) choose coarse or fine"
            )
        if tenant["workload"] == "zookeeper-failover" and len(spec["tenants"]) > 1:
            problems.append(f"{where}.workload: zookeeper-failover stops the ensemble every trial; it runs alone")
        if tenant.get("start_offset", 0) >= spec["timeout"]:
            problems.append(
                f"{where}.start_offset: {tenant['start_offset']} s is not below the cell timeout ({spec['timeout']} s)"
            )
    return problems


def _axis_problems(spec: dict[str, Any], groups: list[list[Axis]]) -> list[str]:
    problems = []
    tenants = {tenant["name"]: tenant for tenant in spec["tenants"]}
    takes = {name for workload in WORKLOADS.values() for name in workload.options}
    for axis in (axis for group in groups for axis in group):
        if axis.name == "tenants":
            for value in axis.values:
                if not isinstance(value, list) or not value or not set(map(str, value)) <= set(tenants):
                    problems.append(f"{axis.field}: {value!r} is not a list of tenant names ({', '.join(tenants)})")
                elif len(set(map(str, value))) < len(value):
                    problems.append(f"{axis.field}: {value!r} lists a tenant twice (a cell runs each tenant once)")
            continue
        owner, dot, setting = axis.name.rpartition(".")
        if dot and owner not in tenants:
            problems.append(f"{axis.field}: there is no tenant named {owner!r} ({', '.join(tenants)})")
        elif not dot and setting != "workload" and setting not in takes:
            problems.append(f"{axis.field}: no workload takes an option {setting!r}")
        if setting == "start_offset":
            late = [value for value in axis.values if isinstance(value, (int, float)) and value >= spec["timeout"]]
            if late:
                problems.append(f"{axis.field}: {late[0]} s is not below the cell timeout ({spec['timeout']} s)")
        for name, tenant in tenants.items():
            if (not dot or owner == name) and setting in tenant.get("options", {}):
                problems.append(f"{axis.field}: {setting} is also set in tenant {name}'s options; set it in one place")
    return problems


def _points(groups: list[list[Axis]]) -> list[dict[str, Any]]:
    choices = [[{axis.name: axis.values[i] for axis in group} for i in range(len(group[0].values))] for group in groups]
    return [dict(item for part in combination for item in part.items()) for combination in itertools.product(*choices)]


def _tenant_for(tenant: dict[str, Any], point: dict[str, Any]) -> dict[str, Any]:
    """The tenant as it runs at one matrix point."""
    resolved = {
        "name": tenant["name"],
        "framework": tenant["framework"],
        "workload": point.get(f"{tenant['name']}.workload", point.get("workload", tenant["workload"])),
        "start_offset": point.get(f"{tenant['name']}.start_offset", tenant.get("start_offset", 0)),
        "options": dict(tenant.get("options", {})),
    }
    if "mesos_mode" in tenant:
        resolved["mesos_mode"] = tenant["mesos_mode"]
    workload = WORKLOADS.get((tenant["framework"], resolved["workload"]))
    for name, value in point.items():
        owner, dot, setting = name.rpartition(".")
        if name == "tenants" or setting in _TENANT_FIELDS:
            continue
        # A tenant's own axis must fit its workload (checked later); a shared one goes where it fits.
        if (dot and owner == tenant["name"]) or (not dot and workload and setting in workload.options):
            resolved["options"][setting] = value
    return resolved


def _cell_problems(tenant: dict[str, Any], workload: Workload | None, where: str) -> list[str]:
    if workload is None:
        return [f"{where}: {tenant['framework']} has no workload {tenant['workload']!r}"]
    problems = []
    for name, value in tenant["options"].items():
        option = workload.options.get(name)
        if option is None:
            takes = ", ".join(sorted(workload.options))
            problems.append(f"{where}.options.{name}: {workload.name} has no option {name} (it has {takes})")
        elif (problem := option.problem(value)) is not None:
            problems.append(f"{where}.options.{name}: {problem}")
    if not isinstance(tenant["start_offset"], (int, float)) or tenant["start_offset"] < 0:
        problems.append(f"{where}.start_offset: must be a number of seconds >= 0, got {tenant['start_offset']!r}")
    return problems


def cell_key(identity: Any) -> str:
    """A stable key: the same content gives the same key, on any machine and Python."""
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _label(value: Any) -> Any:
    return "+".join(map(str, value)) if isinstance(value, list) else value


def _cells(spec: dict[str, Any], points: list[dict[str, Any]], problems: list[str]) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = []
    rounds = [(True, n) for n in range(1, spec["warmups"] + 1)] + [(False, n) for n in range(1, spec["trials"] + 1)]
    index_of = {tenant["name"]: index for index, tenant in enumerate(spec["tenants"])}
    for point in points:
        active = point.get("tenants", [tenant["name"] for tenant in spec["tenants"]])
        tenants = [_tenant_for(spec["tenants"][index_of[name]], point) for name in active if name in index_of]
        for tenant in tenants:
            where = f"tenants[{index_of[tenant['name']]}]"
            for problem in _cell_problems(tenant, WORKLOADS.get((tenant["framework"], tenant["workload"])), where):
                if problem not in problems:
                    problems.append(problem)
        identity = {
            "name": spec["name"],
            "stack": spec["stack"],
            "system": spec["system"],
            "tenants": tenants,
            "point": point,
        }
        labels = {"experiment": spec["name"], "system": spec["system"], **{k: _label(v) for k, v in point.items()}}
        for warmup, trial in rounds:
            key = cell_key({**identity, "warmup": warmup, "trial": trial})
            cells.append(
                {
                    "key": key,
                    "index": len(cells) + 1,
                    "point": {name: _label(value) for name, value in point.items()},
                    "trial": trial,
                    "warmup": warmup,
                    "tenants": tenants,
                    # What every sample of the cell carries, whichever runner records it.
                    "labels": {**labels, "trial": trial, "warmup": warmup, "cell": key},
                }
            )
    return cells


def plan(document: Any, source: str = "spec") -> Plan:
    """Validate a spec and expand it into cells; raise SpecError naming every problem."""
    problems = _non_finite_problems(document) or _schema_problems(document)
    if problems:
        raise SpecError(source, problems)
    spec = {**DEFAULTS, **document, "metrics": {**DEFAULTS["metrics"], **document.get("metrics", {})}}
    problems = _stack_problems(spec) + _tenant_problems(spec)
    groups = _axes(spec, problems)
    problems += _axis_problems(spec, groups)
    if problems:
        raise SpecError(source, problems)
    size = math.prod(len(group[0].values) for group in groups) * (spec["warmups"] + spec["trials"])
    if size > MAX_CELLS:
        raise SpecError(source, [f"matrix: {size} cells; more than {MAX_CELLS} is surely a mistake"])
    cells = _cells(spec, _points(groups), problems)
    if problems:
        raise SpecError(source, problems)
    return Plan(spec, cells)


def load(path: Path | str) -> Plan:
    """Read a spec file and plan it; a file that is not YAML is a SpecError too."""
    source = str(path)
    try:
        document = strict_yaml.load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SpecError(source, [f"cannot read: {error.strerror}"]) from error
    except yaml.YAMLError as error:
        raise SpecError(source, [f"not valid YAML: {error}"]) from error
    if not isinstance(document, dict):
        raise SpecError(source, ["(top level): a spec is a mapping of keys (name, stack, tenants, trials, ...)"])
    return plan(document, source)


def missing_workloads(cells: list[dict[str, Any]]) -> list[str]:
    """Why some of these cells cannot run with this stacklab (workloads that arrive with later issues)."""
    by_reason: dict[str, set[str]] = {}
    for tenant in (tenant for cell in cells for tenant in cell["tenants"]):
        workload = WORKLOADS[(tenant["framework"], tenant["workload"])]
        if workload.missing:
            by_reason.setdefault(workload.missing, set()).add(f"{tenant['framework']} {workload.name}")
    return [f"{', '.join(sorted(names))}: {reason}" for reason, names in sorted(by_reason.items())]
