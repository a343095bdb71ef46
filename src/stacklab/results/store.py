"""The one writer of a run's samples.jsonl (DESIGN.md): atomic appends of whole lines, the run's
current attempt (a superseded attempt's samples are refused), and the ledger of sampler files
already appended. Standard library only (with stacklab.results.schema)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from stacklab.results.schema import check_sample


class StaleAttempt(Exception):
    """A newer attempt at the run has started: this (interrupted) attempt's samples are not wanted."""


@contextlib.contextmanager
def _locked(path: str) -> Iterator[int]:
    """The samples file opened for appending (created if need be) under an exclusive lock."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _attempt_file(path: str) -> str:
    return os.path.join(os.path.dirname(path) or ".", "attempt")


def claim_attempt(path: str, attempt: str, read_cells: Callable[[str], set[str]] | None = None) -> set[str]:
    """Make `attempt` the run's current attempt and return the cells already recorded in `path`
    (by `read_cells`, finished_cells by default; the controller passes the columnar reader's).

    Both happen under the samples file's lock, so a cell that an older, interrupted attempt is still
    finishing (Ansible's workers run in their own sessions and outlive a killed ansible-playbook)
    is either recorded before this attempt plans, and not run again, or refused by append_samples.
    """
    with _locked(path):
        done = (read_cells or finished_cells)(path)  # first: a results file that needs mending changes nothing
        with open(_attempt_file(path) + ".new", "w", encoding="utf-8") as handle:
            handle.write(attempt + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(_attempt_file(path) + ".new", _attempt_file(path))
        return done


def _current_attempt(path: str) -> str:
    try:
        with open(_attempt_file(path), encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""


def _write_whole(fd: int, data: bytes) -> None:
    """Write `data` at the end of the locked file and fsync; on any error (a full disk, a file size
    limit) cut the file back to where it was, so no part of `data` stays: a half-written batch would
    leave whole lines of a cell that is then not recorded (no cell_time), which a resume runs again."""
    start = os.fstat(fd).st_size
    try:
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError:
        os.ftruncate(fd, start)
        os.fsync(fd)
        raise


def _check_attempt(path: str, attempt: str) -> None:
    # Equality, not order: attempts are named by the clock of whichever machine started them.
    current = _current_attempt(path)
    if attempt and current and current != attempt:
        raise StaleAttempt(f"attempt {attempt} was superseded by attempt {current}; its samples were not recorded")


def _payload(samples: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(sample, sort_keys=True, separators=(",", ":")) + "\n" for sample in samples).encode()


def append_samples(path: str, samples: list[dict[str, Any]], attempt: str = "") -> int:
    """Append samples as JSON lines in a single write under an exclusive lock, then fsync.

    One write of whole lines means a reader, or a run killed part-way, never sees half a sample
    from this call; the lock keeps concurrent writers' lines apart; a write that fails (disk full)
    is undone. With `attempt`, raises StaleAttempt (writing nothing) when another attempt has
    claimed the run since. Returns the bytes written.
    """
    data = _payload(samples)
    with _locked(path) as fd:
        _check_attempt(path, attempt)
        _write_whole(fd, data)
    return len(data)


def read_file_samples(path: str) -> tuple[list[dict[str, Any]], int, str | None]:
    """Samples of a JSON-lines file; the line number of a cut last line (0: none), left out; and
    the first line that is not a sample, if any (then no samples)."""
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    cut_line = 0
    if lines and lines[-1]:
        lines, cut_line = lines[:-1], len(lines)  # no newline at the end: the writer was stopped mid-line
    samples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sample = json.loads(line)
        except ValueError as error:
            return [], cut_line, f"{path}: line {number} is not a sample ({error})"
        problem = check_sample(sample)
        if problem:
            return [], cut_line, f"{path}: line {number} is not a sample ({problem})"
        samples.append(sample)
    return samples, cut_line, None


def cut_short_error(path: str, line: int) -> ValueError:
    """What resuming says of a results file whose last line is cut short (both readers of it)."""
    return ValueError(
        f"{path}: line {line} is cut short (the file does not end with a newline). Keep a copy, remove"
        f" that partial line (e.g. `head -n {line - 1}`), and run again: the cells it belonged to"
        " will run again"
    )


def finished_cells(path: str) -> set[str]:
    """Keys of the cells recorded in a run's samples.jsonl (their cell_time samples), for resuming.

    Raises ValueError naming the line when the file is cut short or holds a line that is not a
    sample: resuming then must wait for a person, who keeps a copy and mends the file."""
    if not os.path.exists(path):
        return set()
    samples, cut_line, problem = read_file_samples(path)
    if cut_line:
        raise cut_short_error(path, cut_line)
    if problem:
        raise ValueError(f"{problem}; fix or remove it first")
    return {str(s["labels"]["cell"]) for s in samples if s["metric"] == "cell_time" and "cell" in s["labels"]}


def append_files(path: str, files: list[str], ledger: str, attempt: str = "") -> tuple[int, int, bool]:
    """Append the samples of JSON-lines files (the samplers' output) that `ledger` does not list yet,
    then list them. A cut last line (its sampler was killed mid-write) is left out and counted; a
    file with a line that is not a sample fails the call (ValueError) before anything is written.
    Returns the samples written, the cut lines left out, and whether any file was new."""
    done: set[str] = set()
    if os.path.exists(ledger):
        with open(ledger, encoding="utf-8") as handle:
            done = set(handle.read().split("\n"))
    samples: list[dict[str, Any]] = []
    cut_lines = 0
    appended: list[str] = []
    for file in files:
        if os.path.realpath(file) in done:
            continue
        found, cut_line, problem = read_file_samples(file)
        if problem:
            raise ValueError(problem)
        samples += found
        cut_lines += 1 if cut_line else 0
        appended.append(os.path.realpath(file))
    if not appended:
        return 0, cut_lines, False
    # The samples and the ledger that lists their files in one locked step: a failure between the
    # two would either record the files' samples twice (the ledger behind) or never (ahead).
    with _locked(path) as fd:
        _check_attempt(path, attempt)
        start = os.fstat(fd).st_size
        _write_whole(fd, _payload(samples))
        try:
            with open(ledger, "a", encoding="utf-8") as handle:
                handle.write("".join(file + "\n" for file in appended))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            os.ftruncate(fd, start)
            os.fsync(fd)
            raise
    return len(samples), cut_lines, True
