"""Which addresses a feed's links may reach (pure).

A feed entry's link is third-party input: without a policy, a hostile feed
could make the pipeline fetch http://169.254.169.254/ (cloud metadata) or a
service on the user's private network. Private, loopback, link-local,
multicast, reserved and unspecified addresses are refused unless the
allow-list (hosts and CIDR ranges, PEACEWIRE_ALLOWED_HOSTS) names them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class PolicyError(ValueError):
    """An allow-list entry is neither a host name nor an address or CIDR range."""


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    def allows(self, host: str, address: Address) -> bool:
        return host.lower().rstrip(".") in self.hosts or any(address in n for n in self.networks)


def parse_allow_list(text: str) -> AllowList:
    hosts, networks = set(), []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        try:
            networks.append(ipaddress.ip_network(raw, strict=False))
        except ValueError:
            if not all(c.isalnum() or c in "-." for c in raw):
                raise PolicyError(f"not a host name or CIDR range: {raw!r}") from None
            hosts.add(raw.lower().rstrip("."))
    return AllowList(frozenset(hosts), tuple(networks))


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return is_public(address.ipv4_mapped)
    return not (
        address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
        or address.is_reserved or address.is_unspecified
    )  # fmt: skip


def refusal(host: str, addresses: list[str], allow: AllowList) -> str | None:
    """Why a host resolving to these addresses may not be fetched, or None when it may."""
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not is_public(address) and not allow.allows(host, address):
            return f"{host} resolves to non-public address {address} (allow it with PEACEWIRE_ALLOWED_HOSTS)"
    return None
