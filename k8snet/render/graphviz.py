"""Pictures of a cluster and of one request, as ``graphviz.Digraph`` objects, and their palette.

* ``cluster_graph``: the topology, read left to right the way traffic flows in.  The
  internet and the entry points (LoadBalancer, NodePort on every node IP, the Ingress
  controller and Gateways with their hosts) come first; then Services (type, ClusterIP, ports,
  selector); then one box per node holding its pods.  A Service's edges go to the pods its
  EndpointSlices list: solid for ready endpoints, dashed for not-ready, dotted for terminating,
  as the EndpointSlice ``conditions`` say (``ready``, ``serving``, ``terminating``).
* ``request_graph`` (in ``requestpath.py``): the hops of a ``Response`` top to bottom,
  numbered as ``explain()`` numbers them.

One palette serves both pictures: a kind of thing keeps its colour and shape everywhere.  Fills
are light with dark text, and the whole picture sits on a white rounded card, so it reads the
same in JupyterLab's light and dark themes.  graphviz is imported only when a picture is made.
"""
from __future__ import annotations

import html
import textwrap
from typing import Iterable

__all__ = ["cluster_graph", "PALETTE", "SYSTEM_NAMESPACES"]

#: kind -> (fill, border).  Dark text (``TEXT``) on every fill.
PALETTE = {
    "card": ("#fbfcfe", "#c7d0db"),
    "node": ("#eef2f7", "#52606d"),
    "node_down": ("#fdecec", "#c62828"),
    "pod": ("#e6f4ea", "#1b7f3b"),
    "pod_not_ready": ("#fff4d6", "#b7791f"),
    "pod_terminating": ("#eceff1", "#78868f"),
    "service": ("#e8f0fe", "#1a56db"),
    "entry": ("#fdecd8", "#c05621"),
    "client": ("#ffffff", "#52606d"),
    "dns": ("#f3e8ff", "#7e3af2"),
    "policy": ("#e0f2f1", "#00796b"),
    "failed": ("#fde8e8", "#c62828"),
    "unserved": ("#ffffff", "#9aa5b1"),
}
TEXT, MUTED, RED = "#1f2933", "#52606d", "#c62828"
FONT = "Helvetica"

#: Namespaces of the cluster's own machinery, hidden unless ``show_system=True``.
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "k8snet-gateway-system")


# -- labels -----------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _html(title: str, lines: Iterable[str] = (), small: Iterable[str] = (), colour: str = TEXT) -> str:
    """A graphviz HTML-like label: a bold title, plain lines, then small grey lines."""
    parts = [f'<B>{_esc(title)}</B>']
    parts += [_esc(x) for x in lines]
    parts += [f'<FONT POINT-SIZE="8" COLOR="{MUTED}">{_esc(x)}</FONT>' for x in small]
    return f'<<FONT COLOR="{colour}">' + '<BR/>'.join(parts) + '</FONT>>'


def _box(kind: str, *, shape: str = "box", style: str = "rounded,filled", **extra) -> dict:
    fill, border = PALETTE[kind]
    return {"shape": shape, "style": style, "fillcolor": fill, "color": border, **extra}


def _new(name: str, summary: str, title: str, rankdir: str):
    """A Picture with the shared look, and the white card every node goes on."""
    from .display import Picture
    g = Picture(name, summary=summary,
                graph_attr={"bgcolor": "transparent", "rankdir": rankdir, "fontname": FONT, "nodesep": "0.25",
                            "ranksep": "0.45", "pad": "0.1", "newrank": "true"},
                node_attr={"fontname": FONT, "fontsize": "10", "fontcolor": TEXT, "margin": "0.12,0.06",
                           "penwidth": "1.2"},
                edge_attr={"fontname": FONT, "fontsize": "9", "fontcolor": MUTED, "color": MUTED,
                           "arrowsize": "0.7"})
    fill, border = PALETTE["card"]
    card = g.subgraph(name="cluster_card", graph_attr={
        "label": title, "labelloc": "t", "labeljust": "l", "fontsize": "13", "fontcolor": TEXT,
        "style": "rounded,filled", "fillcolor": fill, "color": border, "margin": "14"})
    return g, card


# -- the cluster ------------------------------------------------------------------------------
def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _wrap(text: str, width: int = 46) -> list[str]:
    return [line for para in text.splitlines() for line in (textwrap.wrap(para, width) or [""])]


def _ip(node: dict) -> str:
    return next((a["address"] for a in node["status"].get("addresses", []) if a["type"] == "InternalIP"), "")


def _ready(obj: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def _labels(labels: dict | None, limit: int = 4) -> list[str]:
    items = [f"{k}={v}" for k, v in sorted((labels or {}).items())]
    return items[:limit] + ([f"... {len(items) - limit} more"] if len(items) > limit else [])


def _pod_node(sub, pod: dict, now: float, show_ns: bool) -> None:
    from ..kubectl.cells import pod_row_cells
    meta, status = pod["metadata"], pod.get("status") or {}
    cells = pod_row_cells(pod, now)
    where = (f"{meta['namespace']} · " if show_ns else "") + (status.get("podIP") or "no IP yet")
    state = f"{cells['Status']} · {cells['Ready']} ready"
    if meta.get("deletionTimestamp"):
        attrs = _box("pod_terminating", style="rounded,filled,dashed")
    elif _ready(pod):
        attrs = _box("pod")
    else:
        attrs = _box("pod_not_ready", penwidth="1.8")
        state += " · NOT READY"
    sub.node(f"pod/{meta['namespace']}/{meta['name']}",
             _html(meta["name"], [where], _labels(meta.get("labels")) + [state]), **attrs)


def _service_node(g, svc: dict) -> None:
    from ..kubectl.cells import format_label_selector, make_port_string
    meta, spec = svc["metadata"], svc["spec"]
    kind = spec.get("type", "ClusterIP")
    if kind == "ExternalName":
        lines = [f"CNAME {spec.get('externalName', '')}"]
    else:
        ip = spec.get("clusterIP")
        lines = [("headless (clusterIP None)" if ip == "None" else f"ClusterIP {ip}"), make_port_string(spec.get("ports"))]
    selector = format_label_selector({"matchLabels": spec["selector"]}) if spec.get("selector") else "none"
    selector = _wrap("selector " + selector.replace(",", ", "), 48)
    g.node(f"svc/{meta['namespace']}/{meta['name']}",
           _html(f"Service {meta['name']}", [f"{meta['namespace']} · {kind}"] + lines, selector),
           **_box("service", style="filled"))


def _endpoint_edges(g, slices: list[dict], pods: list[str]) -> None:
    edges = []
    for sl in slices:
        svc = sl["metadata"].get("labels", {}).get("kubernetes.io/service-name")
        ports = ",".join(str(p.get("port")) for p in sl.get("ports") or [])
        for ep in sl.get("endpoints") or []:
            ref = ep.get("targetRef") or {}
            target = f"pod/{ref.get('namespace', sl['metadata']['namespace'])}/{ref.get('name')}"
            if ref.get("kind") == "Pod" and target in pods:
                edges.append((f"svc/{sl['metadata']['namespace']}/{svc}", pods.index(target), target,
                               ep.get("conditions") or {}, ports))
    # Sorted by node, then pod name: the source reads in the picture's order.
    for tail, _, target, cond, ports in sorted(edges, key=lambda e: e[:2]):
        if cond.get("terminating"):
            g.edge(tail, target, label="terminating", style="dotted", color=PALETTE["pod_terminating"][1])
        elif cond.get("ready") is False:
            g.edge(tail, target, label="not ready", style="dashed", color=PALETTE["pod_not_ready"][1],
                   fontcolor=PALETTE["pod_not_ready"][1])
        else:
            g.edge(tail, target, label=f":{ports}" if ports else "", color=PALETTE["service"][1], penwidth="1.4")


def _lb_address(status: dict | None, cloud: str | None) -> str:
    from ..kubectl.cells import load_balancer_status_stringer
    text = load_balancer_status_stringer((status or {}).get("loadBalancer"))
    if not text:
        return "<pending> (no cloud)"
    return f"{text} ({cloud})" if cloud else text


def _backend(g, ns: str, name: str, known: set[str]) -> str:
    """The node of a backend Service; a dashed stand-in when no such Service exists."""
    key = f"svc/{ns}/{name}"
    if key not in known:
        known.add(key)
        g.node(key, _html(f"Service {name}", [f"{ns} · does not exist"], colour=RED),
               **_box("unserved", style="filled,dashed"))
    return key


def _entries(g, c, services: list[dict], node_ips: list[tuple[str, str]], shown: set[str]) -> None:
    """Internet, LoadBalancers, NodePorts, the Ingress controller and Gateways."""
    internet = False
    for svc in reversed(services):
        meta, spec = svc["metadata"], svc["spec"]
        key = f"{meta['namespace']}/{meta['name']}"
        if spec.get("type") not in ("NodePort", "LoadBalancer"):
            continue
        lb = f"lb/{key}" if spec["type"] == "LoadBalancer" else None
        if lb:
            ports = ", ".join(str(p["port"]) for p in spec.get("ports") or [])
            g.node(lb, _html("LoadBalancer", [_lb_address(svc.get("status"), c.cloud), f"ports {ports}"],
                             [f"for {key}"]), **_box("entry", shape="box", style="filled"))
            g.edge("internet", lb)
            internet = True
        for p in spec.get("ports") or []:
            target = f"svc/{key}"
            if p.get("nodePort"):
                np = f"np/{key}/{p['nodePort']}"
                g.node(np, _html(f"NodePort {p['nodePort']}", [f"{ip}:{p['nodePort']}" for _, ip in node_ips],
                                 ["on every node"]), **_box("entry", style="rounded,filled"))
                g.edge(np, target, label=f"→ port {p['port']}")
                if lb:  # the cloud LB forwards to the NodePort on the nodes (allocateLoadBalancerNodePorts)
                    g.edge(lb, np, label=f":{p['port']}")
                else:
                    g.edge("internet", np)
                    internet = True
            elif lb:
                g.edge(lb, target, label=f":{p['port']}")
    known = {f"svc/{s['metadata']['namespace']}/{s['metadata']['name']}" for s in services}
    internet |= _ingress_entry(g, c, shown, known)
    internet |= _gateway_entries(g, c, shown, known)
    if internet:
        g.node("internet", _html("internet", ["clients outside the cluster"]),
               **_box("client", shape="ellipse", style="filled"))


def _ingress_entry(g, c, shown: set[str], known: set[str]) -> bool:
    """ingress-nginx (if installed) and the Ingresses it serves; unserved ones dashed."""
    from ..addons import INGRESS_CONTROLLER
    from ..routing import served_ingresses
    ingresses = sorted((i for i in c.store.items("Ingress") if i["metadata"]["namespace"] in shown),
                       key=lambda i: (i["metadata"]["namespace"], i["metadata"]["name"]))
    if not ingresses:
        return False
    served = {(i["metadata"]["namespace"], i["metadata"]["name"]) for i in
              served_ingresses(list(c.store.items("Ingress")), list(c.store.items("IngressClass")),
                               controller=INGRESS_CONTROLLER)}
    installed = "ingress-nginx" in c.addons
    if installed:
        ctl = c.store.peek("Service", "ingress-nginx", "ingress-nginx-controller") or {}
        hosts = sorted({r.get("host") or "*" for i in ingresses if (i["metadata"]["namespace"], i["metadata"]["name"]) in served
                        for r in i["spec"].get("rules") or [{}]})
        address = next((_lb_address(i.get("status"), c.cloud) for i in ingresses if (i.get("status") or {}).get(
            "loadBalancer", {}).get("ingress")), _lb_address(ctl.get("status"), c.cloud))
        g.node("ingress-controller", _html("Ingress controller (ingress-nginx)", [f"address {address}"],
                                           [f"hosts: {', '.join(hosts)}" if hosts else "no Ingress served"]),
               **_box("entry", shape="box", style="filled,bold"))
        g.edge("internet", "ingress-controller", label="HTTP(S) by Host")
    for ing in ingresses:
        ns, name = ing["metadata"]["namespace"], ing["metadata"]["name"]
        ok = installed and (ns, name) in served
        src = "ingress-controller" if ok else f"ing/{ns}/{name}"
        if not ok:
            cls = ing["spec"].get("ingressClassName") or "(none)"
            g.node(src, _html(f"Ingress {name}", [f"class {cls}: no controller serves it"]),
                   **_box("unserved", style="rounded,filled,dashed"))
        for rule in ing["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                be = (path.get("backend") or {}).get("service") or {}
                port = be.get("port", {}).get("number") or be.get("port", {}).get("name")
                g.edge(src, _backend(g, ns, be.get("name"), known), label=f"{rule.get('host') or '*'}{path.get('path', '/')}\\n"
                       f"(ingress {name}) → :{port}", style="solid" if ok else "dashed")
        default = (ing["spec"].get("defaultBackend") or {}).get("service")
        if default:
            g.edge(src, _backend(g, ns, default["name"], known), label=f"default backend (ingress {name})")
    return installed


def _gateway_entries(g, c, shown: set[str], known: set[str]) -> bool:
    """Each Gateway with its address and listeners; edges along its HTTPRoutes' rules."""
    gateways = sorted((x for x in c.store.items("Gateway") if x["metadata"]["namespace"] in shown),
                      key=lambda x: (x["metadata"]["namespace"], x["metadata"]["name"]))
    for gw in gateways:
        ns, name = gw["metadata"]["namespace"], gw["metadata"]["name"]
        addrs = [a.get("value") for a in (gw.get("status") or {}).get("addresses") or []]
        listeners = [f"{lst.get('name')} {lst.get('protocol')}:{lst.get('port')}"
                     + (f" {lst['hostname']}" if lst.get("hostname") else "") for lst in gw["spec"].get("listeners") or []]
        g.node(f"gw/{ns}/{name}", _html(f"Gateway {name}", [f"{ns} · class {gw['spec'].get('gatewayClassName')}",
                                                           f"address {', '.join(addrs) or '<pending>'}"], listeners),
               **_box("entry", shape="box", style="filled,bold"))
        g.edge("internet", f"gw/{ns}/{name}", label="HTTP by Host")
    names = {f"{x['metadata']['namespace']}/{x['metadata']['name']}" for x in gateways}
    for route in sorted(c.store.items("HTTPRoute"), key=lambda r: (r["metadata"]["namespace"], r["metadata"]["name"])):
        rns, rname = route["metadata"]["namespace"], route["metadata"]["name"]
        hosts = ",".join(route["spec"].get("hostnames") or ["*"])
        for ref in route["spec"].get("parentRefs") or []:
            parent = f"{ref.get('namespace', rns)}/{ref.get('name')}"
            if parent not in names:
                continue
            for rule in route["spec"].get("rules") or []:
                paths = ",".join((m.get("path") or {}).get("value", "/") for m in rule.get("matches") or [{}])
                for be in rule.get("backendRefs") or []:
                    if be.get("kind", "Service") == "Service" and be.get("namespace", rns) in shown:
                        g.edge(f"gw/{parent}", _backend(g, be.get("namespace", rns), be["name"], known),
                               label=f"{hosts}{paths}\\n(route {rname}) → :{be.get('port')}")
    return bool(gateways)


def cluster_graph(cluster, *, namespaces: Iterable[str] | None = None, show_system: bool = False):
    """The cluster's topology: entry points, Services, and each node's pods (see the module docstring).

    ``namespaces``: show only these; by default every namespace but the system ones
    (``SYSTEM_NAMESPACES`` and the ``default/kubernetes`` Service), which ``show_system=True`` adds."""
    all_ns = sorted(n["metadata"]["name"] for n in cluster.store.items("Namespace"))
    if namespaces is not None:
        shown = set([namespaces] if isinstance(namespaces, str) else namespaces)
    else:
        shown = {n for n in all_ns if show_system or n not in SYSTEM_NAMESPACES}
    nodes = sorted(cluster.store.items("Node"), key=lambda n: n["metadata"]["name"])
    node_ips = [(n["metadata"]["name"], _ip(n)) for n in nodes]
    pods = sorted((p for p in cluster.store.items("Pod") if p["metadata"]["namespace"] in shown),
                  key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    services = sorted((s for s in cluster.store.items("Service") if s["metadata"]["namespace"] in shown
                       and (show_system or (s["metadata"]["namespace"], s["metadata"]["name"]) != ("default", "kubernetes"))),
                      key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"]))
    title = (f"Cluster · {_n(len(nodes), 'node')} · CNI {cluster.cni} · kube-proxy {cluster.proxy_mode}"
             f" · cloud {cluster.cloud or 'none'} · namespaces {', '.join(sorted(shown)) or '-'}")
    g, card = _new("topology", "", title, "LR")
    show_ns = len({p["metadata"]["namespace"] for p in pods} | {s["metadata"]["namespace"] for s in services}) > 1
    with card as c:
        _entries(c, cluster, services, node_ips, shown)
        with c.subgraph(name="cluster_services", graph_attr={"style": "invis", "label": ""}) as s:
            for svc in reversed(services):
                _service_node(s, svc)
        # dot lays out rankdir=LR with y pointing up, so the first in its order ends at the
        # bottom: emit in reverse for node-1 (and the first pod, Service) to be on top.
        for node in reversed(nodes + [None]):
            name = node["metadata"]["name"] if node else None
            here = [p for p in pods if (p["spec"].get("nodeName") or None) == name]
            if node is None and not here:
                continue
            up = node is not None and _ready(node)
            fill, border = PALETTE["node" if up else "node_down"]
            label = (f"node {name} · {_ip(node)} · pods {node['spec'].get('podCIDR', '')}"
                     + ("" if up else " · NotReady") if node else "not scheduled yet (Pending)")
            with c.subgraph(name=f"cluster_node_{name or '-'}", graph_attr={
                    "label": label, "style": "rounded,filled", "fillcolor": fill, "color": border,
                    "fontcolor": TEXT, "fontsize": "11", "labeljust": "l"}) as sub:
                for pod in reversed(here):
                    _pod_node(sub, pod, cluster.now, show_ns)
                if not here:
                    sub.node(f"empty/{name}", "(no pods shown)", shape="plaintext", fontcolor=MUTED)
    order = {n["metadata"]["name"]: i for i, n in enumerate(nodes)}
    shown_pods = [f"pod/{p['metadata']['namespace']}/{p['metadata']['name']}"
                  for p in sorted(pods, key=lambda p: order.get(p["spec"].get("nodeName") or "", len(order)))]
    slices = sorted((s for s in cluster.store.items("EndpointSlice") if s["metadata"]["namespace"] in shown),
                    key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"]))
    wanted = {f"{s['metadata']['namespace']}/{s['metadata']['name']}" for s in services}
    _endpoint_edges(g, [s for s in slices if f"{s['metadata']['namespace']}/"
                        f"{s['metadata'].get('labels', {}).get('kubernetes.io/service-name')}" in wanted], shown_pods)
    g.summary = (f"cluster topology, {_n(len(nodes), 'node')}, {_n(len(services), 'service')}, "
                 f"{_n(len(pods), 'pod')}")
    return g
