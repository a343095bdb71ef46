"""java_jar recompiles only when what the jar is built from changes."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.stacklab.bigdata.plugins.modules.java_jar import (
    classpath_entries,
    inputs_digest,
    sources_below,
)


def tree(tmp_path: Path) -> tuple[list[str], list[str], str]:
    src = tmp_path / "src/stacklab"
    src.mkdir(parents=True)
    (src / "A.java").write_text("class A {}")
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "lib-1.0.jar").write_text("")
    return [str(tmp_path / "src")], sources_below([str(tmp_path / "src")]), str(jars)


def test_the_digest_follows_sources_and_classpath_jar_names(tmp_path: Path) -> None:
    src, sources, jars = tree(tmp_path)
    first = inputs_digest(src, sources, [jars], 17)
    assert inputs_digest(src, sources, [jars], 17) == first
    assert inputs_digest(src, sources, [jars], 21) != first
    Path(sources[0]).write_text("class A { int x; }")
    changed_source = inputs_digest(src, sources, [jars], 17)
    assert changed_source != first
    (Path(jars) / "lib-1.0.jar").rename(Path(jars) / "lib-1.1.jar")
    assert inputs_digest(src, sources, [jars], 17) != changed_source


def test_folders_on_the_classpath_mean_all_their_jars(tmp_path: Path) -> None:
    _, _, jars = tree(tmp_path)
    assert classpath_entries([jars, "/x/one.jar"]) == [f"{jars}/*", "/x/one.jar"]
