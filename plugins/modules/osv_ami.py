#!/usr/bin/python
"""Register an OSv image as an AMI: its raw disk uploaded as an EBS snapshot, an image registered
from the snapshot, both tagged with the run (playbooks/teardown.yml deregisters them)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: osv_ami
short_description: Register an OSv disk image as an AMI (EBS snapshot upload, then RegisterImage), once per name
description:
  - OSv's own scripts make an AMI by importing the raw disk as a snapshot and registering an image from it.
    This module does the same through the EBS direct API (StartSnapshot, PutSnapshotBlock for every block
    that is not all zeros, CompleteSnapshot), which needs no S3 bucket and no import role, then RegisterImage
    (HVM, x86_64, the snapshot as the root device, ENA on).
  - An available image of the same I(name) owned by the account is reused (nothing uploaded).
  - The snapshot and the image carry the tag C(stacklab:run-id) (and I(tags)), by which teardown finds them.
  - Runs on the controller; needs C(qemu-img) (the image is converted to raw in a temporary file beside it).
options:
  image: {description: The OSv image (qcow2, as roles/osv_image composes it)., type: path, required: true}
  name: {description: The AMI's name (stacklab uses the image's file name, which carries its digest)., type: str, required: true}
  run_id: {description: The run that registers it (tag C(stacklab:run-id))., type: str, required: true}
  tags: {description: More tags for the snapshot and the image., type: dict, default: {}}
  region: {description: The region., type: str, required: true}
  endpoint_url: {description: The EC2 endpoint (a private cloud's, or moto_server's in the tests); the EBS direct API at the same place., type: str}
  timeout: {description: Seconds to wait for the snapshot and the image to be available., type: float, default: 600}
"""

EXAMPLES = r"""
- name: Register the OSv worker image
  stacklab.bigdata.osv_ami:
    image: /var/cache/stacklab/osv/images/spark-3.5.9-worker-d6439da8e099f446.qcow2
    name: stacklab-osv-spark-3.5.9-worker-d6439da8e099f446
    run_id: "{{ cloud_run_id }}"
    region: us-west-2
"""

RETURN = r"""
image_id: {description: The AMI's id., type: str, returned: success}
snapshot_id: {description: The root snapshot's id., type: str, returned: success}
blocks: {description: Blocks uploaded (0 when an existing image was reused)., type: int, returned: success}
"""

import base64
import hashlib
import math
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.cloud_ec2 import TAG_RUN_ID, Ec2
from ansible_collections.stacklab.bigdata.plugins.module_utils.polling import poll_until

ROOT_DEVICE = "/dev/sda1"


def nonzero_blocks(raw: Path, block_size: int) -> Iterator[tuple[int, bytes]]:
    """(index, data) of every block holding anything but zeros: a snapshot's unwritten blocks read as zeros."""
    with raw.open("rb") as disk:
        index = 0
        while block := disk.read(block_size):
            if block.count(0) != len(block):
                yield index, block.ljust(block_size, b"\0")
            index += 1


def upload(ebs: Any, raw: Path, tags: list[dict[str, str]], description: str) -> tuple[str, int]:
    size_gib = max(1, math.ceil(raw.stat().st_size / 2**30))
    started = ebs.start_snapshot(VolumeSize=size_gib, Tags=tags, Description=description)
    snapshot_id, block_size = started["SnapshotId"], int(started["BlockSize"])
    count = 0
    for index, data in nonzero_blocks(raw, block_size):
        checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
        ebs.put_snapshot_block(
            SnapshotId=snapshot_id,
            BlockIndex=index,
            BlockData=data,
            DataLength=len(data),
            Checksum=checksum,
            ChecksumAlgorithm="SHA256",
        )
        count += 1
    ebs.complete_snapshot(SnapshotId=snapshot_id, ChangedBlocksCount=count)
    return snapshot_id, count


def wait_for(read: Callable[[], str], wanted: str, timeout: float, what: str) -> None:
    """Poll until `read()` is `wanted`; a failed state or the deadline raises TimeoutError."""
    state, _ = poll_until(read, lambda seen: seen in (wanted, "error", "failed"), timeout, 2.0)
    if state != wanted:
        raise TimeoutError(f"{what} is {state}, not {wanted}, after {timeout:g} s")


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "image": {"type": "path", "required": True},
            "name": {"type": "str", "required": True},
            "run_id": {"type": "str", "required": True},
            "tags": {"type": "dict", "default": {}},
            "region": {"type": "str", "required": True},
            "endpoint_url": {"type": "str"},
            "timeout": {"type": "float", "default": 600.0},
        }
    )
    params = module.params
    image = Path(params["image"])
    if not image.is_file():
        module.fail_json(msg=f"{image} does not exist: compose it first (roles/osv_image)")
    ec2 = Ec2(params["endpoint_url"], params["region"])
    existing = ec2.client.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [params["name"]]}])[
        "Images"
    ]
    available = [found for found in existing if found.get("State") == "available"]
    if available:
        root = available[0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        module.exit_json(changed=False, image_id=available[0]["ImageId"], snapshot_id=root, blocks=0)
    tags = [{"Key": TAG_RUN_ID, "Value": params["run_id"]}] + [
        {"Key": str(key), "Value": str(value)} for key, value in sorted(params["tags"].items())
    ]
    import boto3

    ebs = boto3.client("ebs", endpoint_url=params["endpoint_url"] or None, region_name=params["region"])
    try:
        with tempfile.TemporaryDirectory(prefix="osv-ami-", dir=image.parent) as work:
            raw = Path(work) / "disk.raw"
            subprocess.run(["qemu-img", "convert", "-O", "raw", str(image), str(raw)], check=True, capture_output=True)
            snapshot_id, blocks = upload(ebs, raw, tags, f"stacklab OSv image {image.name}")
        wait_for(
            lambda: ec2.client.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]["State"],
            "completed",
            params["timeout"],
            f"snapshot {snapshot_id}",
        )
        image_id = ec2.client.register_image(
            Name=params["name"],
            Description=f"stacklab OSv worker, {image.name}",
            Architecture="x86_64",
            VirtualizationType="hvm",
            RootDeviceName=ROOT_DEVICE,
            EnaSupport=True,
            BlockDeviceMappings=[
                {"DeviceName": ROOT_DEVICE, "Ebs": {"SnapshotId": snapshot_id, "DeleteOnTermination": True}}
            ],
        )["ImageId"]
        ec2.client.create_tags(Resources=[image_id], Tags=tags)
        wait_for(
            lambda: ec2.client.describe_images(ImageIds=[image_id])["Images"][0]["State"],
            "available",
            params["timeout"],
            f"image {image_id}",
        )
    except (subprocess.CalledProcessError, TimeoutError, OSError) as error:
        module.fail_json(
            msg=f"registering {image.name} failed: {error} (teardown removes what run {params['run_id']} left)"
        )
    module.exit_json(changed=True, image_id=image_id, snapshot_id=snapshot_id, blocks=blocks)


if __name__ == "__main__":
    main()
