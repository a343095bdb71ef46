#!/usr/bin/python
"""An ext4 disk image of a worker's /app (jars and files), made only when one of its inputs changed."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_disk
short_description: Make a read-only ext4 disk of a worker's /app (jars and files) once per set of inputs
description:
  - The Linux guests' counterpart of M(stacklab.bigdata.osv_image) (system linux-vm), the same C(/app) on
    a disk of its own (the guest's root disk is the sandbox's Linux image, see C(scripts/build-vm-image.sh)).
  - Copies the jars and files into a folder laid out as C(/app) (owned by root; the executable ones
    executable) and writes it into a new ext4 file system with C(mkfs.ext4 -d), a little larger than the
    files. No mount, no loop device.
  - The disk is named after a digest of every input (each file's content and place); a disk with that
    digest is reused, so an unchanged input set makes nothing. Older disks of the same I(name) are removed.
  - Disks are readable by their owner only (they may hold the cluster's secret).
  - Runs where it is called (the controller), as root (the files in the disk are root's); supports check mode.
options:
  jars: {description: Jar files, put in C(/app/jars/)., type: list, elements: path, default: []}
  files: {description: Other files, by their path under C(/app/)., type: dict, default: {}}
  executables: {description: Which of I(files) (by their path under C(/app/)) are executable (mode 0755)., type: list, elements: str, default: []}
  dest: {description: Folder of the disks., type: path, required: true}
  name: {description: The disks' name; a disk is C(<dest>/<name>-<digest>.ext4)., type: str, required: true}
"""

EXAMPLES = r"""
- name: Make the Linux workers' /app disk
  stacklab.bigdata.app_disk:
    jars: "{{ spark_jars + [agent_jar] }}"
    files: {agent.properties: /var/cache/stacklab/osv/agent.properties, run-agent: /var/cache/stacklab/osv/run-agent}
    executables: [run-agent]
    dest: /var/cache/stacklab/osv/images
    name: spark-worker-app
"""

RETURN = r"""
disk: {description: The disk's path (a raw ext4 file system)., type: str, returned: always}
digest: {description: The digest of its inputs (in its name)., type: str, returned: always}
seconds: {description: How long making it took (0 when the disk was reused)., type: float, returned: always}
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.image_inputs import (
    app_layout,
    layout_digest,
    missing_inputs,
    remove_older,
)

# Room for the file system's own structures beyond the files: a tenth, and at least this much.
MIN_SLACK_BYTES = 64 << 20


def disk_size(layout: dict[str, Path]) -> int:
    files = sum(source.stat().st_size for source in layout.values())
    return files + max(files // 10, MIN_SLACK_BYTES)


def make_disk(layout: dict[str, Path], executables: set[str], disk: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="app-", dir=disk.parent) as tree:
        for target, source in layout.items():
            copy = Path(tree) / target
            copy.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            shutil.copyfile(source, copy)  # mkfs.ext4 -d stores links as links: the files themselves
            copy.chmod(0o755 if target in executables else 0o600 if target == "secret" else 0o644)
        Path(tree).chmod(0o755)
        partial = disk.with_name(disk.name + ".partial")
        old_umask = os.umask(0o077)
        try:
            subprocess.run(
                ["mkfs.ext4", "-q", "-F", "-L", "app", "-d", tree, str(partial), str(disk_size(layout) // 1024) + "k"],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            os.umask(old_umask)
        partial.replace(disk)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "jars": {"type": "list", "elements": "path", "default": []},
            "files": {"type": "dict", "default": {}},
            "executables": {"type": "list", "elements": "str", "default": []},
            "dest": {"type": "path", "required": True},
            "name": {"type": "str", "required": True},
        },
        supports_check_mode=True,
    )
    params = module.params
    dest = Path(params["dest"])
    executables = set(params["executables"])
    try:
        layout = app_layout(params["jars"], {key: str(value) for key, value in params["files"].items()})
        unknown = sorted(executables - set(layout))
        if unknown:
            module.fail_json(msg=f"executables not among the files: {', '.join(unknown)}")
        missing = missing_inputs(layout)
        if missing:
            module.fail_json(msg=f"inputs of the disk are missing: {', '.join(missing)}")
        digest = layout_digest(layout, " ".join(sorted(executables)).encode())
    except (OSError, ValueError) as error:
        module.fail_json(msg=str(error))
    disk = dest / f"{params['name']}-{digest}.ext4"
    result = {"disk": str(disk), "digest": digest, "seconds": 0.0, "changed": not disk.exists()}
    if module.check_mode or not result["changed"]:
        module.exit_json(**result)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        make_disk(layout, executables, disk)
    except subprocess.CalledProcessError as error:
        module.fail_json(msg=f"mkfs.ext4 failed ({error.returncode}): {error.stderr.strip()[-2000:]}")
    disk.chmod(0o600)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["removed"] = remove_older(dest, f"{params['name']}-*.ext4", disk)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
