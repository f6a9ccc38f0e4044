"""Chapter 01's live view: pods, their IPs, and what happens to them when pods or nodes die.

``PodIPsView(cluster)`` shows every pod of a namespace with its IP, its node and the node's
pod range (``spec.podCIDR``), plus a ledger of every IP a pod has ever had.  Its actions are
the events that change pod IPs on a real cluster:

* ``delete_pod(name)`` — the ReplicaSet notices a missing replica and creates a *new* pod
  (new name, new IP), as ``kubectl delete pod`` does;
* ``fail_node(name)`` then ``advance(seconds)`` — the node lifecycle controller marks the node
  ``NotReady`` after ``--node-monitor-grace-period`` (50 s since Kubernetes 1.32) and evicts its
  pods once their ``node.kubernetes.io/unreachable`` toleration runs out (300 s, added by the
  DefaultTolerationSeconds admission plugin); replacements start elsewhere, with new IPs;
* ``recover_node(name)`` — the kubelet posts status again; the evicted pods are cleaned up.

The logic is plain methods returning text/HTML (tested without a browser); ``widget()`` wires
buttons to them and renders into ``widgets.HTML`` areas only.
"""
from __future__ import annotations

import html
import ipaddress

from .base import View, pre, svg_html, table_html

__all__ = ["PodIPsView", "pod_rows", "node_rows"]


def _ready(obj: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def node_rows(cluster) -> list[list[str]]:
    """One row per node: name, status (as ``kubectl get nodes`` says it), InternalIP, pod range."""
    rows = []
    for n in cluster.list("node"):
        ip = next((a["address"] for a in n["status"].get("addresses", []) if a["type"] == "InternalIP"), "")
        rows.append([n["metadata"]["name"], "Ready" if _ready(n) else "NotReady", ip, n["spec"].get("podCIDR", "")])
    return rows


def pod_rows(cluster, namespace: str = "default") -> list[list[str]]:
    """One row per pod: name, phase (``Terminating`` when deleted), IP, node, and whether the
    IP lies inside that node's ``podCIDR`` (it always does: the node's IPAM hands it out)."""
    cidrs = {n[0]: n[3] for n in node_rows(cluster)}
    rows = []
    for p in cluster.list("pod", namespace):
        st = p.get("status") or {}
        node = p["spec"].get("nodeName") or "<none>"
        ip = st.get("podIP") or "<none>"
        phase = "Terminating" if p["metadata"].get("deletionTimestamp") else st.get("phase", "Pending")
        ready = "yes" if _ready(p) else "no"
        inside = ""
        if ip != "<none>" and cidrs.get(node):
            inside = "yes" if ipaddress.ip_address(ip) in ipaddress.ip_network(cidrs[node]) else "NO"
        rows.append([p["metadata"]["name"], phase, ready, ip, node, inside])
    return rows


class PodIPsView(View):
    """Pods and their IPs, with buttons that delete a pod, fail a node and move the clock."""

    outputs = ("log", "nodes", "pods", "ledger", "picture")

    def __init__(self, cluster, namespace: str = "default", picture: bool = True):
        self.cluster, self.namespace, self.picture = cluster, namespace, picture
        self.events: list[str] = []
        #: every (pod name, IP) ever seen, in order, with the simulated time it was first seen
        self.ledger: dict[tuple[str, str], float] = {}
        self._note()

    # -- actions -------------------------------------------------------------------------
    def _note(self) -> None:
        for name, _, _, ip, _, _ in pod_rows(self.cluster, self.namespace):
            if ip != "<none>":
                self.ledger.setdefault((name, ip), self.cluster.now)

    def _log(self, text: str) -> str:
        line = f"t={self.cluster.now:>4.0f}s  {text}"
        self.events.append(line)
        self._note()
        return line

    def delete_pod(self, name: str) -> str:
        """``kubectl delete pod NAME``; returns the log line (kubectl's answer)."""
        if not name:
            return self._log("no pod chosen")
        return self._log(self.cluster.kubectl(f"delete pod {name} -n {self.namespace}").strip())

    def fail_node(self, name: str) -> str:
        """Power the node off: its kubelet stops posting status."""
        self.cluster.fail_node(name)
        return self._log(f"{name} powered off (its kubelet stops posting status)")

    def recover_node(self, name: str) -> str:
        """Power the node on again."""
        self.cluster.recover_node(name)
        return self._log(f"{name} is back")

    def advance(self, seconds: float) -> str:
        """Let simulated time pass (grace periods, evictions)."""
        self.cluster.advance(seconds)
        return self._log(f"{seconds:.0f} s passed")

    # -- what is shown -----------------------------------------------------------------------
    def ledger_rows(self) -> list[list[str]]:
        """Every pod IP seen so far, and whether that pod still holds it."""
        live = {(r[0], r[3]): r[1] for r in pod_rows(self.cluster, self.namespace)}
        return [[f"{t:.0f}s", name, ip, live.get((name, ip), "gone")]
                for (name, ip), t in sorted(self.ledger.items(), key=lambda kv: (kv[1], kv[0]))]

    def render(self, **_values) -> dict[str, str]:
        """The HTML of every area (log, nodes, pods, ledger, picture)."""
        out = {
            "log": pre("\n".join(self.events[-6:]) or "(nothing happened yet: use the buttons)"),
            "nodes": table_html(["NODE", "STATUS", "INTERNAL-IP", "POD RANGE (spec.podCIDR)"], node_rows(self.cluster)),
            "pods": table_html(["POD", "STATUS", "READY", "IP", "NODE", "IP IN NODE RANGE"],
                               pod_rows(self.cluster, self.namespace)),
            "ledger": "<b>Every pod IP seen so far</b>" + table_html(["FIRST SEEN", "POD", "IP", "NOW"],
                                                                    self.ledger_rows()),
            "picture": "",
        }
        if self.picture:
            try:
                out["picture"] = svg_html(self.cluster.graph(namespaces=[self.namespace]))
            except Exception as e:  # no Graphviz on this machine: say so instead of failing the view
                out["picture"] = f"<i>(picture unavailable: {html.escape(type(e).__name__)})</i>"
        return out

    def pod_names(self) -> list[str]:
        """The pods that can still be deleted (not already terminating)."""
        return [r[0] for r in pod_rows(self.cluster, self.namespace) if r[1] != "Terminating"]

    def node_names(self) -> list[str]:
        """Every node's name."""
        return [r[0] for r in node_rows(self.cluster)]

    # -- wiring --------------------------------------------------------------------------------
    def widget(self, layout=None):
        """Dropdowns and buttons above the tables and the picture (all ``widgets.HTML``)."""
        import ipywidgets as w
        pod = w.Dropdown(description="pod", options=self.pod_names(), layout=w.Layout(width="300px"))
        node = w.Dropdown(description="node", options=self.node_names(), layout=w.Layout(width="200px"))
        buttons = {
            "delete": w.Button(description="Delete pod", button_style="danger"),
            "fail": w.Button(description="Fail node", button_style="warning"),
            "recover": w.Button(description="Recover node"),
            "wait60": w.Button(description="Wait 60 s"),
            "wait300": w.Button(description="Wait 300 s"),
        }
        areas = {name: w.HTML() for name in self.outputs}

        def refresh():
            for name, text in self.render().items():
                areas[name].value = text
            pod.options = self.pod_names()

        actions = {
            "delete": lambda: self.delete_pod(pod.value),
            "fail": lambda: self.fail_node(node.value),
            "recover": lambda: self.recover_node(node.value),
            "wait60": lambda: self.advance(60),
            "wait300": lambda: self.advance(300),
        }
        for key, b in buttons.items():
            b.on_click(lambda _b, key=key: (actions[key](), refresh()))
        refresh()
        self._controls = {"pod": pod, "node": node, **buttons}
        self._areas = areas
        return w.VBox([w.HBox([pod, buttons["delete"]]),
                       w.HBox([node, buttons["fail"], buttons["recover"], buttons["wait60"], buttons["wait300"]]),
                       areas["log"], w.HBox([areas["nodes"]]), areas["pods"], areas["ledger"], areas["picture"]])
