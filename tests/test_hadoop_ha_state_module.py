from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible_collections.stacklab.bigdata.plugins.modules.hadoop_ha_state import active_one, describe, reached, read

from tests.fixtures.web_pages import Pages, run_module


def namenode_pages(web_pages: Pages, state: str, safe_mode: str) -> None:
    web_pages["/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus"] = (200, {"beans": [{"State": state}]})
    web_pages["/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo"] = (200, {"beans": [{"Safemode": safe_mode}]})


def test_a_namenode_reports_its_state_and_safe_mode(web_pages: Pages) -> None:
    safe_mode = "Safe mode is ON. The reported blocks 0 needs additional 3 blocks"
    namenode_pages(web_pages, "standby", safe_mode)
    assert read("namenode", web_pages.address, 2) == {"state": "standby", "safe_mode": safe_mode, "error": None}


def test_a_resourcemanager_reports_its_ha_state(web_pages: Pages) -> None:
    web_pages["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "ACTIVE"}})
    assert read("resourcemanager", web_pages.address, 2) == {"state": "active", "error": None}


def test_a_redirect_or_an_odd_page_counts_as_not_answering(web_pages: Pages) -> None:
    # A standby ResourceManager sends most pages to the active one: following it would count the
    # active one twice.
    web_pages["/ws/v1/cluster/info"] = (307, "http://elsewhere:8088/ws/v1/cluster/info")
    redirected = read("resourcemanager", web_pages.address, 2)
    assert redirected["state"] is None and "307" in redirected["error"]
    web_pages["/ws/v1/cluster/info"] = (200, {"beans": []})
    assert read("resourcemanager", web_pages.address, 2)["state"] is None
    assert read("namenode", web_pages.address, 2)["state"] is None  # no such page: 404


def test_nothing_listening_counts_as_not_answering() -> None:
    assert read("namenode", "127.0.0.1:9", 2)["state"] is None


def member(state: str | None, safe_mode: str = "") -> dict[str, Any]:
    return {"state": state, "safe_mode": safe_mode, "error": None if state else "connection refused"}


def test_one_active_and_the_others_standby_out_of_safe_mode_is_the_leader_state() -> None:
    members = {"n1": member("standby"), "n2": member("active")}
    assert reached(members) and active_one(members) == "n2"
    assert reached({"n1": member("active")})  # without HA


def test_no_leader_while_one_is_down_in_safe_mode_or_two_are_active() -> None:
    assert not reached({"n1": member("active"), "n2": member(None)})
    assert not reached({"n1": member("active"), "n2": member("standby", "Safe mode is ON.")})
    both = {"n1": member("active"), "n2": member("active")}
    assert not reached(both) and active_one(both) is None
    assert not reached({"n1": member("standby"), "n2": member("initializing")})


def test_the_failure_message_names_each_member_state() -> None:
    members = {"n1": member("active"), "n2": member("standby", "Safe mode is ON."), "n3": member(None)}
    expected = "n1=active, n2=standby (safe mode: Safe mode is ON.), n3=connection refused"
    assert describe(members) == expected


def test_the_module_asks_each_host_on_the_port_and_names_the_active_host(web_pages: Pages, tmp_path: Path) -> None:
    host, port = web_pages.address.split(":")
    web_pages["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "ACTIVE"}})
    result = run_module(
        "hadoop_ha_state",
        {"kind": "resourcemanager", "hosts": [host], "port": int(port), "wait_for": "leader"},
        tmp_path,
    )
    assert result["active"] == host and result["members"][host]["state"] == "active"
    assert not result.get("failed")


def test_the_module_fails_naming_the_states_when_no_leader_comes(web_pages: Pages, tmp_path: Path) -> None:
    host, port = web_pages.address.split(":")
    web_pages["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "STANDBY"}})
    arguments = {"kind": "resourcemanager", "hosts": [host], "port": int(port), "wait_for": "leader", "timeout": 0.5}
    result = run_module("hadoop_ha_state", arguments, tmp_path)
    assert result["failed"] and result["active"] is None
    assert f"after 0.5 s: {host}=standby" in result["msg"]
