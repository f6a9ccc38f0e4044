"""Discovery: ``/version``, ``/api``, ``/apis``, each group-version's resource list, and the
aggregated discovery document kubectl asks for first (apiserver
``pkg/endpoints/discovery`` and ``discovery/aggregated``)::

    GET /apis
    Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json

All of it is computed from :mod:`.registry`; Gateway API groups appear once their CRDs are
installed, as on a real cluster.
"""
from __future__ import annotations

from . import registry

__all__ = ["VERSION", "AGGREGATED_MEDIA", "wants_aggregated", "version", "api_versions", "api_group_list",
           "api_group", "resource_list", "aggregated"]

#: What ``/version`` answers (kubectl version prints gitVersion).
VERSION = {"major": "1", "minor": "37", "emulationMajor": "1", "emulationMinor": "37",
           "minCompatibilityMajor": "1", "minCompatibilityMinor": "36", "gitVersion": "v1.37.0",
           "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
           "buildDate": "2026-08-26T00:00:00Z", "goVersion": "go1.25.0", "compiler": "gc",
           "platform": "linux/amd64"}

AGGREGATED_MEDIA = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def wants_aggregated(accept: str) -> bool:
    """Does the Accept header prefer aggregated discovery (v2)?  kubectl lists it first."""
    first = accept.split(",")[0]
    params = {p.strip().partition("=")[0]: p.strip().partition("=")[2] for p in first.split(";")[1:]}
    return params.get("g") == "apidiscovery.k8s.io" and params.get("v") == "v2" \
        and params.get("as") == "APIGroupDiscoveryList"


def version() -> dict:
    """The ``/version`` document."""
    return dict(VERSION)


def api_versions(server_address: str) -> dict:
    """``/api``: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def api_group(group: str, versions: list[str]) -> dict:
    """One APIGroup: its versions, the first preferred."""
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list(crd_groups: set[str]) -> dict:
    """``/apis``: every named group."""
    groups = [api_group(g, vs) for g, vs in registry.groups(crd_groups) if g]
    for g in groups:
        del g["kind"], g["apiVersion"]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _singular(s: registry.Served) -> str:
    return s.kind.lower()


def _categories(s: registry.Served) -> list[str]:
    cats = ["all"] if s.plural in registry.CATEGORIES_ALL and s.group in ("", "apps") else []
    if s.group == "gateway.networking.k8s.io":
        cats.append("gateway-api")
    return cats


def resource_list(group: str, version: str, crd_groups: set[str]) -> dict | None:
    """``/api/v1``, ``/apis/apps/v1``: an APIResourceList, or None for a group-version not served."""
    served = registry.resources_of(group, version, crd_groups)
    if not served:
        return None
    out = []
    for s in served:
        entry = {"name": s.plural, "singularName": _singular(s), "namespaced": s.namespaced, "kind": s.kind,
                 "verbs": list(s.verbs)}
        if s.resource.short and s.group != "events.k8s.io":
            entry["shortNames"] = list(s.resource.short)
        if _categories(s):
            entry["categories"] = _categories(s)
        out.append(entry)
        for sub in s.subresources:
            kind, verbs = _subresource(s, sub)
            sub_entry = {"name": f"{s.plural}/{sub}", "singularName": "", "namespaced": s.namespaced, "kind": kind,
                         "verbs": verbs}
            if sub == "scale":
                sub_entry.update(group="autoscaling", version="v1")
            out.append(sub_entry)
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}


def _subresource(s: registry.Served, sub: str) -> tuple[str, list[str]]:
    if sub == "status":
        return s.kind, ["get", "patch", "update"]
    if sub == "scale":
        return "Scale", ["get", "patch", "update"]
    if sub == "log":
        return "Pod", ["get"]
    if sub == "portforward":
        return "PodPortForwardOptions", ["create", "get"]
    if sub == "exec":
        return "PodExecOptions", ["create", "get"]
    return "PodAttachOptions", ["create", "get"]


def _discovery_resource(s: registry.Served) -> dict:
    entry = {"resource": s.plural, "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
             "scope": "Namespaced" if s.namespaced else "Cluster", "singularResource": _singular(s),
             "verbs": list(s.verbs)}
    if s.resource.short and s.group != "events.k8s.io":
        entry["shortNames"] = list(s.resource.short)
    if _categories(s):
        entry["categories"] = _categories(s)
    subs = []
    for sub in s.subresources:
        kind, verbs = _subresource(s, sub)
        group, version = ("autoscaling", "v1") if sub == "scale" else (s.group, s.version)
        subs.append({"subresource": sub, "responseKind": {"group": group, "version": version, "kind": kind},
                     "verbs": verbs})
    if subs:
        entry["subresources"] = subs
    return entry


def aggregated(core: bool, crd_groups: set[str]) -> dict:
    """The APIGroupDiscoveryList of ``/api`` (``core=True``) or ``/apis``."""
    items = []
    for group, versions in registry.groups(crd_groups):
        if (group == "") != core:
            continue
        items.append({"metadata": {"name": group} if group else {},
                      "versions": [{"version": v, "freshness": "Current",
                                    "resources": [_discovery_resource(s)
                                                  for s in registry.resources_of(group, v, crd_groups)]}
                                   for v in versions]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items}
