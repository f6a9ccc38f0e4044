"""The simulated API server: what happens between ``kubectl apply`` and the store.

For every object, in the order a real API server does it:

1. the kind must be served (Gateway API kinds only once their CRDs are installed);
2. strict field validation rejects unknown fields (kubectl's default since 1.27);
3. defaulting fills in what the manifest left out;
4. for a Service, the registry (``servicestorage.py``) allocates first (``alloc.py``: IP
   families, ClusterIPs, NodePorts), so an allocation error is reported alone, ahead of validation errors;
5. validation collects *every* field error and raises one ``ValidationError`` (a refused
   Service gives back what step 4 took);
6. only then is the object stored — so a bad object never half-changes the cluster.
"""
from __future__ import annotations

import json
import random
from typing import Callable

from .. import clock
from ..errors import AlreadyExistsError, K8sNetError, NotFoundError, ValidationError
from . import resources
from .defaults import default, prepare_service_update
from .admission import admit_create
from .alloc import Allocators
from .ipallocator import IPAllocator
from .merge import LAST_APPLIED, three_way_merge
from .portallocator import PortAllocator
from .schema import decode_error, without_nulls
from .servicestorage import admit_service
from .store import Store, clone
from .validation import CRD_GROUPS, CRD_KINDS, validate

__all__ = ["APIServer", "NoKindMatchError"]

# uuid.UUID(version=4) sets the variant (RFC 4122: bits 10xx at 64-65) and the version (4).
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)

_GENERATION_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Ingress", "IngressClass",
                     "NetworkPolicy", "EndpointSlice", "GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute",
                     "ReferenceGrant", "Pod", "TLSRoute", "TCPRoute", "UDPRoute", "ListenerSet", "BackendTLSPolicy"}


class AdmissionDeniedError(ValidationError):
    """``Error from server (Forbidden)``: a validating admission webhook (an addon's, e.g.
    MetalLB's) denied the object; ``text`` is what the API server answers.  Nothing changes."""

    reason = "Forbidden"

    def __init__(self, kind: str, name: str, text: str):
        self.text = text
        super().__init__(kind, name, [])

    def message(self) -> str:
        return self.text


class NoKindMatchError(K8sNetError):
    """The API server does not serve this kind (for Gateway API: its CRDs are not installed)."""


class StrictDecodingError(ValidationError):
    """``Error from server (BadRequest)``: the manifest has unknown fields or wrong types
    (strict field validation, kubectl's default since 1.27).  A ValidationError too: the
    object is refused and nothing changes."""

    def __init__(self, kind: str, name: str, text: str):
        self.text = text
        super().__init__(kind, name, [])

    def message(self) -> str:
        return self.text


class APIServer:
    """Defaulting, validation, allocation and storage for the cluster's objects."""

    def __init__(self, *, rng: random.Random, now: Callable[[], float], service_cidr: str = "10.96.0.0/12",
                 service_cidrs: dict[str, str] | None = None):
        self.store = Store()
        self.rng = rng
        self.now = now
        # --service-cluster-ip-range: one CIDR per family, the primary first.
        cidrs = service_cidrs or {"IPv4": service_cidr}
        by_family = {fam: IPAllocator(cidr, rng) for fam, cidr in cidrs.items()}
        self.ips = next(iter(by_family.values()))
        self.node_ports = PortAllocator(rng)
        self.alloc = Allocators(self.ips, self.node_ports, tuple(by_family), by_family=by_family)
        self.crd_groups: set[str] = set()
        #: Mutating admission webhooks on Service create, registered by addons (in order).
        self.service_create_webhooks: list[Callable[[dict], None]] = []
        self._events: dict[tuple, dict] = {}
        # Event names draw from their own stream: more or fewer events never shift pod names.
        self.event_rng = random.Random(rng.getrandbits(64))
        # UIDs too: creating more or fewer objects never shifts pod names or IPs.
        self.uid_rng = random.Random(rng.getrandbits(64))
        # kube-api-access-<suffix> volume names: a stream read off the generator's state without
        # drawing from it, so adding the ServiceAccount plugin shifted no pod name or IP.
        from ..controllers.names import side_stream
        self.volume_rng = side_stream(rng, 0)
        #: Owners deleted in the foreground, waiting for their dependents (garbagecollector.py).
        self.deleting_dependents: set[tuple[str, str, str]] = set()

    # -- helpers ---------------------------------------------------------------
    def resource_for(self, obj: dict) -> resources.Resource:
        kind, version = obj.get("kind", ""), obj.get("apiVersion", "")
        res = resources.by_kind(kind)
        group = version.rpartition("/")[0]
        if res is None or (res.group in CRD_GROUPS and res.group not in self.crd_groups) \
                or (version != res.api_version and version not in res.versions):
            hint = ("\nensure CRDs are installed first" if group in CRD_GROUPS or res is None else "")
            raise NoKindMatchError(f'no matches for kind "{kind}" in version "{version}"{hint}')
        return res

    def new_uid(self) -> str:
        """A random (version 4) UUID from the uid stream: ``str(uuid.UUID(int=..., version=4))``
        written out directly, since every object and Event the cluster stores takes one."""
        text = "%032x" % ((self.uid_rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _stamp(self, obj: dict, res: resources.Resource) -> None:
        meta = obj["metadata"]
        meta["uid"] = self.new_uid()
        meta["creationTimestamp"] = clock.rfc3339(self.now())
        if obj["kind"] in _GENERATION_KINDS:
            meta["generation"] = 1
        if not res.namespaced:
            meta.pop("namespace", None)

    # -- the checks of one object --------------------------------------------------
    @staticmethod
    def decode(obj: dict) -> None:
        """Refuse what the API server's decoder refuses (wrong JSON types, unknown fields) before
        anything reads the object: ``StrictDecodingError`` (a 400 BadRequest)."""
        problem = decode_error(obj)
        if problem:
            meta = obj.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else ""
            raise StrictDecodingError(obj.get("kind", ""), name if isinstance(name, str) else "", problem)

    def _admit(self, obj: dict, old: dict | None, decoded: bool = False) -> dict:
        """Default, validate and check allocation; raise before anything changes."""
        res = self.resource_for(obj)
        if not decoded:
            self.decode(obj)
        # The object as the decoder leaves it: JSON null is the Go zero value (fuzz: ports: [null]).
        # Not earlier: in `kubectl apply`, a null in the manifest deletes the field in the merge.
        obj = without_nulls(obj)
        obj["apiVersion"] = res.api_version  # stored and returned in the preferred version
        meta = obj.setdefault("metadata", {})
        if res.namespaced:
            meta.setdefault("namespace", "default")
            if self.store.peek("Namespace", "", meta["namespace"]) is None:
                raise NotFoundError(f'namespaces "{meta["namespace"]}" not found')
        if obj["kind"] == "Service" and old is not None:
            obj = prepare_service_update(obj, old)  # the registry's PrepareForUpdate (strategy.go)
        if obj["kind"] == "Service":
            return admit_service(self, obj, old)
        obj = default(obj)
        if old is None:  # mutating admission (DefaultIngressClass, ServiceAccount) runs on create only
            admit_create(obj, self)
        errors = validate(obj, old)
        if errors:
            raise ValidationError(obj["kind"], meta.get("name", ""), errors)
        # Validating webhooks run after the schema checks; the only ones here (MetalLB's) watch
        # custom resources, so built-in kinds never load them.
        denial = None
        if obj["kind"] in CRD_KINDS:
            from .validation.metallb import webhook_denial
            denial = webhook_denial(obj, self.store.items("IPAddressPool"))
        if denial:
            raise AdmissionDeniedError(obj["kind"], meta.get("name", ""), denial)
        return obj

    def admit(self, obj: dict, old: dict | None) -> dict:
        """A copy of ``obj`` defaulted, allocated and validated, as a new object (``old`` None)
        or an update of ``old``; raises before anything changes.  Nothing is stored and nothing
        stays allocated (a dry run): the REST handlers store it with :meth:`replace`, which
        takes what the admitted object holds."""
        snap = self.alloc.begin()
        try:
            return self._admit(clone(obj), old)
        finally:
            self.alloc.revert(snap)

    # -- verbs -----------------------------------------------------------------
    def create(self, obj: dict) -> dict:
        """``kubectl create``: refuse if the name exists; otherwise admit and store."""
        obj = clone(obj)
        res = self.resource_for(obj)
        self.decode(obj)
        obj = without_nulls(obj)  # "metadata": null is an empty ObjectMeta
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            from ..controllers.names import generate_name
            meta["name"] = generate_name(meta["generateName"], self.rng)
        ns = meta.get("namespace", "default") if res.namespaced else ""
        if self.store.peek(obj.get("kind"), ns, meta.get("name", "")) is not None:
            raise AlreadyExistsError(f'Error from server (AlreadyExists): {res.qualified} "{meta["name"]}" already exists')
        obj = self._admit(obj, None, decoded=True)
        return self._commit_new(obj, res)

    def _commit_new(self, obj: dict, res: resources.Resource) -> dict:
        self._stamp(obj, res)
        if obj["kind"] == "Service":
            self.alloc.hold(obj)
        if obj["kind"] == "Namespace":
            obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
            obj["spec"] = {"finalizers": ["kubernetes"]}
            obj["status"] = {"phase": "Active"}
        return self.store.put(obj)

    def apply(self, manifest: dict) -> tuple[str, dict]:
        """``kubectl apply`` of one object: ``("created"|"configured"|"unchanged", stored)``."""
        manifest = clone(manifest)
        res = self.resource_for(manifest)
        self.decode(manifest)
        if manifest.get("metadata", {}) is None:  # kubectl reads a null metadata as an empty one
            manifest["metadata"] = {}
        meta = manifest.setdefault("metadata", {})
        ns = (meta.get("namespace") or "default") if res.namespaced else ""
        last_text = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
        live = self.store.peek(manifest["kind"], ns, meta.get("name", ""))
        if live is None:
            obj = clone(manifest)
            obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_text
            obj = self._admit(obj, None, decoded=True)
            return "created", self._commit_new(obj, res)
        live_ann = (live["metadata"].get("annotations") or {})
        last = json.loads(live_ann[LAST_APPLIED]) if LAST_APPLIED in live_ann else None
        new = clone(manifest)
        new["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_text
        merged = three_way_merge(live, last, new)
        merged["metadata"]["namespace"] = live["metadata"].get("namespace")
        if not res.namespaced:
            merged["metadata"].pop("namespace", None)
        for k in ("uid", "creationTimestamp", "resourceVersion", "generation"):
            if k in live["metadata"]:
                merged["metadata"][k] = live["metadata"][k]
        if "status" in live:
            merged["status"] = live["status"]
        obj = self._admit(merged, live)
        if self._same(obj, live):
            return "unchanged", live
        return "configured", self.replace(obj, live)

    @staticmethod
    def _same(a: dict, b: dict) -> bool:
        strip = lambda o: {k: v for k, v in o.items() if k not in ("status",)}
        return strip(a) == strip(b)

    def replace(self, obj: dict, live: dict | None = None) -> dict:
        """Store an admitted update, bumping ``generation`` when the spec changed."""
        live = live or self.store.peek(obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if obj["kind"] == "Service":
            self.alloc.hold(obj)
            self.alloc.release_replaced(obj, live)
        if "generation" in live["metadata"] and {k: v for k, v in obj.items() if k not in ("metadata", "status")} \
                != {k: v for k, v in live.items() if k not in ("metadata", "status")}:
            obj["metadata"]["generation"] = live["metadata"]["generation"] + 1
        return self.store.put(obj)

    def update(self, obj: dict) -> dict:
        """A validated update (``kubectl scale``, label edits): admit against the live object."""
        meta = obj["metadata"]
        live = self.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"])
        if live is None:
            raise NotFoundError(f'{self.resource_for(obj).qualified} "{meta["name"]}" not found')
        obj = self._admit(clone(obj), live)
        return self.replace(obj, live)

    def write(self, obj: dict) -> dict:
        """A controller's write: trusted, no validation (status updates, generated objects)."""
        meta = obj["metadata"]
        if "uid" not in meta:
            self._stamp(obj, self.resource_for(obj))
        return self.store.put(obj)

    def remove(self, kind: str, namespace: str, name: str, *, cascade: bool = True) -> dict | None:
        """Remove an object now, releasing what it held, and garbage-collect its dependents
        (background propagation; ``cascade=False`` once the GC has orphaned them)."""
        obj = self.store.remove(kind, namespace, name)
        if obj is None:
            return None
        if kind == "Service":
            self.alloc.release(obj)
        if not cascade:
            return obj
        from .garbagecollector import dependents
        # Background cascading deletion (the garbage collector): dependents go too.
        for dep in dependents(self, obj):
            if dep["kind"] == "Pod":
                self.mark_deleted(dep)
            else:
                self.remove(dep["kind"], namespace, dep["metadata"]["name"])
        return obj

    def mark_deleted(self, pod: dict, grace: int | None = None) -> None:
        """Graceful pod deletion (pod strategy CheckGracefulDelete): the grace period given,
        else ``spec.terminationGracePeriodSeconds``; negative means 1; 0 on a pod that is on no
        node or already terminal.  A grace period of 0 removes the pod now (a force delete);
        otherwise ``deletionTimestamp`` is set and the kubelet finishes the job.  A second
        delete may only shorten the grace period (rest/delete.go BeforeDelete)."""
        meta = pod["metadata"]
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        if not pod["spec"].get("nodeName") or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            grace = 0
        grace = 1 if grace < 0 else grace
        if meta.get("deletionTimestamp") and grace >= meta.get("deletionGracePeriodSeconds", 0) and grace:
            return
        if grace == 0:
            self.remove("Pod", meta["namespace"], meta["name"])
            return
        pod = clone(pod)
        pod["metadata"]["deletionTimestamp"] = clock.rfc3339(self.now() + grace)
        pod["metadata"]["deletionGracePeriodSeconds"] = grace
        self.store.put(pod)

    def evict(self, pod: dict, grace: int | None = None, *, use_budgets: bool = True) -> None:
        """POST pods/NAME/eviction (pkg/registry/core/pod/storage/eviction.go): refused with
        ``TooManyRequests`` while a PodDisruptionBudget covering the pod allows no disruption;
        otherwise the budget counts one disruption and the pod is deleted gracefully."""
        from ..controllers import disruption
        if use_budgets:
            pdb = disruption.check_eviction(list(self.store.items("PodDisruptionBudget", pod["metadata"]["namespace"])), pod)
            if pdb is not None:
                self.write(pdb)
        self.mark_deleted(pod, grace)

    # -- events ----------------------------------------------------------------
    def record_event(self, obj: dict, type_: str, reason: str, message: str, component: str) -> None:
        """An Event about ``obj``, aggregated like the event recorder (same reason+message → count+1)."""
        meta = obj["metadata"]
        ns = meta.get("namespace") or "default"
        key = (obj["kind"], ns, meta["name"], reason, message)
        now = clock.rfc3339(self.now())
        ev = self._events.get(key)
        if ev is not None and self.store.peek("Event", ns, ev["metadata"]["name"]) is not None:
            ev = clone(self.store.peek("Event", ns, ev["metadata"]["name"]))
            ev["count"] += 1
            ev["lastTimestamp"] = now
        else:
            # The event recorder names an Event "<object>.<hex of its time in Unix nanoseconds>"
            # (client-go tools/record/event.go makeEvent), so name order is time order, which
            # is the order kubectl describe keeps for events of the same second.  The nanoseconds
            # within the simulated second come from the seeded generator, always increasing.
            nanos = int((clock.EPOCH.timestamp() + self.now()) * 1e9) + self.event_rng.randrange(1, 1000) * 1000
            self._event_nanos = nanos = max(nanos, getattr(self, "_event_nanos", 0) + 1000)
            name = f'{meta["name"]}.{nanos:x}'
            ev = {"apiVersion": "v1", "kind": "Event",
                  "metadata": {"name": name, "namespace": ns},
                  "involvedObject": {"apiVersion": obj.get("apiVersion"), "kind": obj["kind"], "name": meta["name"],
                                     "namespace": ns, "uid": meta.get("uid", "")},
                  "reason": reason, "message": message, "type": type_, "count": 1,
                  "firstTimestamp": now, "lastTimestamp": now, "source": {"component": component},
                  "reportingComponent": component, "reportingInstance": ""}
        self._events[key] = ev
        self.write(ev)

    def events_for(self, obj: dict) -> list[dict]:
        """Events whose involvedObject is ``obj``, oldest first."""
        meta = obj["metadata"]
        uid = meta.get("uid")
        evs = [e for e in self.store.items("Event", meta.get("namespace") or "default")
               if e["involvedObject"].get("uid") == uid]
        return sorted(evs, key=lambda e: (e["firstTimestamp"], e["metadata"]["resourceVersion"].zfill(12)))
