"""The controller-side checks and arithmetic of cloud provisioning (plugins/filter/cloud.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.stacklab.bigdata.plugins.filter.cloud import (
    cloud_admin_cidr_problem,
    cloud_cost_estimate,
    cloud_layout_problems,
    cloud_registered_samples,
    cloud_uptime_samples,
)

ROOT = Path(__file__).resolve().parents[1]
GOOD = [
    {"name": "control", "count": 3, "groups": ["zookeeper", "spark_master"], "instance_type": "t2.small"},
    {
        "name": "worker",
        "count": 4,
        "groups": ["spark_worker"],
        "instance_type": "m5.large",
        "spot": True,
        "volume_gb": 8,
    },
]

# OSv workers: instances of the OSv worker image, in their own node group.
OSV = {"name": "osv", "count": 4, "groups": ["osv_worker"], "instance_type": "t2.small", "image": "osv"}


def test_a_good_layout_has_no_problems() -> None:
    assert cloud_layout_problems(GOOD) == []
    assert cloud_layout_problems([*GOOD, OSV]) == []


def test_the_sparkos_osv_layout_has_no_problems() -> None:
    """inventories/ec2/layouts/sparkos-osv.yml: a client and four OSv workers from the OSv image."""
    layout = yaml.safe_load((ROOT / "inventories/ec2/layouts/sparkos-osv.yml").read_text())["cloud_nodes"]
    assert cloud_layout_problems(layout) == []
    assert [(node["groups"], node.get("image")) for node in layout] == [
        (["bench_client"], None),
        (["osv_worker"], "osv"),
    ]


def test_the_interference_papers_layout_has_no_problems() -> None:
    """inventories/eucalyptus: three masters (ZooKeeper, Mesos masters...), six agents, a client."""
    layout = yaml.safe_load((ROOT / "inventories/eucalyptus/group_vars/all.yml").read_text())["cloud_nodes"]
    assert cloud_layout_problems(layout) == []
    count = {
        group: sum(node["count"] for node in layout if group in node["groups"])
        for group in ("mesos_master", "mesos_agent")
    }
    assert count == {"mesos_master": 3, "mesos_agent": 6}


@pytest.mark.parametrize(
    ("nodes", "problem"),
    [
        ([], "cloud_nodes: list the node groups"),
        ("workers", "cloud_nodes: list the node groups"),
        (["x"], "cloud_nodes[0]: must be a mapping"),
        ([{"name": "a", "count": 1, "groups": ["zookeeper"]}], "cloud_nodes[0] (a): instance_type is required"),
        ([{**GOOD[1], "count": True}], "count must be an integer of at least 1, got True"),
        ([{**GOOD[1], "groups": []}], "groups must be a non-empty list"),
        ([{**GOOD[1], "groups": ["spark_workers"]}], "unknown inventory group 'spark_workers'"),
        ([{**GOOD[1], "name": "Worker_1"}], "name must be lower-case letters"),
        ([{**GOOD[1], "spot": "yes"}], "spot must be true or false"),
        ([{**GOOD[1], "volume_gb": 0}], "volume_gb must be an integer of at least 1"),
        ([{**GOOD[1], "flavour": "big"}], "unknown field 'flavour'"),
        ([GOOD[1], GOOD[1]], "node group name 'worker' is used twice"),
        ([{**GOOD[0], "count": 2}], "2 zookeeper hosts; a ZooKeeper ensemble needs an odd number"),
        ([GOOD[0], {**GOOD[0], "name": "more", "count": 1}], "4 zookeeper hosts"),
        (
            [{**GOOD[0], "count": 1, "groups": ["zookeeper"]}, {**GOOD[1], "count": 2, "groups": ["mesos_master"]}],
            "2 mesos_master hosts; Mesos masters (a quorum) needs an odd number",
        ),
        ([{**GOOD[1], "groups": ["mesos_master", "mesos_agent"], "count": 3}], "Mesos needs zookeeper hosts"),
        ([GOOD[0], {**GOOD[1], "groups": ["mesos_agent"]}], "mesos_agent hosts need mesos_master hosts"),
        ([{**OSV, "image": "ubuntu"}], "image may only be 'osv'"),
        ([{**OSV, "groups": ["osv_worker", "bench_client"]}], "in the osv_worker group and no other"),
        ([{**GOOD[1], "image": "osv"}], "in the osv_worker group and no other, got ['spark_worker']"),
        ([{**OSV, "image": ...}], "osv_worker hosts are OSv VMs: their node group needs image: osv"),
    ],
)
def test_layout_problems_name_the_node_group_and_field(nodes: Any, problem: str) -> None:
    if isinstance(nodes, list):  # a field set to ... is left out
        nodes = [{k: v for k, v in node.items() if v is not ...} if isinstance(node, dict) else node for node in nodes]
    assert any(problem in found for found in cloud_layout_problems(nodes)), cloud_layout_problems(nodes)


@pytest.mark.parametrize(
    ("cidr", "problem"),
    [
        ("", "cloud_admin_cidr is required"),
        (None, "cloud_admin_cidr is required"),
        ("10.0.0.1/8", "has host bits set"),
        ("300.1.1.1/32", "is not a network"),
        ("203.0.113.7/32", ""),
        ("10.20.0.0/16", ""),
        ("2001:db8::/48", ""),
        ("0.0.0.0/0", "opens SSH to 4,294,967,296 addresses"),
        ("10.0.0.0/15", "no wider than /16, or set cloud_admin_cidr_allow_wide=true"),
        ("2001:db8::/32", "no wider than /48"),
    ],
)
def test_admin_cidr(cidr: Any, problem: str) -> None:
    found = cloud_admin_cidr_problem(cidr)
    assert (problem in found) if problem else found == ""


def test_a_wide_admin_network_is_allowed_when_asked() -> None:
    assert cloud_admin_cidr_problem("0.0.0.0/0", allow_wide=True) == ""


def test_cost_estimate_multiplies_and_overrides() -> None:
    table = {"us-east-1": {"t2.small": 0.023, "m5.large": 0.096}}
    estimate = cloud_cost_estimate(GOOD, table, "us-east-1", {"m5.large": 0.05}, 8)
    assert estimate["instances"] == 7
    assert estimate["total"] == round(3 * 0.023 * 8 + 4 * 0.05 * 8, 2)
    assert estimate["unpriced"] == []
    assert "worker: 4 x m5.large at $0.0500/h x 8 h = $1.60" in estimate["lines"]


def test_cost_estimate_lists_types_without_a_price() -> None:
    assert cloud_cost_estimate(GOOD, {"us-east-1": {"t2.small": 0.023}}, "eu-north-1", {}, 1)["unpriced"] == [
        "m5.large",
        "t2.small",
    ]


def test_uptime_samples_only_for_nodes_launched_now() -> None:
    launches = [
        {
            "item": GOOD[1],
            "instances": [
                {"hostname": "worker-i-1", "requested_at": 100.0, "running_at": 130.5},
                {"hostname": "worker-i-2", "requested_at": None, "running_at": 140.0},
            ],
        }
    ]
    samples = cloud_uptime_samples(launches, {"worker-i-1": 161.25}, {"target": "ec2"})
    assert [(s["metric"], s["value"]) for s in samples] == [("node_running_s", 30.5), ("node_ssh_s", 61.25)]
    assert samples[0]["labels"] == {
        "target": "ec2",
        "host": "worker-i-1",
        "node_group": "worker",
        "instance_type": "m5.large",
    }


def test_registered_samples_skip_nodes_without_a_request_time() -> None:
    hostvars = {"w-i-1": {"stacklab_requested_at": 100.0}, "w-i-2": {"stacklab_requested_at": None}, "w-i-3": {}}
    samples = cloud_registered_samples(sorted(hostvars), hostvars, 190.5, "node_registered_s", {})
    assert [(s["labels"]["host"], s["value"], s["timestamp"]) for s in samples] == [("w-i-1", 90.5, 190.5)]


def test_an_osv_workers_up_time_is_its_agent_answering() -> None:
    """OSv instances have no SSH: node_registered_s (request -> the agent answering, from the
    provisioning's wait on each agent) instead of node_ssh_s, labelled system osv."""
    launches = [{"item": OSV, "instances": [{"hostname": "osv-i-1", "requested_at": 100.0, "running_at": 120.0}]}]
    waits = [
        {"item": {"hostname": "osv-i-1", "requested_at": 100.0}, "elapsed_since": 42.5},
        {"item": {"hostname": "osv-i-2", "requested_at": None}, "skipped": True},
    ]
    samples = cloud_uptime_samples(launches, {}, {"target": "ec2"}, waits)
    assert [(s["metric"], s["value"]) for s in samples] == [("node_running_s", 20.0), ("node_registered_s", 42.5)]
    assert samples[1]["labels"]["system"] == "osv" and samples[1]["timestamp"] == 142.5
