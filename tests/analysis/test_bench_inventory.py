"""`stacklab bench` (and `make bench`, through `stacklab inventory`) picks the inventory a spec runs
on: inventories/<target>, and on the local sandbox the OSv sandbox for Spark on OSv workers, the Mesos
sandbox for a stack with Mesos, the interference sandbox for one with Hadoop."""

from __future__ import annotations

from pathlib import Path

import pytest

from stacklab.cli import main
from stacklab.runner.playbook import default_inventory, spark_mode
from stacklab.spec.experiment import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec", sorted((ROOT / "experiments").glob("*.yml")), ids=lambda path: path.stem)
def test_every_shipped_spec_has_its_default_inventory(spec: Path) -> None:
    document = load(spec).spec
    inventory = default_inventory(ROOT, document["target"], document["stack"]["frameworks"], spark_mode(document))
    assert (inventory / "hosts.yml").is_file() or document["target"] != "local", inventory
    interference_local = spec.stem.startswith("interference-") and spec.stem.endswith("-local")
    mesos_local = interference_local and spec.stem.endswith("-mesos-local")
    # The OSv workers' sandbox serves both of their guests: OSv and Linux VMs.
    osv_local = spec.stem.endswith(("-osv-local", "-linux-vm-local"))
    expected = (
        "local-osv"
        if osv_local
        else "local-mesos"
        if mesos_local
        else "local-interference"
        if interference_local
        else document["target"]
    )
    assert inventory.name == expected


def test_a_cloud_target_keeps_its_own_inventory() -> None:
    assert default_inventory(ROOT, "ec2", ["zookeeper", "hadoop"]) == ROOT / "inventories" / "ec2"


def test_stacklab_inventory_prints_it_for_make_and_refuses_a_bad_spec(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["inventory", str(ROOT / "experiments" / "interference-start-order-yarn-local.yml")]) == 0
    assert capsys.readouterr().out == "inventories/local-interference\n"
    assert main(["inventory", str(ROOT / "experiments" / "sparkos-scheduler-local.yml"), "--target", "ec2"]) == 0
    assert capsys.readouterr().out == "inventories/ec2\n"
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\n")
    assert main(["inventory", str(bad)]) == 1
    assert capsys.readouterr().out == "", "nothing on standard output for make to use"


def test_stacklab_bench_passes_extra_variables_to_bench_yml(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """-e KEY=VALUE and -e @FILE reach bench.yml (e.g. the cloud's required cloud_admin_cidr and
    an OSv layout); what stacklab bench sets itself cannot be given again; a bad one is refused
    before Ansible runs."""
    import ansible_runner

    seen: dict[str, object] = {}

    class Result:
        status, rc = "successful", 0

    def run(**arguments: object) -> Result:
        seen.update(arguments)
        return Result()

    monkeypatch.setattr(ansible_runner, "run", run)
    spec = str(ROOT / "experiments" / "sparkos-scheduler-osv.yml")
    layout = "@" + str(ROOT / "inventories/ec2/layouts/sparkos-osv.yml")
    common = ["bench", spec, "--project", str(ROOT)]
    assert main([*common, "-e", "cloud_admin_cidr=203.0.113.7/32", "-e", layout]) == 0
    extravars = seen["extravars"]
    assert isinstance(extravars, dict)
    assert extravars["cloud_admin_cidr"] == "203.0.113.7/32" and extravars["stacklab_target"] == "ec2"
    assert [group["name"] for group in extravars["cloud_nodes"]] == ["client", "osv"]
    seen.clear()
    for arguments, problem in (
        (["-e", "run_id=x"], "-e: run_id come from stacklab bench's own options"),
        (["-e", "no equals"], "expected KEY=VALUE"),
        (["-e", f"@{tmp_path / 'none.yml'}"], "cannot read"),
    ):
        assert main([*common, *arguments]) == 1
        assert problem in capsys.readouterr().err
    assert seen == {}, "Ansible ran after a refusal"


def test_the_static_target_has_a_documented_sample_inventory() -> None:
    """inventories/static: the groups the SparkOS specs need, at documentation addresses
    (192.0.2.0/24: a sample to copy, that reaches nothing as it is)."""
    import ipaddress

    import yaml

    inventory = default_inventory(ROOT, "static", ["zookeeper", "spark"], "standalone")
    document = yaml.safe_load((inventory / "hosts.yml").read_text())
    groups = document["all"]["children"]
    assert {"zookeeper", "spark_master", "spark_worker", "bench_client"} <= set(groups)
    addresses = [host["ansible_host"] for group in groups.values() for host in group["hosts"].values() if host]
    assert addresses and all(ipaddress.ip_address(a) in ipaddress.ip_network("192.0.2.0/24") for a in addresses)
    settings = yaml.safe_load((inventory / "group_vars/all.yml").read_text())
    assert settings["stacklab_target"] == "static"


def test_stacklab_bench_tears_down_after_a_failed_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--teardown: the teardown runs whatever bench.yml did (here it fails after provisioning), for
    the same run id, which stacklab bench names itself (the spec's name, the time, a random part)."""
    import re

    import ansible_runner

    calls: list[tuple[str, dict[str, object]]] = []

    class Result:
        def __init__(self, rc: int) -> None:
            self.rc, self.status = rc, "failed" if rc else "successful"

    def run(**arguments: object) -> Result:
        extravars = arguments["extravars"]
        assert isinstance(extravars, dict)
        calls.append((Path(str(arguments["playbook"])).name, extravars))
        return Result(2 if len(calls) == 1 else 0)

    monkeypatch.setattr(ansible_runner, "run", run)
    spec = str(ROOT / "experiments" / "sparkos-scheduler.yml")
    assert main(["bench", spec, "--project", str(ROOT), "--teardown", "-e", "cloud_admin_cidr=203.0.113.7/32"]) == 1
    (bench, bench_vars), (down, down_vars) = calls
    assert (bench, down) == ("bench.yml", "teardown.yml")
    assert bench_vars["teardown"] is False, "bench.yml's own teardown would be skipped by a failure"
    assert re.fullmatch(r"sparkos-scheduler-\d{8}T\d{6}Z-[0-9a-f]{4}", str(bench_vars["run_id"]))
    assert down_vars["run_id"] == bench_vars["run_id"] and down_vars["stacklab_target"] == "ec2"
    assert "teardown: successful" in capsys.readouterr().err
