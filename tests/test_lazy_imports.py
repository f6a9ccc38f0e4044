"""Server libraries load only when something is served (STYLE: ``import k8snet`` stays light,
and the JupyterLite site has no aiohttp, cryptography or sockets to give).

Each row runs in a fresh interpreter (this test process has imported everything already).
"""
from __future__ import annotations

import subprocess
import sys

import pytest

SERVER_MODULES = ("aiohttp", "cryptography", "socketserver", "k8snet.serve", "k8snet.dns.server")

# (id, code run after `import sys`, modules that must not be imported, rule)
ROWS = [
    ("import k8snet", "import k8snet", SERVER_MODULES, "k8snet/__init__.py: Cluster is a lazy attribute"),
    ("import k8snet.dns", "import k8snet.dns", SERVER_MODULES,
     "k8snet.dns: serve and DNSServer are lazy attributes (PEP 562 module __getattr__)"),
    ("resolve and nslookup", "from k8snet import Cluster\nc = Cluster(seed=1)\n"
     "c.resolve('kubernetes.default.svc.cluster.local')\nc.kubectl('get pods -A')", SERVER_MODULES,
     "answering DNS needs no socket server"),
    ("a request and a kubectl exec", "from k8snet import Cluster\nc = Cluster(seed=1)\nc.request('http://x')",
     SERVER_MODULES, "the data path is pure"),
]


# Engines of features a plain cluster does not use load when the feature is first used
# (issue 16: the browser runs the first cell's import in Pyodide, about 3x slower).
FEATURE_MODULES = ("k8snet.routing.ingress", "k8snet.routing.httproute", "k8snet.routing.listenerset",
                   "k8snet.apiserver.validation.gateway", "k8snet.apiserver.validation.metallb",
                   "k8snet.apiserver.validation.crd", "k8snet.proxy.nftables", "k8snet.proxy.ipvs_ipset",
                   "k8snet.proxy.ipvs_iptables")
_PLAIN = ("from k8snet import Cluster\nc = Cluster(seed=1)\nc.apply({'apiVersion': 'v1', 'kind': 'Service', "
          "'metadata': {'name': 'web'}, 'spec': {'selector': {'app': 'web'}, 'ports': [{'port': 80}]}})\n"
          "c.request('http://web')\nc.resolve('web.default.svc.cluster.local')")
ROWS += [
    ("a plain cluster and a request", _PLAIN, FEATURE_MODULES,
     "routers, CRD schemas, other proxy modes' backends and addon controllers load on first use"),
    # kubeadm's ConfigMaps (kubeadm-config, kubelet-config, kube-proxy) are go-yaml text written
    # by goyaml.py, outside the kubectl package (issue 16: every widget builds a fresh cluster).
    ("a cluster built, used and settled", _PLAIN + "\nc.advance(10)", ("k8snet.kubectl",),
     "kubectl's printers load when a kubectl command runs, not for Cluster() (bootstrap.py, kubeadmconfig.py)"),
]

# (id, code, a module that must then be imported, the feature that loads it)
USED = [
    ("a request through an Ingress", "from k8snet import Cluster\nc = Cluster(seed=1, addons=['ingress-nginx'])\n"
     "c.apply({'apiVersion': 'networking.k8s.io/v1', 'kind': 'Ingress', 'metadata': {'name': 'web'}, 'spec': "
     "{'ingressClassName': 'nginx', 'defaultBackend': {'service': {'name': 'web', 'port': {'number': 80}}}}})\n"
     "c.request('http://' + c.get('ingress', 'web')['status']['loadBalancer']['ingress'][0]['ip'])",
     "k8snet.routing.ingress", "the Ingress controller routes it (l7.py)"),
    ("the gateway addon", "from k8snet import Cluster\nCluster(seed=1, addons=['gateway'])",
     "k8snet.apiserver.validation.gateway", "GatewayClass defaulting reads the CRD schemas"),
    ("proxy_mode=nftables", "from k8snet import Cluster\nCluster(seed=1, proxy_mode='nftables').nft('node-1')",
     "k8snet.proxy.nftables", "an nftables-mode kube-proxy"),
    ("proxy_mode=ipvs", "from k8snet import Cluster\nCluster(seed=1, proxy_mode='ipvs').ipset('node-1')",
     "k8snet.proxy.ipvs_ipset", "an ipvs-mode kube-proxy"),
]


def _fresh(code: str, expression: str) -> tuple[str, str]:
    """Run ``code`` in a fresh interpreter (this test process has imported everything already)
    and give what ``print(expression)`` printed after it, and stderr."""
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint({expression})"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip(), out.stderr


@pytest.mark.parametrize("name, code, module, feature", USED, ids=[r[0] for r in USED])
def test_a_feature_loads_its_modules_when_used(name, code, module, feature):
    printed, stderr = _fresh(code, f"{module!r} in sys.modules")
    assert printed == "True", (feature, printed, stderr)


def test_crd_kinds_are_the_schemas_kinds():
    """``validation.CRD_KINDS`` (known without building the schemas) names exactly the kinds of
    the one schema table, so no custom resource is defaulted or validated as a built-in."""
    from k8snet.apiserver.validation import CRD_KINDS, gateway
    assert CRD_KINDS == set(gateway.SCHEMAS)


def test_the_lazy_routing_names_resolve():
    """Every name of ``k8snet.routing.__all__`` is the object its module defines."""
    import importlib

    import k8snet.routing as routing
    for name in routing.__all__:
        module = importlib.import_module(f"k8snet.routing.{routing._WHERE[name]}")
        assert getattr(routing, name) is getattr(module, name), name
    assert routing.listenerset is importlib.import_module("k8snet.routing.listenerset")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        routing.nope


@pytest.mark.parametrize("name, code, absent, rule", ROWS, ids=[r[0] for r in ROWS])
def test_server_libraries_are_imported_lazily(name, code, absent, rule):
    printed, stderr = _fresh(code, f"sorted(m for m in sys.modules if m.split('.')[0] in {absent!r} or m in {absent!r})")
    assert printed == "[]", (rule, printed, stderr)


def test_the_lazy_names_still_resolve():
    """``from k8snet.dns import serve, DNSServer`` keeps working (docs/API.md)."""
    from k8snet.dns import DNSServer, serve
    from k8snet.dns.server import DNSServer as real, serve as real_serve
    assert (serve, DNSServer) == (real_serve, real)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        import k8snet.dns
        k8snet.dns.nope


def test_serving_without_the_serve_extra_says_what_to_install(monkeypatch):
    """A plain ``pip install k8snet`` lacks aiohttp and cryptography (pyproject's ``serve``
    extra): serve() says so and changes nothing (the clock keeps not following the wall)."""
    import importlib.util

    from k8snet import Cluster
    from k8snet.errors import ServeError
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "aiohttp" else real(name, *a))
    c = Cluster(seed=1)
    with pytest.raises(ServeError, match=r"needs aiohttp \(HTTP, WebSocket and TLS\): pip install 'k8snet\[serve\]'"):
        c.serve()
    assert not c.clock.follows_wall
