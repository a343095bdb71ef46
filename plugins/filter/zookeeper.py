"""ZooKeeper ensemble helpers shared by validation and configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def zookeeper_myids(hosts: list[str], hostvars: Mapping[str, Any]) -> dict[str, Any]:
    """Map each ensemble host to its myid: its `zookeeper_id` if set, else its position in the group (from 1).

    Values are returned as given so that validation can name a bad one; configuration casts to int
    after validation has passed.
    """
    return {host: hostvars[host].get("zookeeper_id", position) for position, host in enumerate(hosts, start=1)}


def myid_problems(myids: Mapping[str, Any]) -> list[str]:
    """One message per problem: a myid that is not an integer from 1 to 255 (what ZooKeeper accepts
    in a myid file), or a myid held by more than one host."""
    problems = []
    holders: dict[int, list[str]] = {}
    for host, value in myids.items():
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 255:
            problems.append(f"host {host}: zookeeper_id={value!s} is not an integer from 1 to 255")
        else:
            holders.setdefault(int(text), []).append(host)
    for myid, hosts in sorted(holders.items()):
        if len(hosts) > 1:
            problems.append(
                f"hosts {' and '.join(hosts)} have the same zookeeper_id {myid}"
                " (a host without zookeeper_id takes its position in the group)"
            )
    return problems


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "zookeeper_myids": zookeeper_myids,
            "zookeeper_myid_problems": myid_problems,
        }
