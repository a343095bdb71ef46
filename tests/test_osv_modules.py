"""The OSv modules' own logic: qemu_vm's command line and names, osv_image's layout and digest,
app_disk's file system (a real mkfs.ext4, read back with debugfs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ansible_collections.stacklab.bigdata.plugins.modules.app_disk import make_disk
from ansible_collections.stacklab.bigdata.plugins.modules.osv_image import app_layout, inputs_digest
from ansible_collections.stacklab.bigdata.plugins.modules.qemu_vm import default_mac, qemu_argv, tap_name

PARAMS = {
    "name": "osv1",
    "accel": "tcg",
    "memory_mb": 2048,
    "cpus": 1,
    "kernel": "/k/loader-stripped.elf",
    "initrd": None,
    "cmdline": "--ip=eth0,10.0.0.5,255.255.255.0 /usr/bin/java",
    "disk": "/i/worker.qcow2",
    "writable": False,
    "extra_disks": [],
    "mac": None,
}
FILES = {"log": Path("/run/vms/osv1.log"), "pid": Path("/run/vms/osv1.pid")}


def test_taps_fit_linux_interface_names_and_macs_are_stable_per_guest() -> None:
    names = [tap_name(f"a-rather-long-guest-name-{n}") for n in range(50)]
    assert all(len(name) <= 15 for name in names) and len(set(names)) == 50
    assert default_mac("osv1") == default_mac("osv1") != default_mac("osv2")
    assert default_mac("osv1").startswith("52:54:00:")


def test_an_osv_guest_shares_its_disk_read_only_and_a_linux_guest_writes_to_an_overlay() -> None:
    argv = qemu_argv(PARAMS, "sl0", FILES)
    assert "file=/i/worker.qcow2,if=none,id=hd0,cache=unsafe,readonly=on" in argv
    assert argv[argv.index("-append") + 1] == PARAMS["cmdline"]
    assert "-snapshot" not in argv and "-initrd" not in argv
    assert argv[argv.index("-machine") + 1] == "accel=tcg"
    linux = qemu_argv({**PARAMS, "initrd": "/k/initrd.img", "writable": True}, "sl0", FILES)
    assert "-snapshot" in linux and "file=/i/worker.qcow2,if=none,id=hd0,cache=unsafe" in linux
    assert linux[linux.index("-initrd") + 1] == "/k/initrd.img"


def test_a_linux_guests_app_disk_is_its_second_disk_read_only() -> None:
    argv = qemu_argv({**PARAMS, "extra_disks": ["/i/app.ext4"]}, "sl0", FILES)
    drives = [argv[i + 1] for i, word in enumerate(argv) if word == "-drive"]
    assert drives == [
        "file=/i/worker.qcow2,if=none,id=hd0,cache=unsafe,readonly=on",
        "file=/i/app.ext4,if=none,id=hd1,format=raw,readonly=on",
    ]
    assert "virtio-blk-pci,drive=hd1" in argv


def test_the_images_inputs_are_laid_out_once_each_inside_app(tmp_path: Path) -> None:
    jar = tmp_path / "a.jar"
    jar.write_text("jar")
    assert app_layout([str(jar)], {"agent.properties": "/p"}) == {"jars/a.jar": jar, "agent.properties": Path("/p")}
    with pytest.raises(ValueError, match=r"two inputs go to /app/jars/a\.jar"):
        app_layout([str(jar)], {"jars/a.jar": "/other"})
    with pytest.raises(ValueError, match="is not a path inside /app"):
        app_layout([], {"../etc/passwd": "/p"})


def test_the_digest_changes_with_any_input(tmp_path: Path) -> None:
    kit, jdk = tmp_path / "kit", tmp_path / "jdk"
    (kit / "kernel").mkdir(parents=True)
    (kit / "kernel/loader.img").write_bytes(b"kernel")
    jdk.mkdir()
    (jdk / "release").write_text('JAVA_VERSION="17.0.21"')
    secret = tmp_path / "secret"
    secret.write_text("one")
    layout = {"secret": secret}
    digest = inputs_digest(kit, jdk, layout, "cmd")
    assert inputs_digest(kit, jdk, layout, "cmd") == digest
    assert inputs_digest(kit, jdk, layout, "cmd host=auto") != digest
    secret.write_text("two")
    assert inputs_digest(kit, jdk, layout, "cmd") != digest


def test_the_linux_workers_app_disk_holds_the_files_themselves_with_their_modes(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    jar, secret, script = (tmp_path / "in" / name for name in ("a.jar", "secret", "run-agent"))
    jar.write_text("jar")
    secret.write_text("s3cret")
    script.write_text("#!/bin/sh\n")
    # A link to the jar, as the image inputs are: the disk must hold the file, not the link.
    (tmp_path / "in/linked.jar").symlink_to(jar)
    layout = app_layout([str(tmp_path / "in/linked.jar")], {"secret": str(secret), "run-agent": str(script)})
    disk = tmp_path / "app.ext4"
    make_disk(layout, {"run-agent"}, disk)

    def debugfs(request: str) -> str:
        return subprocess.run(["debugfs", "-R", request, str(disk)], capture_output=True, text=True, check=True).stdout

    assert debugfs("cat /jars/linked.jar") == "jar"
    assert debugfs("cat /secret") == "s3cret"
    modes = {name: debugfs(f"stat /{name}").split("Mode:")[1].split()[0] for name in ("secret", "run-agent", "jars")}
    assert modes == {"secret": "0600", "run-agent": "0755", "jars": "0755"}
    assert "Type: regular" in debugfs("stat /jars/linked.jar")
