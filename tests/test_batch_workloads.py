"""The batch workloads' Java side (roles/workloads) against the analysis package's view of it,
and the input generator run for real in a JVM (javac and java of the controller's JDK)."""

from __future__ import annotations

import collections
import re
import subprocess
from pathlib import Path

import pytest

from stacklab.spec.workloads import BATCH_WORKLOADS, WORKLOADS

SHARED = Path(__file__).resolve().parent.parent / "roles/workloads/files/src/shared/stacklab/workloads"
STORM = Path(__file__).resolve().parent.parent / "roles/workloads/files/src/storm/stacklab/workloads/storm"

PROBE = """
import stacklab.workloads.TextGenerator;
public class Probe {
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    int part = Integer.parseInt(args[1]);
    boolean labelled = Boolean.parseBoolean(args[2]);
    for (String line : TextGenerator.part(seed, part, labelled, Long.parseLong(args[3]))) {
      System.out.println(line);
    }
  }
}
"""


@pytest.fixture(scope="module")
def generator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TextGenerator compiled with a probe that prints one part."""
    folder = tmp_path_factory.mktemp("generator")
    (folder / "Probe.java").write_text(PROBE)
    subprocess.run(
        ["javac", "--release", "17", "-d", str(folder), str(SHARED / "TextGenerator.java"), str(folder / "Probe.java")],
        check=True,
    )
    return folder


def part(generator: Path, seed: int, index: int, labelled: bool, size: int) -> bytes:
    command = ["java", "-cp", str(generator), "Probe", str(seed), str(index), str(labelled).lower(), str(size)]
    return subprocess.run(command, check=True, capture_output=True).stdout


def test_the_jar_takes_exactly_the_workloads_and_options_the_analysis_knows() -> None:
    options = (SHARED / "Options.java").read_text()
    workloads = set(re.findall(r'"([a-z-]+)"', options.split("WORKLOADS =")[1].split(";")[0]))
    assert workloads == {"generate", *BATCH_WORKLOADS}
    flags = set(re.findall(r'"--([a-z-]+)"', options.split("VALUED =")[1].split(";")[0]))
    for framework in ("hadoop", "spark"):
        for workload in BATCH_WORKLOADS:
            assert {name.replace("_", "-") for name in WORKLOADS[(framework, workload)].options} <= flags


def test_the_topology_takes_exactly_the_streaming_options_the_analysis_knows() -> None:
    options = (STORM / "StreamOptions.java").read_text()
    flags = set(re.findall(r'"--([a-z-]+)"', options.split("VALUED =")[1].split(";")[0]))
    assert flags == {name.replace("_", "-") for name in WORKLOADS[("storm", "wordcount")].options}


def test_a_part_is_the_same_bytes_for_the_same_seed_and_differs_otherwise(generator: Path) -> None:
    first = part(generator, 7, 0, False, 200_000)
    assert part(generator, 7, 0, False, 200_000) == first
    assert part(generator, 8, 0, False, 200_000) != first
    assert part(generator, 7, 1, False, 200_000) != first


def test_a_part_has_its_size_and_zipf_shaped_words(generator: Path) -> None:
    text = part(generator, 1, 0, False, 1 << 20).decode()
    longest_line = max(map(len, text.splitlines())) + 1
    assert 1 << 20 <= len(text) < (1 << 20) + longest_line
    counts = sorted(collections.Counter(text.split()).values(), reverse=True)
    assert counts[0] > 20 * counts[len(counts) // 2]  # a few words dominate, as in natural text


def test_labelled_lines_carry_one_of_four_classes(generator: Path) -> None:
    lines = part(generator, 3, 2, True, 50_000).decode().splitlines()
    labels = {line.split("\t", 1)[0] for line in lines}
    assert labels == {"c0", "c1", "c2", "c3"}
    assert all(len(line.split("\t", 1)[1].split()) >= 8 for line in lines)
