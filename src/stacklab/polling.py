"""Poll with a deadline: how tests and benchmarks wait for a service, instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], bool], deadline_s: float, interval_s: float = 0.25, what: str = "condition"
) -> float:
    """Poll until `condition()` holds and return the seconds it took; TimeoutError at the deadline."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > deadline_s:
            raise TimeoutError(f"{what} not met within {deadline_s} s")
        time.sleep(interval_s)
    return time.monotonic() - started
