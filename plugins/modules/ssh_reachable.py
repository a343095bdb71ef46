#!/usr/bin/python
"""Wait until many hosts answer with an SSH banner, all at once, and say when each did."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ssh_reachable
short_description: Wait for the SSH banner of many hosts in parallel and return when each first answered
description:
  - Polls every host's port from the controller at the same time (one thread per host), so a
    hundred new instances take as long as the slowest, not the sum.
  - A host counts as reachable when it sends a banner starting with SSH-, not when the port merely
    accepts (a cloud's NAT may accept before sshd runs).
  - Fails naming the hosts still silent at the deadline.
options:
  hosts: {description: Host name to address., type: dict, required: true}
  port: {description: The SSH port., type: int, default: 22}
  timeout: {description: Seconds to wait for all hosts., type: int, default: 600}
  poll_interval: {description: Seconds between attempts per host., type: float, default: 2}
"""

EXAMPLES = r"""
- name: Wait for the new instances' sshd
  ssh_reachable:
    hosts: {worker-i-0abc: 203.0.113.7}
    timeout: 300
"""

RETURN = r"""
reachable_at: {description: "Host name to the epoch time its banner first arrived.", type: dict, returned: success}
"""

import concurrent.futures
import socket
import time

from ansible.module_utils.basic import AnsibleModule


def banner_time(address: str, port: int, deadline: float, interval: float) -> float | None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=min(5.0, interval + 3)) as connection:
                connection.settimeout(5.0)
                if connection.recv(4).startswith(b"SSH-"):
                    return time.time()
        except OSError:
            pass
        time.sleep(interval)
    return None


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "hosts": {"type": "dict", "required": True},
            "port": {"type": "int", "default": 22},
            "timeout": {"type": "int", "default": 600},
            "poll_interval": {"type": "float", "default": 2.0},
        },
        supports_check_mode=True,
    )
    hosts = {str(name): str(address) for name, address in module.params["hosts"].items()}
    if module.check_mode or not hosts:
        module.exit_json(changed=False, reachable_at={})
    deadline = time.monotonic() + module.params["timeout"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(len(hosts), 64)) as pool:
        futures = {
            name: pool.submit(banner_time, address, module.params["port"], deadline, module.params["poll_interval"])
            for name, address in hosts.items()
        }
        reachable_at = {name: future.result() for name, future in futures.items()}
    silent = sorted(name for name, at in reachable_at.items() if at is None)
    if silent:
        module.fail_json(
            msg=f"no SSH banner after {module.params['timeout']} s from {len(silent)} of {len(hosts)} hosts: "
            f"{', '.join(f'{name} ({hosts[name]})' for name in silent[:10])}",
            reachable_at={name: at for name, at in reachable_at.items() if at is not None},
        )
    module.exit_json(changed=False, reachable_at=reachable_at)


if __name__ == "__main__":
    main()
