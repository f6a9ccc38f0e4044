"""Layer 7: the Ingress controller and the Gateway route, then proxy to a backend pod.

Both controllers proxy *to endpoints*, not to the Service's ClusterIP (ingress-nginx and
Envoy read EndpointSlices and balance themselves), so kube-proxy is not on this stretch of
the path.  No ready endpoint: ingress-nginx answers 503 Service Temporarily Unavailable;
Envoy answers 503 ``no healthy upstream``.
"""
from __future__ import annotations

import dataclasses
import uuid

# Modules of the request path are imported as modules (see connect.py).
from . import datapath, deliver, l4, routing, workloads
from .addons import GATEWAY_CONTROLLER, INGRESS_CONTROLLER
from .response import Hop

__all__ = ["route", "ready_endpoints", "memo"]

NGINX_503 = ("<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>\n"
             "<center><h1>503 Service Temporarily Unavailable</h1></center>\n<hr><center>nginx</center>\n"
             "</body>\n</html>\n")
NGINX_404 = ("<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n"
             "<hr><center>nginx</center>\n</body>\n</html>\n")
NGINX_308 = ("<html>\n<head><title>308 Permanent Redirect</title></head>\n<body>\n"
             "<center><h1>308 Permanent Redirect</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")


# The controllers render their configuration when objects change, not per request. Each
# store keeps its compiled routing indexes with the store version they were built at (in an
# attribute of the store: asked several times per request, a WeakKeyDictionary's lookup was
# a visible share); any write bumps the version, and the next request rebuilds what it needs.
def _built(store) -> dict:
    """Everything the data plane built from ``store``'s current version (emptied by a write)."""
    version, built = store.__dict__.get("_data_plane", (None, None))
    if version != store._version:  # the attribute, not the property: asked several times per request
        built = {}
        store.__dict__["_data_plane"] = (store._version, built)
    return built


def _index(cluster, key: tuple, build):
    """The routing index ``key`` of ``cluster``'s current objects (``build()`` when stale)."""
    built = _built(cluster.store)
    if key not in built:
        built[key] = build()
    return built[key]


def memo(cluster, name: str) -> dict:
    """A dict for what stage ``name`` of the request path remembers about ``cluster``'s
    current objects: empty again after any write to the store."""
    built = _built(cluster.store)
    got = built.get(name)
    if got is None:
        got = built[name] = {}
    return got


def ready_endpoints(cluster, svc: dict, port) -> list[tuple[dict, int]]:
    """(pod, target port) for each ready endpoint of ``svc``'s port (number or name)."""
    return [(pod, p) for _, p, pod in _endpoints(cluster, svc, port, None) if pod is not None]


def _endpoints(cluster, svc: dict, port, slices) -> list[tuple[str, int, dict | None]]:
    """(IP, target port, pod or None when it is gone) of each ready endpoint, from ``slices``
    (default: the stored EndpointSlices)."""
    sp = next((p for p in svc["spec"].get("ports") or [] if p["port"] == port or p.get("name") == port), None)
    if sp is None:
        return []
    out = []
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    if slices is None:
        slices = sorted(cluster.store.items("EndpointSlice", ns), key=lambda s: s["metadata"]["name"])
    for s in slices:
        if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != name:
            continue
        slice_port = next((p["port"] for p in s.get("ports") or [] if p.get("name", "") == sp.get("name", "")), None)
        if slice_port is None:
            continue
        for e in s.get("endpoints") or []:
            if (e.get("conditions") or {}).get("ready") is False:
                continue
            ref = e.get("targetRef") or {}
            pod = cluster.store.peek("Pod", ref.get("namespace", ns), ref.get("name", ""))
            if pod is not None and (pod.get("status") or {}).get("podIP") != e["addresses"][0]:
                pod = None
            if pod is not None or e["addresses"][0] in cluster.controllers.gone_ips:
                out.append((e["addresses"][0], slice_port, pod))
    return out


def route(trip, pod: dict, app, port: int, req: workloads.HTTPRequest, via: dict | None):
    """The controller pod got the connection: route and proxy."""
    if trip.scheme in ("tcp", "udp", "tls") and app.kind == "ingress-nginx":  # a raw stream to nginx
        container = next(c for c in pod["spec"]["containers"] if workloads.app_for(pod, c).kind == app.kind)
        return l4.answer(trip, pod, app, container, port, f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    if app.kind == "ingress-nginx":
        return _ingress(trip, pod, port, req)
    return _gateway(trip, pod, port, req, via)


def _answer(status, body, headers=(), pod=None, backend=None):
    return deliver.Result(status, body, list(headers), backend=backend, pod=pod)


#: ingress-nginx's proxy-next-upstream "error timeout" with proxy-next-upstream-tries 3: a
#: connection error moves the request to another upstream; Envoy (the Gateway) retries nothing.
NEXT_UPSTREAM_TRIES = {"Ingress controller": 3, "Gateway": 1}
NGINX_502 = ("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
             "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")
NGINX_504 = ("<html>\n<head><title>504 Gateway Time-out</title></head>\n<body>\n"
             "<center><h1>504 Gateway Time-out</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")
ENVOY_CONNECT_ERROR = ("upstream connect error or disconnect/reset before headers. reset reason: remote connection "
                       "failure, transport failure reason: delayed connect error: Connection refused")
#: Envoy's answer when its TLS handshake with the upstream fails (BoringSSL reads plain HTTP).
ENVOY_TLS_ERROR = ("upstream connect error or disconnect/reset before headers. reset reason: remote connection "
                   "failure, transport failure reason: TLS_error:|268435703:SSL routines:OPENSSL_internal:"
                   "WRONG_VERSION_NUMBER:TLS_error_end")
TLS_FAILED = "TLS handshake failed"


def _proxy(trip, controller_pod: dict, svc: dict, svc_port, req: workloads.HTTPRequest, component: str,
           unavailable_body: str):
    cluster = trip.cluster
    lag = getattr(cluster, "propagation", None)
    if lag is not None and lag.active:  # the controller's view lags the API (propagation.py)
        backend = _backend_ref(svc, svc_port)
        eps = _endpoints(cluster, svc, svc_port, lag.l7_slices(svc["metadata"]["namespace"]))
    else:  # like the controller's own view of the EndpointSlices: rebuilt when the objects change
        built = memo(cluster, "upstreams")
        got = built.get((id(svc), svc_port))
        if got is None or got[0] is not svc:
            backend = _backend_ref(svc, svc_port)
            got = built[(id(svc), svc_port)] = (svc, backend, _endpoints(cluster, svc, svc_port, None))
        _, backend, eps = got
    if not eps:
        trip.hops.append(_hop(component, f"{backend} has no ready endpoints: answers 503", ok=False))
        headers = (workloads.nginx_headers("text/html", unavailable_body, server="nginx")
                   if component == "Ingress controller" else [("Content-Type", "text/plain")])
        return _answer(503, unavailable_body, headers, backend=backend)
    left, tries, failure = list(eps), NEXT_UPSTREAM_TRIES.get(component, 1), None
    hops = memo(cluster, "proxy hops")
    for attempt in range(min(tries, len(left))):
        ip, target_port, target = left.pop(cluster.lb_rng.randrange(len(left)))
        key = (component, backend, ip, target_port, len(eps), attempt)
        hop = hops.get(key)
        if hop is None:
            hop = hops[key] = _hop(component, f"proxies to {backend} -> endpoint {ip}:{target_port} "
                                              f"(1 of {len(eps)})" + (f", try {attempt + 1}" if attempt else ""))
        trip.hops.append(hop)
        try:
            if target is None:
                deliver.refuse_gone(trip, ip, target_port, component)
            if req.scheme == "https" and component == "Gateway":  # BackendTLSPolicy: TLS to the pod
                _tls_handshake(trip, target, target_port)
            res = deliver.deliver(trip, target, target_port, controller_pod["status"]["podIP"], via=svc, request=req)
        except datapath.Failed as f:  # the upstream failed: the proxy answers the client itself
            trip.hops.append(f.hop)
            failure = f
            continue
        res.backend = backend
        return res
    timed_out = failure.error == "connection timed out"
    if component == "Gateway":
        status, body = (504, "upstream request timeout") if timed_out else \
            (503, ENVOY_TLS_ERROR if failure.error == TLS_FAILED else ENVOY_CONNECT_ERROR)
        ctype = "text/plain"
    else:
        status, body, ctype = (504, NGINX_504, "text/html") if timed_out else (502, NGINX_502, "text/html")
    trip.hops.append(_hop(component, f"no upstream of {backend} answered ({failure.error}): answers {status}", ok=False))
    headers = (workloads.nginx_headers(ctype, body, server="nginx") if component == "Ingress controller"
               else [("Content-Type", ctype)])
    return _answer(status, body, headers, backend=backend)


def _backend_ref(svc: dict, port) -> str:
    return f"{svc['metadata']['namespace']}/{svc['metadata']['name']}:{port}"


def _tls_handshake(trip, pod: dict, port: int) -> None:
    """The Gateway's TLS handshake with a backend pod: fails (Failed) when the app there speaks
    plain text (no TLS server on that port)."""
    app, _ = deliver._listener(pod, port, False, trip.cluster)
    if app is not None and port not in app.tls_ports:
        raise datapath.Failed(TLS_FAILED, Hop("Gateway", f"TLS handshake with {pod['metadata']['name']}:{port} fails: the app "
                                     "there answers in plain text (WRONG_VERSION_NUMBER)", ok=False))


def _backend_tls(trip, svc: dict, port: int, upstream: workloads.HTTPRequest):
    """BackendTLSPolicy on the hop to ``svc``:``port``: (request to send, or None and an answer)."""
    cluster = trip.cluster
    policies = _index(cluster, ("BackendTLSPolicies",), lambda: list(cluster.store.items("BackendTLSPolicy")))
    if not policies:
        return upstream, None
    states = routing.backendtls.evaluate_policies(policies, list(cluster.store.items("ConfigMap")))
    policy = routing.backendtls.policy_for(policies, states, svc, port)
    if policy is None:
        return upstream, None
    if not policy.accepted:
        trip.hops.append(_hop("Gateway", f"BackendTLSPolicy {policy.name} is not accepted ({policy.accepted_reason}): "
                                         "the backend cannot be reached safely, answers 500", ok=False))
        return None, _answer(500, "", [("Content-Type", "text/plain")])
    trip.hops.append(_hop("Gateway", f"BackendTLSPolicy {policy.name}: speaks TLS to the backend, SNI "
                                     f"{policy.hostname}, its certificate checked against {policy.ca}"))
    return dataclasses.replace(upstream, scheme="https"), None


# Hop details are passed as ``d.explain`` (not called): the explanation walks every route of
# the listener, so it is built only when someone reads ``hop.detail`` (see response.Hop).
def _hop(component, action, detail="", ok=True):
    return Hop(component, action, detail, ok)


def _ingress(trip, pod: dict, port: int, req: workloads.HTTPRequest):
    cluster = trip.cluster
    scheme = "https" if port == 443 else "http"
    index = _index(cluster, ("ingress",), lambda: routing.compile_ingress(
        list(cluster.store.items("Ingress")), list(cluster.store.items("IngressClass")), controller=INGRESS_CONTROLLER))
    d = index.route(scheme=scheme, host=trip.host, path=trip.path)
    where = f"{d.ingress} rule host={d.rule_host or '*'} path={d.path} ({d.path_type})" if d.ingress else "no rule"
    if d.status is not None:
        trip.hops.append(_hop("Ingress controller", f"{where}: answers {d.status} itself", d.explain))
        body = NGINX_308 if d.status == 308 else NGINX_404
        # ingress-nginx runs with server_tokens off: "Server: nginx"; an absolute Location is
        # one of the list headers, so nginx writes it after Connection.
        return _answer(d.status, body, workloads.nginx_headers("text/html", body, server="nginx", extra=d.headers))
    b = d.backend
    trip.hops.append(_hop("Ingress controller", f"{where} -> Service {b.namespace}/{b.service}", d.explain))
    svc = cluster.store.peek("Service", b.namespace, b.service)
    port_ref = b.port_number if b.port_number is not None else b.port_name
    if svc is None:
        trip.hops.append(_hop("Ingress controller", f"Service {b.namespace}/{b.service} does not exist: 503", ok=False))
        return _answer(503, NGINX_503, workloads.nginx_headers("text/html", NGINX_503, server="nginx"),
                       backend=f"{b.namespace}/{b.service}:{port_ref}")
    fwd = [("X-Request-ID", uuid.UUID(int=cluster.lb_rng.getrandbits(128)).hex), ("X-Real-IP", req.client_ip),
           ("X-Forwarded-For", req.client_ip), ("X-Forwarded-Host", trip.host), ("X-Forwarded-Port", str(port)),
           ("X-Forwarded-Proto", scheme), ("X-Forwarded-Scheme", scheme), ("X-Scheme", scheme)]
    upstream = workloads.HTTPRequest(method=req.method, host=req.host, path=d.upstream_path or req.path,
                                     headers=tuple(list(req.headers) + fwd), client_ip=pod["status"]["podIP"],
                                     port=port, scheme="http")
    sp = next((p["port"] for p in svc["spec"].get("ports") or [] if p["port"] == port_ref or p.get("name") == port_ref),
              port_ref)
    return _proxy(trip, pod, svc, sp, upstream, "Ingress controller", NGINX_503)


def gateways(cluster) -> list[dict]:
    """The Gateways as their data plane runs them: each with the listeners of the ListenerSets
    it admits (routing/listenerset.py), rebuilt when the objects change."""
    return _index(cluster, ("gateways",), lambda: routing.listenerset.effective_gateways(
        list(cluster.store.items("Gateway")), list(cluster.store.items("ListenerSet")),
        list(cluster.store.items("Namespace"))))


def _gateway_of(cluster, via: dict | None, port: int) -> dict | None:
    if via is not None:
        lbls = via["metadata"].get("labels") or {}
        name, ns = lbls.get("gateway.networking.k8s.io/gateway-name"), lbls.get("gateway.networking.k8s.io/gateway-namespace")
        if name:
            return next((g for g in gateways(cluster) if g["metadata"]["namespace"] == ns
                         and g["metadata"]["name"] == name), None)
    return next((g for g in gateways(cluster)
                 if any(l.get("port") == port for l in g["spec"].get("listeners") or [])), None)


def _listener_of(cluster, via: dict | None, port: int, protocol: str) -> tuple:
    """(Gateway or None, its ``namespace/name``, the listener port, whether that listener takes
    streams) for a connection that reached a Gateway pod on ``port`` through Service ``via``:
    read from the objects once per change of them, as Envoy Gateway translates on change."""
    def build() -> tuple:
        gw = _gateway_of(cluster, via, port)
        if gw is None:
            return None, "", port, False
        listener_port = next((p.get("targetPort", p["port"]) for p in (via or {}).get("spec", {}).get("ports") or []
                              if p["port"] == port or p.get("targetPort") == port), port)
        return (gw, f"{gw['metadata']['namespace']}/{gw['metadata']['name']}", listener_port,
                l4.stream_listener(gw, listener_port, protocol))
    meta = via["metadata"] if via is not None else {}
    return _index(cluster, ("gateway listener", meta.get("namespace"), meta.get("name"), port, protocol), build)


def _gateway(trip, pod: dict, port: int, req: workloads.HTTPRequest, via: dict | None):
    cluster = trip.cluster
    gw, gw_name, listener_port, stream = _listener_of(cluster, via, port, trip.protocol)
    if gw is None:
        trip.fail("connection refused", "Gateway", f"no Gateway listens on port {port}")
    if trip.scheme in ("tcp", "udp", "tls") or stream:
        # TLS, TCP and UDP listeners: the stream is routed by SNI or port (routing/l4route.py)
        return l4.gateway(trip, pod, gw, listener_port, None if trip.scheme in ("tcp", "udp", "tls") else req)
    index = _index(cluster, ("gateway", gw_name), lambda: routing.compile_http(
        gateways(cluster),
        list(cluster.store.items("HTTPRoute")) + list(cluster.store.items("GRPCRoute")),
        list(cluster.store.items("Service")), list(cluster.store.items("ReferenceGrant")),
        list(cluster.store.items("Namespace")), gateway=gw_name,
        gateway_classes=list(cluster.store.items("GatewayClass")), controller_name=GATEWAY_CONTROLLER,
        secrets=list(cluster.store.items("Secret"))))
    d = index.route(port=listener_port, scheme=trip.scheme, host=trip.host, path=trip.path, method=trip.method,
                    headers=trip.headers, rng=cluster.lb_rng)
    if d.error:
        trip.fail(d.error, "Gateway", f"{gw_name}: {d.reason}", d.explain)
    if d.status is not None:
        trip.hops.append(Hop("Gateway", f"{_where(gw_name, d)}: answers {d.status} itself", d.explain))
        preflight = d.status == 200 and d.route is not None and trip.method == "OPTIONS"  # CORS: no body
        return _answer(d.status, "" if d.status in (301, 302, 303, 307, 308) or preflight else f"{d.reason}\n",
                       list(d.headers))
    b = d.backend
    hops = memo(cluster, "gateway hops")  # a decision is kept per store version (routing/httpindex.py)
    got = hops.get((id(d), gw_name))
    if got is None or got[0] is not d:
        if len(hops) >= 4096:  # decisions made afresh per request (a RequestMirror draws): bounded
            hops.clear()
        got = hops[(id(d), gw_name)] = (d, Hop("Gateway", f"{_where(gw_name, d)} -> {b}", d.explain),
                                        cluster.store.peek("Service", b.namespace, b.name))
    _, hop, svc = got
    trip.hops.append(hop)
    upstream = deliver.http_request(trip.method, d.host or req.host, d.path or req.path, tuple(d.request_headers),
                                    pod["status"]["podIP"], listener_port, "http")
    upstream, refused = _backend_tls(trip, svc, b.port, upstream)
    if refused is not None:
        return refused
    res = _proxy(trip, pod, svc, b.port, upstream, "Gateway", "no healthy upstream")
    for route, ref in d.mirrors:
        _mirror(trip, pod, route, ref, upstream)
    if d.response_header_modifier is not None:
        res.headers = list(d.response_header_modifier.apply(dict(res.headers)).items())
    if d.response_headers:  # CORS on an actual cross-origin request
        res.headers = list(res.headers) + list(d.response_headers)
    return res


def _where(gw_name: str, d) -> str:
    return f"{gw_name} listener {d.listener}" + (f", HTTPRoute {d.route} rule {d.rule}" if d.route else "")


def _mirror(trip, pod: dict, route: dict, ref: dict, upstream: workloads.HTTPRequest) -> None:
    """RequestMirror: send a copy of ``upstream`` to one ready endpoint of the mirror backendRef
    and drop its answer (httproute_types.go HTTPRequestMirrorFilter: "Responses from this
    backend MUST be ignored by the Gateway"). Envoy, the data plane simulated here, appends
    ``-shadow`` to the copy's Host (route.v3 RequestMirrorPolicy)."""
    cluster = trip.cluster
    res = routing.httproute.resolve_backend(route, ref, list(cluster.store.items("Service")),
                                            list(cluster.store.items("ReferenceGrant")))
    if not res.valid:
        trip.hops.append(_hop("Gateway", f"mirror to {res} not sent: {res.message}", ok=False))
        return
    svc = cluster.store.peek("Service", res.namespace, res.name)
    eps = [e for e in _endpoints(cluster, svc, res.port, None) if e[2] is not None]
    if not eps:
        trip.hops.append(_hop("Gateway", f"mirror to {res} not sent: no ready endpoints", ok=False))
        return
    ip, port, target = eps[cluster.lb_rng.randrange(len(eps))]
    shadow = dataclasses.replace(trip, hops=[])
    copy = dataclasses.replace(upstream, host=upstream.host.split(":")[0] + "-shadow")
    try:
        got = deliver.deliver(shadow, target, port, pod["status"]["podIP"], via=svc, request=copy)
        outcome = f"it answered HTTP {got.status}, the Gateway drops the answer"
    except datapath.Failed as f:
        outcome = f"it failed ({f.error}); the client does not notice"
    trip.hops.append(_hop("Gateway", f"mirrors a copy to {res} -> endpoint {ip}:{port} "
                                     f"({target['metadata']['name']}): {outcome}"))
