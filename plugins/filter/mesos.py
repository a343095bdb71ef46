"""The mesos role's data: daemon flags as command-line words, the ACLs that allow only what a
cluster needs, and the checks of an agent's offer against its host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mesos_flags(flags: Mapping[str, Any]) -> list[str]:
    """Flag name -> value as Mesos' command-line words, in name order: `--name=value`, and for
    booleans `--name` or `--no-name` (how Mesos spells a false switch). A None value leaves the
    flag out (its default)."""
    words = []
    for name, value in sorted(flags.items()):
        if value is None:
            continue
        if isinstance(value, bool):
            words.append(f"--{name}" if value else f"--no-{name}")
        else:
            words.append(f"--{name}={value}")
    return words


def mesos_acls(frameworks: Mapping[str, list[str]], agent_principal: str, operator_principal: str) -> dict[str, Any]:
    """The ACLs of masters and agents (their --acls), not permissive: what is not listed is refused.

    Each framework principal registers in any role and starts tasks only as its own users (so no
    framework runs anything as root on an agent); only the agent principal registers agents; only
    the operator tears frameworks down or reaches the agents' container calls (nested containers,
    attach); everyone may read state (the read-only endpoints stay open to the cluster network)."""
    anyone = {"type": "ANY"}
    principals = sorted(frameworks)
    viewing = {"principals": anyone, "users": anyone}
    return {
        "permissive": False,
        "register_frameworks": [{"principals": {"values": principals}, "roles": anyone}],
        "run_tasks": [
            {"principals": {"values": [principal]}, "users": {"values": list(frameworks[principal])}}
            for principal in principals
        ],
        "register_agents": [{"principals": {"values": [agent_principal]}, "agents": anyone}],
        "teardown_frameworks": [{"principals": {"values": [operator_principal]}, "framework_principals": anyone}],
        "view_frameworks": [viewing],
        "view_tasks": [viewing],
        "view_executors": [viewing],
        "access_sandboxes": [{"principals": {"values": [operator_principal]}, "users": anyone}],
        "get_endpoints": [{"principals": {"values": [operator_principal]}, "paths": anyone}],
    }


def mesos_acl_problems(frameworks: Any) -> list[str]:
    """Why `mesos_frameworks` (framework principal -> users its tasks may run as) is refused."""
    if not isinstance(frameworks, Mapping) or not frameworks:
        return [f"mesos_frameworks must be a non-empty dict of principal -> list of users, got {frameworks!r}"]
    problems = []
    for principal, users in frameworks.items():
        if not isinstance(users, list) or not users or not all(isinstance(user, str) and user for user in users):
            problems.append(f"mesos_frameworks.{principal} must be a non-empty list of user names, got {users!r}")
        elif "root" in users:
            problems.append(f"mesos_frameworks.{principal} lets its tasks run as root: name unprivileged users only")
    return problems


def mesos_offer_problems(host: str, offer: Mapping[str, Any], facts: Mapping[str, Any]) -> list[str]:
    """Why an agent's offer (cpus, memory_mb, disk_mb: numbers) does not fit its host (the facts'
    ansible_processor_vcpus and ansible_memtotal_mb)."""
    problems = []
    for key, minimum in (("cpus", 0.1), ("memory_mb", 32), ("disk_mb", 0)):
        value = offer.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            problems.append(f"host {host}: the agent's {key} must be a number of at least {minimum}, got {value!r}")
    if problems:
        return problems
    vcpus, memory = facts.get("ansible_processor_vcpus"), facts.get("ansible_memtotal_mb")
    if isinstance(vcpus, int) and offer["cpus"] > vcpus:
        problems.append(f"host {host}: the agent offers {offer['cpus']} CPUs but the host has {vcpus}")
    if isinstance(memory, int) and offer["memory_mb"] > memory:
        problems.append(f"host {host}: the agent offers {offer['memory_mb']} MB but the host has {memory} MB")
    return problems


def mesos_credentials(secrets: Mapping[str, str], principals: list[str]) -> dict[str, Any]:
    """A credentials file's content (the masters' --credentials, the agents' --http_credentials):
    each of `principals` with its secret."""
    return {"credentials": [{"principal": principal, "secret": secrets[principal]} for principal in principals]}


def mesos_attributes(attributes: Mapping[str, Any]) -> str | None:
    """An agent's attributes as its --attributes value (`name:value;name:value`), None when none."""
    if not attributes:
        return None
    return ";".join(f"{name}:{value}" for name, value in sorted(attributes.items()))


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "mesos_flags": mesos_flags,
            "mesos_acls": mesos_acls,
            "mesos_acl_problems": mesos_acl_problems,
            "mesos_offer_problems": mesos_offer_problems,
            "mesos_attributes": mesos_attributes,
            "mesos_credentials": mesos_credentials,
        }
