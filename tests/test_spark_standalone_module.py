from __future__ import annotations

from typing import Any

from ansible_collections.stacklab.bigdata.plugins.modules.spark_standalone import (
    describe,
    missing_workers,
    reached,
    summarize,
)


def master(status: str | None, workers: tuple[tuple[str, str], ...] = (), apps: int = 0) -> dict[str, Any]:
    if status is None:
        return {"status": None, "error": "connection refused"}
    document = {
        "status": status,
        "url": "spark://m1:7077",
        "workers": [{"host": host, "state": state, "cores": 2, "memory": 1024} for host, state in workers],
        "activeapps": [{"id": f"app-{n}", "name": "spark-perf", "state": "RUNNING"} for n in range(apps)],
    }
    return {"status": status, "error": None, "document": document}


def test_the_alive_master_and_its_workers_are_reported() -> None:
    summary = summarize(
        {"m1:8080": master("ALIVE", (("w1", "ALIVE"), ("w2", "DEAD")), apps=1), "m2:8080": master("STANDBY")}
    )
    assert summary["alive"] == "m1:8080" and summary["url"] == "spark://m1:7077"
    assert missing_workers(summary, ["w1", "w2"]) == ["w2"]
    assert summary["applications"][0]["state"] == "RUNNING"
    assert reached(summary, "leader", []) and not reached(summary, "workers", ["w1", "w2"])


def test_no_leader_while_a_master_is_down_or_two_claim_to_be_alive() -> None:
    assert not reached(summarize({"m1:8080": master("ALIVE"), "m2:8080": master(None)}), "leader", [])
    both = summarize({"m1:8080": master("ALIVE"), "m2:8080": master("ALIVE")})
    assert both["alive"] is None and not reached(both, "leader", [])
    recovering = summarize({"m1:8080": master("RECOVERING"), "m2:8080": master("STANDBY")})
    assert not reached(recovering, "leader", []) and reached(recovering, "none", [])


def test_the_failure_message_names_masters_and_missing_workers() -> None:
    summary = summarize({"m1:8080": master("ALIVE", (("w1", "ALIVE"),)), "m2:8080": master(None)})
    assert describe(summary, ["w1", "w3"]) == "m1:8080=ALIVE, m2:8080=connection refused; workers not registered: w3"
