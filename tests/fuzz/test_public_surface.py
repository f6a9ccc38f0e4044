"""A seeded fuzz of every entry point of the contract (docs/API.md): no call ends in
a raw Python exception, and a refused call leaves the cluster as it was.

Rule checked, for every row: the contract's "an invalid object raises ValidationError, worded
like the API server ... the cluster is never left half-changed by one object", and
docs/ARCHITECTURE.md convention 6 ("Exceptions are for misuse of the library", all of them from
the tree in ``k8snet/errors.py``).  The values are drawn with hypothesis from a fixed seed, so
the run is the same every time.  ``K8SNET_FUZZ_EXAMPLES=N`` runs N examples per entry point
(default 25, a few seconds); ``K8SNET_FUZZ_COUNT=1`` counts raw failures instead of stopping
at the first (the count is printed, the test then fails if it is not zero).
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from k8snet import Cluster
from k8snet.errors import K8sNetError

from .surface import GARBAGE, METALLB_KINDS, PYTHON_WORDS, kubectl_lines, mutated_manifests, names, urls

EXAMPLES = int(os.environ.get("K8SNET_FUZZ_EXAMPLES", "25"))
COUNTING = os.environ.get("K8SNET_FUZZ_COUNT", "") not in ("", "0")
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))

_TALLY = {"calls": 0, "raw": 0}
_RAW: list[str] = []


def snapshot(c: Cluster) -> str:
    """Everything a refused call must leave alone: every stored object, the allocators, the
    declared external hosts, the addons and the clock."""
    objs = c.store._objects  # the store's own buckets: read only
    return json.dumps({"objects": objs, "ips": sorted(c.api.ips.used), "ports": sorted(c.api.node_ports.used),
                       "hosts": c.external_hosts, "addons": c.addons, "now": c.now}, sort_keys=True, default=str)


_CLUSTER: list[Cluster] = []


def cluster() -> Cluster:
    """One cluster shared by the examples (what earlier calls created stays: later calls meet
    a fuller cluster), with the addons that serve Ingress, Gateway API and MetalLB kinds."""
    if not _CLUSTER:
        c = Cluster(2, addons=["ingress-nginx", "gateway", "metallb"], seed=7)
        for obj in __import__("tests.fuzz.surface", fromlist=["BASE_MANIFESTS"]).BASE_MANIFESTS:
            try:
                c.apply(obj)
            except K8sNetError:
                pass
        _CLUSTER.append(c)
    return _CLUSTER[0]


def judge(what: str, fn, *args, c: Cluster | None = None, **kwargs) -> None:
    """Call ``fn``; a raw exception, a message in Python's words, or a refused call that changed
    the cluster is a failure (raised, or counted under ``K8SNET_FUZZ_COUNT``)."""
    before = snapshot(c) if c is not None else None
    _TALLY["calls"] += 1
    problem = None
    try:
        fn(*args, **kwargs)
    except K8sNetError as e:
        text = str(e)
        if not text.strip() or any(w in text for w in PYTHON_WORDS):
            problem = f"message in Python's words: {text!r}"
        elif c is not None and snapshot(c) != before:
            problem = f"refused ({text[:80]!r}) but the cluster changed"
    except Exception as e:  # noqa: BLE001 - the point of the test
        problem = f"raw {type(e).__name__}: {e}"
    if problem is None:
        return
    _TALLY["raw"] += 1
    line = f"{what}{args!r:.300}{kwargs!r:.200}: {problem}"
    if COUNTING:
        _RAW.append(line)
        return
    pytest.fail(line, pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if COUNTING:
        print(f"\nfuzz: {_TALLY['calls']} calls, {_TALLY['raw']} raw failures")
        for line in _RAW:
            print("  " + line[:400])
        assert not _RAW


@FUZZ
@seed(14)
@given(nodes=st.one_of(st.integers(-2, 4), GARBAGE, st.lists(st.text(max_size=5), max_size=3)),
       kw=st.dictionaries(st.sampled_from(["cni", "proxy_mode", "ipvs_scheduler", "cloud", "addons", "seed",
                                           "pod_cidr", "node_cidr_mask_size", "ip_families", "zones"]),
                          st.one_of(GARBAGE, st.sampled_from([("IPv4",), ("IPv6",), ("IPv4", "IPv6"),
                                                              ("IPv6", "IPv4"), ["IPv4", "IPv4"], ("ipv6",),
                                                              "IPv4", (), ["zone-a", "zone-b"], ["a", None],
                                                              {"node-1": "zone-a"}, {"node-9": "z"},
                                                              ["bad zone!", "b"], {"node-1": 3}, [None, None]])),
                          max_size=2))
def test_cluster_arguments(nodes, kw):
    judge("Cluster", Cluster, nodes, **kw)


@FUZZ
@seed(14)
@given(obj=mutated_manifests())
def test_apply_manifests_with_fields_of_other_types(obj):
    c = cluster()
    judge("apply", c.apply, obj, c=c)


@FUZZ
@seed(14)
@given(source=st.one_of(GARBAGE, st.lists(GARBAGE, max_size=3),
                        st.sampled_from(["kind: Service", "apiVersion: v1\nkind: Pod\nmetadata: [1]\n",
                                         "apiVersion: v1\nmetadata:\n  name: x\n", "a: [\n", "---\n- 1\n",
                                         "kind: List\nitems: 3\n", "kind: List\napiVersion: v1\nitems: [1]\n",
                                         "apiVersion: 5\nkind: 7\nmetadata: {name: 9}\n",
                                         "apiVersion: v1\nkind: Service\nmetadata: {name: [x]}\n"])))
def test_apply_sources_that_are_not_manifests(source):
    c = cluster()
    judge("apply", c.apply, source, c=c)


@FUZZ
@seed(14)
@given(line=st.one_of(kubectl_lines, GARBAGE))
def test_kubectl_command_lines(line):
    c = cluster()
    judge("kubectl", c.kubectl, line, c=c)


@FUZZ
@seed(14)
@given(ref=names, ns=st.one_of(st.just("default"), names))
def test_delete_refs(ref, ns):
    c = cluster()
    judge("delete", c.delete, ref, ns, c=c)


@FUZZ
@seed(14)
@given(name=names, qtype=st.one_of(st.sampled_from(["A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "a"]), GARBAGE),
       from_pod=st.one_of(st.none(), names))
def test_resolve(name, qtype, from_pod):
    c = cluster()
    judge("resolve", c.resolve, name, qtype=qtype, from_pod=from_pod, c=c)


@FUZZ
@seed(14)
@given(url=urls, where=st.sampled_from(["pod", "node", "internet", "none"]), who=names,
       method=st.one_of(st.just("GET"), GARBAGE), headers=st.one_of(st.none(), GARBAGE))
def test_request(url, where, who, method, headers):
    c = cluster()
    kw = {"from_pod": who} if where == "pod" else {"from_node": who} if where == "node" else \
        {"from_internet": True} if where == "internet" else {}
    judge("request", c.request, url, method=method, headers=headers, c=c, **kw)


@FUZZ
@seed(14)
@given(src=names, dst=names, port=st.one_of(st.integers(-5, 70000), GARBAGE),
       protocol=st.one_of(st.sampled_from(["TCP", "UDP", "SCTP"]), GARBAGE))
def test_allowed(src, dst, port, protocol):
    c = cluster()
    judge("allowed", c.allowed, src, dst, port, protocol, c=c)


@FUZZ
@seed(14)
@given(view=st.sampled_from(["iptables_save", "nft", "ipvsadm"]), node=names,
       table=st.one_of(st.sampled_from(["nat", "filter"]), GARBAGE))
def test_node_rule_views(view, node, table):
    c = cluster()
    kw = {"table": table} if view == "iptables_save" else {}
    judge(view, getattr(c, view), node, c=c, **kw)


@FUZZ
@seed(14)
@given(ref=st.one_of(names, GARBAGE), ns=st.one_of(st.just("default"), names))
def test_diagnose(ref, ns):
    c = cluster()
    judge("diagnose", c.diagnose, ref, ns, c=c)


@FUZZ
@seed(14)
@given(name=names, address=st.one_of(st.sampled_from(["203.0.113.7", "::1", "300.1.1.1", ""]), GARBAGE))
def test_add_external_host(name, address):
    c = cluster()
    judge("add_external_host", c.add_external_host, name, address, c=c)


@FUZZ
@seed(14)
@given(seconds=st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False,
                                                       min_value=-10, max_value=10), GARBAGE))
def test_advance(seconds):
    c = cluster()
    judge("advance", c.advance, seconds, c=c)


@FUZZ
@seed(14)
@given(obj=mutated_manifests(METALLB_KINDS + ("fz-mlb",)), dual=st.booleans(),
       then=st.sampled_from(["get svc fz-mlb -o wide", "describe svc fz-mlb", "get ipaddresspools -A -o yaml",
                             "describe l2advertisement -n metallb-system", "get events -A", "request"]))
def test_metallb_objects(obj, dual, then):
    """MetalLB's kinds and a Service of theirs with fields of other types: refused as the CRD
    schema or MetalLB's webhook refuses them (never half-applied), and whatever was stored, the
    controller, the speakers, kubectl and request() that follow never raise."""
    c = dual_cluster() if dual else cluster()
    judge("apply(metallb)", c.apply, obj, c=c)
    if then != "request":
        judge("kubectl(metallb)", c.kubectl, then, c=c)
        return
    for ing in ((c.store.peek("Service", "default", "fz-mlb") or {}).get("status") or {}).get(
            "loadBalancer", {}).get("ingress") or []:
        ip = ing.get("ip", "")
        judge("request(metallb)", c.request, f"http://[{ip}]/" if ":" in ip else f"http://{ip}/",
              from_internet=True, c=c)


_DUAL: list[Cluster] = []


def dual_cluster() -> Cluster:
    """A dual-stack cluster (IPv6 primary, kind's ranges) in three zones with the same objects:
    families, AAAA answers, IPv6 literals and topology hints meet the same garbage."""
    if not _DUAL:
        c = Cluster(3, addons=["ingress-nginx", "gateway", "metallb"], seed=7, ip_families=("IPv6", "IPv4"),
                    zones=["zone-a", "zone-b", "zone-c"])
        for obj in __import__("tests.fuzz.surface", fromlist=["BASE_MANIFESTS"]).BASE_MANIFESTS:
            try:
                c.apply(obj)
            except K8sNetError:
                pass
        _DUAL.append(c)
    return _DUAL[0]


@FUZZ
@seed(14)
@given(call=st.sampled_from(["apply", "kubectl", "request", "resolve"]), obj=mutated_manifests(),
       line=kubectl_lines, url=st.one_of(urls, st.sampled_from(["http://[fd00:10:96::1]:443/", "http://[::1]/",
                                                                 "http://[fd00:10:96::zz]/", "http://fz-ds"])),
       name=names, qtype=st.sampled_from(["A", "AAAA", "PTR", "SRV"]))
def test_dual_stack_cluster(call, obj, line, url, name, qtype):
    c = dual_cluster()
    if call == "apply":
        judge("apply(dual-stack)", c.apply, obj, c=c)
    elif call == "kubectl":
        judge("kubectl(dual-stack)", c.kubectl, line, c=c)
    elif call == "request":
        judge("request(dual-stack)", c.request, url, c=c)
    else:
        judge("resolve(dual-stack)", c.resolve, name, qtype=qtype, c=c)
