"""The mesos role's data (plugins/filter/mesos.py): flags, ACLs, credentials and agent offers."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.filter.mesos import (
    mesos_acl_problems,
    mesos_acls,
    mesos_attributes,
    mesos_credentials,
    mesos_flags,
    mesos_offer_problems,
)


def test_flags_become_mesos_words_with_switches_spelled_as_mesos_spells_them() -> None:
    flags = {"quorum": 2, "authenticate_agents": True, "systemd_enable_support": False, "attributes": None}
    assert mesos_flags(flags) == ["--authenticate_agents", "--quorum=2", "--no-systemd_enable_support"]


def test_the_acls_let_each_principal_run_tasks_as_its_own_users_only() -> None:
    acls = mesos_acls({"spark": ["spark"], "other": ["u1", "u2"]}, "agent", "operator")
    assert acls["permissive"] is False
    assert acls["run_tasks"] == [
        {"principals": {"values": ["other"]}, "users": {"values": ["u1", "u2"]}},
        {"principals": {"values": ["spark"]}, "users": {"values": ["spark"]}},
    ]
    assert acls["register_agents"] == [{"principals": {"values": ["agent"]}, "agents": {"type": "ANY"}}]
    assert acls["teardown_frameworks"][0]["principals"] == {"values": ["operator"]}


@pytest.mark.parametrize(
    ("frameworks", "problem"),
    [
        ({"spark": ["spark", "root"]}, "mesos_frameworks.spark lets its tasks run as root"),
        ({"spark": []}, "mesos_frameworks.spark must be a non-empty list of user names"),
        ({"spark": "spark"}, "mesos_frameworks.spark must be a non-empty list of user names"),
        ({}, "mesos_frameworks must be a non-empty dict"),
    ],
)
def test_framework_users_must_be_unprivileged_names(frameworks: Any, problem: str) -> None:
    assert any(problem in message for message in mesos_acl_problems(frameworks))
    assert mesos_acl_problems({"spark": ["spark"]}) == []


def test_a_credentials_file_lists_each_principal_with_its_secret() -> None:
    secrets = {"agent": "a", "operator": "o", "spark": "s"}
    assert mesos_credentials(secrets, ["operator"]) == {"credentials": [{"principal": "operator", "secret": "o"}]}


@pytest.mark.parametrize(
    ("offer", "problem"),
    [
        ({"cpus": 4.0, "memory_mb": 1536, "disk_mb": 4096}, "offers 4.0 CPUs but the host has 2"),
        ({"cpus": 2.0, "memory_mb": 9000, "disk_mb": 4096}, "offers 9000 MB but the host has 8000 MB"),
        ({"cpus": 0, "memory_mb": 1536, "disk_mb": 4096}, "cpus must be a number of at least 0.1"),
        ({"cpus": 2.0, "memory_mb": "lots", "disk_mb": 4096}, "memory_mb must be a number"),
    ],
)
def test_an_offer_larger_than_its_host_is_named(offer: dict[str, Any], problem: str) -> None:
    facts = {"ansible_processor_vcpus": 2, "ansible_memtotal_mb": 8000}
    assert any(problem in message for message in mesos_offer_problems("a1", offer, facts))
    assert mesos_offer_problems("a1", {"cpus": 2.0, "memory_mb": 2931, "disk_mb": 4096}, facts) == []


def test_attributes_are_one_flag_value_or_none() -> None:
    assert mesos_attributes({"rack": "r1", "group": "agents"}) == "group:agents;rack:r1"
    assert mesos_attributes({}) is None
