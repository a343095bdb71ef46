"""The osv_worker role's data: the OSv command line that puts a VM on a subnet (OSv takes a static
address, netmask and gateway on its kernel command line), and the check of a worker's address."""

from __future__ import annotations

import ipaddress
from typing import Any

from stacklab.results.schema import sample


def osv_network_options(address: str, subnet: str) -> str:
    """OSv's options for a VM at `address` on `subnet`, its gateway the subnet's first address (podman's
    bridge on the sandbox): `--ip=eth0,ADDRESS,NETMASK --defaultgw=GATEWAY`."""
    network = ipaddress.ip_network(subnet, strict=False)
    return f"--ip=eth0,{address},{network.netmask} --defaultgw={network.network_address + 1}"


def linux_network_options(address: str, subnet: str) -> str:
    """The Linux worker guest's options for the same (scripts/build-vm-image.sh's stacklab-network
    reads them): `stacklab.ip=ADDRESS/PREFIX stacklab.gateway=GATEWAY`."""
    network = ipaddress.ip_network(subnet, strict=False)
    return f"stacklab.ip={address}/{network.prefixlen} stacklab.gateway={network.network_address + 1}"


def osv_address_problems(address: str, subnet: str, reserved: list[str]) -> list[str]:
    """Why `address` can't be a worker's on `subnet` (empty when it can): not an IPv4 address, outside
    the subnet, its network, gateway or broadcast address, or one of `reserved` (the mirror, hosts)."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return [f"{address!r} is not an IPv4 address"]
    network = ipaddress.ip_network(subnet, strict=False)
    if ip not in network:
        return [f"{address} is outside the sandbox network {subnet}"]
    if ip in (network.network_address, network.network_address + 1, network.broadcast_address):
        return [f"{address} is the network's own, gateway or broadcast address"]
    if address in reserved:
        return [f"{address} is already taken on the sandbox network"]
    return []


def osv_registered_samples(
    hosts: list[str], hostvars: Any, metric: str, labels: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each worker's launch-to-registered seconds (its VM started, its agent answering a signed
    STATUS), for the workers this run booted: one already running was measured when it booted.
    Labelled with the worker's system (osv or linux-vm), else the one in `labels`."""
    samples = []
    for host in sorted(hosts):
        facts = hostvars[host]
        if facts.get("osv_worker_booted") in (True, "True", "true"):
            value, at = float(facts["osv_worker_boot_s"]), float(facts["osv_worker_registered_at"])
            system = facts.get("osv_worker_system") or labels.get("system")
            samples.append(sample(metric, value, "s", {**labels, "system": system, "host": host}, at))
    return samples


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "osv_network_options": osv_network_options,
            "linux_network_options": linux_network_options,
            "osv_address_problems": osv_address_problems,
            "osv_registered_samples": osv_registered_samples,
        }
