#!/usr/bin/python
"""Ask HDFS NameNodes or YARN ResourceManagers for their HA state over HTTP, optionally waiting for
one active and the others standby (a JVM client such as `hdfs haadmin` costs seconds of CPU a call)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: hadoop_ha_state
short_description: Report (and wait for) the HA state of HDFS NameNodes or YARN ResourceManagers
description:
  - Reads each member's state from its web server, the one C(hdfs haadmin -getAllServiceState) and
    C(yarn rmadmin -getAllServiceState) print; a NameNode's JMX bean NameNodeStatus (and its
    NameNodeInfo's safe mode), a ResourceManager's C(/ws/v1/cluster/info) (haState). A member
    without HA reports C(active).
  - With I(wait_for=leader), polls until exactly one member is active and every other standby;
    NameNodes must also all be out of safe mode (a standby still in it would become an active one
    that refuses writes). It fails with the last states seen when I(timeout) passes.
  - Redirects are not followed (a standby ResourceManager redirects most of its pages to the
    active one), so a member that answers with one counts as not answering.
  - Read-only; supports check mode.
options:
  kind: {description: What the members are., type: str, choices: [namenode, resourcemanager], required: true}
  hosts: {description: The members' hosts (names or addresses)., type: list, elements: str, required: true}
  port: {description: The port of the members' web servers (every member uses the same)., type: int, required: true}
  wait_for:
    description: C(none) reports once; C(leader) waits as described above.
    type: str
    choices: [none, leader]
    default: none
  timeout: {description: Seconds to wait for I(wait_for)., type: float, default: 60}
  interval: {description: Seconds between polls., type: float, default: 1}
"""

EXAMPLES = r"""
- name: Wait until one NameNode is active, the other standby, both out of safe mode
  hadoop_ha_state:
    kind: namenode
    hosts: [node1, node2]
    port: 9870
    wait_for: leader
    timeout: 180
"""

RETURN = r"""
members:
  description: Per member host, C(state) (active, standby, initializing...; null when not answering), C(safe_mode) (NameNodes; empty when off) and C(error).
  type: dict
  returned: always
active: {description: The one active member's host, or null when none or several are., type: str, returned: always}
elapsed: {description: Seconds this call waited., type: float, returned: always}
"""

import json
import time
import urllib.error
import urllib.request
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import poll_until

NAMENODE_BEAN = "/jmx?qry=Hadoop:service=NameNode,name="


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def get_json(url: str, timeout: float) -> Any:
    with OPENER.open(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def read_namenode(member: str, timeout: float) -> dict[str, Any]:
    status = get_json(f"http://{member}{NAMENODE_BEAN}NameNodeStatus", timeout)["beans"][0]
    info = get_json(f"http://{member}{NAMENODE_BEAN}NameNodeInfo", timeout)["beans"][0]
    return {"state": str(status["State"]).lower(), "safe_mode": str(info.get("Safemode", ""))}


def read_resourcemanager(member: str, timeout: float) -> dict[str, Any]:
    info = get_json(f"http://{member}/ws/v1/cluster/info", timeout)["clusterInfo"]
    return {"state": str(info["haState"]).lower()}


READERS = {"namenode": read_namenode, "resourcemanager": read_resourcemanager}


def read(kind: str, web_server: str, timeout: float) -> dict[str, Any]:
    """The state of the member whose web server is `web_server` (host:port)."""
    try:
        return {**READERS[kind](web_server, timeout), "error": None}
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        # urllib's HTTPError (a redirect or an error status) is an OSError.
        return {"state": None, "error": f"{type(error).__name__}: {error}"}


def active_one(members: dict[str, dict[str, Any]]) -> str | None:
    active = [member for member, entry in members.items() if entry["state"] == "active"]
    return active[0] if len(active) == 1 else None


def reached(members: dict[str, dict[str, Any]]) -> bool:
    settled = all(entry["state"] in ("active", "standby") for entry in members.values())
    out_of_safe_mode = all(not entry.get("safe_mode") for entry in members.values())
    return settled and out_of_safe_mode and active_one(members) is not None


def describe(members: dict[str, dict[str, Any]]) -> str:
    def one(member: str, entry: dict[str, Any]) -> str:
        safe_mode = f" (safe mode: {entry['safe_mode']})" if entry.get("safe_mode") else ""
        return f"{member}={entry['state'] or entry['error']}{safe_mode}"

    return ", ".join(one(member, entry) for member, entry in members.items())


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kind": {"type": "str", "choices": sorted(READERS), "required": True},
            "hosts": {"type": "list", "elements": "str", "required": True},
            "port": {"type": "int", "required": True},
            "wait_for": {"type": "str", "choices": ["none", "leader"], "default": "none"},
            "timeout": {"type": "float", "default": 60.0},
            "interval": {"type": "float", "default": 1.0},
        },
        supports_check_mode=True,
    )
    params = module.params
    started = time.time()
    per_call_timeout = min(3.0, params["timeout"])
    members, seen = poll_until(
        lambda: {host: read(params["kind"], f"{host}:{params['port']}", per_call_timeout) for host in params["hosts"]},
        lambda members: params["wait_for"] == "none" or reached(members),
        params["timeout"],
        params["interval"],
    )
    result: dict[str, Any] = {
        "changed": False,
        "members": members,
        "active": active_one(members),
        "elapsed": seen - started,
    }
    if params["wait_for"] == "leader" and not reached(members):
        module.fail_json(
            msg=f"no single active {params['kind']} with the others standby after {params['timeout']:g} s: {describe(members)}",
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
