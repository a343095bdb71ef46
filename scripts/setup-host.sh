#!/usr/bin/env bash
# Prepares this Debian 12 machine (as root) to be a stacklab controller and sandbox host:
# the apt packages the controller needs and the podman settings that make containers boot here.
# Idempotent: a second run only checks, in well under a second.
set -euo pipefail

packages=(
  podman runc fuse-overlayfs slirp4netns uidmap # sandbox hosts (see shared notes/test-hosts.md)
  debootstrap                                   # base host image without a registry
  python3-venv                                  # the project's virtualenv
  maven openjdk-17-jdk-headless                 # artifact mirror (Maven Central) and JVM workloads
  openssh-client rsync curl ca-certificates
  qemu-system-x86 qemu-utils iproute2           # OSv and Linux VMs (software emulation here: no usable KVM)
  e2fsprogs                                     # the Linux VMs' disks (mkfs.ext4 -d)
  zlib1g libnss3                                # host libraries the OSv composer puts into images
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup-host: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# podman asks for 1048576 open files, more than root may have here, and crun cannot run on a
# cgroup v1/v2 hybrid: cap the limits at the machine's hard limit and use runc.
nofile=$(ulimit -Hn)
[[ $nofile == unlimited ]] && nofile=1048576
conf=/etc/containers/containers.conf
wanted="# written by stacklab scripts/setup-host.sh
[containers]
default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=32768:32768\"]
[engine]
runtime = \"runc\""
if [[ ! -f $conf ]] || [[ "$(cat "$conf")" != "$wanted" ]]; then
  if [[ -f $conf ]] && ! grep -q "written by stacklab" "$conf"; then
    cp "$conf" "$conf.stacklab-backup"
    echo "setup-host: kept your previous $conf as $conf.stacklab-backup"
  fi
  mkdir -p /etc/containers
  printf '%s\n' "$wanted" >"$conf"
  echo "setup-host: wrote $conf"
fi
