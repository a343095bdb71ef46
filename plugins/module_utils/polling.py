"""Polling with a deadline, shared by the modules that read a cluster's state and can wait for a
wanted one (mesos_state, spark_standalone, hadoop_ha_state, zookeeper_ensemble): they run on the
cluster's hosts, where stacklab's own Python package (stacklab.polling) is not installed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

State = TypeVar("State")


def poll_until(
    read: Callable[[], State], reached: Callable[[State], bool], timeout: float, interval: float
) -> tuple[State, float]:
    """Read the state until `reached(state)` holds or `timeout` seconds have passed; return the
    last state read and the Unix time it was read at (the caller reports whether it was reached)."""
    deadline = time.time() + timeout
    state = read()
    while not reached(state) and time.time() < deadline:
        time.sleep(interval)
        state = read()
    return state, time.time()


# The options of a module that reads a cluster's masters and can wait (mesos_state,
# spark_standalone): the masters, the wait's timeout and polling interval, and `since`, a Unix time
# (such as when a leader was killed) that the wait is also measured from.
WAIT_OPTIONS: dict[str, dict[str, Any]] = {
    "masters": {"type": "list", "elements": "str", "required": True},
    "timeout": {"type": "float", "default": 60.0},
    "interval": {"type": "float", "default": 0.5},
    "since": {"type": "float"},
}


def report_wait(
    module: Any,
    read: Callable[[], dict[str, Any]],
    reached: Callable[[dict[str, Any]], bool],
    describe: Callable[[dict[str, Any]], str],
    what: str,
) -> None:
    """Poll `read` until `reached` (module.params' timeout and interval), then exit the module with
    the last summary, `elapsed` and `elapsed_since`; fail naming `what` and the summary when the
    wanted state was not reached."""
    params = module.params
    started = time.time()
    summary, seen = poll_until(read, reached, params["timeout"], params["interval"])
    result: dict[str, Any] = {"changed": False, **summary, "elapsed": seen - started}
    if params.get("since") is not None:
        result["elapsed_since"] = seen - params["since"]
    if not reached(summary):
        module.fail_json(msg=f"{what} after {params['timeout']:g} s: {describe(summary)}", **result)
    module.exit_json(**result)
