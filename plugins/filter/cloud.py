"""Checks and arithmetic for cloud provisioning that run on the controller before anything is
created: the node-group layout, the admin CIDR, and the cost estimate."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from stacklab.results.schema import sample

# DESIGN.md's inventory groups: node groups may only name these.
INVENTORY_GROUPS = (
    "zookeeper",
    "hdfs_namenode",
    "hdfs_journalnode",
    "hdfs_datanode",
    "yarn_resourcemanager",
    "yarn_nodemanager",
    "spark_master",
    "spark_worker",
    "spark_history",
    "storm_nimbus",
    "storm_supervisor",
    "storm_ui",
    "mesos_master",
    "mesos_agent",
    "bench_client",
    "osv_worker",
)
NODE_GROUP_FIELDS = {"name", "count", "groups", "instance_type", "volume_gb", "spot", "image_id", "image"}
# A node group's `image: osv`: the OSv worker image (roles/osv_image), registered by the run.
OSV_IMAGE = "osv"
# Node group names become host names (<name>_<instance id>) and tag values.
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _node_group_problems(index: int, node: Any) -> list[str]:
    if not isinstance(node, dict):
        return [f"cloud_nodes[{index}]: must be a mapping with name, count, groups and instance_type"]
    where = f"cloud_nodes[{index}] ({node.get('name', '?')})"
    problems = [f"{where}: unknown field {key!r}" for key in sorted(set(node) - NODE_GROUP_FIELDS)]
    required = ("name", "count", "groups", "instance_type")
    problems += [f"{where}: {key} is required" for key in required if key not in node]
    if "name" in node and not (isinstance(node["name"], str) and _NAME.match(node["name"])):
        problems.append(f"{where}: name must be lower-case letters, digits and '-', starting with a letter")
    if "count" in node and not (_is_int(node["count"]) and node["count"] >= 1):
        problems.append(f"{where}: count must be an integer of at least 1, got {node['count']!r}")
    if "groups" in node:
        groups = node["groups"]
        if not (isinstance(groups, list) and groups):
            problems.append(f"{where}: groups must be a non-empty list of inventory groups")
        else:
            problems += [
                f"{where}: unknown inventory group {group!r} (known: {', '.join(INVENTORY_GROUPS)})"
                for group in groups
                if group not in INVENTORY_GROUPS
            ]
    if "instance_type" in node and not (isinstance(node["instance_type"], str) and node["instance_type"]):
        problems.append(f"{where}: instance_type must be a non-empty string")
    if "volume_gb" in node and not (_is_int(node["volume_gb"]) and node["volume_gb"] >= 1):
        problems.append(f"{where}: volume_gb must be an integer of at least 1, got {node['volume_gb']!r}")
    if "spot" in node and not isinstance(node["spot"], bool):
        problems.append(f"{where}: spot must be true or false, got {node['spot']!r}")
    return problems + _osv_group_problems(where, node)


def _osv_group_problems(where: str, node: dict[str, Any]) -> list[str]:
    """An OSv worker runs its agent and nothing else, and has no SSH: its node group is OSv's alone."""
    osv_image = node.get("image") == OSV_IMAGE
    if "image" in node and not osv_image:
        return [f"{where}: image may only be {OSV_IMAGE!r} (the OSv worker image), got {node['image']!r}"]
    groups = node.get("groups")
    if isinstance(groups, list) and (osv_image or "osv_worker" in groups) and groups != ["osv_worker"]:
        return [f"{where}: an OSv node group (image: osv) is in the osv_worker group and no other, got {groups}"]
    if isinstance(groups, list) and "osv_worker" in groups and not osv_image:
        return [f"{where}: osv_worker hosts are OSv VMs: their node group needs image: osv"]
    return []


def cloud_layout_problems(nodes: Any) -> list[str]:
    """Every problem of a cloud_nodes layout, each naming the node group and field; [] if none."""
    if not isinstance(nodes, list) or not nodes:
        return ["cloud_nodes: list the node groups to launch (the inventories/ec2 and eucalyptus group_vars show how)"]
    problems = []
    for index, node in enumerate(nodes):
        problems += _node_group_problems(index, node)
    names = [str(node.get("name")) for node in nodes if isinstance(node, dict)]
    twice = sorted({name for name in names if names.count(name) > 1})
    problems += [f"cloud_nodes: node group name {name!r} is used twice" for name in twice]
    if problems:
        return problems
    count = {group: sum(node["count"] for node in nodes if group in node["groups"]) for group in INVENTORY_GROUPS}
    for group, what in (("zookeeper", "a ZooKeeper ensemble"), ("mesos_master", "Mesos masters (a quorum)")):
        if count[group] % 2 == 0 and count[group]:
            problems.append(
                f"cloud_nodes: {count[group]} {group} hosts; {what} needs an odd number "
                "(an even one tolerates no more failures than one fewer)"
            )
    if (count["mesos_master"] or count["mesos_agent"]) and not count["zookeeper"]:
        problems.append("cloud_nodes: Mesos needs zookeeper hosts (its masters elect their leader through ZooKeeper)")
    if count["mesos_agent"] and not count["mesos_master"]:
        problems.append("cloud_nodes: mesos_agent hosts need mesos_master hosts to register with")
    return problems


# The widest admin networks allowed without saying so (cloud_admin_cidr_allow_wide): a /16 is
# 65,536 IPv4 addresses, a /48 one site's IPv6 allocation.
NARROWEST_WIDE_PREFIX = {4: 16, 6: 48}


def cloud_admin_cidr_problem(cidr: Any, allow_wide: bool = False) -> str:
    """'' when cidr is a network to allow SSH from, else what is wrong with it: not a network, or
    wider than a /16 (IPv4) or /48 (IPv6) unless `allow_wide` (0.0.0.0/0 opens SSH to everyone)."""
    if not isinstance(cidr, str) or not cidr.strip():
        return (
            "cloud_admin_cidr is required: the network allowed to reach SSH, e.g. -e cloud_admin_cidr=203.0.113.7/32 "
            "(your address); there is no default"
        )
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=True)
    except ValueError as error:
        return f"cloud_admin_cidr {cidr!r} is not a network in CIDR notation: {error}"
    narrowest = NARROWEST_WIDE_PREFIX[network.version]
    if network.prefixlen < narrowest and not allow_wide:
        return (
            f"cloud_admin_cidr {cidr} opens SSH to {network.num_addresses:,} addresses; use your own address "
            f"(/32 or /128) or a network no wider than /{narrowest}, or set cloud_admin_cidr_allow_wide=true"
        )
    return ""


def cloud_cost_estimate(
    nodes: list[dict[str, Any]], table: Any, region: str, overrides: Any, hours: Any
) -> dict[str, Any]:
    """Instances x hours x hourly price per node group. `unpriced` lists instance types without a price."""
    prices = dict((table or {}).get(region) or {})
    prices.update(overrides or {})
    lines = []
    unpriced = []
    total = 0.0
    for node in nodes:
        instance_type = node["instance_type"]
        if instance_type not in prices:
            unpriced.append(instance_type)
            continue
        cost = float(prices[instance_type]) * int(node["count"]) * float(hours)
        total += cost
        lines.append(
            f"{node['name']}: {node['count']} x {instance_type} at ${float(prices[instance_type]):.4f}/h"
            f" x {float(hours):g} h = ${cost:.2f}"
        )
    return {
        "total": round(total, 2),
        "lines": lines,
        "unpriced": sorted(set(unpriced)),
        "instances": sum(int(node["count"]) for node in nodes),
    }


def cloud_uptime_samples(
    launches: list[dict[str, Any]],
    reachable_at: dict[str, float],
    labels: dict[str, Any],
    agent_waits: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Up-time samples of the nodes launched now (SparkOS Table I): seconds from the launch request
    to running (node_running_s), to the SSH banner (node_ssh_s) and, for OSv workers (no SSH), to
    their agent answering (node_registered_s, system osv). Nodes launched by an earlier attempt
    have no request time here and are left out. `agent_waits`: the results of waiting for each
    OSv worker's agent (osv_agent_state with since=the request time, looped over the instances)."""
    registered_at = {
        wait["item"]["hostname"]: float(wait["item"]["requested_at"]) + float(wait["elapsed_since"])
        for wait in agent_waits or []
        if "elapsed_since" in wait
    }
    samples = []
    for launch in launches:
        node = launch["item"]
        for instance in launch.get("instances", []):
            requested_at = instance.get("requested_at")
            if requested_at is None:
                continue
            node_labels = {
                **labels,
                "host": instance["hostname"],
                "node_group": node["name"],
                "instance_type": node["instance_type"],
            }
            if node.get("image") == OSV_IMAGE:
                node_labels["system"] = "osv"
            phases = {
                "node_running_s": instance.get("running_at"),
                "node_ssh_s": reachable_at.get(instance["hostname"]),
                "node_registered_s": registered_at.get(instance["hostname"]),
            }
            samples += [
                sample(name, round(at - requested_at, 3), "s", node_labels, at)
                for name, at in phases.items()
                if at is not None
            ]
    return samples


def cloud_registered_samples(
    hosts: list[str], hostvars: Any, registered_at: float, metric: str, labels: dict[str, Any]
) -> list[dict[str, Any]]:
    """Seconds from each new node's launch request until its service was seen registered (e.g.
    node_registered_s: Spark worker ALIVE at its master). Hosts without a request time (launched by
    an earlier attempt, or not launched by stacklab) are left out."""
    requested_at = {host: hostvars[host].get("stacklab_requested_at") for host in hosts}
    return [
        sample(metric, round(registered_at - float(at), 3), "s", {**labels, "host": host}, registered_at)
        for host, at in sorted(requested_at.items())
        if at not in (None, "", "None")
    ]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "cloud_layout_problems": cloud_layout_problems,
            "cloud_admin_cidr_problem": cloud_admin_cidr_problem,
            "cloud_cost_estimate": cloud_cost_estimate,
            "cloud_uptime_samples": cloud_uptime_samples,
            "cloud_registered_samples": cloud_registered_samples,
        }
