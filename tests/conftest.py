"""Shared test set-up: results folders in the format of DESIGN.md written as bench.yml writes them.
(The collection's plugins import as ansible_collections.stacklab.bigdata.plugins.*: pytest's
pythonpath, pyproject.toml, has .venv/collections.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

# The loopback web server with canned pages that the module tests use (fixture web_pages).
pytest_plugins = ["tests.fixtures.web_pages"]

Sample = dict[str, Any]


def sample(metric: str, value: float, unit: str = "s", timestamp: float = 1763700000.0, **labels: Any) -> Sample:
    return {"metric": metric, "value": value, "unit": unit, "timestamp": timestamp, "labels": labels}


@pytest.fixture
def results(tmp_path: Path) -> Callable[..., Path]:
    """Write samples (dicts, or raw lines as str) to <tmp>/<name>/samples.jsonl; return the folder."""

    def write(samples: Iterable[Sample | str], name: str = "run") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        lines = [s if isinstance(s, str) else json.dumps(s) + "\n" for s in samples]
        (folder / "samples.jsonl").write_text("".join(lines))
        return folder

    return write
