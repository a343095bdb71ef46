#!/usr/bin/python
"""Launch one node group of a run: its instances in one request, tagged, and wait until they run."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cloud_node_group
short_description: Launch the instances of one stacklab node group in a single EC2 request
description:
  - Finds the group's live instances by tags (run id and node group) and launches only the missing
    ones, all in one RunInstances call (MinCount = MaxCount = missing), so the number of API calls
    does not grow with the number of hosts. Re-running with the same run id changes nothing.
  - Tags the instances and their volumes with the run id, owner, expiry, node group and the
    inventory groups (comma-separated), which the aws_ec2 inventory plugin turns into groups.
  - Waits until every instance is running, polling all of them in one describe call per round,
    and returns when each was requested and first seen running (node up time, SparkOS Table I).
  - Runs on the controller; credentials come from boto3's usual sources (environment, profile).
options:
  endpoint_url: {description: "EC2 endpoint (empty: AWS's own for the region).", type: str, default: ""}
  region: {description: The region., type: str, required: true}
  run_id: {description: The run the instances belong to., type: str, required: true}
  name: {description: The node group's name., type: str, required: true}
  count: {description: How many instances the group has., type: int, required: true}
  groups: {description: Inventory groups its hosts belong to., type: list, elements: str, required: true}
  instance_type: {description: The instance type., type: str, required: true}
  image_id: {description: The image (AMI or EMI) id., type: str, required: true}
  key_name: {description: The key pair to put on the instances., type: str, required: true}
  security_group_id: {description: The security group., type: str, required: true}
  subnet_id: {description: "The subnet (empty: the cloud's default network).", type: str, default: ""}
  volume_gb: {description: "Root volume size in GB (0: the image's).", type: int, default: 0}
  root_device: {description: The image's root device name., type: str, default: /dev/sda1}
  spot: {description: Request spot instances (one-time, terminate on interruption)., type: bool, default: false}
  tags: {description: Tags for instances and volumes besides the node group's own (run id, owner, expiry)., type: dict, default: {}}
  wait_timeout: {description: Seconds to wait until all instances run., type: int, default: 600}
  poll_interval: {description: Seconds between describe rounds while waiting., type: float, default: 3}
"""

EXAMPLES = r"""
- name: Launch the workers
  cloud_node_group:
    region: us-east-1
    run_id: r1
    name: worker
    count: 8
    groups: [spark_worker, hdfs_datanode]
    instance_type: m5.xlarge
    image_id: ami-0123
    key_name: stacklab-r1
    security_group_id: sg-0123
    tags: {"stacklab:run-id": r1, "stacklab:owner": alice, "stacklab:expires": "2026-11-22T20:00:00Z"}
"""

RETURN = r"""
instances:
  description: "Each instance: id, hostname (<group>-<id>, no underscore: Spark's and Hadoop's host:port parsing refuse it), private_ip, public_ip, address (public if any),
    requested_at and running_at (epoch seconds; requested_at is null for instances launched earlier)."
  type: list
  returned: success
launched: {description: How many instances this call launched., type: int, returned: success}
api_calls: {description: EC2 API calls made, by operation., type: dict, returned: always}
"""

import time
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.cloud_ec2 import (
    TAG_GROUPS,
    TAG_NODE_GROUP,
    TAG_RUN_ID,
    Ec2,
)


def _tag_specifications(tags: dict[str, str], spot: bool) -> list[dict[str, Any]]:
    pairs = [{"Key": key, "Value": value} for key, value in sorted(tags.items())]
    # The spot request is tagged too, so teardown finds (and cancels) it by the run id.
    kinds = ("instance", "volume", "spot-instances-request") if spot else ("instance", "volume")
    return [{"ResourceType": kind, "Tags": pairs} for kind in kinds]


def _run_request(params: dict[str, Any], tags: dict[str, str], missing: int, existing: int) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ImageId": params["image_id"],
        "InstanceType": params["instance_type"],
        "MinCount": missing,
        "MaxCount": missing,
        "KeyName": params["key_name"],
        "SecurityGroupIds": [params["security_group_id"]],
        "TagSpecifications": _tag_specifications(tags, params["spot"]),
        # The same token for a retried request (same run, group and size) launches nothing twice.
        "ClientToken": f"{params['run_id']}-{params['name']}-{existing}-{missing}"[:64],
    }
    if params["subnet_id"]:
        request["SubnetId"] = params["subnet_id"]
    if params["volume_gb"]:
        request["BlockDeviceMappings"] = [
            {
                "DeviceName": params["root_device"],
                "Ebs": {"VolumeSize": params["volume_gb"], "VolumeType": "gp3", "DeleteOnTermination": True},
            }
        ]
    if params["spot"]:
        request["InstanceMarketOptions"] = {
            "MarketType": "spot",
            "SpotOptions": {"SpotInstanceType": "one-time", "InstanceInterruptionBehavior": "terminate"},
        }
    return request


def _describe(
    instance: dict[str, Any], name: str, requested_at: float | None, running_at: float | None
) -> dict[str, Any]:
    public_ip = instance.get("PublicIpAddress") or ""
    private_ip = instance.get("PrivateIpAddress") or ""
    return {
        "id": instance["InstanceId"],
        "hostname": f"{name}-{instance['InstanceId']}",
        "private_ip": private_ip,
        "public_ip": public_ip,
        "address": public_ip or private_ip,
        "requested_at": requested_at,
        "running_at": running_at,
    }


def _wait_running(ec2: Ec2, ids: list[str], timeout: int, interval: float) -> tuple[dict[str, float], dict[str, Any]]:
    """Poll all instances in one call per round; returns when each was first seen running."""
    running_at: dict[str, float] = {}
    latest: dict[str, Any] = {}
    deadline = time.monotonic() + timeout
    while True:
        for instance in ec2.instances([{"Name": "instance-id", "Values": ids}]):
            latest[instance["InstanceId"]] = instance
            state = instance["State"]["Name"]
            if state == "running":
                running_at.setdefault(instance["InstanceId"], time.time())
            elif state in ("shutting-down", "terminated", "stopped"):
                raise RuntimeError(f"instance {instance['InstanceId']} is {state} while starting")
        if len(running_at) == len(ids):
            return running_at, latest
        if time.monotonic() > deadline:
            waiting = sorted(set(ids) - set(running_at))
            raise TimeoutError(f"{len(waiting)} instances not running after {timeout} s: {', '.join(waiting[:10])}")
        time.sleep(interval)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "endpoint_url": {"type": "str", "default": ""},
            "region": {"type": "str", "required": True},
            "run_id": {"type": "str", "required": True},
            "name": {"type": "str", "required": True},
            "count": {"type": "int", "required": True},
            "groups": {"type": "list", "elements": "str", "required": True},
            "instance_type": {"type": "str", "required": True},
            "image_id": {"type": "str", "required": True},
            "key_name": {"type": "str", "required": True},
            "security_group_id": {"type": "str", "required": True},
            "subnet_id": {"type": "str", "default": ""},
            "volume_gb": {"type": "int", "default": 0},
            "root_device": {"type": "str", "default": "/dev/sda1"},
            "spot": {"type": "bool", "default": False},
            "tags": {"type": "dict", "default": {}},
            "wait_timeout": {"type": "int", "default": 600},
            "poll_interval": {"type": "float", "default": 3.0},
        },
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    if params["count"] < 1:
        module.fail_json(msg=f"node group {name}: count must be at least 1, got {params['count']}")
    tags = {str(key): str(value) for key, value in params["tags"].items()}
    tags.update({TAG_RUN_ID: params["run_id"], TAG_NODE_GROUP: name, TAG_GROUPS: ",".join(params["groups"])})

    ec2 = Ec2(params["endpoint_url"], params["region"])
    try:
        existing = ec2.instances(
            [
                {"Name": f"tag:{TAG_RUN_ID}", "Values": [params["run_id"]]},
                {"Name": f"tag:{TAG_NODE_GROUP}", "Values": [name]},
                {"Name": "instance-state-name", "Values": ["pending", "running"]},
            ]
        )
        missing = params["count"] - len(existing)
        warnings = []
        if missing < 0:
            warnings.append(
                f"node group {name} has {len(existing)} instances, more than count={params['count']}; "
                "none is terminated (they may hold data): tear the run down to shrink it"
            )
        if module.check_mode:
            module.exit_json(changed=missing > 0, instances=[], launched=max(missing, 0), api_calls=dict(ec2.calls))
        requested_at: float | None = None
        ids = [instance["InstanceId"] for instance in existing]
        if missing > 0:
            requested_at = time.time()
            response = ec2.client.run_instances(**_run_request(params, tags, missing, len(existing)))
            new_ids = [instance["InstanceId"] for instance in response["Instances"]]
            ids.extend(new_ids)
        else:
            new_ids = []
        running_at, latest = _wait_running(ec2, ids, params["wait_timeout"], params["poll_interval"])
    except Exception as error:  # boto errors, timeouts: name the group and what was asked
        module.fail_json(
            msg=f"node group {name} ({params['count']} x {params['instance_type']}, image {params['image_id']}): {error}",
            api_calls=dict(ec2.calls),
        )
    instances = [
        _describe(latest[instance_id], name, requested_at if instance_id in new_ids else None, running_at[instance_id])
        for instance_id in ids
    ]
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=bool(new_ids), instances=instances, launched=len(new_ids), api_calls=dict(ec2.calls))


if __name__ == "__main__":
    main()
