"""OSv workers' data (plugins/filter/osv.py) and the executor agent's protocol, the Python client
(plugins/module_utils/osv_agent.py, what the roles poll with) against the real agent (workloads/osv,
the jar the mirror builds) on this machine's JVM."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ansible_collections.stacklab.bigdata.plugins.filter.osv import (
    osv_address_problems,
    osv_network_options,
    osv_registered_samples,
)
from ansible_collections.stacklab.bigdata.plugins.module_utils.osv_agent import AgentError, request

AGENT_JAR = (
    Path(os.environ.get("STACKLAB_CACHE", "/var/cache/stacklab")) / "mirror/stacklab/workloads/stacklab-osv-3.5.9.jar"
)
SECRET = "cluster-secret-for-the-test"


def test_a_worker_is_put_on_its_subnet_with_the_bridge_as_gateway() -> None:
    expected = "--ip=eth0,10.89.96.31,255.255.255.0 --defaultgw=10.89.96.1"
    assert osv_network_options("10.89.96.31", "10.89.96.0/24") == expected
    assert osv_network_options("10.1.2.3", "10.1.0.0/16") == "--ip=eth0,10.1.2.3,255.255.0.0 --defaultgw=10.1.0.1"


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("10.89.96.31", None),
        ("osv1", "'osv1' is not an IPv4 address"),
        ("10.89.97.31", "10.89.97.31 is outside the sandbox network 10.89.96.0/24"),
        ("10.89.96.1", "10.89.96.1 is the network's own, gateway or broadcast address"),
        ("10.89.96.255", "10.89.96.255 is the network's own, gateway or broadcast address"),
        ("10.89.96.2", "10.89.96.2 is already taken on the sandbox network"),
        ("10.89.96.11", "10.89.96.11 is already taken on the sandbox network"),
    ],
)
def test_a_workers_address_must_be_free_on_the_sandbox_network(address: str, problem: str | None) -> None:
    problems = osv_address_problems(address, "10.89.96.0/24", ["10.89.96.2", "10.89.96.11"])
    assert problems == ([problem] if problem else [])


def test_only_workers_booted_by_this_run_give_a_registration_sample() -> None:
    hostvars = {
        "osv1": {"osv_worker_booted": True, "osv_worker_boot_s": "4.9", "osv_worker_registered_at": "1796679000.5"},
        "osv2": {"osv_worker_booted": False, "osv_worker_boot_s": "0.01", "osv_worker_registered_at": "1796679001"},
    }
    samples = osv_registered_samples(["osv2", "osv1"], hostvars, "node_registered_s", {"system": "osv"})
    assert samples == [
        {
            "metric": "node_registered_s",
            "value": 4.9,
            "unit": "s",
            "timestamp": 1796679000.5,
            "labels": {"system": "osv", "host": "osv1"},
        }
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The real agent, as an OSv image runs it (its settings file, the secret in a file), here on
    loopback. No Spark on its class path: these requests never start an executor."""
    if not AGENT_JAR.is_file():
        pytest.fail(f"{AGENT_JAR} is missing: `make mirror` builds it")
    folder = tmp_path_factory.mktemp("agent")
    (folder / "secret").write_text(SECRET + "\n")
    port = free_port()
    settings = folder / "agent.properties"
    settings.write_text(f"secret_file={folder / 'secret'}\nport={port}\ncores=1\nmemory_mb=512\n")
    process = subprocess.Popen(
        ["java", "-Djava.security.manager=allow", "-cp", str(AGENT_JAR), "stacklab.osv.agent.ExecutorAgent",
         str(settings), "host=127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            request("127.0.0.1", port, SECRET, "STATUS")
            break
        except AgentError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the agent did not answer: {process.communicate()[1].decode()[-2000:]}")
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_the_agent_answers_the_clusters_secret_with_its_offer(agent: int) -> None:
    assert request("127.0.0.1", agent, SECRET, "STATUS") == {
        "status": "OK",
        "state": "idle",
        "cores": "1",
        "memory_mb": "512",
        "launched": "0",
    }


def test_without_the_secret_the_agent_starts_nothing(agent: int) -> None:
    launch = "LAUNCH app=a cores=1 driver=spark://CoarseGrainedScheduler@127.0.0.1:1 executor=1 memory_mb=256"
    assert request("127.0.0.1", agent, "a-guess", launch) == {"status": "ERR", "reason": "unauthenticated"}
    assert request("127.0.0.1", agent, SECRET, "STATUS")["launched"] == "0"


def test_an_executor_larger_than_the_offer_is_refused(agent: int) -> None:
    launch = "LAUNCH app=a cores=1 driver=spark://CoarseGrainedScheduler@127.0.0.1:1 executor=1 memory_mb=1024"
    reply = request("127.0.0.1", agent, SECRET, launch)
    assert reply["status"] == "ERR"
    assert reply["reason"].startswith("this_agent_offers_1_cores_and_512_MB")
