"""Helpers for bench.yml: stable cell keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def cell_key(spec: Any, cell: Any) -> str:
    """A stable key for one matrix point x trial: the same spec and cell values give the same key."""
    canonical = json.dumps({"spec": spec, "cell": cell}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"cell_key": cell_key}
