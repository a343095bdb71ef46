"""The results folder of DESIGN.md: samples.jsonl appended atomically, one JSON object a line."""

from __future__ import annotations

import fcntl
import json
import math
import os
from typing import Any

REQUIRED = {"metric": str, "unit": str, "labels": dict}


def check_sample(sample: Any) -> str | None:
    """Why `sample` is not a valid sample, or None."""
    if not isinstance(sample, dict):
        return f"a sample must be a mapping, got {type(sample).__name__}"
    for key, kind in REQUIRED.items():
        if not isinstance(sample.get(key), kind):
            return f"sample field {key!r} must be a {kind.__name__}: {sample!r:.200}"
    value = sample.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"sample field 'value' must be a finite number: {sample!r:.200}"
    if not isinstance(sample.get("timestamp"), (int, float)):
        return f"sample field 'timestamp' must be a Unix time: {sample!r:.200}"
    return None


def append_samples(path: str, samples: list[dict[str, Any]]) -> int:
    """Append samples as JSON lines in a single write under an exclusive lock, then fsync.

    One write of whole lines means a reader, or a run killed part-way, never sees half a sample
    from this call; the lock keeps concurrent writers' lines apart. Returns the bytes written.
    """
    payload = "".join(json.dumps(sample, sort_keys=True, separators=(",", ":")) + "\n" for sample in samples)
    data = payload.encode("utf-8")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(data)


def read_file_samples(path: str) -> tuple[list[dict[str, Any]], int, str | None]:
    """Samples of a JSON-lines file, the number of cut lines left out, and a problem if any."""
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    cut = 0
    if lines and lines[-1]:
        lines, cut = lines[:-1], 1  # no newline at the end: the writer was stopped mid-line
    samples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sample = json.loads(line)
        except ValueError as error:
            return [], cut, f"{path} line {number}: {error}"
        problem = check_sample(sample)
        if problem:
            return [], cut, f"{path} line {number}: {problem}"
        samples.append(sample)
    return samples, cut, None
