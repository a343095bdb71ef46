"""The Hadoop inventory checks behind roles/hadoop/tasks/validate.yml."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.stacklab.bigdata.plugins.filter.hadoop import (
    dir_overlaps,
    group_overrides,
    hdfs_permissions,
    queue_problems,
)


def test_separate_folders_do_not_overlap() -> None:
    folders = {"nn": ["/data/nn"], "dn": ["/data/dn", "/disk2/dn"], "jn": "/data/journal"}
    assert dir_overlaps(folders) == []


def test_a_folder_inside_another_kind_overlaps() -> None:
    assert dir_overlaps({"nn": ["/data"], "dn": ["/data/dn"]}) == ["nn folder /data overlaps dn folder /data/dn"]
    assert dir_overlaps({"nn": "/data/nn/", "dn": ["/data/nn"]}) == ["nn folder /data/nn overlaps dn folder /data/nn"]


def test_a_name_prefix_is_not_an_overlap() -> None:
    assert dir_overlaps({"nn": ["/data/nn"], "dn": ["/data/nn2"]}) == []


def test_relative_folders_are_refused() -> None:
    assert dir_overlaps({"dn": ["data/dn"]}) == ["dn: 'data/dn' is not an absolute path"]


def test_good_queues_pass() -> None:
    assert queue_problems([{"name": "default", "weight": 1}, {"name": "spark", "weight": 2.5}]) == []


def test_bad_queues_are_named() -> None:
    problems = queue_problems([{"name": "default"}, {"name": "a b", "weight": 1}, {"name": "default", "weight": -1}])
    assert "hadoop_yarn_queues item 2: name 'a b' must be letters, digits, _ or -" in problems
    assert "hadoop_yarn_queues item 3 (default): weight -1 must be a positive number" in problems
    assert "hadoop_yarn_queues names repeat: default" in problems
    assert queue_problems([{"name": "spark", "weight": 1}]) == [
        "hadoop_yarn_queues needs a queue named default (applications naming no queue go there)"
    ]
    assert queue_problems([]) == ["hadoop_yarn_queues must be a non-empty list of {name, weight}"]


@pytest.mark.parametrize(
    ("mode", "listed"),
    [
        ("1777", "drwxrwxrwt"),
        ("0755", "drwxr-xr-x"),
        ("0770", "drwxrwx---"),
        ("755", "drwxr-xr-x"),
        ("1770", "drwxrwx--T"),
    ],
)
def test_hdfs_permissions_are_written_as_hdfs_lists_them(mode: str, listed: str) -> None:
    assert hdfs_permissions(mode) == listed


def test_a_mode_that_is_not_octal_is_an_error() -> None:
    with pytest.raises(ValueError, match="octal"):
        hdfs_permissions("0855")


def test_group_overrides_keep_hadoops_default_entry() -> None:
    assert group_overrides({}) == "dr.who="
    assert group_overrides({"spark": ["spark"], "etl": ["a", "b"]}) == "dr.who=;spark=spark;etl=a,b"


@pytest.mark.parametrize("users", [{"spark": "spark"}, {"spark": ["a;b"]}, {"sp=ark": []}])
def test_group_overrides_refuse_what_would_garble_the_setting(users: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="give a list of group names"):
        group_overrides(users)
