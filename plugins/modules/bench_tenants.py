#!/usr/bin/python
"""Run one benchmark cell's tenants on this host: each command at its start offset, all under one deadline."""

from __future__ import annotations

DOCUMENTATION = r"""
module: bench_tenants
short_description: Run the workload commands of one benchmark cell, each at its start offset
description:
  - Starts every tenant's command in its own process group at its offset from the cell's start,
    waits for all of them, and kills what is still running at the deadline (SIGTERM, then SIGKILL
    after a grace period), so that a stuck workload never outlives its cell.
  - Returns each tenant's exit status, wall times and output; the bench_cell action turns the
    output into samples on the controller.
options:
  tenants:
    description: "Commands to run: name, argv (a list), env (a dict), start_offset (seconds)."
    type: list
    elements: dict
    required: true
  timeout: {description: Seconds from the cell's start after which every tenant still running is killed., type: float, required: true}
  grace: {description: Seconds between SIGTERM and SIGKILL., type: float, default: 10}
  output_limit: {description: Bytes of each stream kept (the end of it)., type: int, default: 262144}
  attempt: {description: "The bench attempt (sortable by time): older attempts' leftovers are killed, and a module of an older attempt than the host has seen refuses to run.", type: str, required: true}
"""

EXAMPLES = r"""
- name: Run two tenants, the second 10 s after the first
  bench_tenants:
    tenants:
      - {name: alpha, argv: [spark-perf, count], env: {STACKLAB_APP_NAME: alpha}, start_offset: 0}
      - {name: beta, argv: [spark-perf, count], env: {STACKLAB_APP_NAME: beta}, start_offset: 10}
    timeout: 600
    attempt: 20261122T020243.123456
"""

RETURN = r"""
killed_leftovers: {description: Tenants of an interrupted earlier cell that were still running and were killed., type: list, returned: always}
tenants:
  description: Per tenant name, rc (null if it never started), timed_out, started and ended (Unix times), stdout, stderr.
  type: dict
  returned: always
"""

import contextlib
import fcntl
import os
import signal
import subprocess
import tempfile
import time
from typing import Any

from ansible.module_utils.basic import AnsibleModule

POLL_S = 0.05
# Process groups of running tenants, one file each (named by group, holding the bench attempt): if
# the controller vanishes mid-cell (a killed bench run), the next attempt's first cell on this host
# kills what the lost one left running before it starts. The attempt file holds the newest attempt
# seen here: a module of an older attempt that starts late (its controller is gone, and ssh
# delivered it anyway) refuses to run, so it can neither kill nor disturb the newer attempt's cells.
PGID_DIR = "/run/stacklab/tenants" if os.geteuid() == 0 else f"/tmp/stacklab-tenants-{os.getuid()}"


class Tenant:
    def __init__(self, spec: dict[str, Any], limit: int, attempt: str = ""):
        self.attempt = attempt
        self.name = str(spec["name"])
        self.argv = [str(arg) for arg in spec["argv"]]
        self.env = {**os.environ, **{str(k): str(v) for k, v in (spec.get("env") or {}).items()}}
        self.offset = float(spec.get("start_offset") or 0)
        self.limit = limit
        self.process: subprocess.Popen[bytes] | None = None
        self.started: float | None = None
        self.ended: float | None = None
        self.timed_out = False
        self.error: str | None = None
        # Output goes to files, not pipes: a chatty workload must never block on a full pipe.
        self.stdout = tempfile.TemporaryFile()  # noqa: SIM115 (open for the tenant's life, closed with the module)
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (as stdout)

    def start(self) -> None:
        self.started = time.time()
        try:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=self.stdout,
                stderr=self.stderr,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            self.error = f"cannot start {self.argv[0]}: {error.strerror}"
            self.ended = time.time()
            return
        with open(os.path.join(PGID_DIR, str(self.process.pid)), "w", encoding="ascii") as handle:
            handle.write(f"{self.attempt} {self.name}\n")

    def poll(self) -> bool:
        """True once the tenant has finished (or could not start)."""
        if self.ended is not None:
            return True
        if self.process is not None and self.process.poll() is not None:
            self.ended = time.time()
            return True
        return False

    def kill(self, grace: float) -> None:
        if self.process is None or self.poll():
            return
        self.timed_out = True
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.ended = time.time()

    def forget(self) -> None:
        if self.process is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(PGID_DIR, str(self.process.pid)))

    def _tail(self, stream: Any) -> str:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(max(0, size - self.limit))
        data: bytes = stream.read()
        return data.decode("utf-8", errors="replace")

    def result(self) -> dict[str, Any]:
        return {
            "rc": None if self.process is None else self.process.returncode,
            "error": self.error,
            "timed_out": self.timed_out,
            "started": self.started,
            "ended": self.ended,
            "stdout": self._tail(self.stdout),
            "stderr": self._tail(self.stderr),
        }


class SupersededAttempt(RuntimeError):
    """A newer bench attempt has run cells on this host: this module's controller is gone."""


def claim(attempt: str) -> list[str]:
    """Record `attempt` as this host's newest and kill what older attempts left running.

    Returns the tenants killed; raises SupersededAttempt when a newer attempt has claimed the host.
    Attempt ids sort by time (bench.yml makes them from the controller's clock)."""
    os.makedirs(PGID_DIR, exist_ok=True)
    with open(os.path.join(PGID_DIR, ".lock"), "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        newest_path = os.path.join(PGID_DIR, ".attempt")
        newest = open(newest_path, encoding="ascii").read().strip() if os.path.exists(newest_path) else ""  # noqa: SIM115
        if newest > attempt:
            raise SupersededAttempt(f"bench attempt {newest} has run on this host since this cell ({attempt}) was sent")
        with open(newest_path, "w", encoding="ascii") as handle:
            handle.write(attempt + "\n")
        killed = []
        for entry in os.listdir(PGID_DIR):
            if entry.startswith("."):
                continue
            path = os.path.join(PGID_DIR, entry)
            with open(path, encoding="ascii") as handle:
                owner, _, name = handle.read().strip().partition(" ")
            if owner == attempt:
                continue  # a tenant of this attempt (another cell on this host runs at once)
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(int(entry), signal.SIGKILL)
                killed.append(f"{name} of attempt {owner} (process group {entry})")
            os.unlink(path)
        return killed


def _interrupted(signum: int, _frame: Any) -> None:
    raise SystemExit(f"bench_tenants: signal {signum}")


def run(tenants: list[Tenant], timeout: float, grace: float) -> None:
    begin = time.time()
    waiting = sorted(tenants, key=lambda tenant: tenant.offset)
    try:
        while True:
            now = time.time() - begin
            while waiting and waiting[0].offset <= now:
                waiting.pop(0).start()
            if not waiting and all(tenant.poll() for tenant in tenants):
                return
            if now >= timeout:
                break
            time.sleep(POLL_S)
    finally:
        # Past the deadline, or the module itself interrupted: nothing the cell started keeps running.
        for tenant in tenants:
            tenant.kill(grace)
            tenant.forget()
        for tenant in waiting:
            tenant.error = tenant.error or f"not started: the cell's {timeout:g} s deadline came first"


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "tenants": {"type": "list", "elements": "dict", "required": True},
            "timeout": {"type": "float", "required": True},
            "grace": {"type": "float", "default": 10.0},
            "output_limit": {"type": "int", "default": 262144},
            "attempt": {"type": "str", "required": True},
        },
        supports_check_mode=False,
    )
    names = [str(spec.get("name")) for spec in module.params["tenants"]]
    if len(set(names)) != len(names) or any(not spec.get("argv") for spec in module.params["tenants"]):
        module.fail_json(msg=f"every tenant needs a distinct name and an argv: {names}")
    for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupted)
    try:
        leftovers = claim(module.params["attempt"])
    except SupersededAttempt as error:
        module.fail_json(msg=f"not run: {error}", superseded=True)
    tenants = [
        Tenant(spec, module.params["output_limit"], module.params["attempt"]) for spec in module.params["tenants"]
    ]
    run(tenants, module.params["timeout"], module.params["grace"])
    results = {tenant.name: tenant.result() for tenant in tenants}
    module.exit_json(changed=True, tenants=results, killed_leftovers=leftovers)


if __name__ == "__main__":
    main()
