"""Fixtures every verifier module of the shared sandbox cluster uses (molecule/shared holds the
helpers they call)."""

from __future__ import annotations

import pytest
import testinfra
from sandbox_cluster import connect, hosts


@pytest.fixture(scope="module")
def cluster() -> dict[str, testinfra.host.Host]:
    """Every host of the inventory, by name."""
    return {name: connect(name) for name in hosts()}


@pytest.fixture(scope="module")
def client() -> testinfra.host.Host:
    """The first bench_client host, where the clients and the workloads run."""
    return connect(hosts("bench_client")[0])
