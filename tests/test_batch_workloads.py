"""The batch and streaming workloads' Java side (workloads/, whose own behaviour its JUnit tests
check) against the Python package's view of it: the same workloads and options."""

from __future__ import annotations

import re
from pathlib import Path

from stacklab.spec.workloads import BATCH_WORKLOADS, WORKLOADS

WORKLOADS_SRC = Path(__file__).resolve().parent.parent / "workloads"
SHARED = WORKLOADS_SRC / "common/src/main/java/stacklab/workloads"
STORM = WORKLOADS_SRC / "storm/src/main/java/stacklab/workloads/storm"


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
