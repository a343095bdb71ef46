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
