#!/usr/bin/env bash
# Builds the sandbox host image from Debian packages alone (no container registry is reachable):
# debootstrap a minimal bookworm with systemd, sshd, python3 and OpenJDK 17, then `podman import`.
# The image carries a label with the hash of this script; a run whose image already has that label
# does nothing, so a changed package list rebuilds and an unchanged one costs a fraction of a second.
set -euo pipefail

image=${STACKLAB_IMAGE:-localhost/stacklab-host:latest}
suite=bookworm
include=systemd,systemd-sysv,dbus,python3,python3-apt,openssh-server,iproute2,iputils-ping,procps,sudo,ca-certificates,curl,openjdk-17-jre-headless
inputs=$(sha256sum "$0" | cut -c1-16)

current=$(podman image inspect --format '{{ index .Labels "stacklab.inputs" }}' "$image" 2>/dev/null || true)
if [[ $current == "$inputs" ]]; then
  exit 0
fi

# The Debian mirror this machine's own apt uses (deb822 or one-line sources), unless overridden.
debian_mirror() {
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [[ -z $uri ]]; then
    uri=$(awk '$1 == "deb" && $0 ~ /debian/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  fi
  echo "$uri"
}
mirror=${STACKLAB_DEBIAN_MIRROR:-$(debian_mirror)}
if [[ -z $mirror ]]; then
  echo "build-image: cannot tell which Debian mirror apt uses; set STACKLAB_DEBIAN_MIRROR" >&2
  exit 1
fi

rootfs=$(mktemp -d /var/tmp/stacklab-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "build-image: debootstrap $suite from $mirror (about a minute)"
debootstrap --variant=minbase --include="$include" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -20 "$rootfs.log" >&2
  exit 1
}
rm -f "$rootfs.log"

# A container needs no console logins, and sshd must not wait for a password prompt.
chroot "$rootfs" systemctl mask getty@tty1.service console-getty.service systemd-logind.service >/dev/null 2>&1 || true
mkdir -p "$rootfs/root/.ssh" && chmod 700 "$rootfs/root/.ssh"
printf 'PasswordAuthentication no\nPermitRootLogin prohibit-password\nUseDNS no\n' >"$rootfs/etc/ssh/sshd_config.d/stacklab.conf"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# The package lists are gone: their folder must not look freshly updated, or apt tasks with a
# cache_valid_time (roles/java, roles/mesos) would trust an empty cache and find no packages.
touch -d '2000-01-01' "$rootfs/var/lib/apt/lists"

tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' \
  --change "LABEL stacklab.inputs=$inputs" - "$image" >/dev/null
echo "build-image: built $image ($inputs)"
