"""Layer 4 at the Gateway and at the pod: TLS, TCP and UDP streams (``Cluster.connect``), and
HTTPS requests that reach a Gateway's TLS listener.

* At the Gateway (``gateway``): the listener and route are chosen by ``routing.route_l4``
  (SNI for TLS, the port for TCP and UDP); the Gateway then proxies the stream to one ready
  endpoint of the chosen Service, reading EndpointSlices as for HTTP (``l7``). In
  ``Passthrough`` mode the client's TLS session goes through untouched, so the backend sees the
  client's server name and holds the certificate; in ``Terminate`` mode the Gateway ends TLS
  with its listener's certificate and the backend gets the plain stream, or a new TLS session
  when a BackendTLSPolicy targets the Service (re-encryption, tlsroute_types.go). Refusals follow the
  route kinds' spec: a TCP connection without a route (or to an invalid backendRef) is
  refused, a TLS one reset, a UDP datagram dropped (no answer). No ready endpoint: the same.
* At the pod (``answer``): the app reads the stream and writes back what it writes
  (``workloads.stream_answer``); a TLS client meeting a plain-TCP port, or a plain client
  meeting a TLS port, fails the handshake.
"""
from __future__ import annotations

# Modules of the request path are imported as modules (see connect.py).
from . import deliver, l7, routing, workloads
from .response import Hop

__all__ = ["answer", "gateway", "stream_listener"]

_STREAM_PROTOCOLS = ("TLS", "TCP")


def stream_listener(gw: dict, port: int, protocol: str) -> bool:
    """Does ``gw`` take raw streams on ``port`` (a TLS, TCP or UDP listener, and no HTTP or HTTPS
    listener there that would take an HTTPS request)?"""
    protos = {l.get("protocol") for l in (gw.get("spec") or {}).get("listeners") or [] if l.get("port") == port}
    if protocol == "UDP":
        return "UDP" in protos
    return bool(protos & set(_STREAM_PROTOCOLS)) and not protos & {"HTTP", "HTTPS"}


def _backend_tls_policy(cluster, svc: dict, port: int):
    """The BackendTLSPolicy governing the hop to ``svc``:``port``, or None."""
    policies = list(cluster.store.items("BackendTLSPolicy"))
    if not policies:
        return None
    states = routing.backendtls.evaluate_policies(policies, list(cluster.store.items("ConfigMap")))
    return routing.backendtls.policy_for(policies, states, svc, port)


def answer(trip, pod: dict, app, container: dict, port: int, ref: str):
    """A pod accepted a raw stream on ``port``: what its app writes back."""
    tls_port = port in app.tls_ports
    if trip.sni is not None and app.kind == "echo-basic-tcp" and not tls_port:
        trip.fail("connection reset by peer", "pod", f"{ref}: the TLS handshake fails, {container['name']} speaks "
                  f"plain TCP on port {port} (its TLS port is {app.ports[-1][0] if app.tls_ports else 'not enabled'})")
    if trip.sni is None and tls_port:
        trip.fail("connection reset by peer", "pod", f"{ref}: {container['name']} expects a TLS handshake on port "
                  f"{port}; the plain stream is dropped")
    body = workloads.stream_answer(app, pod, port=port, payload=trip.payload, sni=trip.sni)
    what = "answers the datagram" if trip.protocol == "UDP" else \
        (f"ends TLS for {trip.sni} itself and " if trip.sni is not None else "") + \
        ("writes back " + (f"{len(body.splitlines())} line(s)" if body else "nothing (it waits for its client)"))
    trip.hops.append(Hop("container", f"{container['name']} (container port {port}) {what}"))
    return deliver.Result(None, body, [], pod=ref)


def gateway(trip, pod: dict, gw: dict, port: int, request: workloads.HTTPRequest | None):
    """The Gateway's data plane got a stream on listener ``port``; ``request`` is the HTTPS
    request it carries when the client was curl (None for ``connect()``)."""
    cluster = trip.cluster
    gw_name = f"{gw['metadata']['namespace']}/{gw['metadata']['name']}"
    sni = trip.sni
    routes = [r for kind in routing.l4route.L4_KINDS for r in cluster.store.items(kind)]
    d = routing.route_l4(gw, routes, list(cluster.store.items("Service")), list(cluster.store.items("ReferenceGrant")),
                         list(cluster.store.items("Namespace")), port=port, protocol=trip.protocol, sni=sni,
                         rng=cluster.lb_rng, secrets=list(cluster.store.items("Secret")))
    if d.error:
        trip.fail(d.error, "Gateway", f"{gw_name}: {d.reason}", d.explain)
    b = d.backend
    mode = f" ({d.tls_mode})" if d.tls_mode else ""
    svc = cluster.store.peek("Service", b.namespace, b.name)
    eps = l7._endpoints(cluster, svc, b.port, None)
    where = f"{gw_name} listener {d.listener}{mode}, {d.kind} {d.route}"
    if not eps:
        error = "connection timed out" if trip.protocol == "UDP" else d.error or (
            "connection reset by peer" if sni is not None else "connection refused")
        trip.fail(error, "Gateway", f"{where} -> {b}: no ready endpoint, the stream is closed", d.explain)
    ip, target_port, target = eps[cluster.lb_rng.randrange(len(eps))]
    trip.hops.append(Hop("Gateway", f"{where} -> {b} -> endpoint {ip}:{target_port} (1 of {len(eps)})"
                         + (", TLS ended here, the plain stream goes on" if d.tls_mode == "Terminate" else
                            ", the TLS stream goes through untouched" if d.tls_mode else ""), d.explain))
    upstream = request
    if d.tls_mode == "Terminate":
        trip.sni = None
        policy = _backend_tls_policy(cluster, svc, b.port)  # tlsroute_types.go: re-encryption
        if policy is not None and not policy.accepted:
            trip.fail("connection reset by peer", "Gateway", f"BackendTLSPolicy {policy.name} is not accepted "
                      f"({policy.accepted_reason}): the stream to {b} is closed")
        if policy is not None:
            trip.sni = policy.hostname
            trip.hops.append(Hop("Gateway", f"BackendTLSPolicy {policy.name}: TLS again to the backend, SNI "
                                            f"{policy.hostname}, its certificate checked against {policy.ca}"))
        if request is not None:
            upstream = workloads.HTTPRequest(method=request.method, host=request.host, path=request.path,
                                             headers=request.headers, client_ip=pod["status"]["podIP"],
                                             port=request.port, scheme="http")
    if target is None:
        deliver.refuse_gone(trip, ip, target_port, "Gateway")
    if upstream is None:  # the stream's source is the Gateway pod (NetworkPolicy sees that pod)
        upstream = workloads.HTTPRequest(method="CONNECT", host=trip.host, client_ip=pod["status"]["podIP"],
                                         port=target_port, scheme=trip.scheme)
    res = deliver.deliver(trip, target, target_port, pod["status"]["podIP"], via=svc, request=upstream)
    res.backend = f"{b.namespace}/{b.name}:{b.port}"
    return res
