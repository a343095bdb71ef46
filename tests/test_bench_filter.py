from __future__ import annotations

import pytest

from bench import cell_key, summarize_samples


def test_cell_keys_are_stable_and_tell_cells_apart() -> None:
    spec = {"name": "x", "trials": 3}
    assert cell_key(spec, {"trial": 1}) == cell_key(dict(reversed(spec.items())), {"trial": 1})
    assert cell_key(spec, {"trial": 1}) != cell_key(spec, {"trial": 2})
    assert cell_key(spec, {"trial": 1}) != cell_key({**spec, "trials": 4}, {"trial": 1})


def sample(value: float, warmup: bool = False) -> dict[str, object]:
    return {"metric": "t", "unit": "s", "value": value, "labels": {"warmup": warmup}}


def test_summary_leaves_warmups_out() -> None:
    (row,) = summarize_samples([sample(100.0, warmup=True), sample(1.0), sample(2.0), sample(6.0)])
    assert row["n"] == 3
    assert row["median"] == 2.0
    assert row["mean"] == pytest.approx(3.0)
    assert row["std"] == pytest.approx(2.6457513)
    assert (row["min"], row["max"]) == (1.0, 6.0)
