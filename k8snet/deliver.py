"""The last stretch of ``request()``: from the pod's node into the pod and its app.

:func:`deliver` is where every path of ``connect.py`` (a Service's endpoint, a pod IP, a
hostPort, a load balancer's ip target) and of the controllers (``l7.py``, ``l4.py``) ends:
the NetworkPolicy verdict the CNI enforces, the node that hosts the pod, the container port
that listens (or the reason nothing does), then the app's answer.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

# Modules of the request path are imported as modules (see connect.py).
from . import connect, l4, l7, netpol, podlogs, workloads
from .families import join_host_port as _hp
from .response import REFUSED, TIMED_OUT, Hop

__all__ = ["Result", "deliver", "refuse_gone", "http_request"]


@dataclass
class Result:
    """What came back over the connection: the HTTP answer (or a stream's reply), with the
    Service backend (``namespace/name:port``) and the pod (``namespace/name``) that gave it."""

    status: int
    body: str
    headers: list = field(default_factory=list)
    backend: str | None = None
    pod: str | None = None


def _allowed(cluster, src, dst, port, protocol="TCP"):
    """NetworkPolicy's verdict, remembered until the store changes (a burst of requests
    between the same pods asks the same question again and again)."""
    if not isinstance(dst, str) or not (isinstance(src, str) or isinstance(src, dict)):
        return _evaluate(cluster, src, dst, port, protocol)
    version, cache = cluster.__dict__.get("_verdicts", (None, {}))
    if version != cluster.store.version:  # any write may change a verdict: start afresh
        version, cache = cluster.store.version, {}
        cluster._verdicts = (version, cache)
    if isinstance(src, dict):  # a throw-away client pod: its verdicts depend on its namespace, labels, IP
        meta = src.get("metadata") or {}
        src_key = ("throw-away", meta.get("namespace"), tuple(sorted((meta.get("labels") or {}).items())),
                   (src.get("status") or {}).get("podIP"))
        key = (src_key, dst, port, protocol)
        if key not in cache:
            cache[key] = _evaluate(cluster, src, dst, port, protocol)
        return cache[key]
    key = (src, dst, port, protocol)
    if key not in cache:
        cache[key] = _evaluate(cluster, src, dst, port, protocol)
    return cache[key]


def _evaluate(cluster, src, dst, port, protocol):
    return netpol.evaluate(list(cluster.store.items("NetworkPolicy")), list(cluster.store.items("Pod")),
                           list(cluster.store.items("Namespace")), src=src, dst=dst, port=port,
                           protocol=protocol, cni=cluster.cni)



class _Plan:
    """What :func:`deliver` finds for one connection that only the objects decide: the pod's
    node, the NetworkPolicy verdict, the listening container, and the hops that say so.
    Kept per store version (see :func:`_plan`); the kubelet, the clock and the app's answer
    are asked on every connection."""

    __slots__ = ("pod", "ref", "node", "at", "verdict", "policy_hop", "app", "container", "accept_hop", "answered")

    def __init__(self, pod, ref, node, at, verdict, app, container, protocol, port):
        self.pod, self.ref, self.node, self.at, self.verdict = pod, ref, node, at, verdict
        self.app, self.container, self.answered = app, container, {}
        self.policy_hop = (Hop("NetworkPolicy", f"allowed into {ref}:{port}", verdict.reason)
                           if verdict is not None and verdict and (verdict.ingress_policies or verdict.egress_policies)
                           else None)
        self.accept_hop = None if app is None else Hop(
            "pod", f"{ref} ({at}) accepts on port {port}" + ("/UDP" if protocol == "UDP" else "")
            + f" ({container['name']}: {app.kind})")


def _plan(trip, pod: dict, port: int, src_ip: str, proxied: bool, loopback: bool, at: str | None) -> _Plan:
    """The :class:`_Plan` of a connection to ``pod``:``port`` from ``src_ip`` (``proxied``: by
    a controller pod), remembered until the store changes when ``pod`` is the stored object
    (stored objects are never changed in place)."""
    cluster, client = trip.cluster, trip.client
    memo = l7.memo(cluster, "deliver")
    key = (id(pod), port, src_ip, proxied, loopback, at, trip.protocol, client.ref, client.ips)
    plan = memo.get(key)
    if plan is not None and plan.pod is pod:
        return plan
    meta = pod["metadata"]
    at = at or pod["status"]["podIP"]
    ref = f"{meta['namespace']}/{meta['name']}"
    verdict = None
    same_pod = client.pod is not None and client.pod["metadata"].get("uid") == meta.get("uid")
    if not same_pod:
        src = src_ip
        if client.pod is not None and src_ip == client.pod["status"].get("podIP"):
            src = client.ref if client.pod["metadata"].get("uid") else client.pod
        elif client.pod is not None and src_ip in client.ips and not client.pod["metadata"].get("uid"):
            src = {**client.pod, "status": {**client.pod["status"], "podIP": src_ip}}
        if proxied:  # proxied by a controller pod: the source is that pod
            src = _pod_by_ip(cluster, src_ip) or src_ip
        # Over a pod's other family the policy sees that address (an ipBlock matches it): a
        # stored pod is named by the IP, which NetworkPolicy's context maps back to the pod.
        verdict = _allowed(cluster, src, ref if at == pod["status"]["podIP"] else at, port, trip.protocol)
    # An app bound to 127.0.0.1 accepts only connections *to* 127.0.0.1: even from inside its
    # own pod, a connection to the pod IP is refused.
    app, container = _listener(pod, port, loopback, cluster, trip.protocol)
    plan = _Plan(pod, ref, pod["spec"].get("nodeName"), at, verdict, app, container, trip.protocol, port)
    if cluster.store.peek("Pod", meta.get("namespace", ""), meta.get("name", "")) is pod:
        if len(memo) >= 4096:  # many clients or ports: start afresh rather than grow without end
            memo.clear()
        memo[key] = plan
    return plan


def deliver(trip, pod: dict, port: int, src_ip: str, *, via: dict | None,
            request: workloads.HTTPRequest | None = None, loopback: bool = False, at: str | None = None) -> Result:
    """The last stretch: NetworkPolicy, the pod's node, the container port, the app.
    ``loopback``: the connection is to 127.0.0.1 from inside the pod itself; ``at``: the pod
    address dialled (one of its ``podIPs``; default its ``podIP``)."""
    cluster = trip.cluster
    plan = _plan(trip, pod, port, src_ip, request is not None, loopback, at)
    ref, at = plan.ref, plan.at
    if not cluster.controllers.kubelet_up.get(plan.node, False):
        trip.fail(TIMED_OUT, "node", f"{plan.node} hosting {ref} is down: no reply")
    v = plan.verdict
    if v is not None and not v:
        trip.fail(TIMED_OUT, "NetworkPolicy", f"{cluster.cni} drops the connection to {ref}:{port}", v.reason)
    if plan.policy_hop is not None:
        trip.hops.append(plan.policy_hop)
    app, container = plan.app, plan.container
    why = cluster.controllers.refusal(pod) if app is not None else None
    if why:  # still starting, or shutting down (controllers/termination.py)
        trip.fail(REFUSED, "pod", f"{ref} ({at}) refuses port {port}: {why}")
    if app is None:
        listening = sorted({f"{p}/{proto}" for c in pod["spec"]["containers"]
                            for p, proto in workloads.app_for(pod, c).ports})
        why = ("nothing in it listens" if not listening else f"its containers listen on {', '.join(listening)}")
        crashed = any(workloads.app_for(pod, c).crash for c in pod["spec"]["containers"])
        if crashed:
            why = "its container is crash-looping (CrashLoopBackOff): no process listens"
        elif any(workloads.app_for(pod, c).bind == "127.0.0.1" for c in pod["spec"]["containers"]):
            why = "the app listens on 127.0.0.1 only, so connections to the pod IP are refused"
        trip.fail(REFUSED, "pod", f"{ref} ({at}) refuses port {port}: {why}")
    trip.hops.append(plan.accept_hop)
    req = request or http_request(trip.method, trip.host if trip.port in (80, 443) else f"{trip.host}:{trip.port}",
                                  trip.path, tuple(trip.headers.items()), src_ip, port, trip.scheme)
    if app.kind in ("ingress-nginx", "gateway"):
        return l7.route(trip, pod, app, port, req, via)
    if trip.scheme in ("tcp", "udp", "tls"):  # a raw stream (Cluster.connect), not HTTP
        return l4.answer(trip, pod, app, container, port, ref)
    if app.kind == "echo-basic-tcp":  # not an HTTP server: it greets first, with no status line
        trip.fail("Received HTTP/0.9 when not allowed", "container", f"{container['name']} (container port {port}) "
                  f"speaks its own TCP protocol: it writes {workloads.TCP_WELCOME!r}, no HTTP status line")
    if port in app.tls_ports and req.scheme == "http":  # plain HTTP to a TLS port: Go's net/http says 400
        ans = workloads.HTTPAnswer(400, workloads.GO_HTTP_TO_HTTPS)
    else:
        ans = workloads.answer(app, pod, req)
    podlogs.served(cluster, pod, container, app, req, ans)  # the app's access-log line
    hop = plan.answered.get(ans.status)
    if hop is None:
        hop = plan.answered[ans.status] = Hop("container", f"{container['name']} (container port {port}) answers "
                                                           f"HTTP {ans.status}")
    trip.hops.append(hop)
    return Result(ans.status, ans.body, list(ans.headers), pod=ref)


def http_request(method: str, host: str, path: str, headers: tuple, client_ip: str, port: int,
                 scheme: str) -> workloads.HTTPRequest:
    """The ``workloads.HTTPRequest`` of these fields: one frozen object for a burst of the same
    request (a canary sends hundreds), made afresh when a header value cannot be hashed."""
    try:
        return _http_request(method, host, path, headers, client_ip, port, scheme)
    except TypeError:
        return workloads.HTTPRequest(method, host, path, headers, client_ip, port, scheme)


@functools.lru_cache(maxsize=1024)
def _http_request(method, host, path, headers, client_ip, port, scheme) -> workloads.HTTPRequest:
    return workloads.HTTPRequest(method, host, path, headers, client_ip, port, scheme)


def refuse_gone(trip, ip: str, port: int, component: str):
    """A stale rule or upstream list still names a pod that has exited: nothing listens there."""
    ref, term = trip.cluster.controllers.gone_ips[ip]
    ago = trip.cluster.now - term.exit
    trip.fail(REFUSED, "pod", f"{_hp(ip, port)} was {ref}, whose app exited {ago:.2f}s earlier; "
              f"the {component} still had it as an endpoint (the change had not reached it yet)")


def _pod_by_ip(cluster, ip: str):
    pod = connect._index(cluster)["pod"].get(ip)
    return f"{pod['metadata']['namespace']}/{pod['metadata']['name']}" if pod else None


def _listener(pod: dict, port: int, loopback: bool, cluster=None, protocol: str = "TCP"):
    """(app, container) that accepts ``port``/``protocol`` in ``pod``, or (None, None).

    For a stored pod the answer is kept until the store changes (stored objects are never
    changed in place, so the same version means the same containers and annotations)."""
    meta = pod["metadata"]
    if cluster is None or cluster.store.peek("Pod", meta.get("namespace", ""), meta.get("name", "")) is not pod:
        return _find_listener(pod, port, loopback, protocol)
    cache = cluster.__dict__.get("_listeners")
    if cache is None or cache[0] != cluster.store.version:
        cache = cluster.__dict__["_listeners"] = (cluster.store.version, {})
    key = (meta["namespace"], meta["name"], port, loopback, protocol)
    if key not in cache[1]:
        cache[1][key] = _find_listener(pod, port, loopback, protocol)
    return cache[1][key]


def _find_listener(pod: dict, port: int, loopback: bool, protocol: str = "TCP"):
    for c in pod["spec"]["containers"]:
        app = workloads.app_for(pod, c)
        if app.kind == "gateway" and not app.crash:
            return app, c
        if app.listens(port, protocol, from_inside_pod=loopback):
            return app, c
    return None, None
