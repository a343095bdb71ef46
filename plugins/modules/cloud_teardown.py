#!/usr/bin/python
"""Delete everything a run created in an EC2-compatible cloud, or every run whose expiry has passed."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cloud_teardown
short_description: Delete a stacklab run's cloud resources (by run id, or all expired runs) and wait until they are gone
description:
  - Finds resources only through the stacklab:run-id tag (and the run's key pair name), so another
    run's resources and anything stacklab did not create are never touched.
  - Deletes in dependency order (spot requests, instances (then waits until terminated), images
    the run registered (OSv AMIs) and their snapshots, volumes left behind, the security group,
    route tables, subnets, internet gateways, the VPC, the key pair and its private key file). Then
    describes again and fails if anything is left.
  - With expired, finds the run ids of I(owner) (their stacklab:owner tag) whose stacklab:expires tag
    (UTC, ISO 8601, parsed as a time) is before now and tears each one down (playbooks/reap.yml). A run
    with a missing or unreadable expiry is not expired; another owner's runs are left alone.
  - By run id, refuses a run whose resources carry another owner than I(owner), unless I(owner) is empty.
  - Deleting nothing is not an error (safe to run twice).
options:
  endpoint_url: {description: "EC2 endpoint (empty: AWS's own).", type: str, default: ""}
  region: {description: The region., type: str, required: true}
  run_id: {description: The run to delete (one of run_id and expired)., type: str}
  expired: {description: Delete every run whose expiry has passed., type: bool, default: false}
  now: {description: "The time to compare expiries with (ISO 8601 UTC; default: the current time).", type: str}
  owner: {description: "Whose runs may be deleted (the stacklab:owner tag); empty: anyone's (by run id only).", type: str, default: ""}
  key_dir: {description: Folder of the runs' private key files (stacklab-<run id>.pem) to remove., type: path}
  wait_timeout: {description: Seconds to wait until everything is gone., type: int, default: 900}
  poll_interval: {description: Seconds between checks while waiting., type: float, default: 3}
"""

EXAMPLES = r"""
- name: Tear a run down
  cloud_teardown:
    region: us-east-1
    run_id: sparkos-scheduler-20261122T101500
- name: Reap expired runs
  cloud_teardown:
    region: us-east-1
    expired: true
"""

RETURN = r"""
run_ids: {description: The runs torn down., type: list, returned: success}
deleted: {description: "What was deleted, by kind (instances, volumes, security_groups, ...).", type: dict, returned: always}
api_calls: {description: EC2 API calls made, by operation., type: dict, returned: always}
"""

import datetime
import os
import time
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.cloud_ec2 import (
    LIVE_FILTER,
    TAG_EXPIRES,
    TAG_OWNER,
    TAG_RUN_ID,
    Ec2,
    error_code,
    key_pair_name,
    retry_until,
    run_filter,
    tag_dict,
)

# Deleting a group or network too soon after its instances end fails with these until AWS has
# released their network interfaces.
RETRY_CODES = ("DependencyViolation", "InvalidGroup.InUse", "ResourceInUse", "InvalidSnapshot.InUse")


def expiry(tags: dict[str, str]) -> datetime.datetime | None:
    """The resource's stacklab:expires tag as a time, or None when it is missing or not one."""
    try:
        when = datetime.datetime.fromisoformat(tags[TAG_EXPIRES])
    except (KeyError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def tagged_resources(ec2: Ec2, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live instances, VPCs and security groups matching `filters`: what carries a run's tags."""
    found: list[dict[str, Any]] = (
        ec2.instances([*filters, LIVE_FILTER])
        + ec2.describe_all("describe_vpcs", "Vpcs", Filters=filters)
        + ec2.describe_all("describe_security_groups", "SecurityGroups", Filters=filters)
    )
    return found


def expired_run_ids(ec2: Ec2, now: datetime.datetime, owner: str) -> list[str]:
    """Run ids of `owner` with an expiry before now on any instance, VPC or security group they created."""
    filters = [{"Name": "tag-key", "Values": [TAG_EXPIRES]}, {"Name": f"tag:{TAG_OWNER}", "Values": [owner]}]
    run_ids = set()
    for resource in tagged_resources(ec2, filters):
        tags = tag_dict(resource)
        expires = expiry(tags)
        if tags.get(TAG_RUN_ID) and expires is not None and expires < now:
            run_ids.add(tags[TAG_RUN_ID])
    return sorted(run_ids)


def other_owners(ec2: Ec2, run_id: str, owner: str) -> list[str]:
    """The owners other than `owner` that the run's resources name (empty: the run is owner's)."""
    owners = {tag_dict(resource).get(TAG_OWNER, "") for resource in tagged_resources(ec2, [run_filter(run_id)])}
    return sorted(found for found in owners - {owner} if found)


class Teardown:
    def __init__(self, ec2: Ec2, run_id: str, deadline: float, interval: float) -> None:
        self.ec2 = ec2
        self.client = ec2.client
        self.run_id = run_id
        self.tagged = [run_filter(run_id)]
        self.deadline = deadline
        self.interval = interval
        self.deleted: dict[str, list[str]] = {}

    def note(self, kind: str, resource_id: str) -> None:
        self.deleted.setdefault(kind, []).append(resource_id)

    def run(self) -> None:
        self.spot_requests()
        self.instances()
        self.images()
        self.volumes()
        self.security_groups()
        self.network()
        self.key_pair()

    def spot_requests(self) -> None:
        requests = self.ec2.describe_all("describe_spot_instance_requests", "SpotInstanceRequests", Filters=self.tagged)
        open_ids = [r["SpotInstanceRequestId"] for r in requests if r.get("State") in ("open", "active")]
        if open_ids:
            self.client.cancel_spot_instance_requests(SpotInstanceRequestIds=open_ids)
            for request_id in open_ids:
                self.note("spot_requests", request_id)

    def instances(self) -> None:
        ids = [i["InstanceId"] for i in self.ec2.instances([*self.tagged, LIVE_FILTER])]
        if not ids:
            return
        self.client.terminate_instances(InstanceIds=ids)
        for instance_id in ids:
            self.note("instances", instance_id)
        while True:
            left = self.ec2.instances([{"Name": "instance-id", "Values": ids}, LIVE_FILTER])
            if not left:
                return
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"{len(left)} instances of run {self.run_id} not terminated in time")
            time.sleep(self.interval)

    def images(self) -> None:
        """Images the run registered (OSv workers' AMIs) with their root snapshots, then any snapshot of
        the run left without an image (an upload cut short)."""
        snapshots = []
        for image in self.ec2.describe_all("describe_images", "Images", Owners=["self"], Filters=self.tagged):
            self.client.deregister_image(ImageId=image["ImageId"])
            self.note("images", image["ImageId"])
            snapshots += [m["Ebs"]["SnapshotId"] for m in image.get("BlockDeviceMappings", []) if "Ebs" in m]
        tagged = self.ec2.describe_all("describe_snapshots", "Snapshots", OwnerIds=["self"], Filters=self.tagged)
        for snapshot_id in dict.fromkeys(snapshots + [snapshot["SnapshotId"] for snapshot in tagged]):
            retry_until(self.deadline, RETRY_CODES, self.client.delete_snapshot, SnapshotId=snapshot_id)
            self.note("snapshots", snapshot_id)

    def volumes(self) -> None:
        # Root volumes go with their instances; this catches volumes left behind (DeleteOnTermination
        # off). The run's instances are gone by now: a volume still in use is attached elsewhere.
        for volume in self.ec2.describe_all("describe_volumes", "Volumes", Filters=self.tagged):
            if volume["State"] == "in-use":
                attached = ", ".join(a.get("InstanceId", "?") for a in volume.get("Attachments", []))
                raise RuntimeError(f"volume {volume['VolumeId']} of run {self.run_id} is in use by {attached}")
            if volume["State"] == "available":
                self.client.delete_volume(VolumeId=volume["VolumeId"])
                self.note("volumes", volume["VolumeId"])

    def run_vpc_ids(self) -> list[str]:
        return [vpc["VpcId"] for vpc in self.ec2.describe_all("describe_vpcs", "Vpcs", Filters=self.tagged)]

    def of_run(self, call: str, key: str, id_key: str, vpc_filter: str) -> list[dict[str, Any]]:
        """Resources of one kind tagged with the run, and those inside its VPCs (a child created
        without tags, by hand or by a step that failed before tagging it)."""
        found = {item[id_key]: item for item in self.ec2.describe_all(call, key, Filters=self.tagged)}
        vpc_ids = self.run_vpc_ids()
        if vpc_ids:
            for item in self.ec2.describe_all(call, key, Filters=[{"Name": vpc_filter, "Values": vpc_ids}]):
                found.setdefault(item[id_key], item)
        return list(found.values())

    def security_groups(self) -> None:
        for group in self.of_run("describe_security_groups", "SecurityGroups", "GroupId", "vpc-id"):
            if group.get("GroupName") == "default":
                continue  # a VPC's default group goes with the VPC
            # A group whose rules name itself deletes fine; rules naming another run's group would not.
            group_id = group["GroupId"]
            retry_until(self.deadline, RETRY_CODES, self.client.delete_security_group, GroupId=group_id)
            self.note("security_groups", group_id)

    def network(self) -> None:
        for table in self.of_run("describe_route_tables", "RouteTables", "RouteTableId", "vpc-id"):
            if any(association.get("Main") for association in table.get("Associations", [])):
                continue  # the VPC's main table goes with the VPC
            for association in table.get("Associations", []):
                self.client.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
            self.client.delete_route_table(RouteTableId=table["RouteTableId"])
            self.note("route_tables", table["RouteTableId"])
        for subnet in self.of_run("describe_subnets", "Subnets", "SubnetId", "vpc-id"):
            subnet_id = subnet["SubnetId"]
            retry_until(self.deadline, RETRY_CODES, self.client.delete_subnet, SubnetId=subnet_id)
            self.note("subnets", subnet_id)
        gateways = self.of_run(
            "describe_internet_gateways", "InternetGateways", "InternetGatewayId", "attachment.vpc-id"
        )
        for gateway in gateways:
            gateway_id = gateway["InternetGatewayId"]
            for attachment in gateway.get("Attachments", []):
                self.client.detach_internet_gateway(InternetGatewayId=gateway_id, VpcId=attachment["VpcId"])
            self.client.delete_internet_gateway(InternetGatewayId=gateway_id)
            self.note("internet_gateways", gateway_id)
        for vpc_id in self.run_vpc_ids():
            retry_until(self.deadline, RETRY_CODES, self.client.delete_vpc, VpcId=vpc_id)
            self.note("vpcs", vpc_id)

    def key_pair_exists(self) -> bool:
        try:
            self.client.describe_key_pairs(KeyNames=[key_pair_name(self.run_id)])
        except Exception as error:
            if error_code(error) == "InvalidKeyPair.NotFound":
                return False
            raise
        return True

    def key_pair(self) -> None:
        if self.key_pair_exists():
            self.client.delete_key_pair(KeyName=key_pair_name(self.run_id))
            self.note("key_pairs", key_pair_name(self.run_id))

    def leftovers(self) -> list[str]:
        """Anything of the run still there after deleting (should be nothing), of every kind a run
        creates."""
        tagged, describe = self.tagged, self.ec2.describe_all
        left = [i["InstanceId"] for i in self.ec2.instances([*tagged, LIVE_FILTER])]
        left += [
            r["SpotInstanceRequestId"]
            for r in describe("describe_spot_instance_requests", "SpotInstanceRequests", Filters=tagged)
            if r.get("State") in ("open", "active")
        ]
        left += [v["VolumeId"] for v in describe("describe_volumes", "Volumes", Filters=tagged)]
        left += [g["GroupId"] for g in describe("describe_security_groups", "SecurityGroups", Filters=tagged)]
        left += [t["RouteTableId"] for t in describe("describe_route_tables", "RouteTables", Filters=tagged)]
        left += [s["SubnetId"] for s in describe("describe_subnets", "Subnets", Filters=tagged)]
        left += [
            g["InternetGatewayId"] for g in describe("describe_internet_gateways", "InternetGateways", Filters=tagged)
        ]
        left += self.run_vpc_ids()
        left += [i["ImageId"] for i in describe("describe_images", "Images", Owners=["self"], Filters=tagged)]
        left += [
            s["SnapshotId"] for s in describe("describe_snapshots", "Snapshots", OwnerIds=["self"], Filters=tagged)
        ]
        left += [key_pair_name(self.run_id)] if self.key_pair_exists() else []
        return left


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "endpoint_url": {"type": "str", "default": ""},
            "region": {"type": "str", "required": True},
            "run_id": {"type": "str"},
            "expired": {"type": "bool", "default": False},
            "now": {"type": "str"},
            "owner": {"type": "str", "default": ""},
            "key_dir": {"type": "path"},
            "wait_timeout": {"type": "int", "default": 900},
            "poll_interval": {"type": "float", "default": 3.0},
        },
        required_one_of=[("run_id", "expired")],
        mutually_exclusive=[("run_id", "expired")],
    )
    params = module.params
    ec2 = Ec2(params["endpoint_url"], params["region"])
    deleted: dict[str, list[str]] = {}
    run_ids: list[str] = []
    try:
        if params["expired"]:
            if not params["owner"]:
                module.fail_json(msg="reaping needs an owner: only the runs of one owner are deleted")
            now = (
                datetime.datetime.fromisoformat(params["now"]) if params["now"] else datetime.datetime.now(datetime.UTC)
            )
            run_ids = expired_run_ids(ec2, now if now.tzinfo else now.replace(tzinfo=datetime.UTC), params["owner"])
        else:
            run_ids = [params["run_id"]]
            others = other_owners(ec2, params["run_id"], params["owner"]) if params["owner"] else []
            if others:
                module.fail_json(
                    msg=f"run {params['run_id']} belongs to {', '.join(others)}, not {params['owner']}: nothing was "
                    "deleted (cloud_owner names whose runs this teardown may delete)"
                )
        deadline = time.monotonic() + params["wait_timeout"]
        for run_id in run_ids:
            teardown = Teardown(ec2, run_id, deadline, params["poll_interval"])
            try:
                teardown.run()
            finally:
                for kind, ids in teardown.deleted.items():
                    deleted.setdefault(kind, []).extend(ids)
            left = teardown.leftovers()
            if left:
                raise RuntimeError(f"run {run_id}: still there after teardown: {', '.join(left)}")
            if params["key_dir"]:
                key_file = os.path.join(params["key_dir"], f"{key_pair_name(run_id)}.pem")
                if os.path.exists(key_file):
                    os.remove(key_file)
                    deleted.setdefault("key_files", []).append(key_file)
    except Exception as error:
        module.fail_json(
            msg=f"teardown of {', '.join(run_ids) or 'expired runs'} did not finish: {error}; "
            "run it again (it deletes what is left)",
            deleted=deleted,
            api_calls=dict(ec2.calls),
        )
    module.exit_json(changed=bool(deleted), run_ids=run_ids, deleted=deleted, api_calls=dict(ec2.calls))


if __name__ == "__main__":
    main()
