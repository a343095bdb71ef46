"""Experiment specs: every shipped spec validates; malformed ones fail naming the field; the matrix expands."""

from __future__ import annotations

import copy
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacklab.spec.experiment import SpecError, load, plan

EXPERIMENTS = sorted((Path(__file__).resolve().parent.parent / "experiments").glob("*.yml"))

VALID: dict[str, Any] = {
    "name": "t",
    "stack": {"frameworks": ["zookeeper", "spark"]},
    "tenants": [{"name": "spark", "framework": "spark", "workload": "scheduling-throughput"}],
    "matrix": {"num_tasks": {"from": 100, "to": 300, "step": 100}},
    "trials": 2,
    "warmups": 1,
}


def problems_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        plan(document)
    return caught.value.problems


def changed(**edits: Any) -> dict[str, Any]:
    document = copy.deepcopy(VALID)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return document


@pytest.mark.parametrize("path", EXPERIMENTS, ids=[path.name for path in EXPERIMENTS])
def test_every_shipped_experiment_validates(path: Path) -> None:
    assert load(path).cells


def test_each_paper_experiment_has_a_full_and_a_local_version() -> None:
    """The interference paper's on Mesos (the paper's subject) and with YARN in its place, except
    streaming (Storm has no Mesos framework any more: it runs beside, on its own supervisors)."""
    names = {path.stem for path in EXPERIMENTS}
    local_versions = {
        "sparkos-scheduler": ["local"],
        "sparkos-aggregate-by-key": ["local"],
        "interference-single-tenant": ["mesos-local", "yarn-local"],
        "interference-start-order": ["mesos-local", "yarn-local"],
        "interference-streaming": ["yarn-local"],
    }
    for experiment, suffixes in local_versions.items():
        assert {experiment, *(f"{experiment}-{suffix}" for suffix in suffixes)} <= names
        for suffix in suffixes:
            local = load(EXPERIMENTS[0].parent / f"{experiment}-{suffix}.yml").spec
            assert local["target"] == "local"
            assert local["stack"].get("spark", {}).get("mode") in (None, "standalone", suffix.split("-")[0])


@pytest.mark.parametrize("name", ["interference-single-tenant", "interference-start-order", "interference-streaming"])
def test_the_interference_experiments_size_spark_as_the_paper_did(name: str) -> None:
    """Table I: Spark tasks of 1 CPU and 512 MB, each Mesos executor 384 MB (and in fine-grained
    mode 1 CPU) more."""
    spark = load(EXPERIMENTS[0].parent / f"{name}.yml").spec["stack"]["spark"]
    paper = {"executor_memory_mb": 512, "executor_memory_overhead_mb": 384, "task_cpus": 1, "mesos_executor_cores": 1}
    assert {key: spark.get(key) for key in paper} == paper


def test_the_scheduler_experiment_is_table_iii() -> None:
    spec = load(EXPERIMENTS[0].parent / "sparkos-scheduler.yml")
    measured = [cell for cell in spec.cells if not cell["warmup"]]
    assert sorted({cell["point"]["num_tasks"] for cell in measured}) == list(range(1000, 10001, 1000))
    assert {cell["trial"] for cell in measured} == {1, 2, 3, 4, 5}
    assert spec.spec["inter_trial_wait"] == 3


def test_aggregate_by_key_grows_records_keys_and_values_together() -> None:
    spec = load(EXPERIMENTS[0].parent / "sparkos-aggregate-by-key.yml")
    points = {tuple(sorted(cell["point"].items())) for cell in spec.cells}
    assert len(points) == 10
    assert (("num_records", 10_000_000), ("unique_keys", 1000), ("unique_values", 1000)) in points
    assert (("num_records", 100_000_000), ("unique_keys", 10000), ("unique_values", 10000)) in points


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (changed(trials="5"), "trials: '5' is not of type 'integer'"),
        (changed(trials=0), "trials: 0 is less than the minimum of 1"),
        (changed(warmups=-1), "warmups: -1 is less than the minimum of 0"),
        (changed(trials=True), "trials: True is not of type 'integer'"),
        (changed(name="bad name"), "name: 'bad name' does not match"),
        (changed(trials=...), "(top level): missing key 'trials'"),
        (changed(stack__frameworks=...), "stack: missing key 'frameworks'"),
        (changed(tenants__0__workload=...), "tenants[0]: missing key 'workload'"),
        (changed(trails=3), "trails: unknown key"),
        (changed(tenants__0__option={"x": 1}), "tenants[0].option: unknown key"),
        (changed(stack__frameworks=["zookeeper", "spark", "flink"]), "stack.frameworks[2]: 'flink' is not one of"),
        (changed(matrix={"num_tasks": []}), "matrix.num_tasks: an empty list gives no values"),
        (
            changed(matrix={"num_tasks": {"from": 100, "to": 50, "step": 10}}),
            "matrix.num_tasks: to (50) is below from (100)",
        ),
        (
            changed(matrix={"num_tasks": {"from": 100, "to": 500, "step": -10}}),
            "matrix.num_tasks.step: must be greater than 0",
        ),
        (
            changed(matrix={"num_tasks": {"from": 100, "to": 500}}),
            "matrix.num_tasks: a range has exactly the keys from, to, step",
        ),
        (changed(matrix={"num_tasks": {"from": "a", "to": 500, "step": 1}}), "matrix.num_tasks.from: must be a number"),
        (changed(matrix={"num_tasks": [0, 10]}), "tenants[0].options.num_tasks: must be at least 1, got 0"),
        (changed(matrix={"num_taks": [10]}), "matrix.num_taks: no workload takes an option 'num_taks'"),
        (
            changed(matrix={"zip": [{"num_tasks": [1, 2], "num_jobs": [1]}]}),
            "matrix.zip[0]: zipped axes need as many values each",
        ),
        (
            changed(matrix={"hadoop.start_offset": [0, 10]}),
            "matrix.hadoop.start_offset: there is no tenant named 'hadoop'",
        ),
        (
            changed(matrix={"spark.num_records": [10]}),
            "tenants[0].options.num_records: scheduling-throughput has no option num_records",
        ),
        (
            changed(matrix={"tenants": [["spark", "ghost"]]}),
            "matrix.tenants: ['spark', 'ghost'] is not a list of tenant names",
        ),
        (changed(tenants__0__framework="hadoop"), "tenants[0].framework: hadoop is not in stack.frameworks"),
        (changed(tenants__0__workload="terasort"), "tenants[0].workload: spark has no workload 'terasort'"),
        (
            changed(tenants__0__options={"num_tasks": 5}),
            "matrix.num_tasks: num_tasks is also set in tenant spark's options",
        ),
        (
            changed(tenants__0__options={"num_jobs": "two"}),
            "tenants[0].options.num_jobs: must be an integer, got 'two'",
        ),
        (changed(tenants__0__start_offset=700), "tenants[0].start_offset: 700 s is not below the cell timeout"),
        (changed(tenants__0__mesos_mode="fine"), "tenants[0].mesos_mode: only Spark tenants on Mesos"),
        (changed(stack__spark={"mode": "yarn"}), "stack.spark.mode: yarn needs hadoop in stack.frameworks"),
        (
            changed(stack__spark={"mode": "osv"}, system="linux"),
            "system: 'linux' with stack.spark.mode osv; the workers' guest is one of osv, linux-vm",
        ),
        (changed(stack__spark={"executor_memory_mb": 64}), "stack.spark.executor_memory_mb: 64 is less than"),
        (
            changed(stack__spark={"mesos_executor_cores": 0}),
            "stack.spark.mesos_executor_cores: 0 is less than or equal",
        ),
        (changed(stack__spark={"task_cpus": "one"}), "stack.spark.task_cpus: 'one' is not of type 'integer'"),
        (changed(stack__versions={"spark": "3.5.9"}), "stack.versions.spark: not applied by this stacklab"),
        # Non-finite numbers (YAML's .nan, .inf), anywhere: never a hung run or a traceback.
        (changed(timeout=math.nan), "timeout: must be a finite number, got nan"),
        (changed(inter_trial_wait=math.inf), "inter_trial_wait: must be a finite number, got inf"),
        (changed(metrics={"interval": math.nan}), "metrics.interval: must be a finite number"),
        (changed(tenants__0__start_offset=-math.inf), "tenants[0].start_offset: must be a finite number, got -inf"),
        (
            changed(matrix={"num_tasks": {"from": 1, "to": math.inf, "step": 1}}),
            "matrix.num_tasks.to: must be a finite",
        ),
        (changed(matrix={"num_tasks": {"from": 1, "to": 5, "step": math.nan}}), "matrix.num_tasks.step: must be a fin"),
        (changed(matrix={"num_tasks": [100, math.nan]}), "matrix.num_tasks[1]: must be a finite number"),
        # Bounds: counts are integers, an interval is not a busy loop, a timeout not a typo.
        (changed(trials=2.0), "trials: 2.0 is not of type 'integer'"),
        (changed(warmups=1.0), "warmups: 1.0 is not of type 'integer'"),
        (changed(metrics={"interval": 0.01}), "metrics.interval: 0.01 is less than the minimum of 0.1"),
        (changed(timeout=10**7), "timeout: 10000000 is greater than the maximum of 604800"),
        (changed(inter_trial_wait=10**7), "inter_trial_wait: 10000000 is greater than the maximum"),
        (changed(name="a" * 65), "name: 'aaaa"),
        (changed(name="run\n"), "name: 'run\\n' does not match"),
        (changed(tenants__0__name="spark\n"), "tenants[0].name: 'spark\\n' does not match"),
        (changed(system="linux\n"), "system: 'linux\\n' does not match"),
        # The matrix: a tenant twice in one cell; an offset axis past the timeout.
        (
            changed(matrix={"tenants": [["spark"], ["spark", "spark"]]}),
            "matrix.tenants: ['spark', 'spark'] lists a tenant twice",
        ),
        (
            changed(timeout=60, matrix={"spark.start_offset": [0, 60]}),
            "matrix.spark.start_offset: 60 s is not below the cell timeout (60 s)",
        ),
        # A stack this stacklab cannot run on the target.
        (
            changed(stack__spark={"mode": "osv"}, stack__frameworks=["spark"], system="linux-vm", target="ec2"),
            "system: linux-vm runs on the local sandbox only, not target ec2",
        ),
    ],
)
def test_a_malformed_spec_fails_naming_the_field(document: dict[str, Any], field: str) -> None:
    problems = problems_of(document)
    assert any(problem.startswith(field) for problem in problems), problems


def test_two_tenants_with_one_name_and_a_tenant_beside_zookeeper_failover() -> None:
    document = changed(stack__frameworks=["zookeeper", "spark"])
    document["tenants"].append(dict(document["tenants"][0]))
    assert any(p.startswith("tenants[1].name: spark names two tenants") for p in problems_of(document))
    document["tenants"][1] = {"name": "zk", "framework": "zookeeper", "workload": "zookeeper-failover"}
    assert any(p.startswith("tenants[1].workload: zookeeper-failover") for p in problems_of(document))


def test_axes_multiply_and_zip_groups_vary_together() -> None:
    document = changed(
        matrix={"num_jobs": [1, 2], "zip": [{"num_tasks": [10, 20, 30], "random_seed": [1, 2, 3]}]}, warmups=0, trials=1
    )
    points = [cell["point"] for cell in plan(document).cells]
    assert len(points) == 6
    assert {(p["num_tasks"], p["random_seed"]) for p in points} == {(10, 1), (20, 2), (30, 3)}
    assert {p["num_jobs"] for p in points} == {1, 2}


def test_cells_are_points_times_warmups_and_trials_with_stable_distinct_keys() -> None:
    cells = plan(VALID).cells
    assert len(cells) == 3 * (1 + 2)
    assert [(c["warmup"], c["trial"]) for c in cells[:3]] == [(True, 1), (False, 1), (False, 2)]
    assert len({cell["key"] for cell in cells}) == len(cells)
    assert [cell["key"] for cell in plan(copy.deepcopy(VALID)).cells] == [cell["key"] for cell in cells]
    assert [cell["index"] for cell in cells] == list(range(1, 10))


def test_more_trials_keep_the_keys_of_the_cells_already_run() -> None:
    before = {cell["key"] for cell in plan(VALID).cells}
    after = {cell["key"] for cell in plan(changed(trials=4)).cells}
    assert before < after and len(after - before) == 3 * 2


def test_a_changed_option_changes_the_keys() -> None:
    before = {cell["key"] for cell in plan(VALID).cells}
    after = {cell["key"] for cell in plan(changed(tenants__0__options={"num_jobs": 2})).cells}
    assert not before & after


def test_float_ranges_do_not_drift_and_tenant_axes_set_offsets() -> None:
    document = changed(
        matrix={"zip": [{"spark.start_offset": {"from": 0.1, "to": 0.3, "step": 0.1}}]}, warmups=0, trials=1
    )
    cells = plan(document).cells
    assert [cell["tenants"][0]["start_offset"] for cell in cells] == [0.1, 0.2, 0.3]


def test_the_tenants_axis_picks_who_runs() -> None:
    document = changed(matrix={"tenants": [["a"], ["a", "b"]]}, warmups=0, trials=1)
    document["tenants"] = [
        {"name": "a", "framework": "spark", "workload": "count"},
        {"name": "b", "framework": "spark", "workload": "count", "start_offset": 10},
    ]
    cells = plan(document).cells
    assert [[t["name"] for t in cell["tenants"]] for cell in cells] == [["a"], ["a", "b"]]
    assert cells[1]["point"]["tenants"] == "a+b"


def test_a_file_that_is_not_a_spec(tmp_path: Path) -> None:
    (tmp_path / "list.yml").write_text("- a\n- b\n")
    (tmp_path / "broken.yml").write_text("name: [unclosed\n")
    for name, expected in (
        ("list.yml", "a spec is a mapping"),
        ("broken.yml", "not valid YAML"),
        ("none.yml", "cannot read"),
    ):
        with pytest.raises(SpecError, match=expected):
            load(tmp_path / name)


def test_yaml_tricks_are_refused_by_the_loader(tmp_path: Path) -> None:
    """Anchors and aliases (a kilobyte alias bomb would expand to 9**9 strings), and a key twice
    (YAML keeps the last silently): refused when read, within a second, naming the line."""
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    (tmp_path / "bomb.yml").write_text("\n".join(levels) + "\n")
    (tmp_path / "alias.yml").write_text(yaml.safe_dump(VALID) + "extra: *x\n")
    (tmp_path / "twice.yml").write_text(yaml.safe_dump(VALID) + "trials: 50\n")
    for name, expected in (
        ("bomb.yml", "line 1: anchor &a: anchors are not allowed"),
        ("alias.yml", "alias \\*x: aliases are not allowed"),
        ("twice.yml", "key 'trials' appears twice in one mapping"),
    ):
        started = time.monotonic()
        with pytest.raises(SpecError, match=expected):
            load(tmp_path / name)
        assert time.monotonic() - started < 1.0


def test_stacklab_validate_exits_non_zero_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump(changed(matrix={"num_tasks": {"from": 1, "to": 0, "step": 1}})))
    good = tmp_path / "good.yml"
    good.write_text(yaml.safe_dump(VALID))
    command = [sys.executable, "-m", "stacklab.cli", "validate"]
    result = subprocess.run([*command, str(good), str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"{bad}: matrix.num_tasks: to (0) is below from (1)" in result.stderr
    assert f"{good}: valid: 9 cells" in result.stdout
    assert subprocess.run([*command, str(good)], capture_output=True, check=False).returncode == 0
