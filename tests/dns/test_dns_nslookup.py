"""busybox nslookup output (networking/nslookup.c, FEATURE_NSLOOKUP_BIG), golden files."""
from __future__ import annotations

import pytest

from dnsworld import pod, zone as make_zone
from goldens import assert_golden
from k8snet.dns import nslookup

Z = make_zone()

# (id, name, qtype, client, exit code, rule)
ROWS = [
    ("short-name", "web", None, pod("c"), 1,
     "add_query_with_search: no dot -> A and AAAA for every search domain, never the bare name"),
    ("fqdn", "web.default.svc.cluster.local", None, pod("c"), 0,
     "add_query_with_search: a dotted name is asked as written; NODATA prints an empty block"),
    ("external", "example.com", None, pod("c"), 0, "parse_reply: AA clear -> 'Non-authoritative answer:'"),
    ("reverse", "10.96.0.15", None, pod("c"), 0, "make_ptr: an IP argument becomes one PTR query"),
    ("headless", "db", None, pod("c"), 1, "spec 2.4.1 through busybox: one Name/Address per endpoint"),
    ("externalname", "ext", None, pod("c"), 1, "parse_reply: 'canonical name =' then the target's address"),
    ("srv", "_postgres._tcp.db.default.svc.cluster.local", "srv", pod("c"), 0, "parse_reply ns_t_srv 'service ='"),
    ("dotted-short-name-not-searched", "web.prod", None, pod("c"), 1,
     "add_query_with_search: strchr(dname, '.') -> no search, unlike glibc"),
    ("missing", "nope", None, pod("c", "prod"), 1, "'** server can't find NAME: NXDOMAIN'"),
    ("dnspolicy-default", "web", None, pod("c", dnsPolicy="Default"), 1,
     "parse_resolvconf: the node's nameserver, no search line"),
    ("soa", "cluster.local", "soa", pod("c"), 0, "parse_reply ns_t_soa"),
    ("no-pod", "kubernetes.default.svc.cluster.local", None, None, 0, "nslookup NAME 10.96.0.10"),
]


@pytest.mark.parametrize("name,qtype,client,exit_code,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_nslookup_golden(request, name, qtype, client, exit_code, rule):
    out = nslookup(Z, name, pod=client, qtype=qtype)
    assert out.exit_code == exit_code, rule
    assert_golden(f"nslookup_{request.node.callspec.id}.txt", out.stdout)


def test_server_header_exact():
    """send_queries: 'Server:\\t\\t%s' and 'Address:\\t%s' with the port, then a blank line."""
    out = nslookup(Z, "web.default.svc.cluster.local", pod=pod("c")).stdout
    assert out.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n")


def test_invalid_type():
    """nslookup_main: bb_error_msg_and_die("invalid query type")."""
    out = nslookup(Z, "web", pod=pod("c"), qtype="bogus")
    assert out.exit_code == 1 and "invalid query type" in out.stdout
