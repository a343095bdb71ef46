"""EC2 API access shared by stacklab's cloud modules: a client at the configured endpoint (AWS, an
EC2-compatible private cloud such as Eucalyptus, or moto_server in tests), the tags every created
resource carries, and a count of the API calls made (benchmarks/provision.py reports it)."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import Any

# Tags on everything a run creates. teardown and reap find resources only through these.
TAG_RUN_ID = "stacklab:run-id"
TAG_EXPIRES = "stacklab:expires"
TAG_OWNER = "stacklab:owner"
TAG_NODE_GROUP = "stacklab:node-group"
TAG_GROUPS = "stacklab:groups"

# Instances that still exist (and may be billed), as a describe filter.
LIVE_FILTER = {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped", "shutting-down"]}


def key_pair_name(run_id: str) -> str:
    """The key pair of a run: one per run id, so teardown finds it without tags (not every
    EC2-compatible cloud tags key pairs). roles/cloud names it the same (cloud_resource_name)."""
    return f"stacklab-{run_id}"


def run_filter(run_id: str) -> dict[str, Any]:
    return {"Name": f"tag:{TAG_RUN_ID}", "Values": [run_id]}


class Ec2:
    """A boto3 EC2 client that counts the API calls it makes, by operation name."""

    def __init__(self, endpoint_url: str | None, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.calls: collections.Counter[str] = collections.Counter()
        self.client = boto3.client(
            "ec2",
            endpoint_url=endpoint_url or None,
            region_name=region,
            config=Config(retries={"max_attempts": 8, "mode": "standard"}),
        )
        self.client.meta.events.register("before-call.ec2", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def describe_all(self, operation: str, result_key: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a paginated describe call."""
        items: list[dict[str, Any]] = []
        if self.client.can_paginate(operation):
            for page in self.client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(result_key, []))
        else:
            items.extend(getattr(self.client, operation)(**kwargs).get(result_key, []))
        return items

    def instances(self, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        reservations = self.describe_all("describe_instances", "Reservations", Filters=filters)
        return [instance for reservation in reservations for instance in reservation["Instances"]]


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def retry_until(deadline: float, retry_codes: tuple[str, ...], call: Callable[..., Any], **kwargs: Any) -> Any:
    """call(**kwargs) until it stops failing with one of retry_codes (e.g. DependencyViolation while
    a terminated instance's network interface is still being released), or the deadline passes."""
    while True:
        try:
            return call(**kwargs)
        except Exception as error:  # botocore ClientError; botocore is imported lazily
            if error_code(error) not in retry_codes or time.monotonic() > deadline:
                raise
        time.sleep(2.0)


def tag_dict(resource: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in resource.get("Tags", [])}
