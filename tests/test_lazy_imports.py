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


@pytest.mark.parametrize("name, code, absent, rule", ROWS, ids=[r[0] for r in ROWS])
def test_server_libraries_are_imported_lazily(name, code, absent, rule):
    probe = f"import sys\n{code}\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {absent!r} or m in {absent!r}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", (rule, out.stdout, out.stderr)


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
