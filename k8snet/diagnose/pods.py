"""Step 3 of the upstream guide "Debug Services": are the selected pods running and Ready?
Pods on a node that stopped responding, pods without an IP (not scheduled, or their node's pod
range is full) and pods that run but fail their readiness probe (and why the probe fails).
"""
from __future__ import annotations

from .. import workloads
from ..controllers.kubelet import _resolve_probe_port
from .findings import ERROR, WARNING, Finding, _names, _pod_ref

__all__ = ["probe_problem", "not_ready", "failed_node", "waiting"]


def probe_problem(pod: dict) -> tuple[str, str]:
    """Why the readiness probe of ``pod`` fails, and what to change."""
    for c in pod["spec"]["containers"]:
        probe = c.get("readinessProbe")
        if not probe:
            continue
        app = workloads.app_for(pod, c)
        action = probe.get("httpGet") or probe.get("tcpSocket") or {}
        port = _resolve_probe_port(action.get("port"), c)
        what = ("GET " + action.get("path", "/") + " on" if "httpGet" in probe else "TCP connect to") + f" port {port}"
        if app.ready_fails:
            return (f"the readiness probe ({what}) fails: the app reports not ready",
                    "fix what the app's health check depends on (here: the k8snet.io/readiness annotation)")
        if port is None:
            return (f"the readiness probe names port {action.get('port')!r}, which no container port declares",
                    "point the probe at a declared port name or a number")
        if app.bind == "127.0.0.1" and port in {p for p, _ in app.ports}:
            return (f"the readiness probe ({what}) fails: the app listens on 127.0.0.1 and the kubelet probes "
                    "the pod IP", "make the app bind 0.0.0.0")
        if not app.listens(port):
            listens = ", ".join(f"{p}/{proto}" for p, proto in app.ports) or "no port"
            return (f"the readiness probe ({what}) fails with connection refused: the app listens on {listens}",
                    f"point the probe at a port the app listens on ({app.ports[0][0] if app.ports else 'none'})")
        if "httpGet" in probe:
            got = workloads.answer(app, pod, workloads.HTTPRequest(path=action.get("path", "/"), port=port)).status
            if not 200 <= got < 400:
                return (f"the readiness probe ({what}) fails: the app answers HTTP {got} (the kubelet counts only "
                        "200-399 as success)", "point httpGet.path at a URL that answers 2xx/3xx")
        started = (pod.get("status") or {}).get("startTime")
        return (f"the readiness probe ({what}) has not succeeded yet (initialDelaySeconds: "
                f"{probe.get('initialDelaySeconds', 0)}{', started ' + started if started else ''})",
                "wait for the probe, or lower initialDelaySeconds if the app starts faster")
    return ("the pod is not Ready", "see the pod's conditions and events")


def not_ready(unready: list[dict], total: int) -> Finding:
    """Selected pods that run but are not Ready, and why their readiness probe fails."""
    why_probe, fix = probe_problem(unready[0])
    some = len(unready) < total
    return Finding(
        what=f"pod {_names(unready)} is Running but not Ready ({total - len(unready)}/{total} selected pods ready): "
             + why_probe, severity=WARNING if some else ERROR,
        why="the EndpointSlice marks a not-Ready pod ready=false and kube-proxy leaves it out of rotation"
            + ("; the other pods take all the traffic" if some else
               "; with no ready endpoint every connection is refused"),
        fix=fix, evidence=f"kubectl describe pod {_pod_ref(unready[0])}  (Events: Readiness probe failed)")


def failed_node(down: list[dict], total: int) -> Finding:
    """Selected pods on a node that stopped responding."""
    nodes = sorted({p["spec"]["nodeName"] for p in down})
    return Finding(
        what=f"pod {_names(down)} runs on node {', '.join(nodes)}, which has stopped responding "
             f"({len(down)} of {total} selected pods)", severity=ERROR if len(down) == total else WARNING,
        why="a dead node's pods stay endpoints until the node turns NotReady (node-monitor-grace-period, 50 s); "
            "connections to them time out. After 300 s more they are evicted and their controller recreates "
            "them on a healthy node",
        fix=f"bring {nodes[0]} back, or wait for eviction; run more replicas spread over nodes "
            "(topologySpreadConstraints) so one node's loss does not take the Service down",
        evidence="kubectl get nodes; kubectl get pods -o wide")


def waiting(cluster, waiting: list[dict], total: int) -> list[Finding]:
    """Selected pods without an IP: not scheduled (the scheduler's reason), or their node's pod
    range is full (the CNI's FailedCreatePodSandBox)."""
    out = []
    pending = [p for p in waiting if not p["spec"].get("nodeName")]
    if pending:
        cond = next((c for c in (pending[0].get("status") or {}).get("conditions") or []
                     if c.get("type") == "PodScheduled" and c.get("status") == "False"), {})
        msg = cond.get("message", "")
        fixes = [fix for words, fix in _SCHEDULING_FIXES if words in msg]
        out.append(Finding(
            what=f"pod {_names(pending)} is Pending: no node can take it ({len(pending)} of {total} selected pods)",
            severity=ERROR if len(pending) == total else WARNING,
            why=f"kube-scheduler says: {msg or 'it has not tried yet'} — a pod on no node has no IP, so it is "
                "no endpoint of the Service",
            fix="; ".join(fixes) or "make a node fit the pod (kubectl describe pod shows why none does)",
            evidence=f"kubectl describe pod {_pod_ref(pending[0])}"))
    creating = [p for p in waiting if p["spec"].get("nodeName")]
    if creating and any(e["reason"] == "FailedCreatePodSandBox" and e["involvedObject"]["name"] == p["metadata"]["name"]
                        for e in cluster.store.items("Event", creating[0]["metadata"]["namespace"]) for p in creating):
        out.append(Finding(
            what=f"pod {_names(creating)} is stuck in ContainerCreating ({len(creating)} of {total} selected pods)",
            severity=ERROR if len(creating) == total else WARNING,
            why="the CNI plugin could not give it an IP: every address of its node's pod range (spec.podCIDR) is "
                "taken (event FailedCreatePodSandBox: no IP addresses available in range set)",
            fix="run fewer pods per node or give nodes larger ranges (kube-controller-manager "
                "--node-cidr-mask-size; here Cluster(node_cidr_mask_size=...)), or add nodes",
            evidence=f"kubectl describe pod {_pod_ref(creating[0])}"))
    return out


# Words of kube-scheduler's FailedScheduling message -> what to change.
_SCHEDULING_FIXES = (
    ("Too many pods", "every node already runs its maximum of pods (allocatable pods, the kubelet's --max-pods, "
                      "110): add nodes or run fewer replicas"),
    ("were unschedulable", "a node is cordoned: kubectl uncordon <node>"),
    ("untolerated taint", "remove the taint (kubectl taint nodes <node> <key>-) or add a matching toleration "
                          "to the pod template"),
    ("didn't match Pod's node affinity/selector", "fix the pod's nodeSelector, or label a node to match it "
                                                  "(kubectl label node <node> key=value)"),
)
