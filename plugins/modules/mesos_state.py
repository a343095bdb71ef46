#!/usr/bin/python
"""Ask Mesos masters for their state (/state), optionally waiting for a leader or for agents."""

from __future__ import annotations

DOCUMENTATION = r"""
module: mesos_state
short_description: Report (and wait for) the leading Mesos master, its agents and its frameworks
description:
  - Reads each master's C(http://HOST:PORT/state) (a read-only endpoint) and reports which master
    leads (the one that answers and names itself leader; a standby redirects to the leader, which is
    not followed), the agents registered with it and its frameworks.
  - With I(wait_for=leader), polls until every master answers and all of them name the same leader,
    which names itself; with I(wait_for=agents), also until every host of I(agents) is
    registered and active at that leader. It fails with the last state seen when I(timeout) passes.
  - Read-only; supports check mode.
options:
  masters: {description: Masters as C(host:port)., type: list, elements: str, required: true}
  agents: {description: Agent host names that must be registered (for I(wait_for=agents))., type: list, elements: str, default: []}
  wait_for:
    description: C(none) reports once; C(leader) and C(agents) wait as described above.
    type: str
    choices: [none, leader, agents]
    default: none
  timeout: {description: Seconds to wait for I(wait_for)., type: float, default: 60}
  interval: {description: Seconds between polls., type: float, default: 0.5}
  since:
    description: A Unix time (for example when the leading master was killed); C(elapsed_since) is measured from it.
    type: float
"""

EXAMPLES = r"""
- name: Wait until one master leads and every agent is registered
  mesos_state:
    masters: [node1:5050, node2:5050, node3:5050]
    agents: [node2, node3]
    wait_for: agents
    timeout: 120
"""

RETURN = r"""
masters:
  description: Per master (host:port), C(leader) (the host it names as leader, or null), C(elected) and C(error).
  type: dict
  returned: always
leader: {description: The leading master's host name (as it registered, C(--hostname)), or null., type: str, returned: always}
agents:
  description: Agents the leader lists, each with C(hostname), C(active), C(cpus), C(mem_mb) and C(disk_mb).
  type: list
  returned: always
frameworks:
  description: Frameworks the leader lists, each with C(id), C(name), C(principal), C(user), C(active), C(cpus), C(mem_mb) and C(tasks).
  type: list
  returned: always
elapsed: {description: Seconds this call waited., type: float, returned: always}
elapsed_since: {description: Seconds from I(since) until the wanted state was seen., type: float, returned: when since is given}
"""

import json
import urllib.error
import urllib.request
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import WAIT_OPTIONS, report_wait


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None  # a standby's redirect to the leader is its answer, not a page to fetch


OPENER = urllib.request.build_opener(NoRedirects)


def read_master(master: str, timeout: float) -> dict[str, Any]:
    """The master's /state, or the leader a standby redirects /state to (//HOST:PORT/master/state)."""
    try:
        with OPENER.open(f"http://{master}/state", timeout=timeout) as response:
            document = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location", "") if 300 <= error.code < 400 else ""
        if location.startswith("//"):
            return {"document": None, "redirects_to": location[2:].split("/", 1)[0].rsplit(":", 1)[0], "error": None}
        return {"document": None, "error": f"HTTP {error.code}"}
    except (OSError, ValueError) as error:
        return {"document": None, "error": str(error)}
    return {"document": document, "error": None}


def summarize(state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    masters = {}
    for master, entry in state.items():
        document = entry["document"] or {}
        masters[master] = {
            "leader": (document.get("leader_info") or {}).get("hostname") or entry.get("redirects_to"),
            # The leading master answers with its state and names itself (its pid) as the leader; a
            # standby redirects to the leader.
            "elected": document.get("pid") is not None and document.get("pid") == document.get("leader"),
            "error": entry["error"],
        }
    elected = [master for master, entry in masters.items() if entry["elected"]]
    document = state[elected[0]]["document"] if len(elected) == 1 else {}
    return {
        "masters": masters,
        "leader": document.get("hostname") if document else None,
        "agents": [
            {
                "hostname": agent.get("hostname"),
                "active": agent.get("active", False),
                "cpus": agent.get("resources", {}).get("cpus"),
                "mem_mb": agent.get("resources", {}).get("mem"),
                "disk_mb": agent.get("resources", {}).get("disk"),
            }
            for agent in document.get("slaves", [])
        ],
        "frameworks": [
            {
                "id": framework.get("id"),
                "name": framework.get("name"),
                "principal": framework.get("principal"),
                "user": framework.get("user"),
                "active": framework.get("active"),
                "cpus": framework.get("resources", {}).get("cpus"),
                "mem_mb": framework.get("resources", {}).get("mem"),
                "tasks": len(framework.get("tasks", [])),
            }
            for framework in document.get("frameworks", [])
        ],
    }


def missing_agents(summary: dict[str, Any], wanted: list[str]) -> list[str]:
    registered = {agent["hostname"] for agent in summary["agents"] if agent["active"]}
    return [host for host in wanted if host not in registered]


def reached(summary: dict[str, Any], wait_for: str, agents: list[str]) -> bool:
    if wait_for == "none":
        return True
    leader = summary["leader"]
    agreed = all(entry["error"] is None and entry["leader"] == leader for entry in summary["masters"].values())
    if leader is None or not agreed:
        return False
    return wait_for == "leader" or not missing_agents(summary, agents)


def describe(summary: dict[str, Any], agents: list[str]) -> str:
    masters = ", ".join(
        f"{master}: {entry['error'] or ('elected' if entry['elected'] else 'names ' + str(entry['leader']))}"
        for master, entry in summary["masters"].items()
    )
    missing = missing_agents(summary, agents)
    return masters + (f"; agents not registered: {', '.join(missing)}" if missing else "")


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            **WAIT_OPTIONS,
            "agents": {"type": "list", "elements": "str", "default": []},
            "wait_for": {"type": "str", "choices": ["none", "leader", "agents"], "default": "none"},
        },
        supports_check_mode=True,
    )
    params = module.params
    per_call_timeout = min(5.0, params["timeout"])
    report_wait(
        module,
        lambda: summarize({master: read_master(master, per_call_timeout) for master in params["masters"]}),
        lambda summary: reached(summary, params["wait_for"], params["agents"]),
        lambda summary: describe(summary, params["agents"]),
        f"Mesos masters not in state '{params['wait_for']}'",
    )


if __name__ == "__main__":
    main()
