"""Ingress routing: the Ingress docs' examples, hosts, precedence, classes, TLS, rewrites."""
from __future__ import annotations

import pytest

from k8snet.routing.ingress import IngressBackend, route_ingress
from k8snet.routing.ingressclass import served_ingresses
from k8snet.routing.types import IngressPathType

NGINX_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
               "metadata": {"name": "nginx", "creationTimestamp": "2025-01-01T00:00:00Z",
                            "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
               "spec": {"controller": "k8s.io/ingress-nginx"}}
OTHER_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
               "metadata": {"name": "other", "creationTimestamp": "2025-01-01T00:00:00Z"},
               "spec": {"controller": "example.com/other"}}


def ingress(name, paths=(), *, host=None, cls="nginx", annotations=None, created="2025-01-01T00:00:00Z",
            tls=None, default_backend=None, namespace="default"):
    """An Ingress as the API server stores it; ``paths`` are (path, pathType, service)."""
    spec: dict = {}
    if cls:
        spec["ingressClassName"] = cls
    if paths:
        rule: dict = {"http": {"paths": [
            {"path": p, "pathType": t, "backend": {"service": {"name": s, "port": {"number": 80}}}}
            for p, t, s in paths]}}
        if host:
            rule["host"] = host
        spec["rules"] = [rule]
    if tls:
        spec["tls"] = tls
    if default_backend:
        spec["defaultBackend"] = {"service": {"name": default_backend, "port": {"number": 80}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": created,
                         "annotations": annotations or {}},
            "spec": spec}


def svc(name):
    return IngressBackend("default", name, 80, None)


# ingress.md "Examples" table, row for row (rows with two request paths are split).
DOCS_TABLE = [
    ("Prefix / (all paths)", [("/", "Prefix")], "/anything/at/all", "/"),
    ("Exact /foo, /foo", [("/foo", "Exact")], "/foo", "/foo Exact"),
    ("Exact /foo, /bar", [("/foo", "Exact")], "/bar", None),
    ("Exact /foo, /foo/", [("/foo", "Exact")], "/foo/", None),
    ("Exact /foo/, /foo", [("/foo/", "Exact")], "/foo", None),
    ("Prefix /foo, /foo", [("/foo", "Prefix")], "/foo", "/foo"),
    ("Prefix /foo, /foo/", [("/foo", "Prefix")], "/foo/", "/foo"),
    ("Prefix /foo/, /foo", [("/foo/", "Prefix")], "/foo", "/foo/"),
    ("Prefix /foo/, /foo/", [("/foo/", "Prefix")], "/foo/", "/foo/"),
    ("Prefix /aaa/bb, /aaa/bbb: No", [("/aaa/bb", "Prefix")], "/aaa/bbb", None),
    ("Prefix /aaa/bbb, /aaa/bbb", [("/aaa/bbb", "Prefix")], "/aaa/bbb", "/aaa/bbb"),
    ("Prefix /aaa/bbb/, /aaa/bbb: ignores trailing slash", [("/aaa/bbb/", "Prefix")], "/aaa/bbb", "/aaa/bbb/"),
    ("Prefix /aaa/bbb, /aaa/bbb/: matches trailing slash", [("/aaa/bbb", "Prefix")], "/aaa/bbb/", "/aaa/bbb"),
    ("Prefix /aaa/bbb, /aaa/bbb/ccc: matches subpath", [("/aaa/bbb", "Prefix")], "/aaa/bbb/ccc", "/aaa/bbb"),
    ("Prefix /aaa/bbb, /aaa/bbbxyz: not a string prefix", [("/aaa/bbb", "Prefix")], "/aaa/bbbxyz", None),
    ("Prefix /, /aaa with /aaa/ccc: matches /aaa", [("/", "Prefix"), ("/aaa", "Prefix")], "/aaa/ccc", "/aaa"),
    ("Prefix /, /aaa, /aaa/bbb with /aaa/bbb", [("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
     "/aaa/bbb", "/aaa/bbb"),
    ("Prefix /, /aaa, /aaa/bbb with /ccc: matches /", [("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
     "/ccc", "/"),
    ("Prefix /aaa with /ccc: uses default backend", [("/aaa", "Prefix")], "/ccc", None),
    ("Mixed /foo (Prefix), /foo (Exact): prefers Exact", [("/foo", "Prefix"), ("/foo", "Exact")], "/foo", "/foo Exact"),
]


@pytest.mark.parametrize("paths,request_path,want", [r[1:] for r in DOCS_TABLE], ids=[r[0] for r in DOCS_TABLE])
def test_ingress_docs_examples_table(paths, request_path, want):
    """ingress.md "Examples": each path gets its own Service, named after path and type."""
    ing = ingress("t", [(p, t, f"svc{p.replace('/', '-')}-{t.lower()}") for p, t in paths], host="foo.bar.com")
    d = route_ingress([ing], [NGINX_CLASS], host="foo.bar.com", path=request_path)
    if want is None:
        assert d.status == 404 and d.backend is None, d.explain()
    else:
        p, _, t = want.partition(" ")
        t = t or "Prefix"
        assert d.status is None and d.backend == svc(f"svc{p.replace('/', '-')}-{t.lower()}"), d.explain()
        assert (d.path, d.path_type) == (p, t)


HOSTS = [
    # ingress.md "Hostname wildcards"
    ("*.foo.com matches bar.foo.com (shared suffix)", "*.foo.com", "bar.foo.com", True),
    ("*.foo.com no match baz.bar.foo.com (one label)", "*.foo.com", "baz.bar.foo.com", False),
    ("*.foo.com no match foo.com (one label)", "*.foo.com", "foo.com", False),
    # ingress.md "Name based virtual hosting": Host header port is not part of the name
    ("exact host with port in Host header", "foo.bar.com", "foo.bar.com:8080", True),
    ("exact host, case-insensitive", "foo.bar.com", "FOO.bar.com", True),
    ("exact host, other name", "foo.bar.com", "bar.foo.com", False),
]


@pytest.mark.parametrize("rule_host,header,match", [r[1:] for r in HOSTS], ids=[r[0] for r in HOSTS])
def test_ingress_hosts(rule_host, header, match):
    d = route_ingress([ingress("h", [("/", "Prefix", "web")], host=rule_host)], [NGINX_CLASS], host=header, path="/")
    assert (d.backend == svc("web")) is match, d.explain()


def test_rules_without_host_catch_other_hosts():
    """ingress.md "Name based virtual hosting": a rule without host gets traffic for other
    names, but not for a host that has its own rule (that host's unmatched paths 404)."""
    named = ingress("named", [("/foo", "Prefix", "service1")], host="first.bar.com")
    anyhost = ingress("any", [("/", "Prefix", "service3")])
    ings, cls = [named, anyhost], [NGINX_CLASS]
    assert route_ingress(ings, cls, host="first.bar.com", path="/foo").backend == svc("service1")
    assert route_ingress(ings, cls, host="other.example", path="/x").backend == svc("service3")
    assert route_ingress(ings, cls, host="10.0.0.1", path="/x").backend == svc("service3")
    assert route_ingress(ings, cls, host="first.bar.com", path="/x").status == 404


def test_default_backend_of_ingress():
    """ingress.md "DefaultBackend": an Ingress with only defaultBackend takes everything;
    with rules, it backs the unmatched paths of its own hosts (controller.go createServers)."""
    only = ingress("only", default_backend="catchall")
    assert route_ingress([only], [NGINX_CLASS], host="x.y", path="/z").backend == svc("catchall")
    mixed = ingress("mixed", [("/api", "Prefix", "api")], host="a.example", default_backend="fallback")
    assert route_ingress([mixed], [NGINX_CLASS], host="a.example", path="/other").backend == svc("fallback")
    assert route_ingress([mixed], [NGINX_CLASS], host="b.example", path="/other").status == 404


MERGE = [
    # store.go sortIngressSlice + controller.go "Location already configured": oldest wins
    ("same host and path: oldest Ingress wins",
     [("/api", "Prefix", "old", "2025-01-01T00:00:00Z", "b"), ("/api", "Prefix", "new", "2025-01-02T00:00:00Z", "a")],
     "/api/x", "old"),
    ("same timestamp: namespace/name descending wins",
     [("/api", "Prefix", "from-a", "2025-01-01T00:00:00Z", "a"), ("/api", "Prefix", "from-b", "2025-01-01T00:00:00Z", "b")],
     "/api/x", "from-b"),
    ("paths from two Ingresses merge: longest wins across them",
     [("/api", "Prefix", "api", "2025-01-01T00:00:00Z", "a"), ("/api/v2", "Prefix", "v2", "2025-01-02T00:00:00Z", "b")],
     "/api/v2/users", "v2"),
    ("same path, different types both kept: Exact wins",
     [("/api", "Prefix", "pre", "2025-01-01T00:00:00Z", "a"), ("/api", "Exact", "exact", "2025-01-02T00:00:00Z", "b")],
     "/api", "exact"),
]


@pytest.mark.parametrize("defs,path,want", [r[1:] for r in MERGE], ids=[r[0] for r in MERGE])
def test_ingress_merging_for_one_host(defs, path, want):
    ings = [ingress(n, [(p, t, s)], host="m.example", created=c) for p, t, s, c, n in defs]
    d = route_ingress(ings, [NGINX_CLASS], host="m.example", path=path)
    assert d.backend == svc(want), d.explain()


CLASSES = [
    ("ingressClassName of our controller", {"cls": "nginx"}, [NGINX_CLASS], True),
    ("ingressClassName of another controller is ignored", {"cls": "other"}, [NGINX_CLASS, OTHER_CLASS], False),
    ("ingressClassName that does not exist is ignored", {"cls": "missing"}, [NGINX_CLASS], False),
    ("no class uses the default class (ingress.md Default IngressClass)", {"cls": None}, [NGINX_CLASS], True),
    ("no class and no default class: nobody serves it", {"cls": None},
     [{**NGINX_CLASS, "metadata": {"name": "nginx"}}], False),
    ("legacy annotation kubernetes.io/ingress.class=nginx",
     {"cls": None, "annotations": {"kubernetes.io/ingress.class": "nginx"}}, [OTHER_CLASS], True),
    ("legacy annotation for another class", {"cls": None, "annotations": {"kubernetes.io/ingress.class": "gce"}},
     [NGINX_CLASS], False),
]


@pytest.mark.parametrize("kw,classes,served", [r[1:] for r in CLASSES], ids=[r[0] for r in CLASSES])
def test_ingress_class_selection(kw, classes, served):
    ing = ingress("c", [("/", "Prefix", "web")], host="c.example", **kw)
    assert bool(served_ingresses([ing], classes)) is served
    d = route_ingress([ing], classes, host="c.example", path="/")
    assert (d.backend == svc("web")) is served
    assert ("MATCH Ingress default/c" in d.explain()) is served


TLS = [
    # ingress-nginx docs user-guide/tls.md "Server-side HTTPS enforcement through redirect"
    ("TLS host on http: 308 to https", {}, True, "http", "/shop?x=1", 308, "https://shop.example/shop?x=1"),
    ("trailing slash dropped from Location", {}, True, "http", "/", 308, "https://shop.example"),
    ("preserve-trailing-slash keeps it", {"preserve-trailing-slash": "true"}, True, "http", "/a/", 308,
     "https://shop.example/a/"),
    ("TLS host on https: proxied", {}, True, "https", "/shop", None, None),
    ("ssl-redirect false: no redirect", {"ssl-redirect": "false"}, True, "http", "/shop", None, None),
    ("no tls section: no redirect", {}, False, "http", "/shop", None, None),
    ("force-ssl-redirect without tls: 308", {"force-ssl-redirect": "true"}, False, "http", "/shop", 308,
     "https://shop.example/shop"),
]


@pytest.mark.parametrize("anns,tls,scheme,path,status,location", [r[1:] for r in TLS], ids=[r[0] for r in TLS])
def test_ingress_tls_redirect(anns, tls, scheme, path, status, location):
    ing = ingress("tls", [("/", "Prefix", "web")], host="shop.example",
                  annotations={f"nginx.ingress.kubernetes.io/{k}": v for k, v in anns.items()},
                  tls=[{"hosts": ["shop.example"], "secretName": "shop-tls"}] if tls else None)
    d = route_ingress([ing], [NGINX_CLASS], scheme=scheme, host="shop.example:80", path=path)
    assert d.status == status, d.explain()
    if status == 308:
        assert dict(d.headers)["Location"] == location
    else:
        assert d.backend == svc("web")


REWRITE = [
    # ingress-nginx docs examples/rewrite/README.md "Rewrite Target"
    ("/something rewrites to /", "/something(/|$)(.*)", "/$2", "/something", "/"),
    ("/something/ rewrites to /", "/something(/|$)(.*)", "/$2", "/something/", "/"),
    ("/something/new rewrites to /new", "/something(/|$)(.*)", "/$2", "/something/new", "/new"),
    ("query string kept", "/something(/|$)(.*)", "/$2", "/something/new?a=b", "/new?a=b"),
    ("regex is case-insensitive", "/something(/|$)(.*)", "/$2", "/SomeThing/New", "/New"),
    ("static rewrite-target /", "/app", "/", "/app/x", "/"),
]


@pytest.mark.parametrize("path,target,request_path,upstream", [r[1:] for r in REWRITE], ids=[r[0] for r in REWRITE])
def test_ingress_rewrite_target(path, target, request_path, upstream):
    ing = ingress("rw", [(path, "ImplementationSpecific", "http-svc")], host="rewrite.bar.com",
                  annotations={"nginx.ingress.kubernetes.io/use-regex": "true",
                               "nginx.ingress.kubernetes.io/rewrite-target": target})
    d = route_ingress([ing], [NGINX_CLASS], host="rewrite.bar.com", path=request_path)
    assert d.backend == svc("http-svc") and d.upstream_path == upstream, d.explain()


REGEX_ORDER = [
    # ingress-nginx docs user-guide/ingress-path-matching.md "Path Priority" example
    ("/foo/bar/1 goes to service3", "/foo/bar/1", "service3"),
    ("/foo/bar/ goes to service2", "/foo/bar/", "service2"),
    ("/foo/bar goes to service1", "/foo/bar", "service1"),
]


@pytest.mark.parametrize("path,want", [r[1:] for r in REGEX_ORDER], ids=[r[0] for r in REGEX_ORDER])
def test_ingress_regex_path_priority(path, want):
    one = ingress("test-ingress-1", [("/foo/bar", "Prefix", "service1"), ("/foo/bar/", "Prefix", "service2")],
                  host="test.com")
    two = ingress("test-ingress-2", [("/foo/bar/(.+)", "ImplementationSpecific", "service3")], host="test.com",
                  annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/$1"}, created="2025-01-02T00:00:00Z")
    d = route_ingress([one, two], [NGINX_CLASS], host="test.com", path=path)
    assert d.backend == svc(want), d.explain()


def test_ingress_regex_warning_first_match_not_longest():
    """ingress-path-matching.md "Warning": /foo/bar/bar hits the longer regex /foo/bar/[A-Z0-9]{3}."""
    ing = ingress("test-ingress-3", [("/foo/bar/bar", "Prefix", "exact-ish"),
                                     ("/foo/bar/[A-Z0-9]{3}", "ImplementationSpecific", "regex")],
                  host="test.com", annotations={"nginx.ingress.kubernetes.io/use-regex": "true"})
    assert route_ingress([ing], [NGINX_CLASS], host="test.com", path="/foo/bar/bar").backend == svc("regex")


def test_implementation_specific_is_prefix_without_regex():
    """k8s.SetDefaultNGINXPathType: ImplementationSpecific is handled as Prefix."""
    ing = ingress("is", [("/app", "ImplementationSpecific", "app")], host="i.example")
    assert route_ingress([ing], [NGINX_CLASS], host="i.example", path="/app/x").backend == svc("app")
    assert route_ingress([ing], [NGINX_CLASS], host="i.example", path="/application").status == 404


def test_explanation_names_every_path_and_winner():
    ing = ingress("ex", [("/", "Prefix", "root"), ("/api", "Prefix", "api")], host="e.example")
    d = route_ingress([ing], [NGINX_CLASS], host="e.example", path="/api/x")
    text = d.explain()
    assert "MATCH / (Prefix)" in text and "MATCH /api (Prefix)" in text
    assert text.splitlines()[-1].startswith("longest matching path /api (Prefix)")


def test_path_type_enum_wire_values():
    assert IngressPathType.from_text("ImplementationSpecific") is IngressPathType.IMPLEMENTATION_SPECIFIC
    assert IngressPathType.EXACT.to_text() == "Exact"


def test_decision_is_frozen():
    d = route_ingress([], [NGINX_CLASS], host="x", path="/")
    assert d.status == 404
    with pytest.raises(AttributeError):
        d.status = 200  # type: ignore[misc]
