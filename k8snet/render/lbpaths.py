"""A picture of the ways into a LoadBalancer Service (chapter 16): who carries the packet from
the client to a node, where ``loadBalancerSourceRanges`` is enforced, and where the path meets
kube-proxy's chains.

One lane per kind of load balancer, as ``k8snet.loadbalancers`` simulates them:

* **gcp / azure** (passthrough): the cloud's firewall, then the LB keeps the destination (the
  LB IP) and kube-proxy's ``loadbalancer IP`` rule takes it -- no NodePort needed;
* **aws** (Classic ELB, or an NLB with instance targets): the security group, then a node's
  **NodePort**; an NLB with ``ip`` targets goes straight to a pod;
* **MetalLB layer 2**: the elected node answers ARP; only kube-proxy filters the source;
* **a pod in the cluster**: kube-proxy on its own node captures the LB IP before it leaves;
* an **internal** load balancer has a private address: the internet never reaches it.
"""
from __future__ import annotations

from .graphviz import MUTED, RED, _box, _html, _new

__all__ = ["load_balancer_paths"]

_LANES = (
    ("gcp", "gcp / azure: a passthrough load balancer",
     (("fw", "cloud firewall", ["VPC firewall rule / NSG"], ["admits loadBalancerSourceRanges"]),
      ("lb", "load balancer", ["keeps the destination: the LB IP"], ["no NodePort needed"]),
      ("kp", "kube-proxy on a node", ["KUBE-SERVICES: loadbalancer IP", "-> KUBE-FW -> KUBE-EXT -> KUBE-SVC"], []))),
    ("aws", "aws: Classic ELB, or NLB with instance targets",
     (("fw", "security group", [], ["admits loadBalancerSourceRanges"]),
      ("lb", "ELB / NLB", ["DNS name, not an IP"], ["forwards to a NodePort"]),
      ("kp", "kube-proxy on a node", ["KUBE-NODEPORTS: nodePort", "-> KUBE-EXT -> KUBE-SVC"], []))),
    ("metallb", "bare metal: MetalLB in layer 2",
     (("lb", "the elected node", ["answers ARP for the LB IP"], ["its speaker won the election"]),
      ("kp", "kube-proxy on that node", ["KUBE-SERVICES: loadbalancer IP", "-> KUBE-FW (the only firewall)"], []))),
)


def load_balancer_paths():
    """The picture (a ``graphviz.Digraph``; Jupyter shows it as SVG)."""
    g, card = _new("load_balancer_paths", "the ways into a LoadBalancer Service",
                   "From a client to a pod through a LoadBalancer Service", "LR")
    with card as c:
        c.node("internet", _html("client on the internet", ["203.0.113.10"]), **_box("client", shape="ellipse"))
        c.node("pod", _html("pod", ["the Service's endpoint"]), **_box("pod"))
        for key, title, steps in _LANES:
            with c.subgraph(name=f"cluster_{key}", graph_attr={
                    "label": title, "labeljust": "l", "fontsize": "10", "fontcolor": MUTED,
                    "style": "rounded,dashed", "color": MUTED}) as lane:
                for name, head, lines, small in steps:
                    kind = "service" if name == "kp" else ("policy" if name == "fw" else "entry")
                    lane.node(f"{key}_{name}", _html(head, lines, small), **_box(kind))
            names = [f"{key}_{s[0]}" for s in steps]
            c.edge("internet", names[0])
            for a, b in zip(names, names[1:]):
                c.edge(a, b)
            c.edge(names[-1], "pod", label="DNAT")
        c.edge("aws_lb", "pod", label="NLB ip targets", style="dashed")
        with c.subgraph(name="cluster_inside", graph_attr={
                "label": "a pod inside the cluster", "labeljust": "l", "fontsize": "10", "fontcolor": MUTED,
                "style": "rounded,dashed", "color": MUTED}) as lane:
            lane.node("client_pod", _html("client pod", ["dials the LB IP"]), **_box("client"))
            lane.node("own_kp", _html("kube-proxy on its own node", ["captures the LB IP: KUBE-FW"],
                                      ["the packet never leaves the node"]), **_box("service"))
        c.edge("client_pod", "own_kp")
        c.edge("own_kp", "pod", label="DNAT")
        c.node("internal", _html("internal load balancer", ["a private address"], ["each cloud's annotation"]),
               **_box("failed"))
        c.edge("internet", "internal", label="times out", color=RED, fontcolor=RED, style="dashed")
    return g
