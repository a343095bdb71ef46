"""One benchmark cell on the controller: the tenants' commands before it runs, its samples after.

bench.yml's `bench_cell` action calls these; they hold no Ansible code so that they are tested
(and reused by `stacklab`) on their own.
"""

from __future__ import annotations

from typing import Any

from stacklab.results.schema import cell_time, sample
from stacklab.spec.sparkperf import samples_from_jar_output
from stacklab.spec.workloads import (
    STREAMING_COMMAND,
    WORKLOADS,
    batch_arguments,
    spark_perf_arguments,
    streaming_arguments,
)

# How a driver names its application at the resource manager, so that allocation timelines can
# tell the tenants apart (the jars read it; see workloads/).
APP_NAME_ENV = "STACKLAB_APP_NAME"
# Where a Spark tenant's application goes when the experiment names a Spark mode: the master URL
# (spark://..., yarn) that the Spark commands pass to spark-submit over spark-defaults.conf's.
SPARK_MASTER_ENV = "STACKLAB_SPARK_MASTER"
# A Spark tenant's Mesos mode (its spec's mesos_mode), as spark.mesos.coarse: true (coarse-grained:
# executors held for the whole application) or false (fine-grained: one Mesos task per Spark task).
SPARK_MESOS_COARSE_ENV = "STACKLAB_SPARK_MESOS_COARSE"
# The experiment's Spark sizes (stack.spark), as `key=value` Spark settings separated by spaces,
# which the Spark commands pass to spark-submit as --conf over spark-defaults.conf's.
SPARK_CONF_ENV = "STACKLAB_SPARK_CONF"
# stack.spark's size -> (Spark's setting, how its value is written).
SPARK_SIZES = {
    "executor_memory_mb": ("spark.executor.memory", "{}m"),
    "executor_memory_overhead_mb": ("spark.executor.memoryOverhead", "{}m"),
    "executor_cores": ("spark.executor.cores", "{}"),
    "task_cpus": ("spark.task.cpus", "{}"),
    "cores_max": ("spark.cores.max", "{}"),
    "mesos_executor_cores": ("spark.mesos.mesosExecutor.cores", "{}"),
}


def spark_conf(spark: dict[str, Any]) -> str:
    """The experiment's Spark sizes (its stack.spark) as STACKLAB_SPARK_CONF's value ('' for none)."""
    return " ".join(
        f"{setting}={written.format(spark[size])}" for size, (setting, written) in SPARK_SIZES.items() if size in spark
    )


class CellFailed(RuntimeError):
    """A tenant of the cell failed or was cut short; nothing of the cell is recorded."""


def tenant_commands(
    cell: dict[str, Any],
    commands: dict[str, str],
    inter_trial_wait: float,
    spark_master: str | None = None,
    spark: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """bench_tenants' input for the cell: every tenant's argv, environment and start offset.

    `commands` maps a workload's command name (spark-perf, stacklab-spark, stacklab-mapreduce,
    stacklab-storm) to the installed command's path; `spark_master`, when given, is where Spark
    tenants submit (the experiment's Spark mode), else the client's default; `spark` is the
    experiment's stack.spark, whose sizes every Spark tenant's application takes."""
    sizes = spark_conf(spark or {})
    runs = []
    for tenant in cell["tenants"]:
        workload = WORKLOADS[(tenant["framework"], tenant["workload"])]
        if workload.runner != "command" or workload.missing:
            raise CellFailed(f"tenant {tenant['name']}: {tenant['workload']} is not a command this stacklab runs")
        if workload.command not in commands:
            raise CellFailed(f"tenant {tenant['name']}: no {workload.command} command is installed on bench_client")
        if workload.command == "spark-perf":
            arguments = spark_perf_arguments(tenant["workload"], tenant["options"], inter_trial_wait)
        elif workload.command == STREAMING_COMMAND:
            arguments = streaming_arguments(tenant["workload"], tenant["options"])
        else:
            arguments = batch_arguments(tenant["workload"], tenant["options"])
        argv = [commands[workload.command], *arguments]
        env = {APP_NAME_ENV: tenant["name"]}
        if spark_master and tenant["framework"] == "spark":
            env[SPARK_MASTER_ENV] = spark_master
        if "mesos_mode" in tenant:
            env[SPARK_MESOS_COARSE_ENV] = "true" if tenant["mesos_mode"] == "coarse" else "false"
        if sizes and tenant["framework"] == "spark":
            env[SPARK_CONF_ENV] = sizes
        runs.append({"name": tenant["name"], "argv": argv, "env": env, "start_offset": tenant["start_offset"]})
    return runs


def _why_failed(name: str, result: dict[str, Any]) -> str | None:
    if result.get("error"):
        return f"tenant {name}: {result['error']}"
    if result.get("timed_out"):
        return f"tenant {name}: killed at the cell's timeout"
    if result.get("rc") != 0:
        return f"tenant {name}: exit status {result.get('rc')}"
    return None


def cell_samples(cell: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every sample of a finished cell: the workloads' own, each tenant's app_time and the cell_time.

    The cell_time sample (wall time from the first start to the last end) is written with the
    others in one append; its presence marks the cell as done when a run is resumed."""
    problems = [problem for name, result in results.items() if (problem := _why_failed(name, result))]
    if problems:
        raise CellFailed("; ".join(problems))
    labels = cell["labels"]
    samples: list[dict[str, Any]] = []
    for tenant in cell["tenants"]:
        result = results[tenant["name"]]
        tenant_labels = {
            **labels,
            "tenant": tenant["name"],
            "framework": tenant["framework"],
            "test": tenant["workload"],
        }
        # spark-perf runs warm-up trials inside the application (app_warmups, 1 unless set); the
        # batch workloads run one measured job per application.
        spark_perf = WORKLOADS[(tenant["framework"], tenant["workload"])].command == "spark-perf"
        app_warmups = int(tenant["options"].get("app_warmups", 1 if spark_perf else 0))
        try:
            own_samples = samples_from_jar_output(result["stdout"], {})
        except ValueError as error:
            raise CellFailed(f"tenant {tenant['name']}: {error}") from error
        for own in own_samples:
            app_trial = int(own["labels"].pop("trial", 1))
            own["labels"] = {
                **own["labels"],
                **tenant_labels,
                "app_trial": app_trial,
                "warmup": cell["warmup"] or app_trial <= app_warmups,
            }
            samples.append(own)
        samples.append(
            sample("app_time", round(result["ended"] - result["started"], 3), "s", tenant_labels, result["ended"])
        )
    started = min(result["started"] for result in results.values())
    ended = max(result["ended"] for result in results.values())
    samples.append(cell_time(labels, ended - started, ended))
    return samples
