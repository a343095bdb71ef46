#!/usr/bin/python
"""Compile a folder of Java sources into a jar, only when the sources or the classpath change."""

from __future__ import annotations

DOCUMENTATION = r"""
module: java_jar
short_description: Compile Java sources into a reproducible jar (javac and jar of a JDK)
description:
  - Compiles every C(.java) file below the folders of I(src) with C(javac --release) against the jars of
    I(classpath) and packs the classes into I(dest) with a fixed timestamp.
  - Records a digest of the inputs (the sources' content and the names of the classpath jars) in
    I(dest)C(.inputs); when it matches, nothing is compiled and the task reports no change.
options:
  src: {description: "Folders of Java sources (package folders below each), compiled together.", type: list, elements: path, required: true}
  classpath:
    description: Jar files, or folders whose jars are all used (as C(folder/*)).
    type: list
    elements: path
    default: []
  dest: {description: The jar to write., type: path, required: true}
  release: {description: The Java release to compile for (C(javac --release))., type: int, default: 17}
"""

EXAMPLES = r"""
- name: Compile the spark-perf workloads
  java_jar:
    src: "{{ role_path }}/files/src"
    classpath: [/var/cache/stacklab/build/spark-4.3.0-bin-hadoop3/jars]
    dest: /var/cache/stacklab/build/spark-perf.jar
"""

RETURN = r"""
dest: {description: The jar., type: str, returned: always}
digest: {description: SHA-256 of the inputs the jar was built from., type: str, returned: always}
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from typing import Any

from ansible.module_utils.basic import AnsibleModule


def sources_below(folders: list[str]) -> list[str]:
    found = [
        os.path.join(root, name)
        for folder in folders
        for root, _, names in os.walk(folder)
        for name in names
        if name.endswith(".java")
    ]
    return sorted(found)


def classpath_entries(classpath: list[str]) -> list[str]:
    return [os.path.join(entry, "*") if os.path.isdir(entry) else entry for entry in classpath]


def inputs_digest(src: list[str], sources: list[str], classpath: list[str], release: int) -> str:
    """Sources by content, the classpath by jar names (a new version renames its jars)."""
    digest = hashlib.sha256(f"release {release}\n".encode())
    common = os.path.commonpath(src) if len(src) > 1 else src[0]
    for path in sources:
        digest.update(os.path.relpath(path, common).encode() + b"\0")
        with open(path, "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    for entry in classpath:
        names = sorted(os.listdir(entry)) if os.path.isdir(entry) else [os.path.basename(entry)]
        digest.update(("\n".join(names) + "\0").encode())
    return digest.hexdigest()


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise RuntimeError(f"{command[0]} failed:\n{tail}")


def build(sources: list[str], classpath: list[str], dest: str, release: int) -> None:
    with tempfile.TemporaryDirectory(prefix="stacklab-javac-") as work:
        classes = os.path.join(work, "classes")
        command = ["javac", "--release", str(release), "-Xlint:all", "-Xlint:-path", "-Xlint:-serial", "-Werror"]
        command += ["-d", classes, "-cp", ":".join(classpath_entries(classpath)), *sources]
        run(command)
        packed = os.path.join(work, "out.jar")
        run(["jar", "--create", "--file", packed, "--date", "1980-01-01T00:00:02Z", "-C", classes, "."])
        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        shutil.move(packed, dest)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "src": {"type": "list", "elements": "path", "required": True},
            "classpath": {"type": "list", "elements": "path", "default": []},
            "dest": {"type": "path", "required": True},
            "release": {"type": "int", "default": 17},
        },
        supports_check_mode=True,
    )
    params: dict[str, Any] = module.params
    missing = [entry for entry in params["classpath"] if not os.path.exists(entry)]
    if missing:
        module.fail_json(msg=f"classpath entries do not exist: {', '.join(missing)}")
    sources = sources_below(params["src"])
    if not sources:
        module.fail_json(msg=f"no .java files below {', '.join(params['src'])}")
    digest = inputs_digest(params["src"], sources, params["classpath"], params["release"])
    record = params["dest"] + ".inputs"
    try:
        with open(record, encoding="utf-8") as handle:
            recorded = handle.read().strip()
    except OSError:
        recorded = ""
    if recorded == digest and os.path.exists(params["dest"]):
        module.exit_json(changed=False, dest=params["dest"], digest=digest)
    if module.check_mode:
        module.exit_json(changed=True, dest=params["dest"], digest=digest)
    for tool in ("javac", "jar"):
        if shutil.which(tool) is None:
            module.fail_json(
                msg=f"{tool} is needed on the controller to build jars: install a JDK (openjdk-17-jdk-headless)"
            )
    try:
        build(sources, params["classpath"], params["dest"], params["release"])
    except RuntimeError as error:
        module.fail_json(msg=str(error))
    with open(record, "w", encoding="utf-8") as handle:
        handle.write(digest + "\n")
    module.exit_json(changed=True, dest=params["dest"], digest=digest)


if __name__ == "__main__":
    main()
