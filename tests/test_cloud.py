"""Cloud provisioning against a real HTTP EC2 endpoint: moto_server on loopback, started here (no
cloud is reachable from this machine). provision.yml, teardown.yml and reap.yml run as a user runs
them (-i inventories/ec2); the checks read the cloud back through boto3 and the aws_ec2 inventory
plugin. moto's instances are records, not machines: nothing boots or answers SSH, which the
failure test uses as its injected failure after the instances exist."""

from __future__ import annotations

import datetime
import json
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.moto_ec2 import IMAGE_NAME, ROOT, MotoEc2, provision_args

pytestmark = pytest.mark.cloud

# Three node groups, kept small: 6 instances.
LAYOUT = {
    "cloud_nodes": [
        {"name": "control", "count": 3, "groups": ["zookeeper", "spark_master"], "instance_type": "t3.small"},
        {"name": "client", "count": 1, "groups": ["bench_client", "spark_history"], "instance_type": "t3.small"},
        {
            "name": "worker",
            "count": 2,
            "groups": ["spark_worker"],
            "instance_type": "m5.large",
            "volume_gb": 20,
            "spot": True,
        },
    ]
}
ONE_GROUP = {"cloud_nodes": [{"name": "solo", "count": 2, "groups": ["spark_worker"], "instance_type": "t3.small"}]}
# One ZooKeeper host too few for an odd ensemble.
EVEN_ZOOKEEPER = {"cloud_nodes": [{"name": "zk", "count": 2, "groups": ["zookeeper"], "instance_type": "t3.small"}]}


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoEc2]:
    with MotoEc2(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def layout(tmp_path: Path) -> Any:
    def write(content: dict[str, Any], name: str = "layout.yml") -> str:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(content))
        return f"@{path}"

    return write


def provision(
    moto: MotoEc2, tmp_path: Path, run_id: str, layout_file: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return moto.playbook(
        "provision.yml", *provision_args(run_id, tmp_path / "keys", tmp_path / "results", "-e", layout_file, *extra)
    )


def teardown(moto: MotoEc2, tmp_path: Path, run_id: str) -> subprocess.CompletedProcess[str]:
    return moto.playbook("teardown.yml", "-e", f"run_id={run_id}", "-e", f"cloud_key_dir={tmp_path / 'keys'}")


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout


def run_resources(moto: MotoEc2, run_id: str) -> dict[str, list[str]]:
    """Everything of one run that still exists (live instances, groups, networks, key pair)."""
    ec2 = moto.client()
    tagged = [{"Name": "tag:stacklab:run-id", "Values": [run_id]}]
    live = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
    reservations = ec2.describe_instances(Filters=tagged + live)["Reservations"]
    key_pairs = ec2.describe_key_pairs()["KeyPairs"]
    return {
        "instances": [i["InstanceId"] for r in reservations for i in r["Instances"]],
        "security_groups": [g["GroupId"] for g in ec2.describe_security_groups(Filters=tagged)["SecurityGroups"]],
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=tagged)["Vpcs"]],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets(Filters=tagged)["Subnets"]],
        "internet_gateways": [
            g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=tagged)["InternetGateways"]
        ],
        "volumes": [v["VolumeId"] for v in ec2.describe_volumes(Filters=tagged)["Volumes"]],
        "key_pairs": [k["KeyName"] for k in key_pairs if k["KeyName"] == f"stacklab-{run_id}"],
    }


def nothing_left(moto: MotoEc2, run_id: str) -> None:
    left = {kind: ids for kind, ids in run_resources(moto, run_id).items() if ids}
    assert not left, f"run {run_id} left {left}"


def instances_by_group(moto: MotoEc2, run_id: str) -> dict[str, list[dict[str, Any]]]:
    tagged = [
        {"Name": "tag:stacklab:run-id", "Values": [run_id]},
        {"Name": "instance-state-name", "Values": ["running"]},
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for reservation in moto.client().describe_instances(Filters=tagged)["Reservations"]:
        for instance in reservation["Instances"]:
            tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
            groups.setdefault(tags["stacklab:node-group"], []).append(
                {**instance, "tags": tags, "reservation": reservation["ReservationId"]}
            )
    return groups


def inventory_plugin_lists_the_run(moto: MotoEc2) -> None:
    """The ec2 inventory's plugin groups run three's hosts by their tags (another run exists)."""
    listing = subprocess.run(
        ["ansible-inventory", "-i", "inventories/ec2", "--list"],
        cwd=ROOT,
        env={**moto.env, "STACKLAB_RUN_ID": "three"},
        capture_output=True,
        text=True,
        check=True,
    )
    inventory = json.loads(listing.stdout)
    groups = instances_by_group(moto, "three")
    names = {name: sorted(f"{name}-{i['InstanceId']}" for i in instances) for name, instances in groups.items()}
    assert sorted(inventory["zookeeper"]["hosts"]) == names["control"]
    assert sorted(inventory["spark_master"]["hosts"]) == names["control"]
    assert sorted(inventory["spark_worker"]["hosts"]) == names["worker"]
    assert inventory["bench_client"]["hosts"] == names["client"] == sorted(inventory["spark_history"]["hosts"])
    # Only this run's hosts: the other run's are not listed.
    assert len(inventory["cloud"]["hosts"]) == 6
    worker = next(i for i in groups["worker"] if f"worker-{i['InstanceId']}" == names["worker"][0])
    # ansible-inventory marks values from the cloud as unsafe (not templated): {"__ansible_unsafe": value}.
    address = inventory["_meta"]["hostvars"][names["worker"][0]]["ansible_host"]
    assert address in (worker["PublicIpAddress"], {"__ansible_unsafe": worker["PublicIpAddress"]})
    # The run's key, as the group_vars render it for a host the plugin found.
    rendered = subprocess.run(
        [
            "ansible",
            names["worker"][0],
            "-i",
            "inventories/ec2",
            "-m",
            "ansible.builtin.debug",
            "-a",
            "var=ansible_ssh_private_key_file",
        ],
        cwd=ROOT,
        env={**moto.env, "STACKLAB_RUN_ID": "three", "HOME": "/home/someone"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ansible_ssh_private_key_file: /home/someone/.ssh/stacklab/stacklab-three.pem" in rendered.stdout


def test_provision_three_node_groups_listed_by_the_inventory_plugin(moto: MotoEc2, tmp_path: Path, layout: Any) -> None:
    started = datetime.datetime.now(datetime.UTC)
    output = ok(provision(moto, tmp_path, "three", layout(LAYOUT)))
    assert "cost estimate for run three: 6 instances" in output

    groups = instances_by_group(moto, "three")
    assert {name: len(instances) for name, instances in groups.items()} == {"control": 3, "client": 1, "worker": 2}
    for name, instances in groups.items():
        # One RunInstances request per node group: all its instances share one reservation.
        assert len({i["reservation"] for i in instances}) == 1, name
        for instance in instances:
            tags = instance["tags"]
            assert tags["stacklab:run-id"] == "three"
            assert tags["stacklab:owner"]
            expires = datetime.datetime.strptime(tags["stacklab:expires"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.UTC
            )
            assert datetime.timedelta(hours=7.9) < expires - started < datetime.timedelta(hours=8.1)
    assert groups["worker"][0]["tags"]["stacklab:groups"] == "spark_worker"
    assert {i["InstanceType"] for i in groups["worker"]} == {"m5.large"}
    assert {i.get("InstanceLifecycle") for i in groups["worker"]} == {"spot"}
    assert {i.get("InstanceLifecycle") for i in groups["control"]} == {None}
    worker_volumes = moto.client().describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [i["InstanceId"] for i in groups["worker"]]}]
    )["Volumes"]
    assert {v["Size"] for v in worker_volumes} == {20}
    assert all(any(t["Key"] == "stacklab:run-id" for t in v.get("Tags", [])) for v in worker_volumes)

    key_file = tmp_path / "keys" / "stacklab-three.pem"
    assert key_file.read_text().startswith("-----BEGIN")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    samples = [json.loads(line) for line in (tmp_path / "results" / "samples.jsonl").read_text().splitlines()]
    running = [s for s in samples if s["metric"] == "node_running_s"]
    assert len(running) == 6 and all(0 <= s["value"] < 60 for s in running)
    assert {s["labels"]["node_group"] for s in running} == {"control", "client", "worker"}

    # The same run again changes nothing: no instance, tag or rule is touched.
    again = ok(provision(moto, tmp_path, "three", layout(LAYOUT)))
    assert "changed=0" in again
    assert sum(len(i) for i in instances_by_group(moto, "three").values()) == 6

    ok(provision(moto, tmp_path, "other", layout(ONE_GROUP)))
    inventory_plugin_lists_the_run(moto)
    ok(teardown(moto, tmp_path, "other"))
    ok(teardown(moto, tmp_path, "three"))
    nothing_left(moto, "three")
    assert not key_file.exists()


def security_group_opens_only_ssh_to_the_admin_network(moto: MotoEc2, run_id: str) -> None:
    ec2 = moto.client()
    (group,) = ec2.describe_security_groups(Filters=[{"Name": "tag:stacklab:run-id", "Values": [run_id]}])[
        "SecurityGroups"
    ]
    cidr_rules = [
        (p.get("FromPort"), p.get("ToPort"), r["CidrIp"]) for p in group["IpPermissions"] for r in p["IpRanges"]
    ]
    assert cidr_rules == [(22, 22, "203.0.113.7/32")]
    assert not [r for p in group["IpPermissions"] for r in p.get("Ipv6Ranges", [])]
    peers = [(p["IpProtocol"], g["GroupId"]) for p in group["IpPermissions"] for g in p["UserIdGroupPairs"]]
    assert peers == [("-1", group["GroupId"])]
    # And across everything in this cloud: no non-SSH port is open to the world.
    for any_group in ec2.describe_security_groups()["SecurityGroups"]:
        for permission in any_group["IpPermissions"]:
            world = [r for r in permission["IpRanges"] if r["CidrIp"] == "0.0.0.0/0"]
            world += [r for r in permission.get("Ipv6Ranges", []) if r["CidrIpv6"] == "::/0"]
            assert not world or (permission.get("FromPort"), permission.get("ToPort")) == (22, 22), any_group["GroupId"]


def test_teardown_of_one_run_leaves_another_alone_and_groups_open_only_ssh(
    moto: MotoEc2, tmp_path: Path, layout: Any
) -> None:
    ok(provision(moto, tmp_path, "keep", layout(ONE_GROUP)))
    ok(provision(moto, tmp_path, "drop", layout(ONE_GROUP)))
    security_group_opens_only_ssh_to_the_admin_network(moto, "keep")
    before = run_resources(moto, "keep")
    output = ok(teardown(moto, tmp_path, "drop"))
    assert "run drop: deleted 2 instances" in output
    nothing_left(moto, "drop")
    assert run_resources(moto, "keep") == before
    assert (tmp_path / "keys" / "stacklab-keep.pem").exists()
    # Tearing down again is harmless.
    assert "nothing (already gone)" in ok(teardown(moto, tmp_path, "drop"))
    ok(teardown(moto, tmp_path, "keep"))
    nothing_left(moto, "keep")


def test_failure_after_instances_exist_leaves_nothing(moto: MotoEc2, tmp_path: Path, layout: Any) -> None:
    # moto's instances never answer SSH: the wait for it fails after every instance is running.
    result = provision(
        moto, tmp_path, "broken", layout(LAYOUT), "-e", "cloud_wait_for_ssh=true", "-e", "cloud_ssh_timeout=2"
    )
    assert result.returncode != 0
    assert "no SSH banner after 2 s from 6 of 6 hosts" in result.stdout
    assert "everything it had created was deleted" in result.stdout
    nothing_left(moto, "broken")
    assert not (tmp_path / "keys" / "stacklab-broken.pem").exists()


def test_keep_on_failure_keeps_the_resources(moto: MotoEc2, tmp_path: Path, layout: Any) -> None:
    result = provision(
        moto,
        tmp_path,
        "kept",
        layout(ONE_GROUP),
        "-e",
        "cloud_wait_for_ssh=true",
        "-e",
        "cloud_ssh_timeout=1",
        "-e",
        "keep_on_failure=true",
    )
    assert result.returncode != 0
    assert "its resources are kept (keep_on_failure=true)" in result.stdout
    assert len(run_resources(moto, "kept")["instances"]) == 2
    ok(teardown(moto, tmp_path, "kept"))
    nothing_left(moto, "kept")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-e", "cloud_admin_cidr="], "cloud_admin_cidr is required"),
        (["-e", "cloud_admin_cidr=10.0.0.1/8"], "is not a network in CIDR notation"),
        (["-e", "@EVEN"], "2 zookeeper hosts; a ZooKeeper ensemble needs an odd number"),
        (
            [
                "-e",
                '{"cloud_prices": {}, "cloud_nodes": [{"name": "x", "count": 1, "groups": ["zookeeper"], '
                '"instance_type": "z9.huge"}]}',
            ],
            "no price for z9.huge in region us-east-1",
        ),
        (
            ["-e", '{"cloud_nodes": [{"name": "x", "count": 0, "groups": ["zookeper"], "instance_type": "t3.small"}]}'],
            "count must be an integer of at least 1, got 0; cloud_nodes[0] (x): unknown inventory group 'zookeper'",
        ),
        (
            ["-e", "cloud_cost_confirm_above=0.01"],
            "was not confirmed (answer yes, or pass -e cloud_cost_confirmed=true)",
        ),
        (
            [
                "-e",
                '{"cloud_nodes": [{"name": "zk", "count": 3, "groups": ["zookeeper"], "instance_type": "t3.small"}, '
                '{"name": "master", "count": 2, "groups": ["mesos_master"], "instance_type": "t3.small"}]}',
            ],
            "2 mesos_master hosts; Mesos masters (a quorum) needs an odd number",
        ),
    ],
    ids=[
        "no-admin-cidr",
        "host-bits-in-cidr",
        "even-zookeeper",
        "unpriced-type",
        "bad-node-group",
        "cost-unconfirmed",
        "even-mesos-masters",
    ],
)
def test_bad_input_is_refused_before_anything_is_created(
    moto: MotoEc2, tmp_path: Path, layout: Any, extra: list[str], message: str
) -> None:
    extra = [layout(EVEN_ZOOKEEPER, "even.yml") if item == "@EVEN" else item for item in extra]
    key_pairs_before = moto.client().describe_key_pairs()["KeyPairs"]
    result = provision(moto, tmp_path, "refused", layout(ONE_GROUP), *extra)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]
    assert "nothing was created" in result.stdout
    nothing_left(moto, "refused")
    assert moto.client().describe_key_pairs()["KeyPairs"] == key_pairs_before


def test_reap_deletes_expired_runs_of_its_owner_only(moto: MotoEc2, tmp_path: Path, layout: Any) -> None:
    """Only this owner's expired runs go: a fresh one stays, another owner's expired one stays (and
    teardown by its run id is refused unless the owner is named), and an unreadable expiry is not
    an expired one. Teardown then also removes what sits in a run's VPC without its tags."""
    # A lifetime of 0.0003 h (about a second) has passed by the time provisioning ends.
    expired, mine = ("-e", "cloud_lifetime_hours=0.0003"), ("-e", "cloud_owner=me")
    ok(provision(moto, tmp_path, "stale", layout(ONE_GROUP), *expired, *mine))
    ok(provision(moto, tmp_path, "fresh", layout(ONE_GROUP), *mine))
    ok(provision(moto, tmp_path, "theirs", layout(ONE_GROUP), *expired, "-e", "cloud_owner=someone-else"))
    ec2 = moto.client()
    odd_tags = [
        {"Key": "stacklab:run-id", "Value": "odd"},
        {"Key": "stacklab:owner", "Value": "me"},
        {"Key": "stacklab:expires", "Value": "soon"},
    ]
    ec2.create_security_group(
        GroupName="odd", Description="an expiry that is not a time",
        TagSpecifications=[{"ResourceType": "security-group", "Tags": odd_tags}],
    )  # fmt: skip
    output = ok(moto.playbook("reap.yml", "-e", f"cloud_key_dir={tmp_path / 'keys'}", *mine))
    assert "reaped 1 expired runs: stale" in output
    nothing_left(moto, "stale")
    assert len(run_resources(moto, "fresh")["instances"]) == 2
    assert len(run_resources(moto, "theirs")["instances"]) == 2
    assert run_resources(moto, "odd")["security_groups"]
    refused = moto.playbook("teardown.yml", "-e", "run_id=theirs", *mine)
    assert refused.returncode != 0 and "run theirs belongs to someone-else, not me" in refused.stdout
    assert len(run_resources(moto, "theirs")["instances"]) == 2
    ok(moto.playbook("teardown.yml", "-e", "run_id=theirs", "-e", "cloud_owner=someone-else"))
    ok(moto.playbook("teardown.yml", "-e", "run_id=odd", *mine))
    # Children of the run's VPC made without its tags (by hand, or by a step cut before tagging)
    # go too: teardown finds them by the VPC.
    (vpc_id,) = run_resources(moto, "fresh")["vpcs"]
    untagged_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.9.0/24")["Subnet"]["SubnetId"]
    untagged_group = ec2.create_security_group(GroupName="by-hand", Description="untagged", VpcId=vpc_id)["GroupId"]
    ok(moto.playbook("teardown.yml", "-e", "run_id=fresh", "-e", f"cloud_key_dir={tmp_path / 'keys'}", *mine))
    nothing_left(moto, "fresh")
    assert not ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": [untagged_subnet]}])["Subnets"]
    assert not ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [untagged_group]}])[
        "SecurityGroups"
    ]
    nothing_left(moto, "theirs")


def test_an_osv_image_becomes_an_ami_that_an_osv_node_group_boots_and_teardown_deregisters(
    moto: MotoEc2, tmp_path: Path, layout: Any
) -> None:
    """osv_ami uploads the disk's non-zero blocks as an EBS snapshot (the EBS direct API, which
    moto serves) and registers an image from it; a second call reuses it; an OSv node group
    (image: osv) launches from it, in the osv_worker group, its agents' port open to the admin
    network alone (no SSH wait: moto's instances boot nothing); teardown removes all of it.
    (An image composed by the run itself is the same module on a 300 MB disk, which moto's
    512-byte blocks make too slow to upload here: cloud_osv_image_id names this one.)"""
    raw = tmp_path / "disk.raw"
    with raw.open("wb") as disk:  # 1 MiB: a written first 2 KiB, zeros, 1 KiB written at 512 KiB
        disk.write(b"OSv" * 700)
        disk.seek(512 * 1024)
        disk.write(b"rofs" * 256)
        disk.truncate(1024 * 1024)
    image = tmp_path / "worker.qcow2"
    subprocess.run(["qemu-img", "convert", "-O", "qcow2", str(raw), str(image)], check=True)

    def register() -> dict[str, Any]:
        arguments = f"image={image} name=stacklab-osv-test run_id=osvami region=us-east-1 endpoint_url={moto.url}"
        result = subprocess.run(
            ["ansible", "localhost", "-m", "stacklab.bigdata.osv_ami", "-a", arguments, "-o"],
            cwd=ROOT,
            env=moto.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert " => " in result.stdout, result.stdout + result.stderr
        answer: dict[str, Any] = json.loads(result.stdout.split(" => ", 1)[1])
        assert answer.get("failed") is not True, answer
        return answer

    first = register()
    # moto's EBS blocks are 512 bytes: 2100 bytes of "OSv" fill 5 blocks, 1 KiB at 512 KiB 2 more.
    assert (first["changed"], first["blocks"]) == (True, 7)
    ec2 = moto.client()
    (ami,) = ec2.describe_images(ImageIds=[first["image_id"]])["Images"]
    # (moto copies the snapshot into one of the image's own; EC2 uses the given one)
    root = ami["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert ami["RootDeviceName"] == "/dev/sda1"
    assert {"Key": "stacklab:run-id", "Value": "osvami"} in ami["Tags"]
    again = register()
    assert (again["changed"], again["image_id"], again["blocks"]) == (False, first["image_id"], 0)

    osv_layout = {
        "cloud_nodes": [
            {"name": "client", "count": 1, "groups": ["bench_client"], "instance_type": "t3.small"},
            {"name": "osv", "count": 2, "groups": ["osv_worker"], "instance_type": "t2.small", "image": "osv"},
        ]
    }
    ok(provision(moto, tmp_path, "osvami", layout(osv_layout), "-e", f"cloud_osv_image_id={first['image_id']}"))
    groups = instances_by_group(moto, "osvami")
    assert {i["ImageId"] for i in groups["osv"]} == {first["image_id"]} and len(groups["osv"]) == 2
    assert {i["tags"]["stacklab:groups"] for i in groups["osv"]} == {"osv_worker"}
    assert {i["ImageId"] for i in groups["client"]} != {first["image_id"]}
    (group,) = ec2.describe_security_groups(Filters=[{"Name": "tag:stacklab:run-id", "Values": ["osvami"]}])[
        "SecurityGroups"
    ]
    from_outside = sorted((rule["FromPort"], r["CidrIp"]) for rule in group["IpPermissions"] for r in rule["IpRanges"])
    assert from_outside == [(22, "203.0.113.7/32"), (7610, "203.0.113.7/32")]
    ok(moto.playbook("teardown.yml", "-e", "run_id=osvami", "-e", f"cloud_key_dir={tmp_path / 'keys'}"))
    nothing_left(moto, "osvami")
    assert (
        ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["stacklab-osv-test"]}])["Images"]
        == []
    )
    left = [snapshot["SnapshotId"] for snapshot in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]]
    assert first["snapshot_id"] not in left and root not in left


# The smallest cluster sparkos-scheduler.yml runs on: ZooKeeper, a master and the client on one host.
SPARK_LAYOUT = {
    "cloud_nodes": [
        {
            "name": "control",
            "count": 1,
            "groups": ["zookeeper", "spark_master", "bench_client"],
            "instance_type": "t3.small",
        },
        {"name": "worker", "count": 1, "groups": ["spark_worker"], "instance_type": "t3.small"},
    ]
}


def test_stacklab_bench_with_teardown_leaves_nothing_when_the_run_fails_after_provisioning(
    moto: MotoEc2, tmp_path: Path, layout: Any
) -> None:
    """`stacklab bench --teardown` on a cloud: the run provisions, then its converge fails (moto's
    instances answer no SSH), and the teardown still runs and deletes everything the run made."""
    keys = tmp_path / "keys"
    command = [
        str(ROOT / ".venv/bin/stacklab"), "bench", "experiments/sparkos-scheduler.yml", "--target", "ec2",
        "--run-id", "failing", "--teardown", "-e", layout(SPARK_LAYOUT),
        "-e", "cloud_admin_cidr=203.0.113.7/32", "-e", f"cloud_image_name={IMAGE_NAME}",
        "-e", f"cloud_key_dir={keys}", "-e", "cloud_wait_for_ssh=false", "-e", "cloud_poll_interval=0.2",
        "-e", "ansible_ssh_common_args=-o ConnectTimeout=3",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=moto.env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "bench: failed" in result.stderr and "teardown: successful" in result.stderr, result.stderr[-2000:]
    assert "UNREACHABLE" in result.stdout, "the converge was expected to fail on moto's instances"
    nothing_left(moto, "failing")
    assert not (keys / "stacklab-failing.pem").exists()
