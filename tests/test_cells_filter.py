from __future__ import annotations

from cells import cell_key


def test_cell_keys_are_stable_and_tell_cells_apart() -> None:
    spec = {"name": "x", "trials": 3}
    assert cell_key(spec, {"trial": 1}) == cell_key(dict(reversed(spec.items())), {"trial": 1})
    assert cell_key(spec, {"trial": 1}) != cell_key(spec, {"trial": 2})
    assert cell_key(spec, {"trial": 1}) != cell_key({**spec, "trials": 4}, {"trial": 1})
