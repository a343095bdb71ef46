"""The jvm_service role's reading of a framework's services data (plugins/filter/jvm_service.py)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.filter.jvm_service import (
    jvm_service_hosts,
    jvm_service_list,
    jvm_service_marks,
    jvm_service_on,
    jvm_service_problems,
    jvm_service_restart_groups,
    jvm_service_restart_order,
    systemd_command,
)

COMMON = {"user": "hdfs", "classpath": ["/etc/hadoop", "/opt/hadoop/share/*"], "java_options": ["-server"]}
SERVICES: dict[str, Any] = {
    "namenode": {"group": "hdfs_namenode", "main_class": "a.NameNode", "heap": "256m", "health": "namenode"},
    "zkfc": {
        "group": "hdfs_namenode",
        "main_class": "a.Zkfc",
        "heap": "96m",
        "restart_group": "namenode",
        "handover": "namenode_failover",
    },
    "journalnode": {"group": "hdfs_journalnode", "main_class": "a.JournalNode", "heap": "128m", "enabled": False},
    "history": {"group": "mapreduce_history", "hosts": ["h3"], "main_class": "a.History", "heap": "1g", "unit": "jhs"},
}
GROUPS = {"hdfs_namenode": ["h1", "h2"], "hdfs_journalnode": ["h1", "h2", "h3"], "mapreduce_history": ["h2"]}


def test_services_come_in_order_over_the_shared_settings_without_the_disabled_ones() -> None:
    listed = jvm_service_list(SERVICES, COMMON, "hadoop")
    assert [service["name"] for service in listed] == ["namenode", "zkfc", "history"]
    assert [service["unit"] for service in listed] == ["hadoop-namenode", "hadoop-zkfc", "jhs"]
    assert listed[0]["user"] == "hdfs" and listed[0]["java_options"] == ["-server"]
    assert listed[0]["arguments"] == [] and listed[0]["properties"] == {} and listed[0]["restart_group"] == "namenode"


def test_a_service_key_wins_over_the_shared_one() -> None:
    [service] = jvm_service_list({"a": {**SERVICES["namenode"], "user": "yarn"}}, COMMON, "hadoop")
    assert service["user"] == "yarn"


def test_hosts_come_from_the_group_unless_listed() -> None:
    namenode, _, history = jvm_service_list(SERVICES, COMMON, "hadoop")
    assert jvm_service_hosts(namenode, GROUPS) == ["h1", "h2"]
    assert jvm_service_hosts(history, GROUPS) == ["h3"]
    assert jvm_service_hosts({"group": "missing"}, GROUPS) == []
    on_h3 = jvm_service_on(jvm_service_list(SERVICES, COMMON, "hadoop"), "h3", GROUPS)
    assert [service["name"] for service in on_h3] == ["history"]


def test_restart_groups_join_services_and_take_the_first_health_check_and_handover() -> None:
    groups = jvm_service_restart_groups(jvm_service_list(SERVICES, COMMON, "hadoop"), GROUPS)
    assert groups == [
        {
            "name": "namenode",
            "units": ["hadoop-namenode", "hadoop-zkfc"],
            "hosts": ["h1", "h2"],
            "health": "namenode",
            "handover": "namenode_failover",
        },
        {"name": "history", "units": ["jhs"], "hosts": ["h3"], "health": "", "handover": ""},
    ]


def test_the_leader_restarts_last() -> None:
    assert jvm_service_restart_order(["h1", "h2", "h3"], "h1") == ["h2", "h3", "h1"]
    assert jvm_service_restart_order(["h1", "h2"], "") == ["h1", "h2"]
    assert jvm_service_restart_order(["h1", "h2"], "elsewhere") == ["h1", "h2"]


def test_marks_are_read_from_each_hosts_find_result() -> None:
    def found(*units: str) -> dict[str, Any]:
        return {"_jvm_service_marked": {"files": [{"path": f"/run/stacklab/restart/{unit}"} for unit in units]}}

    hostvars = {"h1": found("hadoop-zkfc", "other-unit"), "h2": found(), "h3": {}}
    units = ["hadoop-namenode", "hadoop-zkfc"]
    assert jvm_service_marks(["h1", "h2", "h3"], hostvars, units) == {"h1": ["hadoop-zkfc"]}
    assert jvm_service_marks(["h1"], {"h1": found("hadoop-zkfc", "hadoop-namenode")}, units) == {"h1": units}


def test_good_services_have_no_problems() -> None:
    assert jvm_service_problems(SERVICES, COMMON, "hadoop") == []


GOOD = {"group": "g", "main_class": "M", "heap": "1g", "user": "u"}


@pytest.mark.parametrize(
    ("service", "problem"),
    [
        ({"group": "g", "main_class": "M", "heap": "1g"}, "hadoop_services.x.user is missing"),
        ({**GOOD, "heap": "lots"}, "hadoop_services.x.heap must be a JVM size"),
        ({**GOOD, "arguments": "-x"}, "hadoop_services.x.arguments must be a list"),
        ({**GOOD, "heap_mb": 5}, "hadoop_services.x.heap_mb: unknown key"),
        ({**GOOD, "enabled": "yes"}, "hadoop_services.x.enabled must be true or false"),
        ({**GOOD, "kill_mode": "all"}, "hadoop_services.x.kill_mode must be one of"),
        ({**GOOD, "unit": "a b"}, "hadoop_services.x.unit must be a systemd unit name"),
        ({**GOOD, "health": "../x"}, "hadoop_services.x.health must be a name of"),
        ({**GOOD, "environment": ["A=1"]}, "hadoop_services.x.environment must be a dict"),
    ],
)
def test_a_bad_service_is_named_with_its_key(service: dict[str, Any], problem: str) -> None:
    problems = jvm_service_problems({"x": service}, {"classpath": ["/a"]}, "hadoop")
    assert any(problem in message for message in problems), problems


def test_two_services_with_one_unit_and_empty_services_are_refused() -> None:
    service = {"group": "g", "main_class": "M", "heap": "1g", "user": "u", "classpath": [], "unit": "same"}
    assert jvm_service_problems({"a": service, "b": service}, {}, "spark") == [
        "spark_services.b and spark_services.a have the same unit same"
    ]
    assert jvm_service_problems({}, {}, "spark") == [
        "spark_services must be a non-empty dict of service name -> description, got {}"
    ]
    assert jvm_service_problems({"a": "b"}, {}, "spark") == ["spark_services.a must be a dict, got 'b'"]


NATIVE = {"group": "mesos_master", "user": "mesos", "executable": "/opt/mesos/sbin/mesos-master"}


def test_a_native_service_needs_no_jvm_keys_and_takes_none_of_its_own() -> None:
    # The framework's shared settings may hold JVM keys; only the service's own are refused.
    assert jvm_service_problems({"master": NATIVE}, {"classpath": ["/a"]}, "mesos") == []
    assert jvm_service_problems({"master": {**NATIVE, "heap": "1g", "main_class": "M"}}, {}, "mesos") == [
        "mesos_services.master: main_class is for JVM services, not with executable",
        "mesos_services.master: heap is for JVM services, not with executable",
    ]
    assert jvm_service_problems({"master": {**NATIVE, "executable": "mesos-master"}}, {}, "mesos") == [
        "mesos_services.master.executable must be an absolute path, got 'mesos-master'"
    ]
    missing_user = {key: value for key, value in NATIVE.items() if key != "user"}
    assert jvm_service_problems({"master": missing_user}, {}, "mesos") == ["mesos_services.master.user is missing"]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["/opt/mesos/sbin/mesos-agent", "--port=5051"], "/opt/mesos/sbin/mesos-agent --port=5051"),
        (["/a", "--resources=cpus:2;mem:2048"], '/a "--resources=cpus:2;mem:2048"'),
        (["/a", "--attributes=rack:r1 x"], '/a "--attributes=rack:r1 x"'),
        (["/a", '--acls={"permissive": false}'], '/a "--acls={\\"permissive\\": false}"'),
        (["/a", "--x=$HOME%h\\n"], '/a "--x=$$HOME%%h\\\\n"'),
        (["/a", 5051], "/a 5051"),
    ],
)
def test_systemd_command_quotes_what_systemd_would_read(argv: list[Any], line: str) -> None:
    assert systemd_command(argv) == line
