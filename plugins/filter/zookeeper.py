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


def invalid_myids(myids: Mapping[str, Any]) -> dict[str, Any]:
    """The hosts whose myid is not an integer from 1 to 255 (what ZooKeeper accepts in a myid file)."""
    bad = {}
    for host, value in myids.items():
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 255:
            bad[host] = value
    return bad


def duplicate_myids(myids: Mapping[str, Any]) -> dict[str, list[str]]:
    """myid -> the hosts that share it, for every myid held by more than one host."""
    holders: dict[str, list[str]] = {}
    for host, value in myids.items():
        holders.setdefault(str(value).strip(), []).append(host)
    return {myid: hosts for myid, hosts in holders.items() if len(hosts) > 1}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "zookeeper_myids": zookeeper_myids,
            "zookeeper_invalid_myids": invalid_myids,
            "zookeeper_duplicate_myids": duplicate_myids,
        }
