"""The workloads an experiment's tenants can run: which framework runs each, the options it takes,
and whether this version of stacklab can run it yet.

Option names are written with underscores in specs (`num_tasks`); commands get them with dashes
(`--num-tasks`), as spark-perf spells them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacklab.spec.sparkperf import TESTS as SPARK_PERF_TESTS


@dataclass(frozen=True)
class Option:
    kind: type  # int, str or bool
    minimum: int | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why `value` does not fit this option, or None."""
        if self.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            return f"must be an integer, got {value!r}"
        if self.kind is bool and not isinstance(value, bool):
            return f"must be true or false, got {value!r}"
        if self.kind is str and not isinstance(value, str):
            return f"must be a string, got {value!r}"
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum}, got {value!r}"
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}, got {value!r}"
        return None


@dataclass(frozen=True)
class Workload:
    framework: str
    name: str
    options: dict[str, Option]
    # How bench.yml runs it: `command` on bench_client (its stdout carries JSON samples), or a
    # task file of a bench role (`tasks`) that drives services itself.
    runner: str
    missing: str | None = None  # why this stacklab cannot run it yet (None: it can)
    # Which installed command runs it (bench.yml maps these names to paths on bench_client):
    # spark-perf, stacklab-spark, stacklab-mapreduce or stacklab-storm (roles/workloads).
    command: str = ""


_COUNT = Option(int, minimum=1)
_SEED = Option(int, minimum=0)

# spark-perf's options (workloads/spark-perf), less the ones bench sets per cell (trials, waits).
_SPARK_PERF_COMMON = {"random_seed": _SEED, "app_warmups": Option(int, minimum=0)}
_SCHEDULING = {"num_tasks": _COUNT, "num_jobs": _COUNT, "closure_size": Option(int, minimum=0)}
_KEY_VALUE = {
    "num_records": _COUNT,
    "unique_keys": _COUNT,
    "key_length": _COUNT,
    "unique_values": _COUNT,
    "value_length": _COUNT,
    "num_partitions": _COUNT,
    "reduce_tasks": _COUNT,
    "persistent_type": Option(str, choices=("memory", "disk", "hdfs")),
    "storage_location": Option(str),
    "hash_records": Option(bool),
}

# The interference paper's batch workloads (BigDataBench style) and its streaming topology.
_BATCH = {"input_mb": _COUNT, "random_seed": _SEED}
BATCH_WORKLOADS = ("wordcount", "grep", "naive-bayes")
BATCH_COMMANDS = {"hadoop": "stacklab-mapreduce", "spark": "stacklab-spark"}
# What a batch cell runs with when its spec leaves an option out (passed explicitly to the commands).
BATCH_DEFAULTS = {"input_mb": 64, "random_seed": 1}
# The streaming topology (roles/workloads, stacklab-storm): sentences a second, seconds of
# measurement, worker JVMs (one slot each), the generator's seed, seconds between samples.
_STREAMING = {
    "rate": _COUNT,
    "duration_s": _COUNT,
    "workers": _COUNT,
    "random_seed": _SEED,
    "sample_interval_s": _COUNT,
}
STREAMING_COMMAND = "stacklab-storm"
# What a streaming cell runs with when its spec leaves an option out (passed explicitly).
STREAMING_DEFAULTS = {"rate": 200, "duration_s": 60, "workers": 1, "random_seed": 1, "sample_interval_s": 5}


def _catalog() -> dict[tuple[str, str], Workload]:
    workloads = [
        Workload("zookeeper", "zookeeper-failover", {}, runner="tasks"),
        *(
            Workload(
                "spark",
                test,
                {**_SPARK_PERF_COMMON, **(_SCHEDULING if test == "scheduling-throughput" else _KEY_VALUE)},
                runner="command",
                command="spark-perf",
            )
            for test in SPARK_PERF_TESTS
        ),
        *(
            Workload(framework, name, _BATCH, runner="command", command=command)
            for framework, command in BATCH_COMMANDS.items()
            for name in BATCH_WORKLOADS
        ),
        Workload("storm", "wordcount", _STREAMING, runner="command", command=STREAMING_COMMAND),
    ]
    return {(workload.framework, workload.name): workload for workload in workloads}


WORKLOADS = _catalog()
FRAMEWORKS = ("zookeeper", "hadoop", "spark", "storm", "mesos")


def workloads_of(framework: str) -> list[str]:
    return sorted(name for owner, name in WORKLOADS if owner == framework)


def batch_arguments(workload: str, options: dict[str, Any]) -> list[str]:
    """stacklab-mapreduce's or stacklab-spark's command line for one run of a batch workload."""
    return _arguments(workload, {**BATCH_DEFAULTS, **options})


def streaming_arguments(workload: str, options: dict[str, Any]) -> list[str]:
    """stacklab-storm's command line for one run of the streaming topology in a cell.

    `--replace`: a topology of the tenant's name still running was left by an interrupted cell of
    this run (its command SIGKILLed before it could kill it): the cell kills it rather than fail."""
    return [*_arguments(workload, {**STREAMING_DEFAULTS, **options}), "--replace"]


def _arguments(workload: str, options: dict[str, Any]) -> list[str]:
    arguments = [workload]
    for name, value in sorted(options.items()):
        arguments += ["--" + name.replace("_", "-"), str(value)]
    return arguments


def batch_inputs(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch inputs the cells read, once each, with the command that can generate each one.

    Naive Bayes reads labelled text, the others plain text; MapReduce generates an input when the
    stack has it (a map-only job), else Spark does. bench.yml generates them before the first cell,
    so that no cell's time includes writing its input."""
    inputs: dict[tuple[bool, int, int], dict[str, Any]] = {}
    for cell in cells:
        for tenant in cell["tenants"]:
            if tenant["workload"] not in BATCH_WORKLOADS or tenant["framework"] not in BATCH_COMMANDS:
                continue
            options = {**BATCH_DEFAULTS, **tenant["options"]}
            key = (
                tenant["workload"] == "naive-bayes",
                int(options["input_mb"]),
                int(options["random_seed"]),
            )
            if key not in inputs or tenant["framework"] == "hadoop":
                inputs[key] = {
                    "command": BATCH_COMMANDS[tenant["framework"]],
                    "labelled": key[0],
                    "input_mb": key[1],
                    "random_seed": key[2],
                }
    return sorted(inputs.values(), key=lambda item: (item["input_mb"], item["labelled"], item["random_seed"]))


def streaming_workers(cells: list[dict[str, Any]]) -> int:
    """The most worker slots any one streaming tenant of the cells takes (0 without one): bench.yml
    refuses a run whose topology could never be scheduled, before anything changes."""
    return max(
        (
            int({**STREAMING_DEFAULTS, **tenant["options"]}["workers"])
            for cell in cells
            for tenant in cell["tenants"]
            if WORKLOADS[(tenant["framework"], tenant["workload"])].command == STREAMING_COMMAND
        ),
        default=0,
    )


def spark_perf_arguments(workload: str, options: dict[str, Any], inter_trial_wait: float) -> list[str]:
    """spark-perf's command line for one cell: the app's warm-up trials, then one measured trial."""
    warmups = int(options.get("app_warmups", 1))
    arguments = [workload, "--num-trials", str(warmups + 1), "--ignored-trials", str(warmups)]
    arguments += ["--inter-trial-wait", str(int(inter_trial_wait))]
    for name, value in sorted(options.items()):
        if name == "app_warmups":
            continue
        flag = "--" + name.replace("_", "-")
        arguments += [f"{flag}={str(value).lower()}"] if isinstance(value, bool) else [flag, str(value)]
    return arguments
