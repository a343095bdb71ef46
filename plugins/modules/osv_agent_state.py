#!/usr/bin/python
"""Ask stacklab's executor agents for their state, optionally waiting until each answers."""

from __future__ import annotations

DOCUMENTATION = r"""
module: osv_agent_state
short_description: Report (and wait for) stacklab's executor agents answering a signed STATUS
description:
  - Sends each agent a STATUS request signed with the cluster's secret (workloads/osv's protocol) and
    reports its answer, C(idle) or C(running) (with the application and executor), the cores and memory
    an executor may use, how many executors it launched.
  - With I(wait=true), polls until every agent answers OK, and fails with the last answers when
    I(timeout) passes. With I(since) (a VM's launch time), C(elapsed_since) is the launch-to-registered time.
  - Read-only; supports check mode.
options:
  agents: {description: Agents as C(host) or C(host:port)., type: list, elements: str, required: true}
  secret_file: {description: The cluster's secret on the controller., type: path, required: true}
  wait: {description: Wait until every agent answers., type: bool, default: false}
  timeout: {description: Seconds to wait., type: float, default: 300}
  interval: {description: Seconds between polls., type: float, default: 0.5}
  since: {description: A Unix time the wait is also measured from., type: float}
"""

EXAMPLES = r"""
- name: Wait for an OSv worker's agent (its boot-to-registered time)
  stacklab.bigdata.osv_agent_state:
    agents: [10.89.97.31]
    secret_file: /var/cache/stacklab/credentials/spark-stacklab.secret
    wait: true
    since: "{{ vm.launched_at }}"
"""

RETURN = r"""
agents: {description: Per agent (host:port) its answer (C(status), C(state), ...) or C(error)., type: dict, returned: always}
elapsed: {description: Seconds this call waited., type: float, returned: always}
elapsed_since: {description: Seconds from I(since) until every agent answered., type: float, returned: when since is given}
"""

from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.osv_agent import DEFAULT_PORT, AgentError, request
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import report_wait


def address(agent: str) -> tuple[str, int]:
    host, _, port = agent.partition(":")
    return host, int(port) if port else DEFAULT_PORT


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "agents": {"type": "list", "elements": "str", "required": True},
            "secret_file": {"type": "path", "required": True, "no_log": False},
            "wait": {"type": "bool", "default": False},
            "timeout": {"type": "float", "default": 300.0},
            "interval": {"type": "float", "default": 0.5},
            "since": {"type": "float"},
        },
        supports_check_mode=True,
    )
    try:
        secret = Path(module.params["secret_file"]).read_text()
    except OSError as error:
        module.fail_json(msg=f"can't read the cluster's secret: {error}")

    def read() -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for agent in module.params["agents"]:
            host, port = address(agent)
            try:
                answers[f"{host}:{port}"] = request(host, port, secret, "STATUS")
            except AgentError as error:
                answers[f"{host}:{port}"] = {"error": str(error)}
        return {"agents": answers}

    def answered(summary: dict[str, Any]) -> bool:
        return not module.params["wait"] or all(a.get("status") == "OK" for a in summary["agents"].values())

    def describe(summary: dict[str, Any]) -> str:
        return "; ".join(f"{agent}: {answer}" for agent, answer in summary["agents"].items())

    if not module.params["wait"]:
        module.params["timeout"] = 0.0
    report_wait(module, read, answered, describe, "executor agents not answering")


if __name__ == "__main__":
    main()
