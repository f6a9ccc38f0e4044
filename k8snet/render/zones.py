"""Traffic per zone: where each node's kube-proxy sends a Service's connections.

``zone_traffic(cluster, service)`` sends requests to the Service's ClusterIP from every node
(as ``curl`` on the node would: kube-proxy's rules of that node choose the endpoint) and counts
the pods that answer; ``zone_traffic_graph(cluster, counts)`` draws the count: a box per zone
holding its nodes, each node with its client and the pods on it, and an arrow from each client
to each pod it reached, labelled with its share of the requests (blue inside the zone, orange
across zones, red for requests no pod answered).  Nodes without a ``topology.kubernetes.io/zone``
label sit in a box of their own.  The counts come from the simulated datapath, so the picture
shows what the rules do, not what the hints say.
"""
from __future__ import annotations

from collections import Counter

__all__ = ["zone_traffic", "zone_traffic_graph", "ZONE_LABEL", "NO_ZONE"]

ZONE_LABEL = "topology.kubernetes.io/zone"
#: The box of the nodes without a zone label.
NO_ZONE = "no zone label"


def _zone(node: dict) -> str:
    return (node["metadata"].get("labels") or {}).get(ZONE_LABEL) or NO_ZONE


def zone_traffic(cluster, service: str, namespace: str = "default", *, requests: int = 40,
                 nodes: list[str] | None = None) -> dict[str, Counter]:
    """For each node (every node by default, the control plane too): how many of ``requests``
    connections to the Service's ClusterIP (its first port) each pod answered (``"ns/pod"``),
    or curl's error for those no pod answered."""
    svc = cluster.get("service", service, namespace)
    ip, port = svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["port"]
    out: dict[str, Counter] = {}
    for name in nodes or sorted(n["metadata"]["name"] for n in cluster.list("nodes")):
        seen: Counter = Counter()
        for _ in range(requests):
            r = cluster.request(f"http://{ip}:{port}/", from_node=name)
            seen[r.pod or r.error] += 1
        out[name] = seen
    return out


def zone_traffic_graph(cluster, counts: dict[str, Counter], *, title: str = "Where each node's connections go"):
    """A picture of ``counts`` (from :func:`zone_traffic`), see the module docstring."""
    from .graphviz import PALETTE, TEXT, _box, _html, _new
    nodes = {n["metadata"]["name"]: n for n in cluster.list("nodes")}
    pods = {f'{p["metadata"]["namespace"]}/{p["metadata"]["name"]}': p for p in cluster.list("pods", None)}
    answered = sorted({k for c in counts.values() for k in c if k in pods})
    zones: dict[str, list[str]] = {}
    for name in sorted(nodes):
        if name in counts or any(pods[p]["spec"].get("nodeName") == name for p in answered):
            zones.setdefault(_zone(nodes[name]), []).append(name)
    g, card = _new("zone_traffic", "", title, "LR")
    with card as c:
        for zone in sorted(zones, key=lambda z: (z == NO_ZONE, z)):
            with c.subgraph(name=f"cluster_zone_{zone}", graph_attr={
                    "label": f"zone {zone}" if zone != NO_ZONE else NO_ZONE, "labeljust": "l", "fontsize": "12",
                    "style": "rounded,dashed", "color": PALETTE["node"][1], "fontcolor": TEXT}) as z:
                for name in zones[zone]:
                    fill, border = PALETTE["node"]
                    with z.subgraph(name=f"cluster_node_{name}", graph_attr={
                            "label": name, "labeljust": "l", "fontsize": "10", "style": "rounded,filled",
                            "fillcolor": fill, "color": border, "fontcolor": TEXT}) as nb:
                        for p in reversed([p for p in answered if pods[p]["spec"].get("nodeName") == name]):
                            nb.node(f"pod/{p}", _html(p.split("/", 1)[1], [pods[p]["status"].get("podIP", "")]),
                                    **_box("pod"))
                        if name in counts:
                            nb.node(f"client/{name}", _html("client", [f"on {name}"]), **_box("client"))
    for name, seen in counts.items():
        total = sum(seen.values()) or 1
        for key, n in sorted(seen.items()):
            share = f"{100 * n / total:.0f}%"
            if key in pods:
                same = _zone(nodes[pods[key]["spec"]["nodeName"]]) == _zone(nodes[name])
                colour = PALETTE["service"][1] if same and _zone(nodes[name]) != NO_ZONE else PALETTE["entry"][1]
                g.edge(f"client/{name}", f"pod/{key}", label=share, color=colour, fontcolor=colour,
                       penwidth=f"{1 + 3 * n / total:.2f}")
            else:
                g.node(f"failed/{name}", _html(str(key)), **_box("failed"))
                g.edge(f"client/{name}", f"failed/{name}", label=share, color=PALETTE["failed"][1])
    g.summary = f"traffic per zone, {len(counts)} client nodes, {len(answered)} pods"
    return g
