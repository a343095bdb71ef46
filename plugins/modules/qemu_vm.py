#!/usr/bin/python
"""Start or stop a qemu VM on a tap device of a bridge (the sandbox's network), on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
module: qemu_vm
short_description: Start or stop a qemu guest on a tap of a local bridge, booted from a kernel and a disk
description:
  - C(started) creates the tap device on I(bridge), starts qemu in the background (C(-daemonize)) with the
    guest's serial console in C(<run_dir>/<name>.log) and its pid in C(<run_dir>/<name>.pid), and returns when
    qemu runs. A guest already running under that name with the same settings is left alone (its launch
    time is kept); one running with other settings (a new image, another guest) is stopped and started again.
  - C(stopped) ends qemu (SIGTERM, then SIGKILL after 10 s) and removes the tap.
  - The kernel boots directly (C(-kernel), PVH for OSv), with I(cmdline); the disk is read-only unless
    I(writable) (OSv's rofs images are shared by every guest; a Linux guest writes to a throw-away overlay).
  - Runs where it is called, as root (taps). Supports check mode.
options:
  name: {description: The guest's name (its files and tap are named after it)., type: str, required: true}
  state: {description: Wanted state., type: str, choices: [started, stopped], default: started}
  kernel: {description: Kernel to boot (OSv's loader-stripped.elf or a Linux vmlinuz)., type: path}
  initrd: {description: Initial ramdisk (Linux guests)., type: path}
  cmdline: {description: Kernel command line., type: str, default: ""}
  disk: {description: Disk image (qcow2)., type: path}
  writable: {description: Write to the disk through a temporary overlay (qemu C(-snapshot)) instead of read-only., type: bool, default: false}
  extra_disks: {description: More disks (raw file systems, read-only), after I(disk) (a Linux guest's C(/dev/vdb)...)., type: list, elements: path, default: []}
  memory_mb: {description: Guest memory., type: int, default: 2048}
  cpus: {description: Guest vCPUs., type: int, default: 1}
  bridge: {description: The bridge the tap joins (the sandbox network's)., type: str}
  mac: {description: The guest's MAC address; default derived from I(name)., type: str}
  accel: {description: qemu accelerator (C(tcg) is software emulation; C(kvm) needs working hardware virtualization)., type: str, default: tcg}
  run_dir: {description: Folder of the guests' pid, log and launch-time files., type: path, required: true}
"""

EXAMPLES = r"""
- name: Boot an OSv worker
  stacklab.bigdata.qemu_vm:
    name: osv1
    kernel: /var/cache/stacklab/osv/kit-0.57.0-398/kernel/loader-stripped.elf
    cmdline: --ip=eth0,10.89.97.31,255.255.255.0 --defaultgw=10.89.97.1 --rootfs=rofs /usr/bin/java ...
    disk: /var/cache/stacklab/osv/images/spark-3.5.9-worker-d6439da8e099f446.qcow2
    bridge: podman3
    run_dir: /run/stacklab/vms
"""

RETURN = r"""
launched_at: {description: Unix time qemu was started (the start of a boot-time measurement)., type: float, returned: when started}
pid: {description: qemu's pid., type: int, returned: when started}
log: {description: The guest's serial console log., type: str, returned: always}
tap: {description: The tap device's name., type: str, returned: always}
"""

import hashlib
import os
import signal
import time
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule

STOP_GRACE_S = 10.0


def tap_name(name: str) -> str:
    """Interface names have at most 15 characters: a readable prefix and a digest of the name."""
    return "sl" + hashlib.sha1(name.encode()).hexdigest()[:8]


def default_mac(name: str) -> str:
    digest = hashlib.sha1(name.encode()).hexdigest()
    return "52:54:00:" + ":".join(digest[i : i + 2] for i in (0, 2, 4))


def running_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"qemu-system" in cmdline and str(pid_file).encode() in cmdline else None


def qemu_argv(params: dict[str, Any], tap: str, files: dict[str, Path]) -> list[str]:
    drive = f"file={params['disk']},if=none,id=hd0,cache=unsafe"
    argv = [
        "qemu-system-x86_64",
        "-name", params["name"],
        "-machine", f"accel={params['accel']}",
        "-m", f"{params['memory_mb']}M",
        "-smp", str(params["cpus"]),
        "-nodefaults", "-no-user-config", "-display", "none",
        "-kernel", params["kernel"],
        "-append", params["cmdline"],
        "-device", "virtio-blk-pci,drive=hd0",
        "-drive", drive + ("" if params["writable"] else ",readonly=on"),
        "-netdev", f"tap,id=net0,ifname={tap},script=no,downscript=no",
        "-device", f"virtio-net-pci,netdev=net0,mac={params['mac'] or default_mac(params['name'])}",
        "-device", "virtio-rng-pci",
        "-serial", f"file:{files['log']}",
        "-pidfile", str(files["pid"]),
        "-daemonize",
    ]  # fmt: skip
    for number, extra in enumerate(params["extra_disks"], start=1):
        argv[argv.index("-netdev") : argv.index("-netdev")] = [
            "-device", f"virtio-blk-pci,drive=hd{number}",
            "-drive", f"file={extra},if=none,id=hd{number},format=raw,readonly=on",
        ]  # fmt: skip
    if params["initrd"]:
        argv[argv.index("-append") : argv.index("-append")] = ["-initrd", params["initrd"]]
    if params["writable"]:
        argv.append("-snapshot")
    return argv


def start(module: AnsibleModule, tap: str, files: dict[str, Path]) -> dict[str, Any]:
    params = module.params
    missing = [key for key in ("kernel", "disk", "bridge") if not params[key]]
    if missing:
        module.fail_json(msg=f"state=started needs {', '.join(missing)}")
    for path in (params["kernel"], params["disk"], params["initrd"], *params["extra_disks"]):
        if path and not Path(path).is_file():
            module.fail_json(msg=f"{path} does not exist")
    if not Path(f"/sys/class/net/{params['bridge']}/bridge").is_dir():
        module.fail_json(msg=f"{params['bridge']} is not a bridge on this machine (is the sandbox network up?)")
    argv = qemu_argv(params, tap, files)
    pid = running_pid(files["pid"])
    if pid and files["args"].exists() and files["args"].read_text() == "\0".join(argv):
        return {"changed": False, "pid": pid, "launched_at": float(files["launched"].read_text())}
    if module.check_mode:
        return {"changed": True}
    if pid:
        stop(module, tap, files)
    if not Path(f"/sys/class/net/{tap}").exists():
        module.run_command(["ip", "tuntap", "add", "dev", tap, "mode", "tap"], check_rc=True)
    module.run_command(["ip", "link", "set", tap, "master", params["bridge"], "up"], check_rc=True)
    launched_at = time.time()
    rc, _out, err = module.run_command(argv)
    if rc != 0:
        module.run_command(["ip", "link", "del", tap])
        module.fail_json(msg=f"qemu did not start ({rc}): {err.strip()}")
    files["launched"].write_text(f"{launched_at}\n")
    files["args"].write_text("\0".join(argv))
    return {"changed": True, "pid": running_pid(files["pid"]), "launched_at": launched_at}


def stop(module: AnsibleModule, tap: str, files: dict[str, Path]) -> dict[str, Any]:
    pid = running_pid(files["pid"])
    has_tap = Path(f"/sys/class/net/{tap}").exists()
    if module.check_mode or (pid is None and not has_tap):
        return {"changed": pid is not None or has_tap}
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while running_pid(files["pid"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        if running_pid(files["pid"]):
            os.kill(pid, signal.SIGKILL)
    if has_tap:
        module.run_command(["ip", "link", "del", tap], check_rc=True)
    for key in ("pid", "launched", "args"):
        files[key].unlink(missing_ok=True)
    return {"changed": True}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["started", "stopped"], "default": "started"},
            "kernel": {"type": "path"},
            "initrd": {"type": "path"},
            "cmdline": {"type": "str", "default": ""},
            "disk": {"type": "path"},
            "writable": {"type": "bool", "default": False},
            "extra_disks": {"type": "list", "elements": "path", "default": []},
            "memory_mb": {"type": "int", "default": 2048},
            "cpus": {"type": "int", "default": 1},
            "bridge": {"type": "str"},
            "mac": {"type": "str"},
            "accel": {"type": "str", "default": "tcg"},
            "run_dir": {"type": "path", "required": True},
        },
        supports_check_mode=True,
    )
    run_dir = Path(module.params["run_dir"])
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = module.params["name"]
    files = {suffix: run_dir / f"{name}.{suffix}" for suffix in ("pid", "log", "launched", "args")}
    tap = tap_name(name)
    result = start(module, tap, files) if module.params["state"] == "started" else stop(module, tap, files)
    module.exit_json(log=str(files["log"]), tap=tap, **result)


if __name__ == "__main__":
    main()
