"""Which addresses a feed's links may reach (pure).

A feed entry's link is third-party input: without a policy, a hostile feed could
make the pipeline fetch http://169.254.169.254/ or http://100.100.100.200/ (cloud
metadata) or a service on the user's own network. Only globally reachable unicast
addresses are public, from IANA's IPv4 and IPv6 special-purpose address registries
(written out here, not taken from ``ipaddress.is_global``, whose answers differ
between Python patch releases and miss 100.64.0.0/10's siblings, fec0::/10, 3fff::/20
and NAT64 or 6to4 addresses that carry a private IPv4). An IPv6 address that
carries an IPv4 one (IPv4-mapped, NAT64 64:ff9b::/96, 6to4, Teredo) is judged by
what it carries. Anything else needs the allow-list (PEACEWIRE_ALLOWED_HOSTS):
host names, addresses and CIDR ranges, each optionally with a port, which then is
the only port it allows.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from ipaddress import IPv4Address as IPv4
from ipaddress import IPv6Address as IPv6

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IANA IPv4 Special-Purpose Address Registry, every block not globally reachable, plus multicast.
V4_NOT_PUBLIC = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private use (RFC 1918)
    "100.64.0.0/10",  # shared address space (carrier-grade NAT); 100.100.100.200 is a metadata service
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local; 169.254.169.254 is the usual metadata service
    "192.0.0.0/24",  # IETF protocol assignments (DS-Lite, NAT64 discovery; its 2 anycast addresses too)
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation
    "192.88.99.0/24",  # the deprecated 6to4 relay anycast (RFC 7526)
    "198.18.0.0/15",  # benchmarking
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and 255.255.255.255 (limited broadcast)
))  # fmt: skip # a registry table: blocks of one kind share a line and its comment
# IPv6: only global unicast 2000::/3 can be public. Outside it: ::/128, ::1, IPv4-compatible ::/96,
# 64:ff9b:1::/48 (local-use NAT64), 100::/64 (discard), 5f00::/16 (SRv6), fc00::/7 (unique local),
# fe80::/10 (link-local), fec0::/10 (the deprecated site-local), ff00::/8 (multicast), unallocated space.
V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
V6_NOT_PUBLIC = tuple(ipaddress.IPv6Network(n) for n in (
    "2001::/23",  # IETF protocol assignments (benchmarking, ORCHID ...); Teredo is judged by its IPv4s
    "2001:db8::/32", "3fff::/20",  # documentation
))  # fmt: skip # a registry table: blocks of one kind share a line and its comment
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits


class PolicyError(ValueError):
    """An allow-list entry is neither a host name nor an address or CIDR range, with an optional port."""


def carried_ipv4(address: IPv6) -> tuple[IPv4, ...]:
    """The IPv4 addresses an IPv6 address stands for (mapped, NAT64, 6to4, Teredo server and client)."""
    if address.ipv4_mapped:
        return (address.ipv4_mapped,)
    if address in NAT64:
        return (IPv4(int(address) & 0xFFFFFFFF),)
    if address.sixtofour:
        return (address.sixtofour,)
    return address.teredo or ()


def is_public(address: Address) -> bool:
    """Whether address is globally reachable unicast (the registries above)."""
    if isinstance(address, IPv4):
        return not any(address in n for n in V4_NOT_PUBLIC)
    carried = carried_ipv4(address)
    if carried:
        return all(is_public(a) for a in carried)
    return address in V6_GLOBAL_UNICAST and not any(address in n for n in V6_NOT_PUBLIC)


@dataclass(frozen=True)
class Entry:
    """One allow-list entry: a host name or a network, on one port or (None) on any."""

    host: str | None = None
    network: Network | None = None
    port: int | None = None

    def allows(self, host: str, address: Address, port: int) -> bool:
        if self.port is not None and port != self.port:
            return False
        if self.network is not None:
            return address in self.network
        return host == self.host


@dataclass(frozen=True)
class AllowList:
    entries: tuple[Entry, ...] = ()

    def allows(self, host: str, address: Address, port: int) -> bool:
        name = host.lower().rstrip(".")
        if isinstance(address, IPv6) and address.ipv4_mapped:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 on the wire
        return any(e.allows(name, address, port) for e in self.entries)


MAX_PORT = 65535


def _port(text: str, raw: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PORT):
        raise PolicyError(f"not a port (1-65535) in {raw!r}")
    return int(text)


def _split_port(raw: str) -> tuple[str, int | None]:
    """'[v6]:port', 'name:port', 'v4:port', 'v4/len:port' -> (target, port); a bare v6 has no port."""
    if raw.startswith("["):
        inside, closed, rest = raw[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise PolicyError(f"not [IPv6] or [IPv6]:port: {raw!r}")
        return inside, _port(rest[1:], raw) if rest else None
    if raw.count(":") == 1:
        target, _, port = raw.partition(":")
        return target, _port(port, raw)
    return raw, None


def _entry(raw: str) -> Entry:
    target, port = _split_port(raw)
    try:
        return Entry(network=ipaddress.ip_network(target, strict=False), port=port)
    except ValueError:
        pass
    if raw.startswith("[") or not target or not all(c.isalnum() or c in "-." for c in target):
        raise PolicyError(f"not a host name, address or CIDR range (with an optional :port): {raw!r}")
    return Entry(host=target.lower().rstrip("."), port=port)


def parse_allow_list(text: str) -> AllowList:
    """Comma-separated entries: host, host:port, 10.0.0.0/8, 127.0.0.1:8080, [::1]:8080, [fd00::/8]:443."""
    return AllowList(tuple(_entry(raw) for raw in (p.strip() for p in text.split(",")) if raw))


def refusal(host: str, addresses: list[str], port: int, allow: AllowList) -> str | None:
    """Why a host resolving to these addresses may not be fetched on port, or None when it may."""
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not is_public(address) and not allow.allows(host, address, port):
            return f"{host} resolves to non-public address {_named(address)}, port {port} ({HINT})"
    return None


HINT = "allow it with PEACEWIRE_ALLOWED_HOSTS"


def _named(address: Address) -> str:
    carried = carried_ipv4(address) if isinstance(address, IPv6) else ()
    return f"{address} (carrying {', '.join(map(str, carried))})" if carried else str(address)
