"""What the worker images are made of: the files under /app, their digest, the images kept."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def app_layout(jars: list[str], files: dict[str, str]) -> dict[str, Path]:
    """Where each input goes under /app, refusing two inputs at one path."""
    layout: dict[str, Path] = {}
    for target, source in [(f"jars/{Path(jar).name}", jar) for jar in jars] + sorted(files.items()):
        if target in layout:
            raise ValueError(f"two inputs go to /app/{target}: {layout[target]} and {source}")
        if target.startswith("/") or ".." in Path(target).parts:
            raise ValueError(f"/app/{target} is not a path inside /app")
        layout[target] = Path(source)
    return layout


def layout_digest(layout: dict[str, Path], *extra: bytes) -> str:
    """A digest of every file's place and content, and of `extra` (what else shapes the image)."""
    digest = hashlib.sha256()
    for part in extra:
        digest.update(part)
    for target, source in sorted(layout.items()):
        digest.update(f"{target}\0{file_sha256(source)}\0".encode())
    return digest.hexdigest()[:16]


def missing_inputs(layout: dict[str, Path]) -> list[str]:
    return [str(source) for source in layout.values() if not source.is_file()]


def remove_older(dest: Path, pattern: str, keep: Path) -> list[str]:
    """Removes the files matching `pattern` in `dest` that are not `keep` or beside it (its
    checksum and such, named after it)."""
    removed = []
    for old in dest.glob(pattern):
        if not old.name.startswith(keep.name):
            old.unlink()
            removed.append(str(old))
    return removed
