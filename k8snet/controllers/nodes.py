"""What happens on and to nodes: the scheduler, the kubelets, node failure and eviction.

A mixin of the controller Manager (its ``store``, ``api``, ``dirty`` queues and timers).

Node failure follows the node lifecycle controller: when a kubelet stops posting status,
the node turns ``Ready=Unknown`` after ``--node-monitor-grace-period`` (50 s), its pods are
marked not ready (so they leave Service endpoints) and the node is tainted
``node.kubernetes.io/unreachable:NoExecute``.  Every pod tolerates that taint for 300 s
(DefaultTolerationSeconds); then it is evicted and its controller recreates it elsewhere,
with a new IP.  The evicted pod stays ``Terminating`` until its kubelet comes back.
"""
from __future__ import annotations

from .. import clock
from ..apiserver.store import clone, replace_fields
from . import kubelet

__all__ = ["NodeControllers", "allocatable_pods", "MAX_PODS"]

NODE_MONITOR_GRACE = 50
MAX_PODS = 110  # the kubelet's --max-pods default
TOO_MANY_PODS = "Too many pods"  # NodeResourcesFit's reason
# The taints the node lifecycle controller adds and removes as the Ready condition changes.
CONDITION_TAINTS = ("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready")
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"  # follows spec.unschedulable
EVICTION_TOLERATION = 300


def _tolerates_forever(pod: dict, key: str) -> bool:
    """A NoExecute toleration of ``key`` without tolerationSeconds: the taint eviction
    controller never evicts the pod (DaemonSet pods, e.g. kube-proxy, tolerate everything)."""
    for t in pod["spec"].get("tolerations") or []:
        matches = (t.get("operator") == "Exists" and not t.get("key")) or t.get("key") == key
        if matches and t.get("effect") in (None, "", "NoExecute") and t.get("tolerationSeconds") is None:
            return True
    return False


def node_ready(node: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"].get("conditions") or [])


def _tolerates(toleration: dict, taint: dict) -> bool:
    """core/v1 Toleration.ToleratesTaint: effect (empty = any), key (empty with Exists = any),
    then ``Exists`` or an equal value."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    if toleration.get("operator") == "Exists":
        return True
    return toleration.get("operator", "Equal") == "Equal" and toleration.get("value", "") == taint.get("value", "")


def allocatable_pods(node: dict) -> int:
    """``status.allocatable.pods``: the kubelet's ``--max-pods`` (110 by default)."""
    return int(((node.get("status") or {}).get("allocatable") or {}).get("pods", MAX_PODS))


def _node_filter(pod: dict, node: dict) -> str | None:
    """The filters that depend on the pod and the node only (see ``_filter``)."""
    spec, tolerations = node["spec"], pod["spec"].get("tolerations") or []
    if spec.get("unschedulable") and not any(
            _tolerates(t, {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}) for t in tolerations):
        return "node(s) were unschedulable"  # NodeUnschedulable
    taints = list(spec.get("taints") or [])
    if not taints and not node_ready(node):  # the lifecycle controller's taint, before it is written
        taints = [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}]
    for taint in taints:  # TaintToleration: only NoSchedule and NoExecute keep pods off
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not any(_tolerates(t, taint) for t in tolerations):
            return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (pod["spec"].get("nodeSelector") or {}).items()):
        return "node(s) didn't match Pod's node affinity/selector"  # NodeAffinity
    return None


def _filter(pod: dict, node: dict, pods_on_node: int) -> str | None:
    """Why ``pod`` cannot go to ``node`` (the first failing kube-scheduler filter plugin, in
    the default profile's order, with the plugin's own wording), or None when it fits."""
    return _room(_node_filter(pod, node), pods_on_node, allocatable_pods(node))


def _room(why: str | None, pods_on_node: int, room: int) -> str | None:
    """NodeResourcesFit on the pod count, for a node that passed the node-only filters."""
    return TOO_MANY_PODS if why is None and pods_on_node + 1 > room else why


def _fit_error(total: int, reasons: dict[str, int]) -> str:
    """FitError.Error() and the preemption plugin's PostFilter message: reasons as "count
    reason", sorted as strings. Only a full node could be freed by preemption, and every
    pod here has the same priority, so there is no victim (default_preemption.go)."""
    found = ", ".join(sorted(f"{n} {r}" for r, n in reasons.items()))
    full = reasons.get(TOO_MANY_PODS, 0)
    after = {"No preemption victims found for incoming pod": full,
             "Preemption is not helpful for scheduling": total - full}
    preempt = ", ".join(sorted(f"{n} {r}" for r, n in after.items() if n))
    return f"0/{total} nodes are available: {found}. preemption: 0/{total} nodes are available: {preempt}."


class NodeControllers:
    """kube-scheduler, the kubelets and the node lifecycle controller."""

    def _sync_scheduler(self, ns: str, name: str) -> None:
        pod = self.store.peek("Pod", ns, name)
        if pod is None or pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            self.unschedulable.discard((ns, name))
            return
        nodes = self.nodes_by_name()
        # What does not change while the nodes stay the same, once per kind of pod: the
        # nodes' names, the first failing node-only filter for such a pod, the pod room.
        shape = (repr(pod["spec"].get("tolerations")), repr(pod["spec"].get("nodeSelector")))
        static = self._verdicts.get(shape)
        if static is None:
            per_node = [(n["metadata"]["name"], _node_filter(pod, n), allocatable_pods(n)) for n in nodes.values()]
            everywhere = all(why is None for _, why, _ in per_node)
            static = self._verdicts[shape] = (per_node, everywhere, min((r for *_, r in per_node), default=0))
        per_node, everywhere, room = static  # room: the smallest allocatable pods of any node
        least, emptiest = self.idx.least_loaded()
        if everywhere and least + 1 <= room and emptiest:
            # Every node passes the node-only filters and even the fullest of the emptiest
            # has room: the emptiest nodes are the candidates (the indexes keep them by load).
            self._bind(pod, sorted(emptiest))
            return
        fits, reasons, counts = [], {}, self.idx.node_pods
        for node, why, node_room in per_node:
            why = _room(why, counts.get(node, 0), node_room)
            if why is None:
                fits.append(node)
            else:
                reasons[why] = reasons.get(why, 0) + 1
        if not fits:
            self.unschedulable.add((ns, name))
            msg = _fit_error(len(nodes), reasons)
            p2 = clone(pod)
            cond = {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                    "lastTransitionTime": clock.rfc3339(self.now), "reason": "Unschedulable", "message": msg}
            old = p2["status"].get("conditions") or []
            if [{**c, "lastTransitionTime": None} for c in old] != [{**cond, "lastTransitionTime": None}]:
                p2["status"]["conditions"] = [cond]
                self.api.write(p2)
                self.api.record_event(p2, "Warning", "FailedScheduling", msg, "default-scheduler")
            return
        load = {n: counts.get(n, 0) for n in fits}
        least = min(load.values())
        self._bind(pod, sorted(n for n, c in load.items() if c == least))

    def _bind(self, pod: dict, best: list[str]) -> None:
        """kube-scheduler scores the feasible nodes (here: fewest pods first), then picks at
        random among the best (selectHost) and binds the pod there."""
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        self.unschedulable.discard((ns, name))
        chosen = best[self.api.rng.randrange(len(best))]
        p2 = replace_fields(pod, spec={**pod["spec"], "nodeName": chosen})
        self.api.write(p2)
        self.api.record_event(p2, "Normal", "Scheduled", f"Successfully assigned {ns}/{name} to {chosen}",
                              "default-scheduler")

    def _sync_nodelifecycle(self, _ns: str, name: str) -> None:
        """TaintNodesByCondition for a cordon: the node lifecycle controller keeps the taint
        node.kubernetes.io/unschedulable:NoSchedule in step with spec.unschedulable."""
        node = self.store.peek("Node", "", name)
        if node is None:
            return
        taints = node["spec"].get("taints") or []
        want = bool(node["spec"].get("unschedulable"))
        if want == any(t.get("key") == UNSCHEDULABLE_TAINT for t in taints):
            return
        kept = [t for t in taints if t.get("key") != UNSCHEDULABLE_TAINT]
        if want:
            kept.append({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule", "timeAdded": clock.rfc3339(self.now)})
        spec = {k: v for k, v in node["spec"].items() if k != "taints"}
        self.api.write(replace_fields(node, spec={**spec, "taints": kept} if kept else spec))

    def _sync_kubelet(self, ns: str, name: str) -> None:
        pod = self.store.peek("Pod", ns, name)
        if pod is None:
            return
        node_name = pod["spec"].get("nodeName")
        if not node_name or not self.kubelet_up.get(node_name, False):
            return
        if pod["metadata"].get("deletionTimestamp"):
            self._kill_pod(pod)  # preStop, stop signal, grace period (termination.py)
            return
        if (pod.get("status") or {}).get("podIP"):
            return
        node = self.store.peek("Node", "", node_name)
        if pod["spec"].get("hostNetwork"):  # the node's own network namespace: its IP(s)
            ip = kubelet.node_internal_ips(node)
        else:
            try:
                ip = self.ipam[node_name].allocate_all()
            except kubelet.Exhausted as e:  # a node range smaller than --max-pods: the CNI fails
                self._sandbox_failed(pod, str(e))
                return
        status, timers = kubelet.start_pod(pod, node, ip, self.now)
        self.started_at[pod["metadata"]["uid"]] = self.now
        p2 = replace_fields(pod, status=status)
        self.api.write(p2)
        for ct in p2["spec"]["containers"]:
            image = ct["image"]
            self.api.record_event(p2, "Normal", "Pulled",
                                  f'Container image "{image}" already present on machine', "kubelet")
            self.api.record_event(p2, "Normal", "Created", f"Created container: {ct['name']}", "kubelet")
            self.api.record_event(p2, "Normal", "Started", f"Started container {ct['name']}", "kubelet")
        for kind, at in timers:
            self.after(at, (kind, ns, name, p2["metadata"]["uid"], 0))

    def _sandbox_failed(self, pod: dict, why: str) -> None:
        """The CNI plugin could not set the pod's network up: the kubelet's event, and a retry."""
        meta = pod["metadata"]
        if not (pod.get("status") or {}).get("containerStatuses"):
            # kubectl shows such a pod as ContainerCreating: Pending, containers waiting.
            waiting = kubelet.waiting_status(pod, self.store.peek("Node", "", pod["spec"]["nodeName"]), self.now)
            pod = replace_fields(pod, status=waiting)
            self.api.write(pod)
        sandbox = kubelet._digest(f"sandbox/{meta.get('uid')}")
        self.api.record_event(pod, "Warning", "FailedCreatePodSandBox",
                              f"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup "
                              f"network for sandbox \"{sandbox}\": plugin type=\"host-local\" failed (add): {why}",
                              "kubelet")
        self.after(self.now + 10, ("sandbox", meta["namespace"], meta["name"], meta.get("uid"), 0))

    def _timer_sandbox(self, ns: str, name: str, uid: str, attempt: int) -> None:
        pod = self.store.peek("Pod", ns, name)
        if pod is not None and pod["metadata"].get("uid") == uid and not (pod.get("status") or {}).get("podIP"):
            self.dirty["kubelet"].add((ns, name))

    def _live(self, ns: str, name: str, uid: str) -> dict | None:
        pod = self.store.peek("Pod", ns, name)
        if pod is None or pod["metadata"].get("uid") != uid or pod["metadata"].get("deletionTimestamp"):
            return None
        if not self.kubelet_up.get(pod["spec"].get("nodeName"), False):
            return None
        return pod

    def _timer_probe(self, ns: str, name: str, uid: str, attempt: int) -> None:
        pod = self._live(ns, name, uid)
        if pod is None:
            return
        # A new version of the status only (the store shares the unchanged parts, replace_fields):
        # the probe writes each container's ``ready`` and the conditions, nothing else.
        status = dict(pod["status"])
        status["containerStatuses"] = [dict(cs) for cs in status["containerStatuses"]]
        p2 = replace_fields(pod, status=status)
        all_ready, failures = True, []
        for ct, cs in zip(p2["spec"]["containers"], p2["status"]["containerStatuses"]):
            probe = ct.get("readinessProbe")
            if probe is not None and "running" in cs["state"]:
                cs["ready"], why = kubelet.probe_result(p2, ct, probe, starting=self.refusal(p2) is not None)
                if not cs["ready"]:
                    failures.append(f"Readiness probe failed: {why}".rstrip())
            all_ready = all_ready and cs["ready"]
        p2["status"]["conditions"] = kubelet.ready_conditions(p2, all_ready, clock.rfc3339(self.now))
        if p2 != pod:
            self.api.write(p2)
        for message in failures:  # the kubelet's `Warning  Unhealthy` event (prober.go)
            self.api.record_event(p2, "Warning", "Unhealthy", message, "kubelet")
        if not all_ready:
            period = max((ct.get("readinessProbe") or {}).get("periodSeconds", 10) for ct in p2["spec"]["containers"])
            if attempt < 100:  # the kubelet keeps probing; bounded here so timers stay finite
                self.after(self.now + period, ("probe", ns, name, uid, attempt + 1))

    def _timer_restart(self, ns: str, name: str, uid: str, attempt: int) -> None:
        pod = self._live(ns, name, uid)
        if pod is None:
            return
        p2 = clone(pod)
        for cs in p2["status"]["containerStatuses"]:
            if "waiting" in cs["state"]:
                cs["restartCount"] += 1
                delay = kubelet.CRASH_BACKOFF[min(cs["restartCount"], len(kubelet.CRASH_BACKOFF) - 1)]
                cs["state"]["waiting"]["message"] = \
                    f"back-off {delay}s restarting failed container={cs['name']} pod={name}_{ns}({uid})"
                cs["lastState"]["terminated"]["finishedAt"] = clock.rfc3339(self.now)
        self.api.write(p2)
        self.api.record_event(p2, "Warning", "BackOff", "Back-off restarting failed container", "kubelet")
        restarts = max(cs["restartCount"] for cs in p2["status"]["containerStatuses"])
        if attempt < 50:
            delay = kubelet.CRASH_BACKOFF[min(restarts, len(kubelet.CRASH_BACKOFF) - 1)]
            self.after(self.now + delay, ("restart", ns, name, uid, attempt + 1))

    # -- node failure ---------------------------------------------------------------
    def fail_node(self, name: str) -> None:
        """The node's kubelet stops (power loss, network partition)."""
        self.kubelet_up[name] = False
        self.after(self.now + NODE_MONITOR_GRACE, ("node_unreachable", name))

    def recover_node(self, name: str) -> None:
        """The kubelet is back: the node turns Ready, taints go, leftover pods are cleaned up."""
        self.kubelet_up[name] = True
        node = clone(self.store.peek("Node", "", name))
        kept = [t for t in node["spec"].get("taints") or [] if t.get("key") not in CONDITION_TAINTS]
        if kept:
            node["spec"]["taints"] = kept
        else:
            node["spec"].pop("taints", None)
        for c in node["status"]["conditions"]:
            if c["type"] == "Ready":
                c.update(status="True", reason="KubeletReady", message="kubelet is posting ready status",
                         lastTransitionTime=clock.rfc3339(self.now), lastHeartbeatTime=clock.rfc3339(self.now))
        self.api.write(node)
        for pod in list(self.store.items("Pod")):
            if pod["spec"].get("nodeName") == name:
                self.dirty["kubelet"].add((pod["metadata"]["namespace"], pod["metadata"]["name"]))
                if not pod["metadata"].get("deletionTimestamp"):
                    self.after(self.now, ("probe", pod["metadata"]["namespace"], pod["metadata"]["name"],
                                          pod["metadata"]["uid"], 0))

    def _timer_node_unreachable(self, name: str) -> None:
        if self.kubelet_up.get(name):
            return
        node = clone(self.store.peek("Node", "", name))
        ts = clock.rfc3339(self.now)
        for c in node["status"]["conditions"]:
            c.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.",
                     lastTransitionTime=ts)
        # The lifecycle controller stamps timeAdded on every taint it adds (SwapNodeControllerTaint).
        node["spec"]["taints"] = [t for t in node["spec"].get("taints") or [] if t.get("key") not in CONDITION_TAINTS] + [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": ts},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts}]
        self.api.write(node)
        self.api.record_event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady",
                              "node-controller")
        for pod in list(self.store.items("Pod")):
            if pod["spec"].get("nodeName") != name:
                continue
            # MarkPodsNotReady (pkg/controller/util/node): only the pod's Ready condition turns
            # False (so the pods leave Service endpoints) and a NodeNotReady event is recorded.
            # The container statuses are the kubelet's, which cannot report: kubectl get pods
            # keeps showing READY 1/1 Running until the pods are evicted.
            p2 = clone(pod)
            changed = False
            for c in p2["status"].get("conditions") or []:
                if c["type"] == "Ready" and c.get("status") != "False":
                    c.update(status="False", lastTransitionTime=ts)
                    changed = True
            if changed:
                self.api.write(p2)
                self.api.record_event(p2, "Warning", "NodeNotReady", "Node is not ready", "node-controller")
        self.after(self.now + EVICTION_TOLERATION, ("evict", name))

    def _timer_evict(self, name: str) -> None:
        if self.kubelet_up.get(name):
            return
        for pod in list(self.store.items("Pod")):
            if pod["spec"].get("nodeName") == name and not pod["metadata"].get("deletionTimestamp") \
                    and not _tolerates_forever(pod, "node.kubernetes.io/unreachable"):
                self.api.record_event(pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {pod['metadata']['namespace']}/{pod['metadata']['name']}",
                                      "taint-eviction-controller")
                self.api.mark_deleted(pod)

    def _timer_remove_pod(self, ns: str, name: str) -> None:
        self.dirty["kubelet"].add((ns, name))
