"""Ingress routing as ingress-nginx does it: which backend a request reaches, or what
the controller answers itself.

How ingress-nginx turns Ingresses into nginx config (internal/ingress/controller/
controller.go createServers/getBackendServers, location.go, template.go, lua_ingress.lua):

* Ingresses are merged in store order (see ``ingressclass.served_ingresses``). One nginx
  ``server`` per host; rules without ``host`` go to the catch-all server ``_``.
* Each server starts with a root location ``/`` sending to the controller's default
  backend (404), or to ``spec.defaultBackend`` of the first Ingress that named the host.
  A path already configured with the same pathType by an earlier Ingress is skipped.
* ``ImplementationSpecific`` is treated as ``Prefix`` (k8s.SetDefaultNGINXPathType).
* If any path of a server uses ``use-regex`` or ``rewrite-target``, every path of that
  server becomes a case-insensitive regex ``~* "^<path>"``, tried longest first; the first
  regex that matches wins ("Ingress Path Matching" in the ingress-nginx docs).
* Otherwise paths match as the Ingress spec says: Exact, or element-wise Prefix; the
  longest wins and Exact beats Prefix at equal length (ingress.md "Multiple matches").
* A host listed in ``spec.tls`` is redirected from http to https with 308, unless
  ``ssl-redirect: "false"``; ``force-ssl-redirect: "true"`` redirects without TLS too.
  The Location has no port, and a trailing ``/`` is dropped unless
  ``preserve-trailing-slash: "true"`` (lua_ingress.lua redirect_to_https).
* ``rewrite-target`` runs nginx ``rewrite "(?i)<path>" <target> break;``: the whole URI
  becomes the target with ``$1``.. filled from the path regex; the query string is kept.

Deviations, on purpose: a wildcard host matches one DNS label (the Ingress spec; nginx
itself would match deeper names), and a Prefix path ``/foo/`` matches ``/foo`` as the
spec's examples table says (nginx answers 301 to ``/foo/`` there).
Resource backends are skipped, as ingress-nginx skips them.

Like the controller, which renders nginx.conf once per change of the Ingresses and then
serves many requests from it, the engine has two steps: ``compile_ingress`` turns the
objects into an ``IngressIndex`` (servers by host, each with its locations and, in regex
mode, its regexes already sorted), and ``IngressIndex.route`` decides one request.
``route_ingress`` does both, for one-off questions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .hostnames import ingress_host_matches, request_host
from .ingressclass import INGRESS_NGINX, ingress_class_of, served_ingresses
from .paths import prefix_matches, split_query
from .types import Considered, IngressPathType, explain_lines

__all__ = ["IngressBackend", "IngressDecision", "IngressIndex", "compile_ingress", "route_ingress",
           "ANNOTATION_PREFIX"]

ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/"
_CATCH_ALL = "_"


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """A Service backend: ``port_number`` or ``port_name`` (one of them) as written."""

    namespace: str
    service: str
    port_number: int | None = None
    port_name: str | None = None

    def __str__(self) -> str:
        return f"{self.namespace}/{self.service}:{self.port_number if self.port_number is not None else self.port_name}"


@dataclass(frozen=True, slots=True)
class IngressDecision:
    """What ingress-nginx does with one request.

    ``status`` is set when the controller answers itself (404 default backend, 308 https
    redirect); otherwise ``backend`` is where it proxies, ``upstream_path`` the path (and
    query) the backend receives.  The data plane answers 503 when ``backend`` has no ready
    endpoints, as ingress-nginx does.
    """

    status: int | None
    backend: IngressBackend | None
    ingress: str | None
    rule_host: str | None
    path: str | None
    path_type: str | None
    upstream_path: str | None
    headers: tuple[tuple[str, str], ...] = ()
    considered: tuple[Considered, ...] = ()
    reason: str = ""

    def explain(self) -> str:
        """Every Ingress, host and path considered, then why the result is what it is."""
        return explain_lines(self.considered, self.reason)


@dataclass(slots=True)
class _Location:
    path: str
    path_type: str
    backend: IngressBackend | None
    ingress: str | None
    annotations: dict
    is_default: bool = False


@dataclass(slots=True)
class _Server:
    hostname: str
    locations: list[_Location] = field(default_factory=list)
    tls: bool = False
    # Filled by compile_ingress once the locations are final: None when the server matches
    # paths as the Ingress spec says, else its (regex, location) list in nginx's order.
    regexes: list[tuple[str, _Location]] | None = None


def _key(ing: dict) -> str:
    m = ing.get("metadata") or {}
    return f"{m.get('namespace', 'default')}/{m.get('name', '')}"


def _annotations(ing: dict) -> dict:
    anns = (ing.get("metadata") or {}).get("annotations") or {}
    return {k[len(ANNOTATION_PREFIX):]: v for k, v in anns.items() if k.startswith(ANNOTATION_PREFIX)}


def _flag(anns: dict, name: str, default: bool) -> bool:
    value = anns.get(name)
    return default if value is None else value.strip().lower() == "true"


def _service_backend(ing: dict, backend: dict | None) -> IngressBackend | None:
    svc = (backend or {}).get("service")
    if not svc:
        return None
    port = svc.get("port") or {}
    ns = (ing.get("metadata") or {}).get("namespace", "default")
    return IngressBackend(ns, svc.get("name", ""), port.get("number"), port.get("name"))


def _tls_host(ing: dict, host: str) -> bool:
    for tls in (ing.get("spec") or {}).get("tls") or []:
        for h in tls.get("hosts") or []:
            if h == host or (h.startswith("*.") and ingress_host_matches(h, host)):
                return True
    return False


def _build_servers(served: list[dict], considered: list[Considered]) -> dict[str, _Server]:
    """createServers + getBackendServers: one server per host, locations merged in order."""
    servers = {_CATCH_ALL: _Server(_CATCH_ALL, [_Location("/", "Prefix", None, None, {}, True)])}
    for ing in served:
        spec, anns = ing.get("spec") or {}, _annotations(ing)
        default = _service_backend(ing, spec.get("defaultBackend"))
        root = servers[_CATCH_ALL].locations[0]
        if default and not spec.get("rules") and root.is_default and root.backend is None:
            # "Ingress defines a backend but no rule. Using it to configure the catch-all server"
            root.backend, root.ingress = default, _key(ing)
        for rule in spec.get("rules") or []:
            host = rule.get("host") or _CATCH_ALL
            if host not in servers:
                servers[host] = _Server(host, [_Location("/", "Prefix", default, _key(ing), anns, True)])
    for ing in served:
        spec, anns = ing.get("spec") or {}, _annotations(ing)
        for rule in spec.get("rules") or []:
            server = servers[rule.get("host") or _CATCH_ALL]
            if rule.get("host") and not server.tls and _tls_host(ing, rule["host"]):
                server.tls = True
            for p in (rule.get("http") or {}).get("paths") or []:
                path = p.get("path") or "/"
                ptype = p.get("pathType") or "Prefix"
                if ptype == IngressPathType.IMPLEMENTATION_SPECIFIC:
                    ptype = "Prefix"  # k8s.SetDefaultNGINXPathType
                what = f"{_key(ing)} host {rule.get('host') or '*'} path {path} ({p.get('pathType') or 'Prefix'})"
                backend = _service_backend(ing, p.get("backend"))
                if backend is None:
                    considered.append(Considered(what, False, "not a Service backend; ingress-nginx skips it"))
                    continue
                same = next((l for l in server.locations if l.path == path and l.path_type == ptype), None)
                if same is not None and not same.is_default:
                    considered.append(Considered(what, False, f"already configured by {same.ingress}; first Ingress wins"))
                    continue
                if same is not None:  # replaces the server's default root location
                    same.backend, same.ingress, same.annotations, same.is_default = backend, _key(ing), anns, False
                else:
                    server.locations.append(_Location(path, ptype, backend, _key(ing), anns))
    return servers


def _select_server(servers: dict[str, _Server], host: str) -> tuple[_Server, str]:
    if host in servers and host != _CATCH_ALL:
        return servers[host], f"server {host} (exact host)"
    # An Ingress wildcard covers exactly one label, so the only server that can match
    # "a.foo.com" is "*.foo.com": one dictionary look-up instead of a scan of every host.
    first, _, rest = host.partition(".")
    wild = servers.get("*." + rest) if first else None
    if wild is not None:
        return wild, f"server {wild.hostname} (wildcard covers one label)"
    return servers[_CATCH_ALL], "catch-all server (rules without host, default backend)"


def _needs_rewrite(loc: _Location) -> bool:
    target = loc.annotations.get("rewrite-target", "")
    return bool(target) and target != loc.path


def _regex_mode(server: _Server) -> bool:
    # template.go enforceRegexModifier
    return any(_needs_rewrite(l) or _flag(l.annotations, "use-regex", False) for l in server.locations)


def _regex_candidates(server: _Server) -> list[tuple[str, _Location]]:
    """location.go updateServerLocations, then the length-descending sort of controller.go.

    A Prefix ``/foo`` becomes ``/foo/`` plus ``/foo``; when that derived ``/foo/`` equals a
    path written as ``/foo/``, the written one is tried first, as the "Path Priority"
    example of the ingress-nginx docs shows."""
    cands: list[tuple[str, bool, _Location]] = []
    for loc in server.locations:
        own_regex = _needs_rewrite(loc) or _flag(loc.annotations, "use-regex", False)
        if loc.path_type == "Prefix" and loc.path != "/" and not own_regex and not loc.path.endswith("/"):
            cands += [(loc.path + "/", True, loc), (loc.path, False, loc)]
        else:
            cands.append((loc.path, False, loc))
    cands.sort(key=lambda c: c[1])
    cands.sort(key=lambda c: c[0], reverse=True)
    cands.sort(key=lambda c: len(c[0]), reverse=True)
    return [(regex, loc) for regex, _, loc in cands]


def _match(server: _Server, path: str, considered: list[Considered]) -> tuple[_Location, str]:
    if server.regexes is not None:
        for regex, loc in server.regexes:
            try:
                ok = re.match(regex, path, re.IGNORECASE) is not None
            except re.error as err:
                considered.append(Considered(f'~* "^{regex}"', False, f"invalid regex: {err}"))
                continue
            considered.append(Considered(f'~* "^{regex}" ({loc.ingress or "default backend"})', ok,
                                         "regex matches" if ok else "regex does not match"))
            if ok:
                return loc, (f'regex mode (use-regex or rewrite-target on this host): locations are '
                             f'tried longest first and "^{regex}" is the first that matches')
    best: _Location | None = None
    for loc in server.locations:
        if loc.path_type == "Exact":
            ok = path == loc.path
            why = "equals the path" if ok else "Exact needs the same path, case-sensitive"
        else:
            ok = prefix_matches(loc.path, path)
            why = "element-wise prefix" if ok else "not an element-wise prefix"
        considered.append(Considered(f"{loc.path} ({loc.path_type}) -> {loc.backend or 'default backend'}", ok, why))
        if ok and (best is None or len(loc.path) > len(best.path)
                   or (len(loc.path) == len(best.path) and loc.path_type == "Exact" and best.path_type != "Exact")):
            best = loc
    assert best is not None  # the root location "/" always matches
    return best, f"longest matching path {best.path} ({best.path_type}); Exact wins ties"


def _rewrite(loc: _Location, path: str, query: str) -> str:
    target = loc.annotations.get("rewrite-target", "")
    uri = path
    if _needs_rewrite(loc):
        m = re.search(loc.path, path, re.IGNORECASE)
        if m:
            uri = re.sub(r"\$(\d)", lambda g: (m.group(int(g.group(1))) or "")
                         if int(g.group(1)) <= (m.re.groups) else "", target)
    if query:
        uri += ("&" if "?" in uri else "?") + query
    return uri


class IngressIndex:
    """The Ingresses one controller serves, compiled: what nginx.conf is to ingress-nginx.

    Built by ``compile_ingress`` and never changed afterwards; ``route`` decides a request
    without looking at the Ingress objects again. Build a new index when they change.
    """

    def __init__(self, servers: dict[str, _Server], preamble: tuple[Considered, ...]):
        self._servers = servers
        # The Considered lines that do not depend on the request (which Ingresses are
        # served, which paths were skipped): computed once, shared by every decision.
        self._preamble = preamble

    def route(self, *, scheme: str = "http", host: str | None = None, path: str = "/",
              ssl_redirect: bool = True) -> IngressDecision:
        """Route one request (arguments as for ``route_ingress``)."""
        considered: list[Considered] = []
        hostname = request_host(host)
        server, server_why = _select_server(self._servers, hostname)
        considered.append(Considered(f"host {hostname or '(none)'}", server.hostname != _CATCH_ALL, server_why))
        upath, query = split_query(path)
        loc, why = _match(server, upath, considered)
        return _decide(server, loc, why, scheme, hostname, upath, query, ssl_redirect,
                       self._preamble + tuple(considered))


def compile_ingress(ingresses: list[dict], ingress_classes: list[dict], *, controller: str = INGRESS_NGINX,
                    annotation_class: str = "nginx") -> IngressIndex:
    """The ``IngressIndex`` of the Ingresses ``controller`` serves (see ``route_ingress``)."""
    considered: list[Considered] = []
    for ing in sorted(ingresses, key=_key):
        d = ingress_class_of(ing, ingress_classes, controller=controller, annotation_class=annotation_class)
        considered.append(Considered(f"Ingress {_key(ing)}", d.served, d.why))
    servers = _build_servers(served_ingresses(ingresses, ingress_classes, controller=controller,
                                              annotation_class=annotation_class), considered)
    for server in servers.values():
        server.regexes = _regex_candidates(server) if _regex_mode(server) else None
    return IngressIndex(servers, tuple(considered))


def route_ingress(ingresses: list[dict], ingress_classes: list[dict], *, controller: str = INGRESS_NGINX,
                  scheme: str = "http", host: str | None = None, path: str = "/",
                  annotation_class: str = "nginx", ssl_redirect: bool = True) -> IngressDecision:
    """Route one request through the Ingresses that ``controller`` serves.

    ``host`` is the Host header (a port in it is ignored), ``path`` may carry a query
    string. ``ssl_redirect`` is the controller-wide ConfigMap default. This compiles the
    objects for every call; to route many requests, ``compile_ingress`` once and call
    ``IngressIndex.route``.
    """
    index = compile_ingress(ingresses, ingress_classes, controller=controller, annotation_class=annotation_class)
    return index.route(scheme=scheme, host=host, path=path, ssl_redirect=ssl_redirect)


def _decide(server: _Server, loc: _Location, why: str, scheme: str, hostname: str, upath: str, query: str,
            ssl_redirect: bool, considered: tuple[Considered, ...]) -> IngressDecision:
    """The answer for the chosen location: 308 to https, 404 default backend, or proxy."""
    anns = loc.annotations
    rule_host = None if server.hostname == _CATCH_ALL else server.hostname
    base = dict(ingress=loc.ingress, rule_host=rule_host, path=loc.path, path_type=loc.path_type)
    if scheme == "http" and not _flag(anns, "force-no-ssl-redirect", False) and (
            _flag(anns, "force-ssl-redirect", False)
            or (_flag(anns, "ssl-redirect", ssl_redirect) and server.tls)):
        uri = upath + (f"?{query}" if query else "")
        if not _flag(anns, "preserve-trailing-slash", False) and uri.endswith("/"):
            uri = uri[:-1]
        location = f"https://{hostname}{uri}"
        reason = ("force-ssl-redirect" if _flag(anns, "force-ssl-redirect", False)
                  else f"host {hostname} is listed in spec.tls") + f": 308 Permanent Redirect to {location}"
        return IngressDecision(308, None, upstream_path=None, headers=(("Location", location),),
                               considered=considered, reason=reason, **base)
    if loc.backend is None:
        return IngressDecision(404, None, upstream_path=None, considered=considered,
                               reason=f"{why}: no Ingress backend, the controller's default backend answers 404",
                               **base)
    return IngressDecision(None, loc.backend, upstream_path=_rewrite(loc, upath, query),
                           considered=considered, reason=f"{why}: proxied to {loc.backend}", **base)
