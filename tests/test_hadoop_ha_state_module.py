from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.modules.hadoop_ha_state import active_one, describe, reached, read

MODULE = Path(__file__).resolve().parents[1] / "plugins/modules/hadoop_ha_state.py"

# path -> (status, body or Location), served by the fixture's web server.
PAGES: dict[str, tuple[int, Any]] = {}


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's name
        status, body = PAGES.get(self.path, (404, {}))
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", body)
        self.end_headers()
        if status < 300:
            self.wfile.write(json.dumps(body).encode())

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    PAGES.clear()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()


def namenode_pages(state: str, safe_mode: str) -> None:
    PAGES["/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus"] = (200, {"beans": [{"State": state}]})
    PAGES["/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo"] = (200, {"beans": [{"Safemode": safe_mode}]})


def test_a_namenode_reports_its_state_and_safe_mode(web: str) -> None:
    safe_mode = "Safe mode is ON. The reported blocks 0 needs additional 3 blocks"
    namenode_pages("standby", safe_mode)
    assert read("namenode", web, 2) == {"state": "standby", "safe_mode": safe_mode, "error": None}


def test_a_resourcemanager_reports_its_ha_state(web: str) -> None:
    PAGES["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "ACTIVE"}})
    assert read("resourcemanager", web, 2) == {"state": "active", "error": None}


def test_a_redirect_or_an_odd_page_counts_as_not_answering(web: str) -> None:
    # A standby ResourceManager sends most pages to the active one: following it would count the
    # active one twice.
    PAGES["/ws/v1/cluster/info"] = (307, "http://elsewhere:8088/ws/v1/cluster/info")
    redirected = read("resourcemanager", web, 2)
    assert redirected["state"] is None and "307" in redirected["error"]
    PAGES["/ws/v1/cluster/info"] = (200, {"beans": []})
    assert read("resourcemanager", web, 2)["state"] is None
    assert read("namenode", web, 2)["state"] is None  # no such page: 404


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


def run_module(arguments: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The module run as Ansible runs it (its arguments in a JSON file): its JSON result."""
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
    # The module imports the collection's module_utils: run it with the collections folder on its path.
    collections = str(Path(__file__).resolve().parents[1] / ".venv/collections")
    done = subprocess.run(
        [sys.executable, str(MODULE), str(args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": collections},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_module_asks_each_host_on_the_port_and_names_the_active_host(web: str, tmp_path: Path) -> None:
    host, port = web.split(":")
    PAGES["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "ACTIVE"}})
    result = run_module({"kind": "resourcemanager", "hosts": [host], "port": int(port), "wait_for": "leader"}, tmp_path)
    assert result["active"] == host and result["members"][host]["state"] == "active"
    assert not result.get("failed")


def test_the_module_fails_naming_the_states_when_no_leader_comes(web: str, tmp_path: Path) -> None:
    host, port = web.split(":")
    PAGES["/ws/v1/cluster/info"] = (200, {"clusterInfo": {"haState": "STANDBY"}})
    arguments = {"kind": "resourcemanager", "hosts": [host], "port": int(port), "wait_for": "leader", "timeout": 0.5}
    result = run_module(arguments, tmp_path)
    assert result["failed"] and result["active"] is None
    assert f"after 0.5 s: {host}=standby" in result["msg"]
