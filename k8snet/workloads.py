"""What a container does: which ports it listens on and what it answers.

Lessons depend on images behaving like the real ones, so each known image is modelled:

========================================================  =====================================
image                                                     behaviour
========================================================  =====================================
``nginx`` (any tag)                                       HTTP on 80; ``/`` is the welcome page, other paths 404
``hashicorp/http-echo``                                   HTTP on 5678 (or ``-listen=:PORT``); answers ``-text``
``registry.k8s.io/gateway-api/echo-basic``                HTTP on 3000; JSON describing the request received;
                                                          with env ``TCP_ECHO_SERVER``/``UDP_ECHO_SERVER`` its TCP
                                                          (3000, TLS 8443) or UDP (8080) echo server
``registry.k8s.io/ingress-nginx/controller``              80/443: the Ingress controller (routing in routing/)
``k8snet/gateway-controller``                             the Gateway data plane: every listener port of its Gateways
``registry.k8s.io/echoserver``                            HTTP on 8080; the client address and request, as text
``registry.k8s.io/e2e-test-images/agnhost`` ``netexec``   HTTP on ``--http-port`` (8080): /hostname, /clientip, /echo
``busybox``, ``curlimages/curl``, ``alpine``, ``ubuntu``  nothing listens
``coredns``                                               DNS on 53/UDP+TCP, metrics on 9153, /health on 8080, /ready on 8181
anything else                                             HTTP on each declared containerPort; answers its pod name
========================================================  =====================================

Annotations on the pod let a lesson break an app the way real apps break:

* ``k8snet.io/listen-address: "127.0.0.1"`` — the app binds to loopback only: connections
  from outside the pod are refused.
* ``k8snet.io/listen-ports: "8080"`` — the app listens on these ports, whatever the
  manifest's ``containerPort`` says (``containerPort`` is informational, as in Kubernetes).
* ``k8snet.io/readiness: "fail"`` — every readiness probe fails: the pod runs but never
  becomes Ready.
* ``k8snet.io/crash-loop: "true"`` — the container exits at start: CrashLoopBackOff.
* ``k8snet.io/startup-seconds: "N"`` — the app listens only N seconds after the container
  starts (without a readiness probe the pod is Ready before that).
* ``k8snet.io/on-sigterm: exit | drain | ignore`` — what the app does on the stop signal:
  stop listening and exit at once (most images), stop listening and let in-flight requests
  finish (nginx's default), or serve on until SIGKILL (controllers/termination.py).
* ``k8snet.io/readiness-gate-seconds: "N"`` — a simulated controller sets every readiness gate
  condition of the pod True N seconds after it starts (as a cloud load balancer controller
  does once the pod's target is healthy); without it nobody sets them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

__all__ = ["App", "HTTPRequest", "HTTPAnswer", "app_for", "answer", "stream_answer", "TCP_WELCOME", "GO_HTTP_TO_HTTPS", "nginx_headers", "ANNOTATION_PREFIX",
           "NGINX_WELCOME"]

ANNOTATION_PREFIX = "k8snet.io/"

NGINX_SERVER = "nginx/1.27.3"
# /usr/share/nginx/html/index.html in the nginx:1.27.3 image: nginx's static handler sends its
# mtime as Last-Modified and "<mtime hex>-<size hex>" as ETag (the image's build time; here
# the release day, 2024-11-26).
_NGINX_INDEX_MTIME = 1732636800


def nginx_headers(content_type: str, body: str, *, server: str = NGINX_SERVER, mtime: int | None = None,
                  extra: tuple = ()) -> tuple[tuple[str, str], ...]:
    """Response headers in the order nginx writes them (ngx_http_header_filter_module.c): Server,
    (Date: added when the answer leaves, from the clock), Content-Type, Content-Length,
    Last-Modified, Connection, then the headers of the list (ETag, Accept-Ranges, an absolute
    Location...)."""
    from email.utils import formatdate
    size = len(body.encode())
    out = [("Server", server), ("Content-Type", content_type), ("Content-Length", str(size))]
    if mtime is not None:
        out.append(("Last-Modified", formatdate(mtime, usegmt=True)))
    out.append(("Connection", "keep-alive"))
    if mtime is not None:
        out += [("ETag", f'"{mtime:x}-{size:x}"'), ("Accept-Ranges", "bytes")]
    return tuple(out) + tuple(extra)


NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

NGINX_404 = """<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/1.27.3</center>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class App:
    """The process in a container: its kind, where it listens, and its settings."""

    kind: str  # nginx | http-echo | echo-basic(-tcp|-udp) | echoserver | agnhost | coredns | generic | none
    ports: tuple[tuple[int, str], ...]  # (port, protocol) it listens on
    bind: str = "0.0.0.0"
    text: str = ""  # http-echo's -text
    crash: bool = False
    ready_fails: bool = False
    tls_ports: tuple[int, ...] = ()  # ports where it speaks TLS itself (echo-basic's TCP server)

    def listens(self, port: int, protocol: str = "TCP", *, from_inside_pod: bool = False) -> bool:
        """Would a connection to ``port`` be accepted?  Loopback-bound apps only accept from
        inside their own pod (the `app listens on 127.0.0.1` failure)."""
        if self.crash or (port, protocol) not in self.ports:
            return False
        return from_inside_pod or self.bind != "127.0.0.1"


@dataclass(frozen=True, slots=True)
class HTTPRequest:
    """A request as it reaches the container."""

    method: str = "GET"
    host: str = ""
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    client_ip: str = ""
    port: int = 80
    scheme: str = "http"


@dataclass(frozen=True, slots=True)
class HTTPAnswer:
    """What the container sends back."""

    status: int
    body: str
    headers: tuple[tuple[str, str], ...] = field(default=())


def _flag(args: list[str], name: str) -> str | None:
    # Go's flag package: -name=value, --name=value, or -name value.
    for i, a in enumerate(args):
        for prefix in (f"-{name}=", f"--{name}="):
            if a.startswith(prefix):
                return a[len(prefix):]
        if a in (f"-{name}", f"--{name}") and i + 1 < len(args):
            return args[i + 1]
    return None


def _declared(container: dict) -> tuple[tuple[int, str], ...]:
    return tuple((p["containerPort"], p.get("protocol", "TCP")) for p in container.get("ports") or [])


def _echo_basic(container: dict) -> tuple[str, tuple[tuple[int, str], ...], str]:
    """gateway-api's conformance/echo-basic/echo-basic.go main(): ``TCP_ECHO_SERVER`` runs the
    TCP server (``TCP_PORT``, default 3000; plus TLS on ``TLS_PORT``, default 8443, when
    ``TLS_SERVER_CERT`` and ``TLS_SERVER_PRIV_KEY`` are set), ``UDP_ECHO_SERVER`` the UDP one
    (``UDP_PORT``, default 8080); otherwise HTTP on ``HTTP_PORT`` (3000), and HTTPS on
    ``HTTPS_PORT`` (8443) when ``TLS_SERVER_CERT`` and ``TLS_SERVER_PRIVKEY`` are set. ``text``
    keeps ``SERVICE_NAME``."""
    env = {e.get("name"): str(e.get("value", "")) for e in container.get("env") or [] if isinstance(e, dict)}

    def port(name: str, default: int) -> int:
        return int(env[name]) if env.get(name, "").isdigit() else default

    if env.get("TCP_ECHO_SERVER"):
        ports = ((port("TCP_PORT", 3000), "TCP"),)
        if env.get("TLS_SERVER_CERT") and env.get("TLS_SERVER_PRIV_KEY"):
            ports += ((port("TLS_PORT", 8443), "TCP"),)
        return "echo-basic-tcp", ports, env.get("SERVICE_NAME", "")
    if env.get("UDP_ECHO_SERVER"):
        return "echo-basic-udp", ((port("UDP_PORT", 8080), "UDP"),), env.get("SERVICE_NAME", "")
    ports = ((port("HTTP_PORT", 3000), "TCP"),)
    if env.get("TLS_SERVER_CERT") and env.get("TLS_SERVER_PRIVKEY"):  # HTTPS on HTTPS_PORT (8443)
        ports += ((port("HTTPS_PORT", 8443), "TCP"),)
    return "echo-basic", ports, ""


#: echo-basic's tcpserver.go WelcomeMessage, written as soon as a connection is accepted.
TCP_WELCOME = "Gateway API Test TCP Server\n"


def stream_answer(app: App, pod: dict, *, port: int, payload: str | None, sni: str | None) -> str:
    """What a client reads back from ``app`` on a raw TCP connection (the lines of ``payload``
    sent one by one) or for one UDP datagram (``payload``). ``sni`` is the server name of the
    TLS handshake when the app itself terminates TLS on ``port``.

    echo-basic's TCP server (tcpserver.go handleConnection) greets, then answers ``TEST`` with
    its JSON assertions, ``IS_TLS`` with true/false and ``PING`` with PONG; its UDP server
    (udpechoserver.go) answers every datagram with JSON echoing the request. Other apps speak
    protocols of their own and send nothing until their client talks first."""
    meta = pod["metadata"]
    if app.kind == "echo-basic-tcp":
        is_tls = port in app.tls_ports
        ctx = {"namespace": meta["namespace"], "ingress": "", "service": app.text, "pod": meta["name"],
               "tcpport": str(app.ports[0][0]), "tlsport": str(app.ports[1][0] if len(app.ports) > 1 else 8443),
               "isTLS": is_tls}
        if is_tls:  # Go 1.24+ crypto/tls defaults: TLS 1.3, X25519MLKEM768
            ctx["tls"] = {"version": "TLS 1.3", "serverName": sni or "", "curves": "X25519MLKEM768",
                          "cipherSuite": "TLS_AES_128_GCM_SHA256"}
        out = TCP_WELCOME
        for line in (payload or "").splitlines():
            if line == "TEST":
                out += json.dumps(ctx, separators=(",", ":")) + "\n"
            elif line == "IS_TLS":
                out += ("true" if is_tls else "false") + "\n"
            elif line == "PING":
                out += "PONG\n"
        return out
    if app.kind == "echo-basic-udp":
        return json.dumps({"request": payload or "", "namespace": meta["namespace"], "ingress": "",
                           "service": app.text, "pod": meta["name"]}, separators=(",", ":"))
    return ""


def app_for(pod: dict, container: dict) -> App:
    """The App a container runs, from its image, args and the pod's k8snet.io annotations."""
    image = container.get("image", "")
    name = image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    args = list(container.get("command") or []) + list(container.get("args") or [])
    ann = (pod.get("metadata") or {}).get("annotations") or {}
    if "http-echo" in image:
        listen = _flag(args, "listen") or ":5678"
        kind, ports, text = "http-echo", ((int(listen.rsplit(":", 1)[1]), "TCP"),), _flag(args, "text") or ""
    elif "ingress-nginx/controller" in image:
        kind, ports, text = "ingress-nginx", ((80, "TCP"), (443, "TCP"), (8443, "TCP"), (10254, "TCP")), ""
    elif "k8snet/gateway-controller" in image:
        kind, ports, text = "gateway", ((8080, "TCP"),), ""
    elif "echo-basic" in image:
        kind, ports, text = _echo_basic(container)
    elif name == "echoserver":
        kind, ports, text = "echoserver", ((8080, "TCP"),), ""
    elif name == "agnhost" and "netexec" in args:
        port = int(_flag(args, "http-port") or 8080)
        kind, ports, text = "agnhost", ((port, "TCP"),), ""
    elif name == "nginx" or name.startswith("nginx-"):
        kind, ports, text = "nginx", ((80, "TCP"),), ""
    elif name == "coredns":
        # The Corefile's plugins: DNS on 53, prometheus :9153, health :8080 (/health), ready :8181 (/ready).
        kind, ports, text = "coredns", ((53, "UDP"), (53, "TCP"), (9153, "TCP"), (8080, "TCP"), (8181, "TCP")), ""
    elif name in ("busybox", "curl", "alpine", "ubuntu", "debian", "netshoot", "dnsutils"):
        kind, ports, text = "none", (), ""
    else:
        kind, ports, text = "generic", _declared(container), ""
    if ANNOTATION_PREFIX + "listen-ports" in ann:
        ports = tuple((int(p), "TCP") for p in str(ann[ANNOTATION_PREFIX + "listen-ports"]).split(",") if p.strip())
    tls_ports = tuple(p for p, _ in ports[1:]) if kind in ("echo-basic-tcp", "echo-basic") else ()
    return App(kind=kind, ports=ports, bind=str(ann.get(ANNOTATION_PREFIX + "listen-address", "0.0.0.0")),
               text=text, tls_ports=tls_ports, crash=str(ann.get(ANNOTATION_PREFIX + "crash-loop", "")).lower() == "true",
               ready_fails=str(ann.get(ANNOTATION_PREFIX + "readiness", "")).lower() == "fail")


# The answer depends only on the app, the pod's name and namespace and the (frozen) request,
# and a burst of identical requests (a canary split sends hundreds) gets identical answers:
# remember recent ones instead of formatting the same JSON body again.
_ANSWERS: dict[tuple, HTTPAnswer] = {}
_MAX_ANSWERS = 1024


def answer(app: App, pod: dict, request: HTTPRequest) -> HTTPAnswer:
    """The HTTP answer the app gives to ``request`` (the connection was already accepted)."""
    meta = pod["metadata"]
    key = (app, meta["namespace"], meta["name"], request)
    try:
        known = _ANSWERS.get(key)
    except TypeError:  # a header value that is not hashable (a list, say): just answer
        return _answer(app, meta, request)
    if known is None:
        if len(_ANSWERS) >= _MAX_ANSWERS:
            _ANSWERS.clear()
        known = _ANSWERS[key] = _answer(app, meta, request)
    return known


#: Go's net/http answer to plain HTTP on a TLS port (server.go, "client sent an HTTP request to
#: an HTTPS server"), sent as a bare HTTP/1.0 400.
GO_HTTP_TO_HTTPS = "Client sent an HTTP request to an HTTPS server.\n"


def _answer(app: App, meta: dict, request: HTTPRequest) -> HTTPAnswer:
    if app.kind == "nginx":
        path = request.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            return HTTPAnswer(200, NGINX_WELCOME, nginx_headers("text/html", NGINX_WELCOME, mtime=_NGINX_INDEX_MTIME))
        return HTTPAnswer(404, NGINX_404, nginx_headers("text/html", NGINX_404))
    if app.kind == "http-echo":
        return HTTPAnswer(200, app.text + "\n", (("Content-Type", "text/plain; charset=utf-8"),
                                                 ("X-App-Name", "http-echo")))
    if app.kind == "echo-basic":
        headers: dict[str, list[str]] = {}
        for k, v in request.headers:
            headers.setdefault(_canonical(k), []).append(v)
        body = {"path": request.path, "host": request.host, "method": request.method,
                "proto": "HTTP/1.1", "headers": headers, "namespace": meta["namespace"],
                "ingress": "", "service": "", "pod": meta["name"]}
        return HTTPAnswer(200, json.dumps(body, indent=1) + "\n",
                          (("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")))
    if app.kind == "echoserver":
        lines = ["", "", f"Hostname: {meta['name']}", "", "Pod Information:",
                 "\t-no pod information available-", "", "Server values:",
                 "\tserver_version=nginx: 1.13.3 - lua: 10008", "", "Request Information:",
                 f"\tclient_address={request.client_ip}", f"\tmethod={request.method}",
                 "\treal path=" + request.path, "\tquery=", "\trequest_version=1.1",
                 f"\trequest_scheme={request.scheme}",
                 f"\trequest_uri={request.scheme}://{request.host}:8080{request.path}", "",
                 "Request Headers:"]
        lines += [f"\t{k.lower()}={v}" for k, v in request.headers]
        lines += ["", "Request Body:", "\t-no body in request-", ""]
        return HTTPAnswer(200, "\n".join(lines) + "\n", (("Content-Type", "text/plain"),))
    if app.kind == "coredns":
        # plugin/health and plugin/ready answer "OK" (200) once up; anything else is Go's mux 404.
        path = request.path.split("?", 1)[0]
        if path in ("/health", "/ready"):
            return HTTPAnswer(200, "OK", (("Content-Type", "text/plain; charset=utf-8"),))
        return HTTPAnswer(404, "404 page not found\n", (("Content-Type", "text/plain; charset=utf-8"),
                                                        ("X-Content-Type-Options", "nosniff")))
    if app.kind == "agnhost":
        path, _, query = request.path.partition("?")
        if path == "/hostname":
            return HTTPAnswer(200, meta["name"])
        if path == "/clientip":
            return HTTPAnswer(200, f"{request.client_ip}:{40000 + len(meta['name'])}")
        if path == "/echo":
            msg = dict(p.partition("=")[::2] for p in query.split("&") if p).get("msg", "")
            return HTTPAnswer(200, msg)
        return HTTPAnswer(200, "NOW: 2025-01-01 00:00:00 +0000 UTC")
    return HTTPAnswer(200, meta["name"] + "\n", (("Content-Type", "text/plain"),))


def _canonical(name: str) -> str:
    # Go's http.CanonicalHeaderKey: x-forwarded-for -> X-Forwarded-For
    return "-".join(p[:1].upper() + p[1:].lower() for p in name.split("-"))
