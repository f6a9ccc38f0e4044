"""The sync handlers of the apps/v1 controllers (kube-controller-manager's deployment,
replicaset, statefulset and daemonset controllers: ``syncDeployment``, ``syncReplicaSet``,
...): a mixin of the ``Manager``, which calls them for the dirty keys of their queues.  Each
reads the store, asks its pure reconciler (``deployment.py``, ``replicaset.py``,
``statefulset.py``, ``daemonset.py``) what to change, writes it and records the Events.
"""
from __future__ import annotations

from .. import clock
from ..apiserver.defaults import default
from ..apiserver.store import replace_fields
from .. import labels
from . import daemonset, deployment, refmanager, replicaset, statefulset
from .names import generate_name

__all__ = ["AppsControllers"]


class AppsControllers:
    """The ``Manager``'s Deployment, ReplicaSet, StatefulSet and DaemonSet syncs."""

    def _pod_hash(self, owner: dict) -> str:
        """The template's hash, remembered per (uid, generation): the template only changes
        with the generation, and hashing it is the costliest step of a sync."""
        from .names import template_hash
        key = (owner["metadata"].get("uid"), owner["metadata"].get("generation"))
        cache = self.__dict__.setdefault("_hashes", {})
        if key not in cache:
            cache[key] = template_hash(owner["spec"]["template"])
        return cache[key]

    def _claim(self, kind: str, owner: dict) -> None:
        """ClaimPods / ClaimReplicaSets before a sync (refmanager.py): adopt the matching
        orphans of the owner's namespace, release what it owns and no longer selects."""
        meta = owner["metadata"]
        ns, selector = meta.get("namespace", ""), owner["spec"].get("selector")
        sel = labels.from_label_selector(selector)
        if kind == "Pod":  # syncReplicaSet claims only active pods (FilterActivePods)
            equal = (selector or {}).get("matchLabels") or {}
            names = self.idx.pods_matching(ns, equal) if equal else {p["metadata"]["name"] for p in self.store.items("Pod", ns)}
            names |= self.idx.owned("Pod", owner)
            objs = (self.store.peek("Pod", ns, n) for n in sorted(names))
            candidates = [p for p in objs if p is not None and replicaset.active(p)]
        else:  # getReplicaSetsForDeployment lists every ReplicaSet of the namespace
            candidates = sorted(self.store.items("ReplicaSet", ns), key=lambda r: r["metadata"]["name"])
        _, adopt, release = refmanager.claim(owner, candidates, lambda o: sel.matches(o["metadata"].get("labels")))
        for obj in adopt:
            self.api.write(replace_fields(obj, metadata=refmanager.adopted(obj, owner)))
        for obj in release:
            self.api.write(replace_fields(obj, metadata=refmanager.released(obj, owner)))

    def _sync_deployment(self, ns: str, name: str) -> None:
        d = self.store.peek("Deployment", ns, name)
        if d is None:
            return
        self._claim("ReplicaSet", d)
        rss = self._owned("ReplicaSet", d)
        # syncDeployment: a Deployment being deleted (foreground) only has its status synced.
        deleting = bool(d["metadata"].get("deletionTimestamp"))
        bumped = deployment.bump_revision(d, rss, self._pod_hash(d)) \
            if not d["spec"].get("paused") and not deleting else None
        if bumped is not None:  # a rollback to an older template: that ReplicaSet is the newest now
            self.api.write(bumped)
            rss = self._owned("ReplicaSet", d)
        # Only a Recreate rollout reads the pods (it waits until the old ones are gone): a
        # RollingUpdate sync, the common one, skips gathering them.
        recreate = (d["spec"].get("strategy") or {}).get("type") == "Recreate"
        pods = [p for rs in rss for p in self._owned("Pod", rs)] if recreate else []
        created, scale = (None, {}) if deleting else deployment.sync(d, rss, pods, self._pod_hash(d))
        if created is not None:
            self.api.write(created)
            self.api.record_event(d, "Normal", "ScalingReplicaSet",
                                  f'Scaled up replica set {created["metadata"]["name"]} from 0 to {created["spec"]["replicas"]}',
                                  "deployment-controller")
        for rs_name, n in sorted(scale.items()):
            live = self.store.peek("ReplicaSet", ns, rs_name)
            before = live["spec"].get("replicas", 0)
            # A new version sharing the unchanged template with the stored one (replace_fields).
            rs = replace_fields(live, spec={**live["spec"], "replicas": n})
            rs["metadata"]["annotations"] = {**live["metadata"]["annotations"],
                                             "deployment.kubernetes.io/desired-replicas": str(d["spec"].get("replicas", 1))}
            self.api.write(rs)
            verb = "up" if n > before else "down"
            self.api.record_event(d, "Normal", "ScalingReplicaSet",
                                  f"Scaled {verb} replica set {rs_name} from {before} to {n}", "deployment-controller")
        if created is not None or scale:  # read again what was written (otherwise nothing was)
            d = self.store.peek("Deployment", ns, name)
            rss = self._owned("ReplicaSet", d)
        status = deployment.status(d, rss, clock.rfc3339(self.now), self._pod_hash(d))
        new_rs = max((r for r in rss if replicaset.owned_by(r, d)), default=None,
                     key=lambda r: int(r["metadata"].get("annotations", {}).get(deployment.REVISION, 0)))
        meta = d["metadata"]
        if new_rs is not None:
            revision = new_rs["metadata"]["annotations"][deployment.REVISION]
            if (meta.get("annotations") or {}).get(deployment.REVISION) != revision:
                meta = {**meta, "annotations": {**(meta.get("annotations") or {}), deployment.REVISION: revision}}
        if status != d.get("status") or meta is not d["metadata"]:
            self.api.write(replace_fields(d, status=status, metadata=meta))

    def _sync_replicaset(self, ns: str, name: str) -> None:
        rs = self.store.peek("ReplicaSet", ns, name)
        if rs is None:
            return
        self._claim("Pod", rs)
        pods = self._owned("Pod", rs)
        # syncReplicaSet: manageReplicas only while the ReplicaSet is not being deleted.
        create, delete = (0, []) if rs["metadata"].get("deletionTimestamp") else replicaset.reconcile(rs, pods)
        failure = None  # manageReplicas' error, which calculateStatus turns into ReplicaFailure
        for _ in range(create):
            pod = replicaset.pod_from_template(rs, generate_name(rs["metadata"]["name"] + "-", self.api.rng))
            # The controller POSTs the pod: defaulting and admission (service account,
            # DefaultTolerationSeconds, priority) run on it as on any created pod.
            pod = default(pod, fresh=True)  # pod_from_template built it (its spec a copy of the template's)
            failure = self._post_pod(rs, pod, "replicaset-controller")
            if failure is not None:
                break
            self.api.record_event(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                  "replicaset-controller")
        for pod in delete:
            self.api.mark_deleted(pod)
            self.api.record_event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                                  "replicaset-controller")
        rs2 = self.store.peek("ReplicaSet", ns, name)
        # Nothing created or deleted: nothing was written since the pods were read.
        mine = pods if not create and not delete else self._owned("Pod", rs2)
        rs2 = replace_fields(rs2, status=replicaset.status(rs2, mine, self.now, failure=failure))
        if rs2["status"] != rs.get("status"):
            self.api.write(rs2)
        min_ready = rs2["spec"].get("minReadySeconds", 0)
        if min_ready:  # wake up when the next Ready pod has been Ready for minReadySeconds
            later = [a for p in mine if replicaset.active(p) and (a := replicaset.available_at(p, min_ready)) is not None
                     and a > self.now]
            if later:
                self.after(min(later), ("resync", "replicaset", ns, name))

    def _sync_statefulset(self, ns: str, name: str) -> None:
        sts = self.store.peek("StatefulSet", ns, name)
        if sts is None:
            return
        # StatefulSetControl: a StatefulSet being deleted creates and deletes no pod.
        create, delete = ([], []) if sts["metadata"].get("deletionTimestamp") \
            else statefulset.reconcile(sts, self._owned("Pod", sts))
        for o in create:
            pod = default(statefulset.pod_for(sts, o), fresh=True)  # POSTed, so defaulted (see replicaset)
            if self._post_pod(sts, pod, "statefulset-controller") is not None:
                break
            self.api.record_event(sts, "Normal", "SuccessfulCreate",
                                  f"create Pod {pod['metadata']['name']} in StatefulSet {name} successful",
                                  "statefulset-controller")
        for pod in delete:
            self.api.mark_deleted(pod)
            self.api.record_event(sts, "Normal", "SuccessfulDelete",
                                  f"delete Pod {pod['metadata']['name']} in StatefulSet {name} successful",
                                  "statefulset-controller")
        sts2 = self.store.peek("StatefulSet", ns, name)
        sts2 = replace_fields(sts2, status=statefulset.status(sts2, self._owned("Pod", sts2)))
        if sts2["status"] != sts.get("status"):
            self.api.write(sts2)

    def _sync_daemonset(self, ns: str, name: str) -> None:
        ds = self.store.peek("DaemonSet", ns, name)
        if ds is None:
            return
        nodes = list(self.store.items("Node"))
        # syncDaemonSet: a DaemonSet being deleted creates and deletes no pod.
        create, delete = ([], []) if ds["metadata"].get("deletionTimestamp") \
            else daemonset.reconcile(ds, self._owned("Pod", ds), nodes)
        for node_name in create:
            pod = default(daemonset.pod_for(ds, node_name, generate_name(name + "-", self.ds_rng)), fresh=True)
            if self._post_pod(ds, pod, "daemonset-controller") is not None:
                break
            self.api.record_event(ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                  "daemonset-controller")
            self.api.record_event(pod, "Normal", "Scheduled",
                                  f"Successfully assigned {ns}/{pod['metadata']['name']} to {node_name}",
                                  "default-scheduler")
        for pod in delete:
            self.api.mark_deleted(pod)
            self.api.record_event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                                  "daemonset-controller")
        ds2 = self.store.peek("DaemonSet", ns, name)
        ds2 = replace_fields(ds2, status=daemonset.status(ds2, self._owned("Pod", ds2), nodes))
        if ds2["status"] != ds.get("status"):
            self.api.write(ds2)
