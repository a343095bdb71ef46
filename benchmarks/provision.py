"""How provisioning scales with cluster size: wall time and EC2 API calls of provision.yml and
teardown.yml for 10, 50 and 100 instances, against a local moto_server (make benchmark-provision).

The API calls are counted by moto's request recorder (every HTTP request the playbooks make,
amazon.aws modules included). With one RunInstances request per node group and one describe call
per polling round, the count should stay flat as instances grow; wall time here is Ansible's and
moto's, not a cloud's boot time."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tests.fixtures.moto_ec2 import MotoEc2, provision_args


def layout(instances: int) -> dict[str, object]:
    return {
        "cloud_nodes": [
            {"name": "control", "count": 3, "groups": ["zookeeper", "spark_master"], "instance_type": "t3.small"},
            {"name": "client", "count": 1, "groups": ["bench_client", "spark_history"], "instance_type": "t3.small"},
            {"name": "worker", "count": instances - 4, "groups": ["spark_worker"], "instance_type": "m5.large"},
        ],
        # 100 instances for 8 h is above the default confirmation threshold.
        "cloud_cost_confirmed": True,
    }


def measure(moto: MotoEc2, workdir: Path, instances: int) -> list[str]:
    layout_file = workdir / f"layout-{instances}.yml"
    layout_file.write_text(yaml.safe_dump(layout(instances)))
    run_id = f"bench-{instances}"
    rows = []
    for step, args in (
        ("provision", provision_args(run_id, workdir / "keys", workdir / "results", "-e", f"@{layout_file}")),
        (
            "teardown",
            ["-e", f"run_id={run_id}", "-e", f"cloud_key_dir={workdir / 'keys'}", "-e", "cloud_poll_interval=0.2"],
        ),
    ):
        moto.reset_recording()
        started = time.monotonic()
        result = moto.playbook(f"{step}.yml", *args)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            sys.exit(f"{step} of {instances} instances failed:\n{result.stdout[-3000:]}")
        calls = moto.api_calls()
        top = ", ".join(f"{action} {count}" for action, count in calls.most_common(4))
        rows.append(f"{instances:>9}  {step:<9}  {seconds:7.1f} s  {sum(calls.values()):>9}  {top}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklab-benchmark-provision-") as folder:
        workdir = Path(folder)
        with MotoEc2(workdir, record=True) as moto:
            print("instances  step       wall time  API calls  most frequent")
            for instances in args.sizes:
                for row in measure(moto, workdir, instances):
                    print(row, flush=True)


if __name__ == "__main__":
    main()
