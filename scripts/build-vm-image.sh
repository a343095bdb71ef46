#!/usr/bin/env bash
# Builds the Linux guest that the OSv workers are compared with (system linux-vm): the sandbox host
# image (scripts/build-image.sh) plus Debian 12's cloud kernel, booted by qemu like an OSv worker.
# Output, in $STACKLAB_CACHE/vm/debian12/: vmlinuz, initrd.img (virtio drivers only) and
# rootfs.qcow2 (each VM writes to a throw-away overlay of it). The guest runs one service,
# stacklab-agent: /app/run-agent from a second, read-only disk that the osv_image role composes
# (the same agent, jars and settings as the OSv image), as an unprivileged user. Its address comes
# from its kernel command line (stacklab.ip=ADDRESS/PREFIX stacklab.gateway=GATEWAY). No sshd, no
# logins: like an OSv worker, it is reached only through its agent.
# Rebuilt when this script or the host image changed; otherwise it does nothing.
set -euo pipefail

host_image=${STACKLAB_IMAGE:-localhost/stacklab-host:latest}
out=${STACKLAB_CACHE:-/var/cache/stacklab}/vm/debian12
kernel_package=linux-image-cloud-amd64
disk_size=2G

inputs="$(sha256sum "$0" | cut -c1-16)-$(podman image inspect --format '{{ .Id }}' "$host_image" | cut -c1-16)"
if [[ -f $out/inputs && $(<"$out/inputs") == "$inputs" ]]; then
  exit 0
fi

work=$(mktemp -d /var/tmp/stacklab-vm.XXXXXX)
container=
cleanup() {
  mountpoint -q "$work/rootfs/proc" && umount "$work/rootfs/proc"
  [[ -n $container ]] && podman rm -f "$container" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/rootfs"
container=$(podman create "$host_image")
podman export "$container" | tar -x -C "$work/rootfs"

rootfs=$work/rootfs
# The guest's initrd needs only what qemu's devices need: a few modules, not every driver.
mkdir -p "$rootfs/etc/initramfs-tools/conf.d"
echo MODULES=list >"$rootfs/etc/initramfs-tools/conf.d/stacklab"
printf '%s\n' virtio_pci virtio_blk virtio_net >>"$rootfs/etc/initramfs-tools/modules"
echo "build-vm-image: installing $kernel_package into a copy of $host_image (about a minute)"
mount -t proc proc "$rootfs/proc"
{
  chroot "$rootfs" apt-get -q update
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get -q install -y --no-install-recommends "$kernel_package" initramfs-tools
} >"$work/apt.log" 2>&1 || {
  tail -20 "$work/apt.log" >&2
  exit 1
}
umount "$rootfs/proc"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

# A VM, not a container: no sshd (reached only through its agent), the serial console for the
# kernel's and systemd's messages only.
chroot "$rootfs" systemctl mask ssh.service serial-getty@ttyS0.service getty@tty1.service >/dev/null 2>&1
chroot "$rootfs" systemctl unmask systemd-logind.service >/dev/null 2>&1 || true
echo stacklab-vm >"$rootfs/etc/hostname"
# Its own name resolves without DNS (Spark asks for it; the sandbox network has no DNS for VMs, and
# a lookup that waits for a server stalls each executor's start by a minute and a half).
printf '127.0.0.1 localhost\n127.0.1.1 stacklab-vm\n' >"$rootfs/etc/hosts"
: >"$rootfs/etc/resolv.conf"
printf '/dev/vda / ext4 rw,noatime 0 1\n/dev/vdb /app ext4 ro,nodev,nosuid 0 2\n' >"$rootfs/etc/fstab"
mkdir -p "$rootfs/app"
chroot "$rootfs" useradd --system --home-dir /var/lib/stacklab-agent --shell /usr/sbin/nologin stacklab-agent

cat >"$rootfs/usr/local/sbin/stacklab-network" <<'EOF'
#!/bin/sh
# Brings eth0 up with the address and gateway on the kernel command line.
set -eu
for word in $(cat /proc/cmdline); do
  case $word in
    stacklab.ip=*) address=${word#stacklab.ip=} ;;
    stacklab.gateway=*) gateway=${word#stacklab.gateway=} ;;
  esac
done
ip link set lo up
ip address add "${address:?no stacklab.ip= on the kernel command line}" dev eth0
ip link set eth0 up
if [ -n "${gateway:-}" ]; then ip route add default via "$gateway"; fi
EOF
chmod 755 "$rootfs/usr/local/sbin/stacklab-network"

cat >"$rootfs/etc/systemd/system/stacklab-network.service" <<'EOF'
[Unit]
Description=The cluster address from the kernel command line
DefaultDependencies=no
Before=network.target
Wants=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/stacklab-network

[Install]
WantedBy=multi-user.target
EOF

# The agent runs Spark executors, that is the applications' code: as its own unprivileged user,
# which reads the cluster's secret through systemd's credentials (the file on /app is root's).
cat >"$rootfs/etc/systemd/system/stacklab-agent.service" <<'EOF'
[Unit]
Description=stacklab's executor agent (Spark executors as threads of this JVM)
After=stacklab-network.service
Requires=stacklab-network.service
RequiresMountsFor=/app

[Service]
User=stacklab-agent
StateDirectory=stacklab-agent
WorkingDirectory=/var/lib/stacklab-agent
LoadCredential=secret:/app/secret
ExecStart=/app/run-agent
# Also on the serial console: the VM's log on the controller, as an OSv worker's.
StandardOutput=journal+console
StandardError=journal+console
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes

[Install]
WantedBy=multi-user.target
EOF
chroot "$rootfs" systemctl enable stacklab-network.service stacklab-agent.service >/dev/null 2>&1
chroot "$rootfs" systemctl set-default multi-user.target >/dev/null 2>&1

mkdir -p "$work/out"
cp "$(readlink -f "$rootfs/vmlinuz")" "$work/out/vmlinuz"
cp "$(readlink -f "$rootfs/initrd.img")" "$work/out/initrd.img"
mkfs.ext4 -q -F -L root -d "$rootfs" "$work/rootfs.ext4" "$disk_size" >/dev/null
qemu-img convert -O qcow2 "$work/rootfs.ext4" "$work/out/rootfs.qcow2"
echo "$inputs" >"$work/out/inputs"
chmod 0644 "$work/out"/*
mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$work/out" "$out"
echo "build-vm-image: built $out ($inputs)"
