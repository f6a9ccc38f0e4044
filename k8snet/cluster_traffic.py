"""What a cluster lets you send through it, and what NetworkPolicy allows: ``request()``
(HTTP), ``connect()`` (TCP, TLS, UDP), ``traffic()`` (a stream of requests while something
happens), ``allowed()`` and ``connectivity()``.  A mixin of ``Cluster``: the methods run under
the cluster's lock like every public method (see ``cluster.py``).
"""
from __future__ import annotations

from typing import Iterable

from .clusterargs import choice as _choice, names as _names
from .errors import UsageError, require

__all__ = ["ClusterTraffic"]

_DATAPATH: list = []  # the datapath module, imported on the first request (not at ``import k8snet``)


def _load_datapath():
    from . import datapath
    _DATAPATH.append(datapath)
    return datapath


def _check_request(url, method, from_pod, from_node, from_internet, headers) -> None:
    """``request()``'s argument checks, worded as every public method's (errors.require)."""
    require("request()", "url", url, (str,), "a URL such as 'http://web'")
    require("request()", "method", method, (str,), "an HTTP method such as 'GET'")
    for arg, value in (("from_pod", from_pod), ("from_node", from_node)):
        require("request()", arg, value, (str, type(None)), "a name")
    require("request()", "from_internet", from_internet, (bool,), "True or False")
    require("request()", "headers", headers, (dict, type(None)), "a dict of header names and values")
    for k, v in (headers or {}).items():
        require("request()", "a header name", k, (str,), "text")
        require("request()", f"header {k}", v, (str, int), "text")


class ClusterTraffic:
    """``Cluster``'s traffic and NetworkPolicy questions (see docs/API.md)."""

    # -- NetworkPolicy ---------------------------------------------------------------
    def allowed(self, src: str, dst: str, port: int, protocol: str = "TCP"):
        """Would NetworkPolicy, as this cluster's CNI enforces it, let ``src`` ("ns/pod")
        open a connection to ``dst`` on ``port``?  A truthy ``Verdict`` with ``.reason``."""
        from . import netpol
        require("allowed()", "src", src, (str,), "a pod as 'namespace/name'")
        require("allowed()", "dst", dst, (str,), "a pod as 'namespace/name'")
        require("allowed()", "port", port, (int,), "a port number")
        require("allowed()", "protocol", protocol, (str,), "TCP, UDP or SCTP")
        return netpol.evaluate(list(self.store.items("NetworkPolicy")), list(self.store.items("Pod")),
                               list(self.store.items("Namespace")), src=src, dst=dst, port=port,
                               protocol=protocol, cni=self.cni)

    def connectivity(self, *, namespaces: Iterable[str] | None = None, ports: Iterable[int] = (80,),
                     protocol: str = "TCP"):
        """The NetworkPolicy connectivity matrix between the pods of ``namespaces`` (default:
        every namespace but the system ones): ``.to_text()``, ``.to_graph()``."""
        from . import netpol
        namespaces = _names("connectivity()", "namespaces", namespaces)
        if isinstance(ports, int) and not isinstance(ports, bool):
            ports = (ports,)
        require("connectivity()", "ports", ports, (list, tuple, set, frozenset, range), "a list of port numbers")
        for port in ports:
            require("connectivity()", "ports[]", port, (int,), "a port number")
        require("connectivity()", "protocol", protocol, (str,), "TCP, UDP or SCTP")
        system = {"kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "k8snet-gateway-system"}
        pods = [p for p in self.store.items("Pod")
                if (namespaces is None and p["metadata"]["namespace"] not in system)
                or (namespaces is not None and p["metadata"]["namespace"] in set(namespaces))]
        pods = [p for p in pods if (p.get("status") or {}).get("podIP") and not p["metadata"].get("deletionTimestamp")]
        return netpol.matrix(list(self.store.items("NetworkPolicy")), pods, list(self.store.items("Namespace")),
                             ports=tuple(ports), protocol=protocol, cni=self.cni)

    # -- traffic ------------------------------------------------------------------------
    def request(self, url: str, *, from_pod: str | None = None, from_node: str | None = None,
                from_internet: bool = False, method: str = "GET", headers: dict | None = None):
        """Send an HTTP request and follow it through DNS, load balancers, kube-proxy,
        NetworkPolicy and controllers to the container that answers (see ``Response``)."""
        datapath = _DATAPATH[0] if _DATAPATH else _load_datapath()
        # The arguments of a widget's burst of requests are plain str/None/bool: one look at
        # their types; anything else gets each argument's own check (and its error).
        if not (type(url) is str and type(method) is str and type(from_internet) is bool and headers is None
                and (from_pod is None or type(from_pod) is str) and (from_node is None or type(from_node) is str)):
            _check_request(url, method, from_pod, from_node, from_internet, headers)
        return datapath.request(self, url, from_pod=from_pod, from_node=from_node, from_internet=from_internet,
                                method=method, headers=headers)

    def connect(self, host: str, port: int, *, protocol: str = "TCP", tls: bool = False,
                server_name: str | None = None, send: str | None = None, from_pod: str | None = None,
                from_node: str | None = None, from_internet: bool = False):
        """Open a TCP connection (``nc host port``), a TLS one (``tls=True``: ``openssl s_client
        -servername``) or send a UDP datagram (``protocol="UDP"``) and follow it to the pod that
        takes it, as ``request()`` does for HTTP. ``send``: the lines the client writes (the
        datagram, for UDP). Returns a ``Response`` without ``status``: ``body`` is what the
        server wrote back, ``ok`` says a pod accepted it (see ``datapath.connect_stream``)."""
        from . import datapath
        require("connect()", "host", host, (str,), "a name or address such as 'db.example.com'")
        require("connect()", "port", port, (int,), "a port number from 1 to 65535")
        if isinstance(port, bool) or not 1 <= port <= 65535:
            raise UsageError(f"connect(): port {port!r} is not a port number from 1 to 65535")
        _choice("protocol", protocol, ("TCP", "UDP"))
        require("connect()", "tls", tls, (bool,), "True or False")
        if tls and protocol == "UDP":
            raise UsageError("connect(): tls=True needs protocol='TCP' (TLS runs over TCP)")
        for arg, value in (("server_name", server_name), ("send", send), ("from_pod", from_pod),
                           ("from_node", from_node)):
            require("connect()", arg, value, (str, type(None)), "text")
        require("connect()", "from_internet", from_internet, (bool,), "True or False")
        return datapath.connect_stream(self, host, port, protocol=protocol, tls=tls, server_name=server_name,
                                       send=send, from_pod=from_pod, from_node=from_node, from_internet=from_internet)

    def traffic(self, url: str, *, from_pod: str | None = None, from_node: str | None = None,
                from_internet: bool = False, rate: float = 10, duration: float = 20, during=None,
                at: float = 1.0, request_time: float = 0.05, method: str = "GET", headers: dict | None = None):
        """Send a steady stream of requests while something happens, and get each one's outcome.

        ``rate`` requests a second for ``duration`` simulated seconds go to ``url`` from the
        client (as ``request``: ``from_pod``, ``from_node``, ``from_internet``; none = a client
        pod), through a Service, an Ingress or a Gateway.  ``during`` is what happens meanwhile:
        a callable (it gets the cluster), a kubectl command line (``"rollout restart
        deployment/web"``, ``"drain node-1 --ignore-daemonsets"``), run ``at`` seconds after the
        start, or a list of ``(seconds, action)``.  The clock runs between requests: rollouts,
        probes and graceful shutdowns progress, and EndpointSlice changes reach kube-proxy and
        the Ingress controller / Gateway after their propagation delay (k8snet.propagation).
        Each request lasts ``request_time`` seconds; a pod killed meanwhile resets it.

        Returns a ``Traffic``: ``.samples`` (``t``, ``status``, ``error``, ``pod``, ``where``,
        ``why``), ``.errors``, ``.by_cause()``, ``.timeline(bucket)``, ``.summary()``; in a
        notebook it shows as a timeline chart.  Impossible parameters raise ``UsageError``
        (``rate`` up to 1000/s, ``duration`` up to 3600 s, at most 100,000 requests)."""
        from . import traffic
        return traffic.run(self, url, from_pod=from_pod, from_node=from_node, from_internet=from_internet,
                           rate=rate, duration=duration, during=during, at=at, request_time=request_time,
                           method=method, headers=headers)
