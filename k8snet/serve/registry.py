"""The one mapping from URL to resource: every (group, version, resource) the server serves.

kube-apiserver installs one REST storage per group/version/resource (``InstallAPIGroup``);
here one table, built from :mod:`k8snet.apiserver.resources`, serves every kind, and the
handlers never name a kind.  A resource can be served under several versions
(the Gateway API kinds: ``v1`` and ``v1beta1``) or groups (Event: ``v1`` and ``events.k8s.io/v1``,
with the shape converted on the way out).

Gateway API resources are served only while their CRDs are installed (the ``gateway``
addon), as on a real cluster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..apiserver import resources
from ..apiserver.resources import Resource

__all__ = ["Served", "SERVED", "lookup", "served_for_kind", "groups", "VERBS", "READ_VERBS", "CATEGORIES_ALL"]

#: The verbs of a full REST storage, as discovery lists them.
VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_VERBS = ("get", "list", "watch")
#: ``kubectl get all``: resources in the ``all`` category (their discovery ``categories``).
CATEGORIES_ALL = frozenset({"pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets"})

_STATUS = frozenset({"pods", "services", "nodes", "namespaces", "deployments", "replicasets", "statefulsets",
                     "daemonsets", "ingresses", "gatewayclasses", "gateways", "httproutes", "grpcroutes",
                     "tlsroutes", "tcproutes", "udproutes", "listenersets", "backendtlspolicies"})
_SCALE = frozenset({"deployments", "replicasets", "statefulsets"})
#: pods' streaming subresources (served by :mod:`k8snet.serve.streams`).
POD_STREAMS = ("log", "exec", "attach", "portforward")


def _event_to_events_k8s_io(ev: dict) -> dict:
    """core/v1 Event -> events.k8s.io/v1 Event (pkg/apis/events/v1 conversion)."""
    out = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ev.get("metadata", {}),
           "eventTime": ev.get("eventTime"), "regarding": ev.get("involvedObject", {}),
           "note": ev.get("message", ""), "type": ev.get("type", ""), "reason": ev.get("reason", ""),
           "reportingController": ev.get("reportingComponent", ""),
           "reportingInstance": ev.get("reportingInstance", ""),
           "deprecatedSource": ev.get("source", {}), "deprecatedFirstTimestamp": ev.get("firstTimestamp"),
           "deprecatedLastTimestamp": ev.get("lastTimestamp"), "deprecatedCount": ev.get("count")}
    return {k: v for k, v in out.items() if v not in (None, "")} | {"eventTime": ev.get("eventTime")}


@dataclass(frozen=True)
class Served:
    """One served resource: where it lives in URLs and which stored kind it is."""

    group: str
    version: str
    resource: Resource
    verbs: tuple[str, ...] = VERBS
    #: Converts a stored object to this version's shape (default: only ``apiVersion``).
    convert: Callable[[dict], dict] | None = field(default=None, compare=False)

    @property
    def plural(self) -> str:
        return self.resource.plural

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def namespaced(self) -> bool:
        return self.resource.namespaced

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """``services``, ``deployments.apps``: the words Status messages use."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def subresources(self) -> tuple[str, ...]:
        subs = []
        if self.plural in _STATUS and self.verbs == VERBS:
            subs.append("status")
        if self.plural in _SCALE:
            subs.append("scale")
        if self.plural == "pods":
            subs.extend(POD_STREAMS)
        return tuple(subs)

    def out(self, obj: dict) -> dict:
        """A stored object as this group/version returns it."""
        if self.convert is not None:
            return self.convert(obj)
        if obj.get("apiVersion") != self.group_version:
            obj = dict(obj, apiVersion=self.group_version)
        return obj


def _build() -> tuple[Served, ...]:
    out = []
    for r in resources.RESOURCES:
        group, _, version = r.api_version.rpartition("/")
        out.append(Served(group, version, r))
        for older in r.also_served:  # a CRD's other served versions (Gateway API v1beta1)
            out.append(Served(group, older, r))
        if r.kind == "Event":
            out.append(Served("events.k8s.io", "v1", r, READ_VERBS, _event_to_events_k8s_io))
    return tuple(out)


#: Every served resource, in discovery order.
SERVED: tuple[Served, ...] = _build()
_BY_GVR = {(s.group, s.version, s.plural): s for s in SERVED}
_CRD_GROUPS = {"gateway.networking.k8s.io"}
#: The API groups served from CustomResourceDefinitions (JSON and YAML only, no protobuf).
CRD_GROUPS = _CRD_GROUPS


def _visible(s: Served, crd_groups: set[str]) -> bool:
    return s.group not in _CRD_GROUPS or s.group in crd_groups


def lookup(group: str, version: str, plural: str, crd_groups: set[str]) -> Served | None:
    """The served resource for a URL's group, version and resource, or None."""
    s = _BY_GVR.get((group, version, plural))
    return s if s is not None and _visible(s, crd_groups) else None


def served_for_kind(kind: str, group: str, crd_groups: set[str]) -> Served | None:
    """The preferred served resource of a stored ``kind`` in ``group``."""
    for s in SERVED:
        if s.kind == kind and s.group == group and _visible(s, crd_groups):
            return s
    return None


def groups(crd_groups: set[str]) -> list[tuple[str, list[str]]]:
    """``[(group, [versions, preferred first])]`` in discovery order, core group ("") first."""
    seen: dict[str, list[str]] = {}
    for s in SERVED:
        if _visible(s, crd_groups):
            versions = seen.setdefault(s.group, [])
            if s.version not in versions:
                versions.append(s.version)
    return list(seen.items())


def resources_of(group: str, version: str, crd_groups: set[str]) -> list[Served]:
    """The resources of one group/version, in discovery order."""
    return [s for s in SERVED if s.group == group and s.version == version and _visible(s, crd_groups)]
