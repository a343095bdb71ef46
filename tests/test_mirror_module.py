from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from ansible_collections.stacklab.bigdata.plugins.modules.mirror_artifact import (
    dependency_xml,
    drop_packed,
    is_built,
    member_target,
    pack,
    pom_xml,
    unpack_jars,
)


def test_pom_declares_folders_artifacts_and_imports_the_bom() -> None:
    pom = pom_xml(["org.apache.zookeeper:zookeeper:3.9.4", "jline:jline"], True, "org.apache.zookeeper:parent:3.9.4")
    artifacts = re.findall(r"<artifactId>([^<]+)</artifactId>", pom)
    assert artifacts == ["folder", "parent", "zookeeper", "jline"]
    assert "<scope>import</scope>" in pom


def test_non_transitive_folders_exclude_dependencies() -> None:
    assert "<exclusion><groupId>*</groupId>" in dependency_xml("a:b:1", transitive=False)
    assert "exclusion" not in dependency_xml("a:b:1", transitive=True)


@pytest.mark.parametrize("coordinate", ["justone", "a::1", "a:b:c:d:e"])
def test_bad_coordinates_are_refused(coordinate: str) -> None:
    with pytest.raises(ValueError, match="bad Maven coordinate"):
        dependency_xml(coordinate, True)


def test_archives_are_reproducible(tmp_path: Path) -> None:
    tree = tmp_path / "tree" / "lib"
    tree.mkdir(parents=True)
    (tree / "a.jar").write_bytes(b"jar a")
    (tree / "b.jar").write_bytes(b"jar b")
    first, second = tmp_path / "one.tar.gz", tmp_path / "two.tar.gz"
    pack(str(tmp_path / "tree"), "dist-1.0", str(first))
    (tree / "a.jar").touch()  # a new mtime must not change the archive
    pack(str(tmp_path / "tree"), "dist-1.0", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_an_archive_counts_as_built_only_when_its_checksum_matches(tmp_path: Path) -> None:
    archive = tmp_path / "x.tar.gz"
    archive.write_bytes(b"content")
    assert is_built(str(archive)) is None
    digest = hashlib.sha512(b"content").hexdigest()
    (tmp_path / "x.tar.gz.sha512").write_text(f"{digest}  x.tar.gz\n")
    assert is_built(str(archive)) == digest
    archive.write_bytes(b"truncated")
    assert is_built(str(archive)) is None


def test_unique_folders_drop_jars_an_earlier_folder_holds(tmp_path: Path) -> None:
    for name in ["a-1.jar", "b-2.jar", "notes.txt"]:
        (tmp_path / name).write_text(name)
    drop_packed(str(tmp_path), {"a-1.jar", "c-3.jar"})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b-2.jar", "notes.txt"]


def test_unpack_copies_one_folder_out_of_jars(tmp_path: Path) -> None:
    jars = tmp_path / "jars"
    jars.mkdir()
    with zipfile.ZipFile(jars / "hdfs-tests.jar", "w") as jar:
        jar.writestr("webapps/hdfs/index.html", "nn")
        jar.writestr("webapps/journal/WEB-INF/web.xml", "jn")
        jar.writestr("org/Test.class", "x")
    out = tmp_path / "out"
    assert unpack_jars(str(jars), "webapps", str(out)) == 2
    assert (out / "hdfs/index.html").read_text() == "nn" and (out / "journal/WEB-INF/web.xml").read_text() == "jn"
    assert not (out / "org").exists()
    with pytest.raises(ValueError, match="no jar of the folder has files below 'static/'"):
        unpack_jars(str(jars), "static", str(out))


def test_members_outside_the_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="would land outside the folder"):
        member_target(str(tmp_path), "webapps/../../etc/passwd", "webapps/", "evil.jar")
