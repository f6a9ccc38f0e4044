"""API-server defaulting: what a created or updated object looks like when the API server stores
it, before any controller touches it (Kubernetes v1.37; gateway-api v1.6.1 CRD defaults).

Sources, one per kind group:

* ``pkg/apis/core/v1/defaults.go`` (Service, Pod, PodSpec, Container, Probe, Secret, Endpoints,
  Namespace) and the generated ``+default`` markers (container port ``protocol: TCP``);
* ``pkg/apis/apps/v1/defaults.go``; ``pkg/apis/networking/v1/defaults.go``;
  ``pkg/apis/discovery/v1/defaults.go``;
* the Service registry (``pkg/registry/core/service``): ``clusterIP`` and ``clusterIPs`` kept in
  step (NormalizeClusterIPs) and ``ipFamilies``/``ipFamilyPolicy`` filled in (initIPFamilyFields);
* admission plugins that every cluster runs on Pods (ServiceAccount, DefaultTolerationSeconds,
  Priority): ``serviceAccountName``, the two ``NoExecute`` tolerations, ``priority: 0``;
* the Gateway API CRDs' ``default:`` values (structural defaulting).

**Allocation is not done here.**  A Service that needs a ClusterIP leaves this function with
no ``clusterIP`` key; ports that need a NodePort have none (or ``0``).  The allocators fill
them in (see :func:`needs_cluster_ip` and :func:`needs_node_ports`).  On update, call
:func:`prepare_service_update` to carry allocated values over from the stored object.
"""
from __future__ import annotations

from .store import clone  # a JSON-shaped deep copy, much faster than copy.deepcopy

from typing import Any

from .validation import CRD_KINDS, crd_schema

__all__ = ["default", "prepare_service_update", "needs_cluster_ip", "needs_node_ports", "image_pull_policy"]

_NOT_READY_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
]


_SYSTEM_PRIORITIES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}


def _setdefault(d: Any, key: str, value: Any) -> None:
    # Only a real dict gets defaults; a wrongly typed value is left for validation to report.
    if isinstance(d, dict) and key not in d:
        d[key] = value


def _dicts(items: Any):
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []


def image_pull_policy(image: str) -> str:
    """SetDefaults_Container: ``Always`` for ``:latest`` or no tag, else ``IfNotPresent``."""
    if "@" in image:  # a digest pins the image
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _default_probe(p: Any) -> None:
    for k, v in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3)):
        _setdefault(p, k, v)
    if isinstance(p, dict) and isinstance(p.get("httpGet"), dict):
        _setdefault(p["httpGet"], "path", "/")
        _setdefault(p["httpGet"], "scheme", "HTTP")


def _default_container(c: dict) -> None:
    _setdefault(c, "imagePullPolicy", image_pull_policy(str(c.get("image") or "")))
    _setdefault(c, "terminationMessagePath", "/dev/termination-log")
    _setdefault(c, "terminationMessagePolicy", "File")
    _setdefault(c, "resources", {})
    for port in _dicts(c.get("ports")):
        _setdefault(port, "protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in c:
            _default_probe(c[probe])
    for hook in ("postStart", "preStop"):  # SetDefaults_HTTPGetAction for lifecycle hooks too
        h = (c.get("lifecycle") or {}).get(hook) if isinstance(c.get("lifecycle"), dict) else None
        if isinstance(h, dict) and isinstance(h.get("httpGet"), dict):
            _setdefault(h["httpGet"], "path", "/")
            _setdefault(h["httpGet"], "scheme", "HTTP")


def _default_pod_spec(spec: Any) -> None:
    """SetDefaults_PodSpec (applies to Pods and to every pod template)."""
    if not isinstance(spec, dict):
        return
    for k, v in (("dnsPolicy", "ClusterFirst"), ("restartPolicy", "Always"), ("securityContext", {}),
                 ("terminationGracePeriodSeconds", 30), ("schedulerName", "default-scheduler")):
        _setdefault(spec, k, v)
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and not isinstance(grace, bool) and grace < 0:
        # Negative grace periods are treated as 1 (kubernetes#98866, #115606); the API server
        # warns (pkg/api/pod/warnings.go), see kubectl/warnings.py pod_spec_warnings.
        spec["terminationGracePeriodSeconds"] = 1
    for c in _dicts(spec.get("containers")) + _dicts(spec.get("initContainers")):
        _default_container(c)


def _default_pod(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    _default_pod_spec(spec)
    # SetDefaults_Pod only (not templates): enableServiceLinks; hostNetwork copies ports.
    _setdefault(spec, "enableServiceLinks", True)
    if isinstance(spec, dict) and spec.get("hostNetwork"):
        for c in _dicts(spec.get("containers")):
            for p in _dicts(c.get("ports")):
                if not p.get("hostPort"):
                    p["hostPort"] = p.get("containerPort")
    # Admission plugins every cluster enables (ServiceAccount, DefaultTolerationSeconds, Priority).
    # The v1 conversion takes the deprecated serviceAccount when serviceAccountName is empty
    # (Convert_v1_PodSpec_To_core_PodSpec); the ServiceAccount plugin (.serviceaccount) then
    # defaults the name and mounts the token.
    if isinstance(spec, dict) and not spec.get("serviceAccountName") and isinstance(spec.get("serviceAccount"), str):
        spec["serviceAccountName"] = spec["serviceAccount"]
    _setdefault(spec, "serviceAccountName", "default")
    _setdefault(spec, "serviceAccount", spec.get("serviceAccountName") if isinstance(spec, dict) else "default")
    if isinstance(spec, dict):
        tolerations = spec.setdefault("tolerations", [])
        keys = {t.get("key") for t in _dicts(tolerations)}
        tolerations += [dict(t) for t in _NOT_READY_TOLERATIONS if t["key"] not in keys]
    # The Priority plugin: the built-in classes' values (scheduling/types.go SystemCriticalPriority),
    # else 0 (no PriorityClass kind is modelled, so no other class resolves).
    _setdefault(spec, "priority", _SYSTEM_PRIORITIES.get(spec.get("priorityClassName") if isinstance(spec, dict) else None, 0))
    _setdefault(spec, "preemptionPolicy", "PreemptLowerPriority")
    if isinstance(spec, dict):  # SetDefaults_Pod: requests default to limits
        for c in _dicts(spec.get("containers")) + _dicts(spec.get("initContainers")):
            res = c.get("resources")
            if isinstance(res, dict) and isinstance(res.get("limits"), dict):
                req = res.setdefault("requests", {})
                for k, v in res["limits"].items():
                    _setdefault(req, k, v)
    status = obj.setdefault("status", {})  # the pod strategy's PrepareForCreate
    _setdefault(status, "phase", "Pending")
    _setdefault(status, "qosClass", _qos_class(spec if isinstance(spec, dict) else {}))


def _qos_class(spec: dict) -> str:
    """qos.GetPodQOS, simplified to cpu and memory: no requests or limits anywhere is
    BestEffort; limits equal to requests for both, in every container, is Guaranteed."""
    containers = _dicts(spec.get("containers")) + _dicts(spec.get("initContainers"))
    resources = [c.get("resources") if isinstance(c.get("resources"), dict) else {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        lim, req = r.get("limits") or {}, r.get("requests") or {}
        if any(k not in lim or str(lim[k]) != str(req.get(k, lim[k])) for k in ("cpu", "memory")):
            return "Burstable"
    return "Guaranteed"


def _template_spec(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        tmpl = spec.setdefault("template", {})
        if isinstance(tmpl, dict):
            _default_pod_spec(tmpl.setdefault("spec", {}))


def _default_deployment(obj: dict) -> None:
    """SetDefaults_Deployment."""
    _template_spec(obj)
    spec = obj["spec"]
    _setdefault(spec, "replicas", 1)
    strategy = spec.setdefault("strategy", {}) if isinstance(spec, dict) else None
    _setdefault(strategy, "type", "RollingUpdate")
    if isinstance(strategy, dict) and strategy.get("type") == "RollingUpdate":
        ru = strategy.setdefault("rollingUpdate", {})
        _setdefault(ru, "maxUnavailable", "25%")
        _setdefault(ru, "maxSurge", "25%")
    _setdefault(spec, "revisionHistoryLimit", 10)
    _setdefault(spec, "progressDeadlineSeconds", 600)


def _default_stateful_set(obj: dict) -> None:
    """SetDefaults_StatefulSet (StatefulSetAutoDeletePVC is GA: the retention policy is set)."""
    _template_spec(obj)
    spec = obj["spec"]
    if not isinstance(spec, dict):
        return
    _setdefault(spec, "podManagementPolicy", "OrderedReady")
    us = spec.setdefault("updateStrategy", {})
    if isinstance(us, dict) and not us.get("type"):
        us["type"] = "RollingUpdate"
        us.setdefault("rollingUpdate", {})
    if isinstance(us, dict) and us.get("type") == "RollingUpdate" and isinstance(us.get("rollingUpdate"), dict):
        _setdefault(us["rollingUpdate"], "partition", 0)
    policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    _setdefault(policy, "whenDeleted", "Retain")
    _setdefault(policy, "whenScaled", "Retain")
    _setdefault(spec, "replicas", 1)
    _setdefault(spec, "revisionHistoryLimit", 10)


def _default_daemon_set(obj: dict) -> None:
    """SetDefaults_DaemonSet."""
    _template_spec(obj)
    spec = obj["spec"]
    us = spec.setdefault("updateStrategy", {}) if isinstance(spec, dict) else None
    _setdefault(us, "type", "RollingUpdate")
    if isinstance(us, dict) and us.get("type") == "RollingUpdate":
        ru = us.setdefault("rollingUpdate", {})
        _setdefault(ru, "maxUnavailable", 1)
        _setdefault(ru, "maxSurge", 0)
    _setdefault(spec, "revisionHistoryLimit", 10)


def needs_cluster_ip(svc: dict) -> bool:
    """True when the ClusterIP allocator must give this Service an address (not headless,
    not ExternalName, none asked for)."""
    spec = svc.get("spec") or {}
    return spec.get("type") != "ExternalName" and not spec.get("clusterIP")


def needs_node_ports(svc: dict) -> bool:
    """True for NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false."""
    spec = svc.get("spec") or {}
    t = spec.get("type")
    return t == "NodePort" or (t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True) is not False)


def _default_service(obj: dict) -> None:
    """SetDefaults_Service, then the registry's NormalizeClusterIPs and initIPFamilyFields."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        if not (isinstance(cfg, dict) and isinstance(cfg.get("clientIP"), dict) and "timeoutSeconds" in cfg["clientIP"]):
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    spec.setdefault("type", "ClusterIP")
    stype = spec["type"]
    for p in _dicts(spec.get("ports")):
        p.setdefault("protocol", "TCP")
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port", 0)  # SetDefaults_Service: intstr.FromInt32(sp.Port), 0 for a missing port
    if stype in ("NodePort", "LoadBalancer") or (stype == "ClusterIP" and spec.get("externalIPs")):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if stype in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if stype == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    # NormalizeClusterIPs (strategy.go): clusterIP and clusterIPs[0] say the same thing.
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    elif spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]
    # initIPFamilyFields (alloc.go), for this IPv4 single-stack cluster.  A headless Service
    # without a selector gets RequireDualStack even on a single-stack cluster, as upstream does.
    if stype != "ExternalName":
        headless_no_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
        spec.setdefault("ipFamilyPolicy", "RequireDualStack" if headless_no_selector else "SingleStack")
        spec.setdefault("ipFamilies", ["IPv4"])
    obj.setdefault("status", {"loadBalancer": {}})


def _default_network_policy(obj: dict) -> None:
    """SetDefaults_NetworkPolicy + SetDefaults_NetworkPolicyPort."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    spec.setdefault("podSelector", {})
    for direction in ("ingress", "egress"):
        for rule in _dicts(spec.get(direction)):
            for port in _dicts(rule.get("ports")):
                port.setdefault("protocol", "TCP")
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def _default_endpoint_slice(obj: dict) -> None:
    """SetDefaults_EndpointPort: ``name: ""`` and ``protocol: TCP``."""
    for p in _dicts(obj.get("ports")):
        p.setdefault("name", "")
        p.setdefault("protocol", "TCP")


def _default_endpoints(obj: dict) -> None:
    for ss in _dicts(obj.get("subsets")):
        for p in _dicts(ss.get("ports")):
            p.setdefault("protocol", "TCP")


def _default_namespace(obj: dict) -> None:
    """SetDefaults_Namespace (the kubernetes.io/metadata.name label) and the registry's
    ``kubernetes`` finalizer; status Active."""
    name = (obj.get("metadata") or {}).get("name")
    if name:
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    _setdefault(obj.setdefault("spec", {}), "finalizers", ["kubernetes"])
    _setdefault(obj.setdefault("status", {}), "phase", "Active")


def _default_ingress_class(obj: dict) -> None:
    params = (obj.get("spec") or {}).get("parameters")
    _setdefault(params, "scope", "Cluster")


def _default_custom_resource(obj: dict) -> None:
    from .validation.crd import apply_defaults
    from .validation.gateway import STATUS_DEFAULTS
    kind = obj["kind"]
    defaulted = apply_defaults(crd_schema(kind), {"spec": obj["spec"]} if "spec" in obj else {})
    if "spec" in defaulted:
        obj["spec"] = defaulted["spec"]
    if kind in STATUS_DEFAULTS and not obj.get("status"):
        obj["status"] = clone(STATUS_DEFAULTS[kind])


_DEFAULTERS = {
    "Pod": _default_pod,
    "Service": _default_service,
    "Deployment": _default_deployment,
    "ReplicaSet": lambda o: (_template_spec(o), _setdefault(o["spec"], "replicas", 1)),
    "StatefulSet": _default_stateful_set,
    "DaemonSet": _default_daemon_set,
    "NetworkPolicy": _default_network_policy,
    "EndpointSlice": _default_endpoint_slice,
    "Endpoints": _default_endpoints,
    "Namespace": _default_namespace,
    "IngressClass": _default_ingress_class,
    "Secret": lambda o: o.setdefault("type", "Opaque"),
}


def default(obj: dict, *, fresh: bool = False) -> dict:
    """A new dict: ``obj`` with the API server's defaults (the input is not changed).

    Defaulting is idempotent, so it can be run on an object that was defaulted before.  An
    Ingress path's ``pathType`` is deliberately *not* defaulted (networking.k8s.io/v1 has no
    default; validation rejects a missing one).  ``fresh=True``: ``obj`` was just built by the
    caller and shares nothing (a controller's new pod), so it is defaulted in place, uncopied."""
    out = obj if fresh else clone(obj)
    kind = out.get("kind", "")
    if kind in CRD_KINDS:
        _default_custom_resource(out)
    elif kind in _DEFAULTERS:
        _DEFAULTERS[kind](out)
    return out


def prepare_service_update(new: dict, old: dict) -> dict:
    """What the Service registry does to an update before validating it (strategy.go
    ``patchAllocatedValues`` and ``dropTypeDependentFields``): allocated values the new object
    leaves out are kept (clusterIP(s), nodePorts matched by port name, healthCheckNodePort),
    and values that stop making sense when ``type`` changes are dropped when the
    user did not set them.  Returns a new dict; call :func:`default` on the result first."""
    out = clone(new)
    ns, os_ = out.setdefault("spec", {}), old.get("spec") or {}
    if needs_cluster_ip_type(os_) and needs_cluster_ip_type(ns):
        if not ns.get("clusterIP") and os_.get("clusterIP"):
            ns["clusterIP"] = os_["clusterIP"]
        if not ns.get("clusterIPs") and os_.get("clusterIPs"):
            ns["clusterIPs"] = list(os_["clusterIPs"])
        # ipFamilies/ipFamilyPolicy are not patched here: initIPFamilyFields takes the old
        # policy when none is given and infers the families from the clusterIPs kept above.
    # normalizeClusterIPs (storage.go): only the singular field changed (an old client, or
    # apply's merge keeping the server-set plural), so the plural follows it: cleared with it,
    # or set to it alone, secondary IP included (which validation then refuses: "may not
    # change once set").
    if ns.get("clusterIP") != os_.get("clusterIP") and ns.get("clusterIPs") \
            and ns.get("clusterIPs") == os_.get("clusterIPs"):
        if ns.get("clusterIP"):
            ns["clusterIPs"] = [ns["clusterIP"]]
        else:
            ns.pop("clusterIPs")
    if needs_node_ports(old) and needs_node_ports(out):
        used = {p.get("nodePort") for p in _dicts(ns.get("ports")) if p.get("nodePort")}
        by_name = {p.get("name", ""): p.get("nodePort") for p in _dicts(os_.get("ports"))}
        for p in _dicts(ns.get("ports")):
            if not p.get("nodePort") and by_name.get(p.get("name", "")) not in used | {None}:
                p["nodePort"] = by_name[p.get("name", "")]
    if os_.get("healthCheckNodePort") and not ns.get("healthCheckNodePort") and _needs_hc(os_) and _needs_hc(ns):
        ns["healthCheckNodePort"] = os_["healthCheckNodePort"]
    if ns.get("type") != os_.get("type"):
        if not needs_node_ports(out):
            old_np = [p.get("nodePort") for p in _dicts(os_.get("ports"))]
            if [p.get("nodePort") for p in _dicts(ns.get("ports"))] == old_np:
                for p in _dicts(ns.get("ports")):
                    p.pop("nodePort", None)
        if ns.get("type") == "ExternalName":  # dropTypeDependentFields: what the user left as it was
            if ns.get("clusterIPs") == os_.get("clusterIPs"):  # sameClusterIPs
                ns.pop("clusterIP", None)
                ns.pop("clusterIPs", None)
            for f in ("ipFamilies", "ipFamilyPolicy"):
                if ns.get(f) == os_.get(f):
                    ns.pop(f, None)
        if ns.get("type") != "LoadBalancer":
            for f in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
                if ns.get(f) == os_.get(f):
                    ns.pop(f, None)
        if not _needs_hc(ns) and ns.get("healthCheckNodePort") == os_.get("healthCheckNodePort"):
            ns.pop("healthCheckNodePort", None)
        if ns.get("type") not in ("NodePort", "LoadBalancer") and not ns.get("externalIPs") \
                and ns.get("externalTrafficPolicy") == os_.get("externalTrafficPolicy"):
            ns.pop("externalTrafficPolicy", None)
    return out


def needs_cluster_ip_type(spec: dict) -> bool:
    """needsClusterIP (strategy.go): every type but ExternalName has a ClusterIP (or None)."""
    return spec.get("type", "ClusterIP") != "ExternalName"


def _needs_hc(spec: dict) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"
