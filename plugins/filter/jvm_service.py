"""The jvm_service role's reading of a framework's services (`<framework>_services`, its daemons as
data): each service completed with the framework's shared settings, checked, placed on hosts, and
grouped for rolling restarts.

A service is a dict: `group` (the inventory group that runs it; `hosts` overrides the group with a
list), `user`, and either a JVM's `main_class`, `heap` and `classpath` (folders and jars, in order)
or a native program's `executable` (an absolute path: Mesos' daemons), and optionally `arguments`,
`properties` (Java system properties, -Dkey=value), `java`, `java_options` (those three for JVMs),
`environment`, `working_directory`, `kill_mode`, `description`, `unit` (default
`<framework>-<name>`), `enabled` (default true), `health` (a task file of the framework's health
checks, see roles/jvm_service), `restart_group` (services restarted together on a host, default
the service's own name) and `handover` (a task file run before the group's leader restarts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

REQUIRED = ("group", "user")
# What a JVM daemon needs, and what a native one needs instead.
REQUIRED_JVM = ("main_class", "heap", "classpath")
REQUIRED_NATIVE = ("executable",)
JVM_ONLY = (*REQUIRED_JVM, "properties", "java", "java_options")
OPTIONAL = (
    *REQUIRED_JVM,
    *REQUIRED_NATIVE,
    "hosts",
    "arguments",
    "properties",
    "java",
    "java_options",
    "environment",
    "working_directory",
    "kill_mode",
    "description",
    "unit",
    "enabled",
    "health",
    "restart_group",
    "handover",
)
LISTS = ("classpath", "arguments", "java_options")
DICTS = ("properties", "environment")
# What systemd's KillMode= accepts.
KILL_MODES = ("control-group", "mixed", "process", "none")
HEAP = re.compile(r"[1-9][0-9]*[kKmMgG]")
UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
TASK_FILE = re.compile(r"[a-z0-9_]+")


def jvm_service_list(services: Mapping[str, Any], common: Mapping[str, Any], framework: str) -> list[dict[str, Any]]:
    """The enabled services in their given order, each over `common` (the framework's shared
    settings: a service's own keys win), with its `name`, `unit` and `restart_group` filled in."""
    listed = []
    for name, own in services.items():
        service = {"arguments": [], "properties": {}, "environment": {}, "java_options": [], **common, **own}
        if service.get("enabled", True) is not True:
            continue
        service["name"] = name
        service.setdefault("unit", f"{framework}-{name}")
        service.setdefault("restart_group", name)
        listed.append(service)
    return listed


def jvm_service_problems(services: Any, common: Mapping[str, Any], framework: str) -> list[str]:
    """One message per problem of `<framework>_services`, naming the service and the key."""
    where = f"{framework}_services"
    if not isinstance(services, Mapping) or not services:
        return [f"{where} must be a non-empty dict of service name -> description, got {services!r}"]
    problems = []
    units: dict[str, str] = {}
    for name, own in services.items():
        if not isinstance(own, Mapping):
            problems.append(f"{where}.{name} must be a dict, got {own!r}")
            continue
        service = {**common, **own}
        problems += [f"{where}.{name}.{key}: unknown key" for key in own if key not in REQUIRED + OPTIONAL]
        problems += _program_problems(f"{where}.{name}", own, service)
        problems += _type_problems(f"{where}.{name}", service)
        unit = str(service.get("unit", f"{framework}-{name}"))
        if unit in units:
            problems.append(f"{where}.{name} and {where}.{units[unit]} have the same unit {unit}")
        units[unit] = str(name)
    return problems


def _program_problems(where: str, own: Mapping[str, Any], service: Mapping[str, Any]) -> list[str]:
    """A service runs either a JVM or a native executable, with what that needs. (The framework's
    shared settings may hold JVM keys that a native service of the same framework ignores.)"""
    if "executable" in own:
        problems = [f"{where}.{key} is missing" for key in REQUIRED if key not in service]
        problems += [f"{where}: {key} is for JVM services, not with executable" for key in JVM_ONLY if key in own]
        if not str(own["executable"]).startswith("/"):
            problems.append(f"{where}.executable must be an absolute path, got {own['executable']!r}")
        return problems
    return [f"{where}.{key} is missing" for key in REQUIRED + REQUIRED_JVM if key not in service]


def _type_problems(where: str, service: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in LISTS:
        if key in service and not _is_list(service[key]):
            problems.append(f"{where}.{key} must be a list, got {service[key]!r}")
    for key in DICTS:
        if key in service and not isinstance(service[key], Mapping):
            problems.append(f"{where}.{key} must be a dict, got {service[key]!r}")
    if "hosts" in service and not _is_list(service["hosts"]):
        problems.append(f"{where}.hosts must be a list of inventory hosts, got {service['hosts']!r}")
    if "heap" in service and not HEAP.fullmatch(str(service["heap"])):
        problems.append(f"{where}.heap must be a JVM size such as 512m or 2g, got {service['heap']!r}")
    if "enabled" in service and not isinstance(service["enabled"], bool):
        problems.append(f"{where}.enabled must be true or false (a YAML boolean), got {service['enabled']!r}")
    if "kill_mode" in service and service["kill_mode"] not in KILL_MODES:
        problems.append(f"{where}.kill_mode must be one of {', '.join(KILL_MODES)}, got {service['kill_mode']!r}")
    if "unit" in service and not UNIT.fullmatch(str(service["unit"])):
        problems.append(f"{where}.unit must be a systemd unit name (letters, digits, _ . @ -), got {service['unit']!r}")
    for key in ("health", "handover", "restart_group"):
        if key in service and not TASK_FILE.fullmatch(str(service[key])):
            problems.append(f"{where}.{key} must be a name of lower-case letters, digits and _, got {service[key]!r}")
    return problems


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def jvm_service_hosts(service: Mapping[str, Any], groups: Mapping[str, Sequence[str]]) -> list[str]:
    """The inventory hosts that run `service`: its `hosts`, else its inventory group's."""
    if "hosts" in service:
        return list(service["hosts"])
    return list(groups.get(service["group"], []))


def jvm_service_on(
    services: Sequence[Mapping[str, Any]], host: str, groups: Mapping[str, Sequence[str]]
) -> list[Mapping[str, Any]]:
    """The services of the list that run on `host`."""
    return [service for service in services if host in jvm_service_hosts(service, groups)]


def jvm_service_restart_groups(
    services: Sequence[Mapping[str, Any]], groups: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    """Services restarted together, in the order of their first service: each group with its
    `name`, `units` (in service order), `hosts` (every host that runs one of them), and the
    `health` and `handover` of its first service that names one."""
    restart_groups: dict[str, dict[str, Any]] = {}
    for service in services:
        group = restart_groups.setdefault(
            service["restart_group"],
            {"name": service["restart_group"], "units": [], "hosts": [], "health": "", "handover": ""},
        )
        group["units"].append(service["unit"])
        group["hosts"] += [host for host in jvm_service_hosts(service, groups) if host not in group["hosts"]]
        for key in ("health", "handover"):
            group[key] = group[key] or service.get(key, "")
    return list(restart_groups.values())


def jvm_service_marks(hosts: Sequence[str], hostvars: Mapping[str, Any], units: Sequence[str]) -> dict[str, list[str]]:
    """Host -> its units of `units` marked for a restart (in the order of `units`), for each of
    `hosts` that has any: read from the `_jvm_service_marked` result (a find of the marks' folder)
    each host registered."""
    marks = {}
    for host in hosts:
        found = hostvars[host].get("_jvm_service_marked") or {}
        marked = {str(entry["path"]).rsplit("/", 1)[-1] for entry in found.get("files", [])}
        if wanted := [unit for unit in units if unit in marked]:
            marks[host] = wanted
    return marks


def jvm_service_restart_order(hosts: Sequence[str], leader: str | None) -> list[str]:
    """`hosts` with the leader (the active master, the ZooKeeper leader, ...) moved to the end:
    standbys restart first, so that leadership moves once at most."""
    return [host for host in hosts if host != leader] + [host for host in hosts if host == leader]


# Words systemd takes as they are in an Exec line; anything else is double-quoted.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@+-]+")


def systemd_command(argv: Sequence[Any]) -> str:
    """`argv` as the words of a systemd Exec line: each word with characters systemd reads
    specially (spaces, quotes, backslashes, `;`, `$` and `%` specifiers) double-quoted, with `$`
    and `%` doubled so that they stay literal (a Mesos agent's `--resources=cpus:2;mem:2048`)."""
    words = []
    for word in map(str, argv):
        if not _PLAIN_WORD.fullmatch(word):
            escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$").replace("%", "%%")
            word = f'"{escaped}"'
        words.append(word)
    return " ".join(words)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "jvm_service_list": jvm_service_list,
            "jvm_service_problems": jvm_service_problems,
            "jvm_service_hosts": jvm_service_hosts,
            "jvm_service_on": jvm_service_on,
            "jvm_service_restart_groups": jvm_service_restart_groups,
            "jvm_service_marks": jvm_service_marks,
            "jvm_service_restart_order": jvm_service_restart_order,
            "systemd_command": systemd_command,
        }
