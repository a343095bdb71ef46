#!/usr/bin/python
"""Compose an OSv image with the OSv kit's composer, only when one of its inputs changed."""

from __future__ import annotations

DOCUMENTATION = r"""
module: osv_image
short_description: Compose an OSv disk image (kernel, JDK, jars, files, command line) once per set of inputs
description:
  - Runs the OSv kit's C(compose-image.sh) (its prebuilt kernel, OSv's rofs writer; no kernel build)
    on a folder of the given jars and files, with the given command line stored in the image.
  - The image is named after a digest of every input (the kit's kernel, the JDK's release file, each
    file's content and name, the command line). An image with that digest is reused, so an unchanged
    input set composes nothing. Older images of the same I(name) are removed.
  - Images are readable by their owner only (they may hold the cluster's secret).
  - Runs where it is called (the controller); supports check mode (reports whether it would compose).
options:
  kit: {description: The unpacked OSv kit (C(compose-image.sh), C(kernel/))., type: path, required: true}
  jdk_home: {description: The JDK copied into the image., type: path, required: true}
  jars: {description: Jar files, put in C(/app/jars/)., type: list, elements: path, default: []}
  files: {description: Other files, by their path under C(/app/)., type: dict, default: {}}
  cmdline: {description: The OSv command line stored in the image (the program and OSv's options)., type: str, required: true}
  dest: {description: Folder of the images., type: path, required: true}
  name: {description: The images' name; an image is C(<dest>/<name>-<digest>.qcow2)., type: str, required: true}
"""

EXAMPLES = r"""
- name: Compose the worker image
  stacklab.bigdata.osv_image:
    kit: /var/cache/stacklab/osv/kit-0.57.0-398
    jdk_home: /usr/lib/jvm/java-17-openjdk-amd64
    jars: "{{ spark_jars + [agent_jar] }}"
    files: {agent.properties: /var/cache/stacklab/osv/agent.properties}
    cmdline: --cwd=/tmp /usr/bin/java -cp /app/jars/* stacklab.osv.agent.ExecutorAgent /app/agent.properties
    dest: /var/cache/stacklab/osv/images
    name: spark-worker
"""

RETURN = r"""
image: {description: The image's path., type: str, returned: always}
digest: {description: The digest of its inputs (in its name)., type: str, returned: always}
sha256: {description: The image file's own checksum (what a cloud import is checked against)., type: str, returned: unless check mode composed nothing}
kernel: {description: The kit's kernel, for a direct (PVH) boot with C(-kernel)., type: str, returned: always}
cmdline: {description: The command line stored in the image (C(--rootfs=rofs) first)., type: str, returned: always}
seconds: {description: How long composing took (0 when the image was reused)., type: float, returned: always}
"""

import os
import subprocess
import tempfile
import time
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.stacklab.bigdata.plugins.module_utils.image_inputs import (
    app_layout,
    file_sha256,
    layout_digest,
    missing_inputs,
    remove_older,
)

# compose-image.sh puts this first: the image's root file system is OSv's read-only rofs.
ROOTFS_OPTION = "--rootfs=rofs"


def image_sha256(image: Path) -> str:
    """The image's checksum, computed once and kept beside it (an image never changes in place)."""
    kept = image.with_name(image.name + ".sha256")
    if kept.exists():
        return kept.read_text().split()[0]
    checksum: str = file_sha256(image)
    kept.write_text(f"{checksum}  {image.name}\n")
    return checksum


def inputs_digest(kit: Path, jdk_home: Path, layout: dict[str, Path], cmdline: str) -> str:
    kernel = file_sha256(kit / "kernel" / "loader.img").encode()
    digest: str = layout_digest(layout, kernel, (jdk_home / "release").read_bytes(), cmdline.encode())
    return digest


def compose(kit: Path, jdk_home: Path, layout: dict[str, Path], cmdline: str, image: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="osv-app-", dir=image.parent) as app:
        for target, source in layout.items():
            link = Path(app) / target
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source.resolve())  # the composer follows links (find -L, readlink -f)
        partial = image.with_name(image.name + ".partial")
        old_umask = os.umask(0o077)
        try:
            subprocess.run(
                [str(kit / "compose-image.sh"), "-o", str(partial), "-a", app, "-j", str(jdk_home), "-c", cmdline],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            os.umask(old_umask)
        for suffix in (".cmdline", ".manifest"):
            partial.with_name(partial.name + suffix).replace(image.with_name(image.name + suffix))
        partial.replace(image)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kit": {"type": "path", "required": True},
            "jdk_home": {"type": "path", "required": True},
            "jars": {"type": "list", "elements": "path", "default": []},
            "files": {"type": "dict", "default": {}},
            "cmdline": {"type": "str", "required": True},
            "dest": {"type": "path", "required": True},
            "name": {"type": "str", "required": True},
        },
        supports_check_mode=True,
    )
    params = module.params
    kit, jdk_home, dest = Path(params["kit"]), Path(params["jdk_home"]), Path(params["dest"])
    for needed in (kit / "compose-image.sh", kit / "kernel" / "loader.img", jdk_home / "release"):
        if not needed.exists():
            module.fail_json(msg=f"{needed} is missing: is {kit} an unpacked OSv kit and {jdk_home} a JDK?")
    try:
        layout = app_layout(params["jars"], {key: str(value) for key, value in params["files"].items()})
        missing = missing_inputs(layout)
        if missing:
            module.fail_json(msg=f"inputs of the image are missing: {', '.join(missing)}")
        digest = inputs_digest(kit, jdk_home, layout, params["cmdline"])
    except (OSError, ValueError) as error:
        module.fail_json(msg=str(error))
    image = dest / f"{params['name']}-{digest}.qcow2"
    result = {
        "image": str(image),
        "digest": digest,
        "kernel": str(kit / "kernel" / "loader-stripped.elf"),
        "cmdline": f"{ROOTFS_OPTION} {params['cmdline']}",
        "seconds": 0.0,
        "changed": not image.exists(),
    }
    if module.check_mode and result["changed"]:
        module.exit_json(**result)
    if result["changed"]:
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            compose(kit, jdk_home, layout, params["cmdline"], image)
        except subprocess.CalledProcessError as error:
            module.fail_json(msg=f"compose-image.sh failed ({error.returncode}): {error.stderr.strip()[-2000:]}")
        result["seconds"] = round(time.monotonic() - started, 1)
        result["removed"] = remove_older(dest, f"{params['name']}-*.qcow2*", image)
    image.chmod(0o600)
    result["sha256"] = image_sha256(image)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
