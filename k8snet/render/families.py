"""A picture of one Service on a dual-stack (or IPv6) cluster: its address families.

``families_graph(cluster, "web")`` reads left to right: the Service with its ``ipFamilyPolicy``
and one ClusterIP per family of ``spec.ipFamilies``; then its EndpointSlices, one per address
type (the EndpointSlice controller's ``getAddressTypesForService``); then the pods, each with
its ``status.podIPs``.  Each family keeps one colour on every edge (IPv4 blue, IPv6 purple),
so a single-stack Service shows at a glance which of its pods' addresses it never uses.
"""
from __future__ import annotations

from .graphviz import MUTED, PALETTE, _box, _esc, _html, _new

__all__ = ["families_graph", "FAMILY_COLOURS"]

#: The colour of each family's edges and labels.
FAMILY_COLOURS = {"IPv4": "#1a56db", "IPv6": "#7e3af2"}


def _service_name(svc: dict) -> str:
    return f"{svc['metadata']['namespace']}/{svc['metadata']['name']}"


def families_graph(cluster, service: str, namespace: str = "default"):
    """The families of Service ``service``: ClusterIP per family, slice per address type, pods
    with their IPs (see the module docstring).  A ``Picture`` (a ``graphviz.Digraph``)."""
    svc = cluster.get("svc", service, namespace)
    spec = svc["spec"]
    slices = sorted((s for s in cluster.list("endpointslice", namespace)
                     if ((s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == service)),
                    key=lambda s: (s.get("addressType", ""), s["metadata"]["name"]))
    fams = spec.get("ipFamilies") or []
    title = (f"Service {_service_name(svc)} · {spec.get('ipFamilyPolicy', '-')} · cluster "
             f"{' + '.join(cluster.ip_families)}")
    g, card = _new("families", f"Service {service}: {len(fams)} famil{'y' if len(fams) == 1 else 'ies'}, "
                   f"{len(slices)} EndpointSlice{'' if len(slices) == 1 else 's'}", title, "LR")
    pods = {}
    with card as c:
        ips = spec.get("clusterIPs") or []
        lines = [f"{fam}  {ip}" for fam, ip in zip(fams, ips)] if ips and ips[0] != "None" else \
            ["headless (clusterIP: None)", "families: " + ", ".join(fams)]
        c.node("svc", _html(f"Service {service}", lines, [f"ipFamilies: {fams}"]), **_box("service"))
        # dot draws rankdir=LR bottom-up: emit in reverse so the IPv4 slice and first pod are on top.
        for s in reversed(slices):
            fam = s.get("addressType", "")
            colour = FAMILY_COLOURS.get(fam, MUTED)
            name = f"slice/{s['metadata']['name']}"
            eps = s.get("endpoints") or []
            c.node(name, _html(f"EndpointSlice {s['metadata']['name']}", [f"addressType: {fam}"],
                               [f"{len(eps)} endpoint{'' if len(eps) == 1 else 's'}"]),
                   **_box("dns", color=colour))
            c.edge("svc", name, label=_esc(fam), color=colour, fontcolor=colour)
            for ep in eps:
                ref = ep.get("targetRef") or {}
                pod = ref.get("name") or ep["addresses"][0]
                pods.setdefault(pod, [])
                c.edge(name, f"pod/{pod}", label=_esc(ep["addresses"][0]), color=colour, fontcolor=colour,
                       style="solid" if (ep.get("conditions") or {}).get("ready", True) else "dashed")
        for pod in sorted(pods, reverse=True):
            obj = cluster.store.peek("Pod", namespace, pod)
            ips = [p["ip"] for p in ((obj or {}).get("status") or {}).get("podIPs") or []] or [pod]
            node = ((obj or {}).get("spec") or {}).get("nodeName", "")
            c.node(f"pod/{pod}", _html(f"pod {pod}", ips, [f"on {node}"] if node else []), **_box("pod"))
        if not slices:
            c.node("none", "(no EndpointSlice: the Service has no selector)", shape="plaintext", fontcolor=MUTED)
            c.edge("svc", "none", style="invis")
    return g


_ = PALETTE  # the shared palette: a kind of thing keeps its colour in every picture
