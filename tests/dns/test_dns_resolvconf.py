"""A pod's resolv.conf (kubelet pkg/kubelet/network/dns/dns.go GetPodDNS, containerd's
file layout) and glibc's search walk (resolv/res_query.c __res_context_search)."""
from __future__ import annotations

import pytest

from dnsworld import pod, zone as make_zone
from k8snet.dns import ResolvConf, pod_resolv_conf, resolve

Z = make_zone()
CLUSTER = ("search {ns}.svc.cluster.local svc.cluster.local cluster.local\n"
           "nameserver 10.96.0.10\noptions ndots:5\n")
NODE = "nameserver 192.168.49.1\n"

# (id, pod spec extras, namespace, node resolv.conf or None, expected file, rule)
CONF_ROWS = [
    ("clusterfirst-default", {}, "default", None, CLUSTER.format(ns="default"),
     "dns.go GetPodDNS podDNSCluster + generateSearchesForDNSClusterFirst"),
    ("clusterfirst-prod", {}, "prod", None, CLUSTER.format(ns="prod"), "dns.go: <ns>.svc.<domain> first"),
    ("clusterfirst-hostnetwork-falls-back", {"hostNetwork": True}, "default", None, NODE,
     "dns.go getPodDNSType: ClusterFirst on the host network -> Default"),
    ("clusterfirstwithhostnet", {"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}, "default", None,
     CLUSTER.format(ns="default"), "dns.go getPodDNSType: DNSClusterFirstWithHostNet"),
    ("default-is-the-node-file", {"dnsPolicy": "Default"}, "default", None, NODE, "dns.go podDNSHost"),
    ("none-uses-only-dnsconfig",
     {"dnsPolicy": "None", "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["example.com"],
                                         "options": [{"name": "ndots", "value": "2"}]}},
     "default", None, "search example.com\nnameserver 1.1.1.1\noptions ndots:2\n", "dns.go podDNSNone"),
    ("clusterfirst-merges-dnsconfig",
     {"dnsConfig": {"nameservers": ["10.96.0.10", "1.1.1.1"], "searches": ["svc.cluster.local", "corp.example"],
                    "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}},
     "default", None,
     "search default.svc.cluster.local svc.cluster.local cluster.local corp.example\n"
     "nameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n",
     "dns.go appendDNSConfig: omitDuplicates, mergeDNSOptions (pod value wins)"),
    ("node-search-appended-node-options-dropped", {}, "default",
     "nameserver 10.0.0.2\nsearch ec2.internal.\noptions timeout:2\n",
     "search default.svc.cluster.local svc.cluster.local cluster.local ec2.internal\n"
     "nameserver 10.96.0.10\noptions ndots:5\n",
     "dns.go: host searches after the cluster ones; dnsConfig.Options = defaultDNSOptions"),
    ("default-with-node-search", {"dnsPolicy": "Default"}, "default",
     "# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch a.example\nsearch ec2.internal\n",
     "search ec2.internal\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n",
     "dns.go parseResolvConf: nameservers accumulate, last search wins"),
    ("at-most-three-nameservers",
     {"dnsPolicy": "None", "dnsConfig": {"nameservers": ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"]}},
     "default", None, "nameserver 1.1.1.1\nnameserver 1.0.0.1\nnameserver 8.8.8.8\n",
     "dns.go formDNSNameserversFitsLimits: MaxDNSNameservers = 3"),
    ("at-most-32-search-domains",
     {"dnsPolicy": "None", "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": [f"d{i}.example" for i in range(40)]}},
     "default", None,
     "search " + " ".join(f"d{i}.example" for i in range(32)) + "\nnameserver 1.1.1.1\n",
     "dns.go formDNSSearchFitsLimits: MaxDNSSearchPathsExpanded = 32"),
]


@pytest.mark.parametrize("spec,ns,node,expected,rule", [r[1:] for r in CONF_ROWS], ids=[r[0] for r in CONF_ROWS])
def test_pod_resolv_conf(spec, ns, node, expected, rule):
    p = pod("client", ns, **spec)
    kwargs = {"node_resolv_conf": node} if node is not None else {}
    assert pod_resolv_conf(p, **kwargs).text() == expected, rule


@pytest.mark.parametrize("options,ndots", [((), 1), (("ndots:5",), 5), (("ndots:2", "ndots:3"), 3),
                                            (("ndots:99",), 15), (("ndots:x",), 1)],
                         ids=["glibc-default-1", "kubelet-5", "last-wins", "capped-15", "unparsable"])
def test_ndots(options, ndots):
    """glibc res_init: ndots defaults to 1, is capped at RES_MAXNDOTS (15)."""
    assert ResolvConf(options=options).ndots == ndots


def tried(ns, *names):
    return [n.format(ns=ns) for n in names]


S = "{ns}.svc.cluster.local."
# (id, name, qtype, client pod, rcode, answers, tried, rule)
WALK_ROWS = [
    ("external-name-tries-search-first", "example.com", "A", pod("c"), "NOERROR",
     [("example.com.", "A", "93.184.216.34")],
     ["example.com.default.svc.cluster.local.", "example.com.svc.cluster.local.",
      "example.com.cluster.local.", "example.com."],
     "res_query.c: dots (1) < ndots (5): search list first, then as-is"),
    ("absolute-name-only-itself", "example.com.", "A", pod("c"), "NOERROR",
     [("example.com.", "A", "93.184.216.34")], ["example.com."], "res_query.c: trailing dot -> as-is only"),
    ("unknown-external-name", "google.com", "A", pod("c"), "NXDOMAIN", [],
     ["google.com.default.svc.cluster.local.", "google.com.svc.cluster.local.",
      "google.com.cluster.local.", "google.com."], "upstream.py: undeclared names are NXDOMAIN"),
    ("short-name-from-prod", "web", "A", pod("c", "prod"), "NOERROR",
     [("web.prod.svc.cluster.local.", "A", "10.96.0.20")], ["web.prod.svc.cluster.local."],
     "dns.go: first search domain is the pod's namespace"),
    ("short-name-from-default", "web", "A", pod("c"), "NOERROR",
     [("web.default.svc.cluster.local.", "A", "10.96.0.15")], ["web.default.svc.cluster.local."],
     "dns.go: first search domain is the pod's namespace"),
    ("cross-namespace", "web.prod", "A", pod("c"), "NOERROR",
     [("web.prod.svc.cluster.local.", "A", "10.96.0.20")],
     ["web.prod.default.svc.cluster.local.", "web.prod.svc.cluster.local."],
     "spec: <service>.<ns> through the svc.<zone> search domain"),
    ("fqdn-without-dot-4-dots", "web.default.svc.cluster.local", "A", pod("c"), "NOERROR",
     [("web.default.svc.cluster.local.", "A", "10.96.0.15")],
     ["web.default.svc.cluster.local.default.svc.cluster.local.", "web.default.svc.cluster.local.svc.cluster.local.",
      "web.default.svc.cluster.local.cluster.local.", "web.default.svc.cluster.local."],
     "res_query.c: 4 dots < ndots 5, so three wasted queries"),
    ("nodata-keeps-searching", "web", "AAAA", pod("c"), "NOERROR", [],
     ["web.default.svc.cluster.local.", "web.svc.cluster.local.", "web.cluster.local.", "web."],
     "res_query.c: NO_DATA -> got_nodata++, keep trying; NO_DATA reported at the end"),
    ("ndots-1-as-is-first", "example.com", "A", pod("c", dnsConfig={"options": [{"name": "ndots", "value": "1"}]}),
     "NOERROR", [("example.com.", "A", "93.184.216.34")], ["example.com."],
     "res_query.c: dots >= ndots: as-is first"),
    ("ndots-1-failure-reports-as-is", "nope.example", "A",
     pod("c", dnsConfig={"options": [{"name": "ndots", "value": "1"}]}), "NXDOMAIN", [],
     ["nope.example.", "nope.example.default.svc.cluster.local.", "nope.example.svc.cluster.local.",
      "nope.example.cluster.local."],
     "res_query.c: saved_herrno from the first as-is query; not asked again"),
    ("externalname-through-search", "ext", "A", pod("c"), "NOERROR",
     [("ext.default.svc.cluster.local.", "CNAME", "example.com."), ("example.com.", "A", "93.184.216.34")],
     ["ext.default.svc.cluster.local."], "spec 2.5 via the search list"),
    ("statefulset-pod-name", "db-0.db", "A", pod("c"), "NOERROR",
     [("db-0.db.default.svc.cluster.local.", "A", "10.244.1.10")], ["db-0.db.default.svc.cluster.local."],
     "spec 2.4.1 <hostname>.<service> via the search list"),
    ("dnspolicy-default-no-cluster-names", "web.default.svc.cluster.local", "A", pod("c", dnsPolicy="Default"),
     "NXDOMAIN", [], ["web.default.svc.cluster.local."], "dns.go podDNSHost: the node's resolver knows no cluster names"),
    ("dnspolicy-default-internet", "example.com", "A", pod("c", dnsPolicy="Default"), "NOERROR",
     [("example.com.", "A", "93.184.216.34")], ["example.com."], "dns.go podDNSHost"),
    ("dnspolicy-none-no-nameserver", "web", "A", pod("c", dnsPolicy="None", dnsConfig={"searches": ["x.example"]}),
     "SERVFAIL", [], ["web."], "glibc: no nameserver -> 127.0.0.1, nothing listens"),
    ("no-pod-asks-as-written", "web.default.svc.cluster.local", "A", None, "NOERROR",
     [("web.default.svc.cluster.local.", "A", "10.96.0.15")], ["web.default.svc.cluster.local."],
     "docs/API.md: from_pod=None asks the name as an absolute name"),
    ("no-pod-short-name", "web", "A", None, "NXDOMAIN", [], ["web."], "docs/API.md: no search list without a pod"),
]


@pytest.mark.parametrize("name,qtype,client,rcode,answers,tried_names,rule", [r[1:] for r in WALK_ROWS],
                         ids=[r[0] for r in WALK_ROWS])
def test_search_walk(name, qtype, client, rcode, answers, tried_names, rule):
    result = resolve(Z, name, qtype, pod=client)
    assert (result.rcode, result.answers, result.tried) == (rcode, answers, tried_names), rule


def test_resolve_same_seed_same_order():
    """ARCHITECTURE.md 5: loadbalance order comes from the seeded generator."""
    import random
    a = resolve(Z, "db", pod=pod("c"), rng=random.Random(4)).answers
    b = resolve(Z, "db", pod=pod("c"), rng=random.Random(4)).answers
    assert a == b and sorted(a) == sorted(resolve(Z, "db", pod=pod("c")).answers)
