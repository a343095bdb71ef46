#!/usr/bin/python
"""Ask ZooKeeper servers for their state with the `srvr` four-letter word, optionally waiting for a quorum."""

from __future__ import annotations

DOCUMENTATION = r"""
module: zookeeper_ensemble
short_description: Report (and wait for) the state of ZooKeeper servers through the srvr four-letter word
description:
  - Sends C(srvr) to each server and parses its mode (leader, follower, observer, standalone) and zxid.
  - With I(wait_for=quorum), polls until every listed server serves and exactly one of them leads
    (or the single server is standalone), and fails with the last state seen when I(timeout) passes.
  - Read-only; supports check mode.
options:
  servers: {description: Servers as C(host:port) (the client port)., type: list, elements: str, required: true}
  wait_for:
    description: C(none) reports once; C(quorum) waits as described above.
    type: str
    choices: [none, quorum]
    default: none
  timeout: {description: Seconds to wait for I(wait_for)., type: float, default: 60}
  interval: {description: Seconds between polls., type: float, default: 0.2}
  since:
    description: A Unix time (for example when a leader was stopped); C(elapsed_since) is measured from it.
    type: float
"""

EXAMPLES = r"""
- name: Wait until the ensemble has a leader and every server serves
  zookeeper_ensemble:
    servers: [node1:2181, node2:2181, node3:2181]
    wait_for: quorum
    timeout: 30
"""

RETURN = r"""
servers: {description: Per server, C(mode) (or null when not serving), C(zxid) and C(error)., type: dict, returned: always}
leader: {description: The server that leads, or null., type: str, returned: always}
elapsed: {description: Seconds this call waited., type: float, returned: always}
elapsed_since: {description: Seconds from I(since) until the wanted state was seen., type: float, returned: when since is given}
"""

import socket
import time
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import poll_until

SERVING_MODES = ("leader", "follower", "observer", "standalone")


def four_letter_word(server: str, word: str, timeout: float) -> str:
    host, _, port = server.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(word.encode("ascii"))
        chunks = []
        while chunk := connection.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def parse_srvr(output: str) -> dict[str, Any]:
    fields = {}
    for line in output.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    mode = fields.get("mode")
    if mode not in SERVING_MODES:
        return {"mode": None, "zxid": None, "error": output.strip()[:200] or "empty reply"}
    return {"mode": mode, "zxid": fields.get("zxid"), "error": None}


def poll(servers: list[str], timeout: float) -> dict[str, dict[str, Any]]:
    state = {}
    for server in servers:
        try:
            state[server] = parse_srvr(four_letter_word(server, "srvr", timeout))
        except (OSError, ValueError) as error:
            state[server] = {"mode": None, "zxid": None, "error": str(error)}
    return state


def has_quorum(state: dict[str, dict[str, Any]]) -> bool:
    modes = [entry["mode"] for entry in state.values()]
    if None in modes:
        return False
    return modes.count("leader") == 1 or modes == ["standalone"]


def leader_of(state: dict[str, dict[str, Any]]) -> str | None:
    return next((server for server, entry in state.items() if entry["mode"] in ("leader", "standalone")), None)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "servers": {"type": "list", "elements": "str", "required": True},
            "wait_for": {"type": "str", "choices": ["none", "quorum"], "default": "none"},
            "timeout": {"type": "float", "default": 60.0},
            "interval": {"type": "float", "default": 0.2},
            "since": {"type": "float"},
        },
        supports_check_mode=True,
    )
    servers, wait_for = module.params["servers"], module.params["wait_for"]
    started = time.time()
    per_call_timeout = min(2.0, module.params["timeout"])
    state, seen = poll_until(
        lambda: poll(servers, per_call_timeout),
        lambda state: wait_for == "none" or has_quorum(state),
        module.params["timeout"],
        module.params["interval"],
    )
    result: dict[str, Any] = {"changed": False, "servers": state, "leader": leader_of(state), "elapsed": seen - started}
    if module.params["since"] is not None:
        result["elapsed_since"] = seen - module.params["since"]
    if wait_for == "quorum" and not has_quorum(state):
        summary = ", ".join(f"{server}={entry['mode'] or entry['error']}" for server, entry in state.items())
        module.fail_json(msg=f"no ZooKeeper quorum after {module.params['timeout']:g} s: {summary}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
