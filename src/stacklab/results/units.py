"""Units of samples: one canonical unit per dimension, so that `ms` and `s` of one metric compare."""

from __future__ import annotations

# unit -> (dimension, factor to the dimension's canonical unit)
_UNITS: dict[str, tuple[str, float]] = {
    "ns": ("time", 1e-9),
    "us": ("time", 1e-6),
    "µs": ("time", 1e-6),
    "ms": ("time", 1e-3),
    "s": ("time", 1.0),
    "sec": ("time", 1.0),
    "min": ("time", 60.0),
    "h": ("time", 3600.0),
    "B": ("size", 1 / 2**20),
    "KB": ("size", 1 / 2**10),
    "KiB": ("size", 1 / 2**10),
    "MB": ("size", 1.0),
    "MiB": ("size", 1.0),
    "GB": ("size", 2**10),
    "GiB": ("size", 2**10),
}
CANONICAL = {"time": "s", "size": "MB"}


def canonical(unit: str) -> tuple[str, float]:
    """The canonical unit for `unit` and the factor that converts a value to it.

    Units of no known dimension (counts, tasks/s, %) are their own canonical unit.
    """
    known = _UNITS.get(unit)
    if known is None:
        return unit, 1.0
    dimension, factor = known
    return CANONICAL[dimension], factor
