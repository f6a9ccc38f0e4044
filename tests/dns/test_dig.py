"""``DNSResult.dig()``: what ``dig +noedns`` prints, header lines included.

Rules: bind9 bin/dig/dighost.c (";; Got answer:", ";; ->>HEADER<<- opcode: QUERY, status: %s,
id: %u", ";; flags: ...; QUERY: n, ANSWER: n, AUTHORITY: n, ADDITIONAL: n"), lib/dns/message.c
(the flags in the order qr aa tc rd ra), lib/dns/masterdump.c ``indent()`` (columns 24/32/40/48
for TTL, class, type, data; one space once a field reaches past its column).
"""
from __future__ import annotations

import re

import pytest

from k8snet import Cluster
from k8snet.dns.types import columns


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=6)
    c.add_external_host("example.com", "93.184.215.14")
    return c


@pytest.mark.parametrize("name, status, flags, counts", [
    # CoreDNS is authoritative for cluster.local: aa; it does not set ra there.
    ("kubernetes.default.svc.cluster.local.", "NOERROR", "qr aa rd", (1, 1, 0, 0)),
    # NXDOMAIN with the zone's SOA in the authority section.
    ("nosuch.default.svc.cluster.local.", "NXDOMAIN", "qr aa rd", (1, 0, 1, 0)),
    # A forwarded answer: not authoritative, recursion available.
    ("example.com.", "NOERROR", "qr rd ra", (1, 1, 0, 0)),
])
def test_header_and_flags(cluster, name, status, flags, counts):
    out = cluster.resolve(name).dig().splitlines()
    assert out[0] == ";; Got answer:"
    m = re.fullmatch(r";; ->>HEADER<<- opcode: QUERY, status: (\w+), id: (\d+)", out[1])
    assert m and m.group(1) == status and 0 <= int(m.group(2)) < 65536
    q, a, auth, add = counts
    assert out[2] == f";; flags: {flags}; QUERY: {q}, ANSWER: {a}, AUTHORITY: {auth}, ADDITIONAL: {add}"


def test_id_is_deterministic(cluster):
    # Only the header line: a second ask may come from a replica's cache, with the AA bit set
    # (plugin/cache item.go toMsg) and a lower TTL.
    first, second = cluster.resolve("example.com.").dig(), cluster.resolve("example.com.").dig()
    assert first.splitlines()[1] == second.splitlines()[1]


@pytest.mark.parametrize("fields, stops, want", [
    # a short owner name: tabs to the TTL column (24), then one tab per field
    (("example.com.", "30", "IN", "A", "93.184.215.14"), (24, 32, 40, 48), "example.com.\t\t30\tIN\tA\t93.184.215.14"),
    # an owner name past column 24: single spaces until a field ends before its column
    (("kubernetes.default.svc.cluster.local.", "30", "IN", "A", "10.96.0.1"), (24, 32, 40, 48),
     "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1"),
    # the question section: class at 32, type at 40
    ((";example.com.", "IN", "A"), (32, 40), ";example.com.\t\t\tIN\tA"),
])
def test_masterdump_columns(fields, stops, want):
    assert columns(fields, stops) == want
