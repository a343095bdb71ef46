"""Hadoop inventory checks shared by validation (roles/hadoop/tasks/validate.yml) and its tests."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def dir_overlaps(folders: Mapping[str, Any]) -> list[str]:
    """One message per pair of folders of different kinds (for example hadoop_namenode_dirs and
    hadoop_datanode_dirs) where one is, or lies inside, the other. Each kind maps to a folder or a
    list of folders; relative folders are refused too, as Hadoop would resolve them against the
    daemon's working folder."""
    named: list[tuple[str, str]] = []
    problems = []
    for kind, value in folders.items():
        for folder in [value] if isinstance(value, str) else list(value):
            text = str(folder)
            if not posixpath.isabs(text):
                problems.append(f"{kind}: {text!r} is not an absolute path")
                continue
            named.append((kind, posixpath.normpath(text)))
    for index, (kind, folder) in enumerate(named):
        for other_kind, other in named[index + 1 :]:
            if kind != other_kind and (_inside(folder, other) or _inside(other, folder)):
                problems.append(f"{kind} folder {folder} overlaps {other_kind} folder {other}")
    return problems


def queue_problems(queues: Any) -> list[str]:
    """Problems of a hadoop_yarn_queues list: each item a mapping with a unique `name` YARN accepts
    and a positive numeric `weight`; at least one queue, and one named default."""
    if not isinstance(queues, list) or not queues:
        return ["hadoop_yarn_queues must be a non-empty list of {name, weight}"]
    problems = []
    names = []
    for position, queue in enumerate(queues, start=1):
        if not isinstance(queue, Mapping):
            problems.append(f"hadoop_yarn_queues item {position} is not a mapping with name and weight")
            continue
        name = str(queue.get("name", ""))
        if not QUEUE_NAME.match(name):
            problems.append(f"hadoop_yarn_queues item {position}: name {name!r} must be letters, digits, _ or -")
        names.append(name)
        weight = queue.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            problems.append(f"hadoop_yarn_queues item {position} ({name}): weight {weight!r} must be a positive number")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"hadoop_yarn_queues names repeat: {', '.join(duplicates)}")
    if "default" not in names:
        problems.append("hadoop_yarn_queues needs a queue named default (applications naming no queue go there)")
    return problems


def hdfs_permissions(mode: str) -> str:
    """A folder's octal mode as `hdfs dfs -ls` prints it: "1777" -> "drwxrwxrwt"."""
    digits = str(mode).rjust(4, "0")
    if len(digits) != 4 or any(digit not in "01234567" for digit in digits):
        raise ValueError(f"HDFS folder mode must be octal like 0755 or 1777, got {mode!r}")
    letters = "".join(
        ("r" if int(d) & 4 else "-") + ("w" if int(d) & 2 else "-") + ("x" if int(d) & 1 else "-") for d in digits[1:]
    )
    if int(digits[0]) & 1:  # sticky bit: t where others may search, T where not
        letters = letters[:-1] + ("t" if letters[-1] == "x" else "T")
    return "d" + letters


def group_overrides(users: dict[str, list[str]]) -> str:
    """hadoop.user.group.static.mapping.overrides from user -> groups, after Hadoop's default entry
    (dr.who, the anonymous web user, has no groups): {"spark": ["spark"]} -> "dr.who=;spark=spark"."""
    entries = {"dr.who": [], **users}
    for user, groups in entries.items():
        if not isinstance(groups, list) or any(not str(g) or set(str(g)) & set(",;=") for g in [user, *groups]):
            raise ValueError(f"hadoop_user_groups_overrides: {user!r}: give a list of group names (no , ; =)")
    return ";".join(f"{user}={','.join(map(str, groups))}" for user, groups in entries.items())


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "hadoop_dir_overlaps": dir_overlaps,
            "hadoop_group_overrides": group_overrides,
            "hadoop_queue_problems": queue_problems,
            "hdfs_permissions": hdfs_permissions,
        }
