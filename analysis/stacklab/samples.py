"""Reading a run's samples.jsonl: fast when the file is clean, and when it is not, every good
line still read, every bad one reported with its line number, nothing rewritten."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from .units import canonical

SAMPLES_FILE = "samples.jsonl"


class RawSample(msgspec.Struct):
    """A sample as stored; labels stay raw bytes so that identical label sets are parsed once."""

    metric: str
    value: float
    unit: str
    timestamp: float
    labels: msgspec.Raw = msgspec.Raw(b"{}")


@dataclass(frozen=True)
class Sample:
    metric: str
    value: float
    unit: str
    timestamp: float
    labels: dict[str, Any]


@dataclass
class Samples:
    """Samples in canonical units (column by column) plus what was wrong with the input."""

    metric: list[str] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    timestamp: list[float] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.metric)

    def __iter__(self) -> Iterator[Sample]:
        for row in zip(self.metric, self.value, self.unit, self.timestamp, self.labels, strict=True):
            yield Sample(*row)

    def append(self, raw: RawSample, labels: dict[str, Any]) -> None:
        unit, factor = canonical(raw.unit)
        self.metric.append(raw.metric)
        self.value.append(raw.value * factor)
        self.unit.append(unit)
        self.timestamp.append(raw.timestamp)
        self.labels.append(labels)


_DECODER = msgspec.json.Decoder(RawSample)
_LABELS_DECODER = msgspec.json.Decoder(dict[str, Any])


class _LabelCache(dict[bytes, dict[str, Any]]):
    """Raw label bytes -> parsed labels; a run has few distinct label sets and many samples."""

    def __missing__(self, raw: bytes) -> dict[str, Any]:
        parsed = _LABELS_DECODER.decode(raw)
        self[raw] = parsed
        return parsed


def _why_bad(line: bytes) -> str:
    """A plain reason for a line msgspec refused, naming the field where there is one."""
    try:
        document = json.loads(line)
    except ValueError as error:
        return f"not JSON ({error.msg})"
    if not isinstance(document, dict):
        return "not a JSON object"
    value = document.get("value")
    if isinstance(value, float) and not math.isfinite(value):
        return f"value {value} is not a finite number"
    try:
        _DECODER.decode(line)
    except msgspec.ValidationError as error:
        return str(error)
    return "unreadable"


def _decode_slowly(data: bytes, samples: Samples, cache: _LabelCache, source: str) -> None:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            raw = _DECODER.decode(line)
            labels = cache[bytes(raw.labels)]
        except (msgspec.DecodeError, msgspec.ValidationError):
            samples.problems.append(f"{source}:{number}: skipped, {_why_bad(line)}")
            continue
        if not math.isfinite(raw.value):
            samples.problems.append(f"{source}:{number}: skipped, value {raw.value} is not a finite number")
            continue
        samples.append(raw, labels)


def read_samples(path: Path) -> Samples:
    """Read one samples.jsonl. A last line without its newline is a write cut short: reported, not read."""
    samples = Samples()
    source = path.name
    data = path.read_bytes()
    complete = data.rfind(b"\n") + 1
    if data[complete:].strip():
        line_number = data.count(b"\n") + 1
        samples.problems.append(
            f"{source}:{line_number}: skipped, truncated last line ({len(data) - complete} bytes without a newline)"
        )
    data = data[:complete]
    cache = _LabelCache()
    try:
        decoded = _DECODER.decode_lines(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        _decode_slowly(data, samples, cache, source)
    else:
        for raw in decoded:
            if math.isfinite(raw.value):
                samples.append(raw, cache[bytes(raw.labels)])
            else:
                samples.problems.append(f"{source}: skipped a {raw.metric} sample whose value is {raw.value}")
    _note_mixed_units(path, samples)
    return samples


def _note_mixed_units(path: Path, samples: Samples) -> None:
    units: dict[str, set[str]] = {}
    for metric, unit in zip(samples.metric, samples.unit, strict=True):
        units.setdefault(metric, set()).add(unit)
    for metric, seen in sorted(units.items()):
        if len(seen) > 1:
            samples.problems.append(
                f"{path.name}: metric {metric} comes in units that do not convert ({', '.join(sorted(seen))});"
                " each unit is analysed on its own"
            )


def load_results(folder: Path) -> Samples:
    """The samples of a results folder (results/<run-id>/), with clear errors for what is missing."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a results folder")
    path = folder / SAMPLES_FILE
    if not path.exists():
        raise FileNotFoundError(f"{folder} has no {SAMPLES_FILE}: the run recorded nothing yet")
    samples = read_samples(path)
    if not len(samples):
        samples.problems.append(f"{path}: no readable samples")
    return samples
