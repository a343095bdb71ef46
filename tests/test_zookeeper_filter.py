from __future__ import annotations

from ansible_collections.stacklab.bigdata.plugins.filter.zookeeper import myid_problems, zookeeper_myids


def test_positions_give_ids_unless_pinned() -> None:
    hostvars = {"a": {}, "b": {"zookeeper_id": 7}, "c": {}}
    assert zookeeper_myids(["a", "b", "c"], hostvars) == {"a": 1, "b": 7, "c": 3}


def test_valid_ids_have_no_problems() -> None:
    assert myid_problems({"a": 1, "b": "2", "c": 255}) == []


def test_bad_ids_are_named_with_their_host() -> None:
    problems = myid_problems({"a": "x1", "b": 0, "c": 256, "d": True, "e": 2.5})
    assert problems == [
        "host a: zookeeper_id=x1 is not an integer from 1 to 255",
        "host b: zookeeper_id=0 is not an integer from 1 to 255",
        "host c: zookeeper_id=256 is not an integer from 1 to 255",
        "host d: zookeeper_id=True is not an integer from 1 to 255",
        "host e: zookeeper_id=2.5 is not an integer from 1 to 255",
    ]


def test_a_pinned_id_that_collides_with_a_position_is_a_duplicate() -> None:
    myids = zookeeper_myids(["a", "b", "c"], {"a": {}, "b": {}, "c": {"zookeeper_id": 1}})
    assert myid_problems(myids) == [
        "hosts a and c have the same zookeeper_id 1 (a host without zookeeper_id takes its position in the group)"
    ]
