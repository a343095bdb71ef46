#!/usr/bin/python
"""Build one distribution archive of the offline artifact mirror from Maven Central."""

from __future__ import annotations

DOCUMENTATION = r"""
module: mirror_artifact
short_description: Build a distribution archive, laid out as upstream lays out its jars
description:
  - Fills the folders of a distribution (for example C(lib/) for ZooKeeper, C(jars/) for Spark) from
    Maven coordinates (with their runtime dependencies when asked) or from a folder of a local source
    archive (such as the pyspark source distribution, which carries Spark's jars and scripts), packs
    them as a reproducible C(.tar.gz) under I(dest)/I(path) and writes a C(.sha512) file beside it in
    the format of C(sha512sum) and of the Apache archive.
  - An archive whose checksum file exists and matches is left alone, so a second run changes nothing.
options:
  dest: {description: Root folder of the mirror., type: path, required: true}
  path: {description: Archive path below I(dest), as on the Apache archive., type: str, required: true}
  top: {description: Top folder inside the archive (for example C(apache-zookeeper-3.9.4-bin))., type: str, required: true}
  bom:
    description: C(group:artifact:version) of a POM whose dependencyManagement pins the versions of unversioned coordinates.
    type: str
  folders:
    description:
      - Folder inside I(top) mapped either to C(artifacts) (a list of C(group:artifact[:version[:classifier]])),
        C(transitive) (also copy their runtime dependencies; default true) and C(unique) (leave out jars
        an earlier folder already holds, as Hadoop's C(share/hadoop/*/lib) folders do; default false), or
        to C(extract), a folder of I(source) whose files are copied with their modes, or to C(artifacts)
        and C(unpack), a folder inside those jars whose files are copied out (the HDFS web apps, which
        Maven Central carries only inside hadoop-hdfs's tests jar).
      - Folders are filled in the order given.
    type: dict
    required: true
  source:
    description: A local C(.tar.gz) that C(extract) folders are taken from (already checksum-verified by the caller).
    type: path
  files:
    description: Extra text files (path inside I(top) to content), such as a RELEASE note or a sample config.
    type: dict
    default: {}
  maven:
    description: The mvn executable.
    type: str
    default: mvn
  force: {description: Rebuild even if the archive exists., type: bool, default: false}
"""

EXAMPLES = r"""
- name: Build ZooKeeper
  mirror_artifact:
    dest: /var/cache/stacklab/mirror
    path: zookeeper/zookeeper-3.9.4/apache-zookeeper-3.9.4-bin.tar.gz
    top: apache-zookeeper-3.9.4-bin
    bom: org.apache.zookeeper:parent:3.9.4
    folders:
      lib:
        artifacts: [org.apache.zookeeper:zookeeper:3.9.4, ch.qos.logback:logback-classic]

- name: Build Spark from the pyspark source distribution
  mirror_artifact:
    dest: /var/cache/stacklab/mirror
    path: spark/spark-4.3.0/spark-4.3.0-bin-hadoop3.tgz
    top: spark-4.3.0-bin-hadoop3
    source: /var/cache/stacklab/sources/pyspark-4.3.0.tar.gz
    folders:
      jars: {extract: pyspark-4.3.0/deps/jars}
      bin: {extract: pyspark-4.3.0/deps/bin}
"""

RETURN = r"""
archive: {description: Absolute path of the archive., type: str, returned: always}
sha512: {description: Hex SHA-512 of the archive., type: str, returned: always}
jars: {description: Number of jars packed (when built)., type: int, returned: changed}
"""

import gzip
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from ansible.module_utils.basic import AnsibleModule

# Pinned so that the same catalog resolves the same way on every machine.
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


def dependency_xml(coordinate: str, transitive: bool) -> str:
    parts = coordinate.split(":")
    if len(parts) < 2 or len(parts) > 4 or not all(parts):
        raise ValueError(f"bad Maven coordinate {coordinate!r}: want group:artifact[:version[:classifier]]")
    fields = [f"<groupId>{escape(parts[0])}</groupId>", f"<artifactId>{escape(parts[1])}</artifactId>"]
    if len(parts) > 2:
        fields.append(f"<version>{escape(parts[2])}</version>")
    if len(parts) > 3:
        fields.append(f"<classifier>{escape(parts[3])}</classifier>")
    if not transitive:
        fields.append("<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>")
    return "<dependency>" + "".join(fields) + "</dependency>"


def pom_xml(artifacts: list[str], transitive: bool, bom: str | None) -> str:
    managed = ""
    if bom:
        group, artifact, version = bom.split(":")
        managed = (
            "<dependencyManagement><dependencies><dependency>"
            f"<groupId>{escape(group)}</groupId><artifactId>{escape(artifact)}</artifactId>"
            f"<version>{escape(version)}</version><type>pom</type><scope>import</scope>"
            "</dependency></dependencies></dependencyManagement>"
        )
    deps = "".join(dependency_xml(a, transitive) for a in artifacts)
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>stacklab.mirror</groupId><artifactId>folder</artifactId><version>0</version>"
        f"<packaging>pom</packaging>{managed}<dependencies>{deps}</dependencies></project>"
    )


def copy_jars(maven: str, workdir: str, folder: str, spec: dict[str, Any], bom: str | None, out: str) -> None:
    pom = os.path.join(workdir, folder.replace("/", "_") + ".pom.xml")
    with open(pom, "w", encoding="utf-8") as handle:
        handle.write(pom_xml(list(spec["artifacts"]), bool(spec.get("transitive", True)), bom))
    os.makedirs(out, exist_ok=True)
    command = [
        maven,
        "-B",
        "-q",
        "-f",
        pom,
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={out}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise RuntimeError(f"mvn could not resolve folder {folder!r}:\n{tail}")


def drop_packed(folder: str, packed: set[str]) -> None:
    """Remove from `folder` the jars an earlier folder already holds (same file name, so same
    artifact and version): one copy on the classpath, as in Hadoop's layout."""
    for name in os.listdir(folder):
        if name in packed:
            os.remove(os.path.join(folder, name))


def member_target(out: str, member: str, prefix: str, archive: str) -> str:
    """Where an archive member below `prefix` lands in `out` (its folder created); refuses a member
    that would land outside `out`."""
    relative = os.path.normpath(member[len(prefix) :])
    if relative.startswith("..") or os.path.isabs(relative):
        raise ValueError(f"{archive}: member {member!r} would land outside the folder")
    target = os.path.join(out, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return target


def unpack_jars(jars_dir: str, prefix: str, out: str) -> int:
    """Copy the files below `prefix` of every jar in `jars_dir` into `out`, refusing anything that
    would land outside it."""
    prefix = prefix.strip("/") + "/"
    copied = 0
    for name in sorted(os.listdir(jars_dir)):
        with zipfile.ZipFile(os.path.join(jars_dir, name)) as jar:
            for member in jar.infolist():
                if not member.filename.startswith(prefix) or member.is_dir():
                    continue
                target = member_target(out, member.filename, prefix, name)
                with jar.open(member) as source, open(target, "wb") as handle:
                    shutil.copyfileobj(source, handle, 1 << 20)
                copied += 1
    if copied == 0:
        raise ValueError(f"no jar of the folder has files below {prefix!r}")
    return copied


def extract_folder(source: str, prefix: str, out: str) -> int:
    """Copy the regular files below `prefix` of the tar archive `source` into `out`, keeping their
    modes (scripts stay executable). Links and anything that would land outside `out` are refused."""
    prefix = prefix.strip("/") + "/"
    copied = 0
    with tarfile.open(source, mode="r:*") as tar:
        for member in tar:
            if not member.name.startswith(prefix) or not member.isfile():
                continue
            target = member_target(out, member.name, prefix, source)
            extracted = tar.extractfile(member)
            assert extracted is not None  # a regular file always has content
            with extracted, open(target, "wb") as handle:
                shutil.copyfileobj(extracted, handle, 1 << 20)
            os.chmod(target, 0o755 if member.mode & 0o111 else 0o644)
            copied += 1
    if copied == 0:
        raise ValueError(f"{source} has no files below {prefix!r}")
    return copied


def reproducible(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Same inputs, same bytes: a rebuilt mirror keeps its checksums.
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def pack(source: str, top: str, archive: str) -> None:
    partial = archive + ".partial"
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=6) as zipped,
        tarfile.open(fileobj=zipped, mode="w") as tar,
    ):
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for name in [*dirs, *sorted(files)]:
                full = os.path.join(root, name)
                arcname = os.path.join(top, os.path.relpath(full, source))
                tar.add(full, arcname=arcname, recursive=False, filter=reproducible)
    os.replace(partial, archive)


def sha512_of(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha512").hexdigest()


def is_built(archive: str) -> str | None:
    """The archive's checksum if archive and checksum file agree, else None."""
    try:
        with open(archive + ".sha512", encoding="utf-8") as handle:
            recorded = handle.read().split()[0]
    except (OSError, IndexError):
        return None
    return recorded if os.path.exists(archive) and sha512_of(archive) == recorded else None


def build(params: dict[str, Any], archive: str) -> tuple[str, int]:
    with tempfile.TemporaryDirectory(prefix="stacklab-mirror-") as workdir:
        tree = os.path.join(workdir, "tree")
        packed: set[str] = set()
        for folder, spec in params["folders"].items():
            out = os.path.join(tree, folder)
            if "extract" in spec:
                if not params.get("source"):
                    raise ValueError(f"folder {folder!r} extracts from a source archive, but no source was given")
                extract_folder(params["source"], str(spec["extract"]), out)
            elif "unpack" in spec:
                resolved = os.path.join(workdir, "unpack", folder)
                copy_jars(params["maven"], workdir, folder, {**spec, "transitive": False}, params.get("bom"), resolved)
                unpack_jars(resolved, str(spec["unpack"]), out)
            else:
                copy_jars(params["maven"], workdir, folder, spec, params.get("bom"), out)
                if spec.get("unique"):
                    drop_packed(out, packed)
            packed.update(name for name in os.listdir(out) if name.endswith(".jar"))
        for relative, content in (params["files"] or {}).items():
            target = os.path.join(tree, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(content)
        jars = sum(name.endswith(".jar") for _, _, files in os.walk(tree) for name in files)
        os.makedirs(os.path.dirname(archive), exist_ok=True)
        pack(tree, params["top"], archive)
    checksum = sha512_of(archive)
    with open(archive + ".sha512.partial", "w", encoding="utf-8") as handle:
        handle.write(f"{checksum}  {os.path.basename(archive)}\n")
    os.replace(archive + ".sha512.partial", archive + ".sha512")
    return checksum, jars


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "path": {"type": "str", "required": True},
            "top": {"type": "str", "required": True},
            "bom": {"type": "str"},
            "folders": {"type": "dict", "required": True},
            "files": {"type": "dict", "default": {}},
            "source": {"type": "path"},
            "maven": {"type": "str", "default": "mvn"},
            "force": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    archive = os.path.join(module.params["dest"], module.params["path"])
    existing = None if module.params["force"] else is_built(archive)
    if existing:
        module.exit_json(changed=False, archive=archive, sha512=existing)
    if module.check_mode:
        module.exit_json(changed=True, archive=archive, sha512="")
    try:
        checksum, jars = build(module.params, archive)
    except (RuntimeError, ValueError, OSError) as error:
        module.fail_json(msg=f"mirror build of {module.params['path']} failed: {error}", archive=archive)
    module.exit_json(changed=True, archive=archive, sha512=checksum, jars=jars)


if __name__ == "__main__":
    main()
