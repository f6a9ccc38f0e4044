"""Serving a simulated cluster to real tools: ``cluster.serve()``.

A Kubernetes API server (kubectl and the ``kubernetes`` Python client use it unchanged),
NodePorts on ``127.0.0.1:<nodePort>``, and the cluster's DNS server — see docs/serve.md.
The server libraries (aiohttp) are imported only when a cluster is served: ``import
k8snet`` stays light.

The layout follows kube-apiserver's:

* :mod:`.requestinfo` reads a URL; :mod:`.registry` is the one mapping from
  (group, version, resource) to a stored kind;
* :mod:`.handlers` holds one module per verb (get/list, create, update, patch, delete, watch)
  over :mod:`.cacher` (the watch cache); :mod:`.table` prints server-side;
* :mod:`.discovery`, :mod:`.openapi`, :mod:`.status` (errors), :mod:`.auth`,
  :mod:`.kubeconfig`, :mod:`.nodeports`; :mod:`.streams` the pods' log/exec/attach/portforward;
* :mod:`.context` is what they share (cluster, lock, loop, token).
"""
from __future__ import annotations

import weakref

from ..errors import ServeError
from ..runtime import in_browser, is_loopback

__all__ = ["serve", "ServeError"]

# cluster -> its running server: a cluster is served at most once at a time.
_SERVING: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _release(cluster, server) -> None:
    if _SERVING.get(cluster) is server:
        del _SERVING[cluster]


#: The server libraries (pyproject's ``serve`` extra) and what each is for.
SERVER_LIBRARIES = {"aiohttp": "HTTP, WebSocket and TLS", "cryptography": "the serving certificate"}


def _require_server_libraries() -> None:
    """A clear ServeError when the ``serve`` extra is not installed (a plain ``pip install
    k8snet``), instead of an ImportError from deep inside."""
    import importlib.util
    missing = [name for name in SERVER_LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        raise ServeError(f"cluster.serve() needs {' and '.join(missing)} ("
                         f"{'; '.join(SERVER_LIBRARIES[m] for m in missing)}): pip install 'k8snet[serve]' "
                         f"(requirements.txt and ./course start install them)")


def serve(cluster, host: str = "127.0.0.1", port: int = 0, *, kubeconfig: str | None = None):
    """Start serving ``cluster`` (see :meth:`k8snet.Cluster.serve`)."""
    if in_browser():
        raise ServeError("cluster.serve() needs a real machine: it opens network ports for kubectl, curl and "
                         "dig, which a browser (JupyterLite) cannot. Open the course in a local JupyterLab or "
                         "on Binder to use it.")
    if not is_loopback(host):
        raise ServeError(f"serve(host={host!r}): the simulated cluster is served on loopback only "
                         f"(127.0.0.1): it is for the tools on this machine only")
    running = _SERVING.get(cluster)
    if running is not None:
        raise ServeError(f"this cluster is already served at {running.url}: call server.stop() first "
                         f"(one cluster, one API server)")
    _require_server_libraries()
    from .server import Server
    with cluster.lock:
        cluster.clock.follow_wall()
    try:
        server = Server(cluster, host, port, kubeconfig=kubeconfig)
    except BaseException:
        with cluster.lock:
            cluster.clock.stop_following()
        raise
    _SERVING[cluster] = server
    from ..controllers import nodelease
    with cluster.lock:
        nodelease.renew(cluster)  # the node Leases exist as soon as kubectl can ask for them
    return server
