"""The public surface of k8snet, pinned (docs/API.md; httpx's test_api.py practice).

The contract may grow ("Add to it freely"), so a method may take extra parameters as long as
they are optional; what the contract names must keep its name, kind and default.
"""
from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import k8snet

P = inspect.Parameter
POS, KW = P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY
REQUIRED = P.empty

# method -> [(parameter, kind, default)] exactly as the contract writes the call.
CONTRACT = {
    "__init__": [("nodes", POS, 2), ("cni", KW, "calico"), ("proxy_mode", KW, "iptables"),
                 ("ipvs_scheduler", KW, "rr"), ("cloud", KW, None), ("addons", KW, ()), ("seed", KW, 0)],
    "apply": [("source", POS, REQUIRED)],
    "delete": [("ref", POS, REQUIRED), ("namespace", POS, "default")],
    "kubectl": [("command_line", POS, REQUIRED)],
    "add_external_host": [("name", POS, REQUIRED), ("address", POS, REQUIRED)],
    "advance": [("seconds", POS, REQUIRED)],
    "enable_addon": [("name", POS, REQUIRED)],
    "resolve": [("name", POS, REQUIRED), ("qtype", KW, "A"), ("from_pod", KW, None)],
    "request": [("url", POS, REQUIRED), ("from_pod", KW, None), ("from_node", KW, None),
                ("from_internet", KW, False), ("method", KW, "GET"), ("headers", KW, None)],
    "allowed": [("src", POS, REQUIRED), ("dst", POS, REQUIRED), ("port", POS, REQUIRED), ("protocol", POS, "TCP")],
    "iptables_save": [("node", POS, REQUIRED), ("table", POS, "nat")],
    "nft": [("node", POS, REQUIRED)],
    "ipvsadm": [("node", POS, REQUIRED)],
    "diagnose": [("ref", POS, REQUIRED)],
    "graph": [],
    # The issue "Foundation" adds node failure to the surface.
    "fail_node": [("name", POS, REQUIRED)],
    "recover_node": [("name", POS, REQUIRED)],
}


def test_all_is_pinned():
    assert k8snet.__all__ == ["Cluster", "ValidationError"]
    assert k8snet.Cluster.__name__ == "Cluster"
    assert issubclass(k8snet.ValidationError, Exception)


@pytest.mark.parametrize("method, params", CONTRACT.items(), ids=list(CONTRACT))
def test_cluster_method_signature(method, params):
    fn = getattr(k8snet.Cluster, method)
    assert callable(fn) and fn.__doc__ or method == "__init__"
    sig = inspect.signature(fn)
    got = [p for p in sig.parameters.values() if p.name != "self"]
    named = {p.name: p for p in got}
    for name, kind, default in params:
        assert name in named, f"{method}() lost parameter {name!r}"
        assert (named[name].kind, named[name].default) == (kind, default), f"{method}({name}=...)"
    # The contract's positional parameters come first, in its order.
    pos = [n for n, k, _ in params if k == POS]
    assert [p.name for p in got if p.kind == POS][:len(pos)] == pos
    extra = [p for p in got if p.name not in {n for n, _, _ in params}]
    assert all(p.default is not REQUIRED or p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD) for p in extra), \
        f"{method}() has new required parameters: {[p.name for p in extra]}"


def test_dns_serve_signature():
    from k8snet import dns
    params = inspect.signature(dns.serve).parameters
    assert [(n, p.default) for n, p in params.items()] == [("cluster", REQUIRED), ("host", "127.0.0.1"), ("port", 5353)]


@pytest.mark.parametrize("attr", ["status", "error", "body", "headers", "backend", "pod", "hops", "graph"])
def test_response_attributes(attr):
    r = k8snet.Cluster(seed=0).request("http://kubernetes.default:443/", from_node="node-1")
    assert hasattr(r, attr)


@pytest.mark.parametrize("attr", ["rcode", "answers", "tried"])
def test_dns_result_attributes(attr):
    assert hasattr(k8snet.Cluster(seed=0).resolve("kubernetes.default.svc.cluster.local"), attr)


def test_import_does_not_pull_in_the_notebook_stack():
    # `import k8snet` must stay light: graphviz/ipywidgets/IPython load only when pictures or
    # widgets are asked for.
    code = ("import sys, k8snet; c = k8snet.Cluster(); c.apply({'apiVersion': 'v1', 'kind': 'Service', "
            "'metadata': {'name': 'x'}, 'spec': {'ports': [{'port': 80}]}}); "
            "print(sorted(m for m in ('graphviz', 'ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _project_text_files():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[1]
    for pattern in ("k8snet/**/*.py", "docs/**/*.md", "notebooks/*.ipynb", "exercises/*.ipynb",
                    "exercises/*.md", "notebooks/*.md", "README.md", "tests/**/*.py"):
        yield from sorted(root.glob(pattern))


@pytest.mark.parametrize("needle", ["../shared", "/work/shared", "shared/contract.md"])
def test_nothing_points_outside_the_repository(needle):
    # The public API is documented in docs/API.md; the project must read whole on its own
    # (a clone holds nothing outside the repository).
    offenders = [str(p) for p in _project_text_files()
                 if needle in p.read_text(encoding="utf-8") and not p.name == "test_public_api.py"]
    assert offenders == [], f"{needle!r} found in {offenders}"


def test_api_doc_names_every_contract_method():
    import pathlib
    doc = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "API.md").read_text(encoding="utf-8")
    missing = [m for m in CONTRACT if m != "__init__" and f"{m}(" not in doc]
    assert missing == []
