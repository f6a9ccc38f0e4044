"""The controller manager: event plumbing, timers, and running controllers to a fixed point.

Store writes arrive as watch events; each marks *keys* dirty for the controllers that care
(as informers fill work queues).  ``run()`` then syncs dirty keys, controller by controller in
a fixed order and keys in sorted order (so the same calls give the same cluster), until
nothing is dirty.  Timers (readiness probes, crash back-off, node eviction) fire from
``advance_to``.  The logic lives in the pure reconcilers next to this file.
"""
from __future__ import annotations

import heapq
from typing import Callable

from .. import labels
from ..apiserver.server import APIServer
from ..apiserver.store import replace_fields
from . import disruption, endpoints, endpointslice, kubelet
from .apps import AppsControllers
from .names import generate_name
from .indexes import Indexes
from .nodes import NodeControllers
from .service import LoadBalancerControllers
from .rootcacertpublisher import RootCACertPublisher
from .serviceaccounts import ServiceAccountControllers
from .termination import KubeletTermination
from .topologyhints import TopologyCache, TopologyQueue

__all__ = ["Manager"]

ORDER = ("nodelifecycle", "deployment", "replicaset", "statefulset", "daemonset", "scheduler", "kubelet",
         "topology", "endpointslice", "endpoints", "mirror", "service", "disruption")
#: The kinds whose watch events mark keys dirty or update ``Indexes`` (see ``_on_event``).
_WATCHED = frozenset({"Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Service", "Endpoints",
                      "EndpointSlice", "Node", "PodDisruptionBudget"})


class Manager(AppsControllers, NodeControllers, KubeletTermination, TopologyQueue, LoadBalancerControllers,
              ServiceAccountControllers, RootCACertPublisher):
    """Runs the controllers of kube-controller-manager, kube-scheduler and the kubelets."""

    def __init__(self, api: APIServer, *, cloud: str | None = None):
        self.api, self.store, self.cloud = api, api.store, cloud
        self.aws_lbc = False  # the aws-load-balancer-controller addon is installed
        self.metallb = None   # the metallb addon's controller, when installed
        self.dirty: dict[str, set] = {name: set() for name in ORDER}
        self.timers: list = []
        self._seq = 0
        self.ipam: dict[str, kubelet.IPAM] = {}
        self.kubelet_up: dict[str, bool] = {}
        self.extra: list[Callable[[], None]] = []  # addon controllers (ingress, gateway status)
        self.idx = Indexes()
        self._node_map: dict | None = None  # the Nodes by name, in name order; cleared by Node events
        self._verdicts: dict = {}  # the scheduler's node-only filter results per kind of pod (same life)
        self.unschedulable: set[tuple[str, str]] = set()  # pods the scheduler could not place
        # EndpointSlice names draw from their own stream, so slice churn never shifts pod names.
        import random
        self.slice_rng = random.Random(api.rng.getrandbits(64))
        self.ds_rng = random.Random(api.rng.getrandbits(64))  # DaemonSet pod names
        self._init_termination()
        self._init_serviceaccounts()
        self._init_root_ca_publisher()
        self.topology_cache = TopologyCache()  # TopologyAwareHints is GA
        self.store.watch(self._on_event, kinds=_WATCHED)

    # -- plumbing ---------------------------------------------------------------
    def nodes_by_name(self) -> dict[str, dict]:
        """The Nodes by name, in name order; kept until a Node changes (then the scheduler's
        per-node verdicts go too)."""
        if self._node_map is None:
            self._node_map = {n["metadata"]["name"]: n
                              for n in sorted(self.store.items("Node"), key=lambda n: n["metadata"]["name"])}
            self._verdicts = {}
        return self._node_map

    def after(self, at: float, action: tuple) -> None:
        self._seq += 1
        heapq.heappush(self.timers, (at, self._seq, action))

    def _services_selecting(self, ns: str, *label_sets) -> list[str]:
        out = []
        candidates = set()
        for ls in label_sets:
            candidates |= self.idx.services_selecting(ns, ls)
        for name in sorted(candidates):
            svc = self.store.peek("Service", ns, name)
            sel = svc["spec"].get("selector") if svc else None
            if sel and any(ls is not None and labels.from_map(sel).matches(ls) for ls in label_sets):
                out.append(svc["metadata"]["name"])
        return out

    def _on_event(self, verb: str, kind: str, old: dict | None, new: dict | None) -> None:
        self.idx.update(kind, old, new)
        obj = new or old
        meta = obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        owners = [(r["kind"], r["name"]) for r in meta.get("ownerReferences") or [] if r.get("controller")]
        if old is not None and new is not None and kind in ("Pod", "ReplicaSet"):
            # updatePod / updateReplicaSet: a changed controllerRef wakes the old controller too.
            owners += [(r["kind"], r["name"]) for r in old["metadata"].get("ownerReferences") or []
                       if r.get("controller") and (r["kind"], r["name"]) not in owners]
        if kind == "PodDisruptionBudget" or (kind == "Pod" and self.store.count("PodDisruptionBudget")):
            for pdb in self.store.items("PodDisruptionBudget", ns):
                self.dirty["disruption"].add((ns, pdb["metadata"]["name"]))
        if kind == "Pod":
            if new is None:
                self._forget_pod(old)  # its IP goes back to the node's range
            if new is not None and not new["spec"].get("nodeName"):
                self.dirty["scheduler"].add((ns, name))
            if new is None and old["spec"].get("nodeName"):
                # An assigned pod is gone: the scheduler retries the pods that did not fit
                # (its queue moves them back on the AssignedPodDelete event).
                self.dirty["scheduler"] |= self.unschedulable
            self.dirty["kubelet"].add((ns, name))
            if new is not None and not owners:
                self._wake_claimants("ReplicaSet", "replicaset", new)
            for okind, oname in owners:
                if okind == "ReplicaSet":
                    self.dirty["replicaset"].add((ns, oname))
                    # deployment_controller.go deletePod: a Recreate rollout waits for the
                    # last old pod to be *gone*, so a pod deletion wakes its Deployment.
                    rs = self.store.peek("ReplicaSet", ns, oname) if verb == "DELETED" else None
                    for r in (rs or {}).get("metadata", {}).get("ownerReferences") or []:
                        if r.get("kind") == "Deployment" and r.get("controller"):
                            self.dirty["deployment"].add((ns, r["name"]))
                elif okind == "StatefulSet":
                    self.dirty["statefulset"].add((ns, oname))
                elif okind == "DaemonSet":
                    self.dirty["daemonset"].add((ns, oname))
            before = (old or {}).get("metadata", {}).get("labels") if old else None
            after = (new or {}).get("metadata", {}).get("labels") if new else None
            for svc in self._services_selecting(ns, before, after):
                self.dirty["endpointslice"].add((ns, svc))
                self.dirty["endpoints"].add((ns, svc))
        elif kind == "ReplicaSet":
            self.dirty["replicaset"].add((ns, name))
            if new is not None and not owners:
                self._wake_claimants("Deployment", "deployment", new)
            for okind, oname in owners:
                if okind == "Deployment":
                    self.dirty["deployment"].add((ns, oname))
        elif kind == "Deployment":
            self.dirty["deployment"].add((ns, name))
        elif kind == "StatefulSet":
            self.dirty["statefulset"].add((ns, name))
        elif kind == "DaemonSet":
            self.dirty["daemonset"].add((ns, name))
        elif kind == "Service":
            for q in ("endpointslice", "endpoints", "mirror", "service"):
                self.dirty[q].add((ns, name))
        elif kind == "Endpoints":
            self.dirty["mirror"].add((ns, name))
        elif kind == "EndpointSlice" and verb == "DELETED":
            svc = (meta.get("labels") or {}).get(endpointslice.SERVICE_NAME_LABEL)
            if svc:
                self.dirty["endpointslice"].add((ns, svc))
        elif kind == "Node":
            self._node_map = None
            self._on_node_topology(old, new)
            if new is not None:
                self.dirty["nodelifecycle"].add(("", name))
            for ds in self.store.items("DaemonSet"):
                self.dirty["daemonset"].add((ds["metadata"]["namespace"], ds["metadata"]["name"]))
            for pod in self.store.items("Pod"):
                if not pod["spec"].get("nodeName"):
                    self.dirty["scheduler"].add((pod["metadata"]["namespace"], pod["metadata"]["name"]))

    def _wake_claimants(self, kind: str, queue: str, orphan: dict) -> None:
        """addPod/updatePod (addReplicaSet/...): an object no controller owns wakes every
        ``kind`` of its namespace whose selector matches it, to see if one adopts it."""
        meta = orphan["metadata"]
        if meta.get("deletionTimestamp") or not meta.get("labels"):
            return
        ns = meta.get("namespace", "")
        for owner in self.store.items(kind, ns):
            if labels.matches(owner["spec"].get("selector"), meta["labels"]):
                self.dirty[queue].add((ns, owner["metadata"]["name"]))

    def run(self) -> None:
        """Sync until no controller has work (bounded, to surface a livelock as an error)."""
        dirty = self.dirty
        for _ in range(10_000):
            for busy in ORDER:
                if dirty[busy]:
                    break
            else:
                for fn in self.extra:
                    fn()
                if not any(dirty.values()):
                    return
                continue
            keys = sorted(dirty[busy])
            dirty[busy] = set()
            sync = getattr(self, "_sync_" + busy)
            for key in keys:
                sync(*key)
        raise RuntimeError("controllers did not settle (livelock)")

    def advance_to(self, t: float, set_now: Callable[[float], None]) -> None:
        """Fire every timer due up to ``t`` in order, settling the controllers after each."""
        self.run()
        while self.timers and self.timers[0][0] <= t:
            at, _, action = heapq.heappop(self.timers)
            set_now(at)
            getattr(self, "_timer_" + action[0])(*action[1:])
            self.run()
        set_now(t)
        self.run()

    def _timer_resync(self, queue: str, ns: str, name: str) -> None:
        self.dirty[queue].add((ns, name))

    # -- index lookups (informer indexers) ---------------------------------------------
    def _owned(self, kind: str, owner: dict) -> list[dict]:
        ns = owner["metadata"].get("namespace", "")
        objs = (self.store.peek(kind, ns, n) for n in sorted(self.idx.owned(kind, owner)))
        return [o for o in objs if o is not None]

    def _selected_pods(self, ns: str, svc: dict) -> list[dict]:
        sel = svc["spec"].get("selector") or {}
        objs = (self.store.peek("Pod", ns, n) for n in sorted(self.idx.pods_matching(ns, sel)))
        return [o for o in objs if o is not None]

    def _slices_of(self, ns: str, service: str) -> list[dict]:
        objs = (self.store.peek("EndpointSlice", ns, n) for n in sorted(self.idx.slices.get((ns, service), ())))
        return [o for o in objs if o is not None]

    @property
    def now(self) -> float:
        return self.api.now()

    # -- networking controllers -----------------------------------------------------
    def _sync_endpointslice(self, ns: str, name: str) -> None:
        svc = self.store.peek("Service", ns, name)
        existing = [s for s in self._slices_of(ns, name)
                    if s["metadata"]["labels"].get(endpointslice.MANAGED_BY_LABEL) == endpointslice.MANAGED_BY]
        if svc is None or not svc["spec"].get("selector") or svc["spec"].get("type") == "ExternalName":
            for s in existing:
                self.api.remove("EndpointSlice", ns, s["metadata"]["name"])
            return
        nodes = self.nodes_by_name()
        changes = endpointslice.reconcile(svc, self._selected_pods(ns, svc), existing, nodes=nodes,
                                          new_name=lambda p: generate_name(p, self.slice_rng),
                                          topology_cache=self.topology_cache)
        for ev in changes.events:
            self.api.record_event(svc, ev.type, ev.reason, ev.message, "endpoint-slice-controller")
        for s in changes.create:
            self.api.write(s)
        for s in changes.update:
            if "generation" in s["metadata"]:
                s["metadata"]["generation"] += 1
            self.api.write(s)
        for n in changes.delete:
            self.api.remove("EndpointSlice", ns, n)

    def _sync_endpoints(self, ns: str, name: str) -> None:
        svc = self.store.peek("Service", ns, name)
        live = self.store.peek("Endpoints", ns, name)
        if svc is None or not svc["spec"].get("selector") or svc["spec"].get("type") == "ExternalName":
            if live is not None and svc is None and (live["metadata"].get("labels") or {}).get(
                    "endpoints.kubernetes.io/managed-by") == "endpoint-controller":
                self.api.remove("Endpoints", ns, name)
            return
        want = endpoints.desired_endpoints_object(svc, self._selected_pods(ns, svc))
        want["metadata"].setdefault("labels", {})["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
        if live is not None:
            if live.get("subsets") == want.get("subsets") and live["metadata"].get("labels") == want["metadata"]["labels"]:
                return
            want["metadata"] = {**live["metadata"], "labels": want["metadata"]["labels"]}
        self.api.write(want)

    def _sync_mirror(self, ns: str, name: str) -> None:
        svc = self.store.peek("Service", ns, name)
        ep = self.store.peek("Endpoints", ns, name)
        existing = [s for s in self._slices_of(ns, name)
                    if s["metadata"]["labels"].get(endpointslice.MANAGED_BY_LABEL) == endpoints.MIRROR_MANAGED_BY]
        if not endpoints.should_mirror(svc, ep):
            for s in existing:
                self.api.remove("EndpointSlice", ns, s["metadata"]["name"])
            return
        changes = endpoints.mirror(ep, existing, lambda p: generate_name(p, self.slice_rng))
        for reason, message in changes.events:
            self.api.record_event(ep, "Warning", reason, message, "endpoint-slice-mirroring-controller")
        for s in changes.create + changes.update:
            self.api.write(s)
        for n in changes.delete:
            self.api.remove("EndpointSlice", ns, n)

    def _sync_disruption(self, ns: str, name: str) -> None:
        pdb = self.store.peek("PodDisruptionBudget", ns, name)
        if pdb is None:
            return
        sel = labels.from_label_selector(pdb["spec"].get("selector")) if pdb["spec"].get("selector") else None
        pods = [p for p in self.store.items("Pod", ns) if sel is not None and sel.matches(p["metadata"].get("labels") or {})
                and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        st = disruption.status(pdb, pods, self._scale_of, self.now)
        if st != pdb.get("status"):
            self.api.write(replace_fields(pdb, status=st))

    def _scale_of(self, pod: dict):
        """(controller, replicas) of the pod's controller, for the disruption controller's
        expected count (getExpectedScale: ReplicaSet -> its Deployment, StatefulSet)."""
        ns = pod["metadata"]["namespace"]
        for r in pod["metadata"].get("ownerReferences") or []:
            if not r.get("controller"):
                continue
            owner = self.store.peek(r["kind"], ns, r["name"]) if r["kind"] in ("ReplicaSet", "StatefulSet") else None
            if owner is None:
                return None
            for r2 in owner["metadata"].get("ownerReferences") or []:
                if r2.get("controller") and r2["kind"] == "Deployment":
                    d = self.store.peek("Deployment", ns, r2["name"])
                    if d is not None:
                        return (("Deployment", r2["name"]), d["spec"].get("replicas", 1))
            return ((r["kind"], r["name"]), owner["spec"].get("replicas", 1))
        return None
