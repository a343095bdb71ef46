"""Verify the batch workloads (roles/workloads) on the converged cluster, from bench_client
(Spark on the client's default, the standalone masters; test_bench_tenants.py runs Spark's on YARN):
the generator writes the same bytes from MapReduce and from Spark, WordCount and Grep agree with
each other and with a count on the client, Naive Bayes learns the classes, and a bad invocation
is refused before anything is submitted. The Spark history server reads the applications' event
logs from HDFS.
"""

from __future__ import annotations

import collections
import json
import re

import pytest
import testinfra
from sandbox_cluster import hosts

from stacklab.polling import wait_until

HISTORY_URL = f"http://{hosts('spark_history')[0]}:18080/api/v1/applications"
SIZE_MB = 24  # 2 parts at the sandbox's 16 MB blocks
SEED = 7
INPUT = f"/stacklab/input/text-{SIZE_MB}mb-seed{SEED}"
LABELLED = f"/stacklab/input/labelled-{SIZE_MB}mb-seed{SEED}"
RUN = f"--input-mb {SIZE_MB} --random-seed {SEED}"


def run_workload(client: testinfra.host.Host, command: str) -> dict[str, float]:
    """Runs a workload command; returns its samples (metric -> value), after checking the output
    is complete (every sample line parses, and the results line is there)."""
    result = client.run(command)
    assert result.rc == 0, f"{command}: rc {result.rc}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    lines = result.stdout.splitlines()
    assert any(line.startswith("results: ") for line in lines), result.stdout
    samples = [json.loads(line) for line in lines if line.startswith("{")]
    return {sample["metric"]: sample["value"] for sample in samples}


def hdfs_cat_sha256(client: testinfra.host.Host, folder: str) -> str:
    return str(client.check_output(f"hdfs dfs -cat '{folder}/part-*' | sha256sum | cut -d' ' -f1"))


def counts(client: testinfra.host.Host, folder: str) -> dict[str, int]:
    """A job's output as word -> count: MapReduce writes "word<TAB>count", Spark "(word,count)"."""
    text = client.check_output(f"hdfs dfs -cat '{folder}/part-*'")
    pairs = re.findall(r"^\(?([^\t,()]+)[\t,](\d+)\)?$", text, re.MULTILINE)
    return {word: int(count) for word, count in pairs}


def test_the_generator_writes_the_same_bytes_from_mapreduce_and_from_spark(client: testinfra.host.Host) -> None:
    client.run(f"hdfs dfs -rm -r -f -skipTrash {INPUT}")
    generated = run_workload(client, f"stacklab-mapreduce generate {RUN}")
    assert generated["input_generation_time"] > 0
    parts = client.check_output(f"hdfs dfs -ls -C '{INPUT}/part-*'").split()
    assert len(parts) == 2
    size = int(client.check_output(f"hdfs dfs -du -s {INPUT}").split()[0])
    assert SIZE_MB * 2**20 <= size < SIZE_MB * 2**20 + 4096
    by_mapreduce = hdfs_cat_sha256(client, INPUT)

    again = run_workload(client, f"stacklab-mapreduce generate {RUN}")
    assert "input_generation_time" not in again  # there already: not generated again
    client.run_expect([0], f"hdfs dfs -rm -r -skipTrash {INPUT}")
    run_workload(client, f"stacklab-spark generate {RUN}")
    assert hdfs_cat_sha256(client, INPUT) == by_mapreduce  # (another seed, other bytes: tests/test_batch_workloads.py)


def test_wordcount_counts_every_word_alike_on_mapreduce_and_spark(client: testinfra.host.Host) -> None:
    words = int(client.check_output(f"hdfs dfs -cat '{INPUT}/part-*' | wc -w"))
    client.run("hdfs dfs -rm -r -f -skipTrash /stacklab/output/wc-mr /stacklab/output/wc-spark")
    mapreduce = run_workload(client, f"stacklab-mapreduce wordcount {RUN} --keep-output /stacklab/output/wc-mr")
    spark = run_workload(client, f"stacklab-spark wordcount {RUN} --keep-output /stacklab/output/wc-spark")
    assert mapreduce["job_time"] > 0 and spark["job_time"] > 0
    assert mapreduce["map_output_records"] == words
    by_mapreduce = counts(client, "/stacklab/output/wc-mr")
    assert sum(by_mapreduce.values()) == words
    assert counts(client, "/stacklab/output/wc-spark") == by_mapreduce
    # Zipf: the most frequent word is far more frequent than the median one.
    ranked = sorted(by_mapreduce.values(), reverse=True)
    assert ranked[0] > 20 * ranked[len(ranked) // 2]


def test_grep_finds_what_grep_finds_on_the_client(client: testinfra.host.Host) -> None:
    local = collections.Counter(client.check_output(f"hdfs dfs -cat '{INPUT}/part-*' | grep -oE '\\bka[a-z]*'").split())
    client.run("hdfs dfs -rm -r -f -skipTrash /stacklab/output/grep-mr /stacklab/output/grep-spark")
    run_workload(client, f"stacklab-mapreduce grep {RUN} --keep-output /stacklab/output/grep-mr")
    run_workload(client, f"stacklab-spark grep {RUN} --keep-output /stacklab/output/grep-spark")
    assert len(local) > 10
    assert counts(client, "/stacklab/output/grep-mr") == dict(local)
    assert counts(client, "/stacklab/output/grep-spark") == dict(local)


@pytest.mark.parametrize("command", ["stacklab-mapreduce", "stacklab-spark"])
def test_naive_bayes_learns_the_classes(client: testinfra.host.Host, command: str) -> None:
    samples = run_workload(client, f"{command} naive-bayes {RUN}")
    assert client.run(f"hdfs dfs -test -d {LABELLED}").rc == 0
    # Four classes: guessing scores 0.25; the classes' rankings differ, so the model does far better.
    assert samples["accuracy"] > 0.6
    assert samples["job_time"] >= samples["train_time"] > 0


@pytest.mark.parametrize("command", ["stacklab-mapreduce", "stacklab-spark"])
def test_a_bad_invocation_is_refused_before_anything_is_submitted(client: testinfra.host.Host, command: str) -> None:
    result = client.run(f"{command} wordcount --input-mb 0")
    assert result.rc == 2
    assert "--input-mb must be at least 1" in result.stderr
    result = client.run(f"{command} sort")
    assert result.rc == 2 and "usage:" in result.stderr


def test_the_history_server_lists_the_spark_applications_from_hdfs(client: testinfra.host.Host) -> None:
    logged = client.check_output("hdfs dfs -ls -C /spark-events").split()
    assert logged, "no event log in HDFS"

    def listed() -> int:
        result = client.run(f"curl -sf {HISTORY_URL}")
        return len(json.loads(result.stdout)) if result.rc == 0 else 0

    # The history server scans the folder every 10 s (spark.history.fs.update.interval).
    wait_until(lambda: listed() >= len(logged), 120, 2, "the history server lists every logged application")
