"""Polling with a deadline, shared by the modules that read a cluster's state and can wait for a
wanted one (mesos_state, spark_standalone, hadoop_ha_state, zookeeper_ensemble): they run on the
cluster's hosts, where stacklab's own Python package (stacklab.polling) is not installed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

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
