#!/usr/bin/python
"""Ask Spark standalone masters for their state (the web UI's /json/), optionally waiting for a wanted state."""

from __future__ import annotations

DOCUMENTATION = r"""
module: spark_standalone
short_description: Report (and wait for) the state of Spark standalone masters and their workers
description:
  - Reads each master's C(http://HOST:PORT/json/) and reports its status (ALIVE, STANDBY, RECOVERING, ...),
    the workers registered with the ALIVE master and its applications.
  - With I(wait_for=leader), polls until exactly one master is ALIVE and every other answers;
    with I(wait_for=workers), also until every host of I(workers) is registered as an ALIVE worker.
    It fails with the last state seen when I(timeout) passes.
  - Read-only; supports check mode.
options:
  masters: {description: Masters' web UIs as C(host:port)., type: list, elements: str, required: true}
  workers: {description: Worker host names that must be registered (for I(wait_for=workers))., type: list, elements: str, default: []}
  wait_for:
    description: C(none) reports once; C(leader) and C(workers) wait as described above.
    type: str
    choices: [none, leader, workers]
    default: none
  timeout: {description: Seconds to wait for I(wait_for)., type: float, default: 60}
  interval: {description: Seconds between polls., type: float, default: 0.5}
  since:
    description: A Unix time (for example when the ALIVE master was killed); C(elapsed_since) is measured from it.
    type: float
"""

EXAMPLES = r"""
- name: Wait until one master leads and both workers are registered
  spark_standalone:
    masters: [node1:8080, node2:8080]
    workers: [node2, node3]
    wait_for: workers
    timeout: 90
"""

RETURN = r"""
masters: {description: Per master, C(status) (or null when not answering) and C(error)., type: dict, returned: always}
alive: {description: The ALIVE master (host:port), or null., type: str, returned: always}
url: {description: The ALIVE master's spark:// URL, or null., type: str, returned: always}
workers: {description: Workers the ALIVE master lists, each with C(host), C(state), C(cores) and C(memory) (MB)., type: list, returned: always}
applications: {description: Active applications of the ALIVE master, each with C(id), C(name) and C(state)., type: list, returned: always}
elapsed: {description: Seconds this call waited., type: float, returned: always}
elapsed_since: {description: Seconds from I(since) until the wanted state was seen., type: float, returned: when since is given}
"""

import json
import urllib.request
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import WAIT_OPTIONS, report_wait


def read_master(master: str, timeout: float) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://{master}/json/", timeout=timeout) as response:
            document = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        return {"status": None, "error": str(error)}
    return {"status": document.get("status"), "error": None, "document": document}


def summarize(state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    alive = [master for master, entry in state.items() if entry["status"] == "ALIVE"]
    document = state[alive[0]]["document"] if len(alive) == 1 else {}
    return {
        "masters": {master: {"status": entry["status"], "error": entry["error"]} for master, entry in state.items()},
        "alive": alive[0] if len(alive) == 1 else None,
        "url": document.get("url"),
        "workers": [
            {
                "host": worker.get("host"),
                "state": worker.get("state"),
                "cores": worker.get("cores"),
                "memory": worker.get("memory"),
            }
            for worker in document.get("workers", [])
        ],
        "applications": [
            {"id": app.get("id"), "name": app.get("name"), "state": app.get("state")}
            for app in document.get("activeapps", [])
        ],
    }


def missing_workers(summary: dict[str, Any], wanted: list[str]) -> list[str]:
    registered = {worker["host"] for worker in summary["workers"] if worker["state"] == "ALIVE"}
    # A worker registers with its --host, which may be a name or an address.
    return [host for host in wanted if host not in registered]


def reached(summary: dict[str, Any], wait_for: str, workers: list[str]) -> bool:
    if wait_for == "none":
        return True
    answering = all(entry["status"] is not None for entry in summary["masters"].values())
    if summary["alive"] is None or not answering:
        return False
    return wait_for == "leader" or not missing_workers(summary, workers)


def describe(summary: dict[str, Any], workers: list[str]) -> str:
    masters = ", ".join(f"{master}={entry['status'] or entry['error']}" for master, entry in summary["masters"].items())
    missing = missing_workers(summary, workers)
    return masters + (f"; workers not registered: {', '.join(missing)}" if missing else "")


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            **WAIT_OPTIONS,
            "workers": {"type": "list", "elements": "str", "default": []},
            "wait_for": {"type": "str", "choices": ["none", "leader", "workers"], "default": "none"},
        },
        supports_check_mode=True,
    )
    params = module.params
    per_call_timeout = min(3.0, params["timeout"])
    report_wait(
        module,
        lambda: summarize({master: read_master(master, per_call_timeout) for master in params["masters"]}),
        lambda summary: reached(summary, params["wait_for"], params["workers"]),
        lambda summary: describe(summary, params["workers"]),
        f"Spark masters not in state '{params['wait_for']}'",
    )


if __name__ == "__main__":
    main()
