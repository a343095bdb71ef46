"""mesos_state: which master leads (a standby redirects /state to the leader, not followed), the
agents and frameworks the leader lists, and waiting for both; against canned /state pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible_collections.stacklab.bigdata.plugins.modules.mesos_state import reached, read_master, summarize

from tests.fixtures.web_pages import Pages, run_module


def leader_state(host: str, agents: tuple[tuple[str, bool], ...] = ()) -> dict[str, Any]:
    return {
        "hostname": host,
        "pid": "master@10.0.0.1:5050",
        "leader": "master@10.0.0.1:5050",
        "leader_info": {"hostname": host},
        "slaves": [
            {"hostname": name, "active": active, "resources": {"cpus": 2.0, "mem": 1536.0, "disk": 4096.0}}
            for name, active in agents
        ],
        "frameworks": [
            {
                "id": "f1",
                "name": "spark-cg",
                "principal": "spark",
                "user": "spark",
                "active": True,
                "resources": {"cpus": 4.0, "mem": 1792.0},
                "tasks": [{}, {}],
            }
        ],
    }


def test_the_leader_answers_and_a_standby_names_it_by_its_redirect(web_pages: Pages) -> None:
    web_pages["/state"] = (200, leader_state("m1"))
    assert read_master(web_pages.address, 2)["document"]["hostname"] == "m1"
    web_pages["/state"] = (307, "//m1:5050/master/state")
    assert read_master(web_pages.address, 2) == {"document": None, "redirects_to": "m1", "error": None}
    web_pages["/state"] = (503, {})
    assert read_master(web_pages.address, 2)["error"] == "HTTP 503"


def test_one_leader_that_every_master_names_is_the_leader_state() -> None:
    leading = {"document": leader_state("m1", (("a1", True), ("a2", False))), "error": None}
    standby = {"document": None, "redirects_to": "m1", "error": None}
    summary = summarize({"m1:5050": leading, "m2:5050": standby, "m3:5050": standby})
    assert summary["leader"] == "m1"
    assert reached(summary, "leader", [])
    # a2 is registered but not active: not there yet.
    assert reached(summary, "agents", ["a1"]) and not reached(summary, "agents", ["a1", "a2"])
    assert summary["frameworks"][0]["tasks"] == 2 and summary["frameworks"][0]["cpus"] == 4.0


def test_no_leader_while_a_master_is_down_names_another_or_none_leads() -> None:
    leading = {"document": leader_state("m1"), "error": None}
    down = {"document": None, "error": "connection refused"}
    elsewhere = {"document": None, "redirects_to": "m9", "error": None}
    assert not reached(summarize({"m1:5050": leading, "m2:5050": down}), "leader", [])
    assert not reached(summarize({"m1:5050": leading, "m2:5050": elsewhere}), "leader", [])
    standby = {"document": None, "redirects_to": "m1", "error": None}
    assert summarize({"m2:5050": standby})["leader"] is None


def test_the_module_waits_for_the_agents_and_fails_naming_what_is_missing(web_pages: Pages, tmp_path: Path) -> None:
    web_pages["/state"] = (200, leader_state("m1", (("a1", True),)))
    found = run_module(
        "mesos_state", {"masters": [web_pages.address], "agents": ["a1"], "wait_for": "agents"}, tmp_path
    )
    assert found["leader"] == "m1" and not found.get("failed"), found
    arguments = {"masters": [web_pages.address], "agents": ["a1", "a2"], "wait_for": "agents", "timeout": 1}
    missing = run_module("mesos_state", arguments, tmp_path)
    assert missing["failed"] and "agents not registered: a2" in missing["msg"], missing
