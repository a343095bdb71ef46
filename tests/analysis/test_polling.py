from __future__ import annotations

import itertools

import pytest

from stacklab.polling import wait_until


def test_returns_once_the_condition_holds() -> None:
    calls = itertools.count()
    assert wait_until(lambda: next(calls) >= 3, deadline_s=5, interval_s=0.01) < 5


def test_fails_at_the_deadline_naming_what_it_waited_for() -> None:
    with pytest.raises(TimeoutError, match=r"standby ALIVE not met within 0\.05 s"):
        wait_until(lambda: False, deadline_s=0.05, interval_s=0.01, what="standby ALIVE")
