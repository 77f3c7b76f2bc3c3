"""The address policy as pure functions: IANA's special-purpose registries, carried IPv4s, allow-list ports."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.netpolicy import PolicyError, carried_ipv4, is_public, parse_allow_list, refusal

# Teredo: server 65.54.227.120, client 10.0.0.1 / 8.8.8.8 (the client is stored inverted, RFC 4380).
TEREDO_PRIVATE_CLIENT = "2001:0:4136:e378:8000:63bf:f5ff:fffe"
TEREDO_PUBLIC_CLIENT = "2001:0:4136:e378:8000:63bf:f7f7:f7f7"

REGISTRY = {
    # IPv4 blocks that are not globally reachable, each at an edge
    "100.64.0.0": False, "100.100.100.200": False, "100.127.255.255": False, "100.128.0.0": True,
    "198.18.0.1": False, "198.19.255.255": False, "198.20.0.0": True,
    "192.0.0.9": False, "192.0.0.170": False, "192.88.99.1": False, "192.0.2.1": False,
    "10.0.0.1": False, "172.31.255.255": False, "172.32.0.0": True, "192.168.1.1": False,
    "127.0.0.1": False, "169.254.169.254": False, "0.1.2.3": False, "224.0.0.1": False,
    "240.0.0.1": False, "255.255.255.255": False, "8.8.8.8": True, "151.101.1.69": True,
    # IPv6: only 2000::/3, less its special blocks
    "fec0::1": False, "feff:ffff::1": False, "fe80::1": False, "fc00::1": False, "fd12:3456::1": False,
    "ff02::1": False, "::1": False, "::": False, "100::1": False, "100:0:0:1::1": False, "5f00::1": False,
    "3fff::1": False, "3fff:fff::1": False, "2001:db8::1": False, "2001:2::1": False, "4000::1": False,
    "::10.0.0.1": False, "::8.8.8.8": False,  # IPv4-compatible (deprecated): refused whatever it carries
    "2a00:1450:4001:82a::200e": True, "2606:4700::6810:84e5": True, "2620:4f:8000::1": True,
}  # fmt: skip

CARRIED = {
    "::ffff:10.0.0.1": False, "::ffff:100.100.100.200": False, "::ffff:8.8.8.8": True,
    "64:ff9b::a00:1": False, "64:ff9b::100.100.100.200": False, "64:ff9b::7f00:1": False,
    "64:ff9b::808:808": True,  # an IPv4-only site through DNS64/NAT64: reachable
    "64:ff9b:1::808:808": False,  # local-use NAT64 (RFC 8215): not global, wherever the IPv4 sits
    "2002:a00:1::1": False, "2002:c0a8:101::": False, "2002:6464:64c8::": False, "2002:808:808::1": True,
    TEREDO_PRIVATE_CLIENT: False, TEREDO_PUBLIC_CLIENT: True,
}  # fmt: skip


def test_special_purpose_registries() -> None:
    assert {a: is_public(ipaddress.ip_address(a)) for a in REGISTRY} == REGISTRY


def test_ipv6_forms_are_judged_by_the_ipv4_they_carry() -> None:
    assert {a: is_public(ipaddress.ip_address(a)) for a in CARRIED} == CARRIED
    assert [str(a) for a in carried_ipv4(ipaddress.IPv6Address(TEREDO_PRIVATE_CLIENT))] == [
        "65.54.227.120", "10.0.0.1"
    ]  # fmt: skip


@given(st.ip_addresses())
def test_never_more_permissive_than_the_standard_library(address: ipaddress.IPv4Address) -> None:
    """What Python 3.11 calls not global we refuse too, except an IPv6 form judged by the IPv4 it carries."""
    carried = isinstance(address, ipaddress.IPv6Address) and carried_ipv4(address)
    if not address.is_global and not carried:
        assert not is_public(address)


def test_refusal_by_dns_answer_names_the_address_and_what_it_carries() -> None:
    allow = parse_allow_list("")
    assert refusal("news.example", ["93.184.215.14"], 443, allow) is None
    reason = refusal("news.example", ["93.184.215.14", "64:ff9b::a9fe:a9fe"], 443, allow) or ""
    assert "non-public address 64:ff9b::a9fe:a9fe (carrying 169.254.169.254), port 443" in reason


ALLOW = "127.0.0.1:8080, [::1]:8081, news.local:8443, 10.0.0.0/8:443, [fd00::/8]:80, 192.168.1.5, intranet, fe80::/10"


@pytest.mark.parametrize(
    ("host", "address", "port", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1", 8080, True), ("127.0.0.1", "127.0.0.1", 4200, False),
        ("localhost", "127.0.0.1", 8080, True), ("127.0.0.2", "127.0.0.2", 8080, False),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1", 8080, True),  # the same socket as 127.0.0.1
        ("::1", "::1", 8081, True), ("::1", "::1", 8080, False),
        ("news.local", "10.9.9.9", 8443, True), ("NEWS.local.", "10.9.9.9", 8443, True),
        ("news.local", "10.9.9.9", 443, True),  # 10.0.0.0/8 on 443
        ("news.local", "172.16.0.1", 443, False), ("other", "10.1.2.3", 443, True), ("other", "10.1.2.3", 80, False),
        ("fd00::5", "fd00::5", 80, True), ("fd00::5", "fd00::5", 81, False),
        ("192.168.1.5", "192.168.1.5", 4200, True), ("intranet", "192.168.7.7", 1, True),  # no port: any
        ("fe80::1", "fe80::1", 22, True),
    ],
)  # fmt: skip
def test_an_allow_list_entry_with_a_port_allows_that_port_only(
    host: str, address: str, port: int, allowed: bool
) -> None:
    assert parse_allow_list(ALLOW).allows(host, ipaddress.ip_address(address), port) is allowed


@pytest.mark.parametrize(
    ("entry", "message"),
    [("127.0.0.1:0", "not a port"), ("127.0.0.1:65536", "not a port"), ("news.local:http", "not a port"),
     ("[::1]:", "not a port"), ("[::1", "not \\[IPv6\\]"), ("[::1]8080", "not \\[IPv6\\]"),
     ("[news.local]:80", "not a host name"), ("bad_host", "not a host name"), ("10.0.0.0/33:80", "not a host name")],
)  # fmt: skip
def test_a_bad_allow_list_entry_is_named(entry: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_allow_list(f"example.org, {entry}")
