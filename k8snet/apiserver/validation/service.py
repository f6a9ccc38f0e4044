"""Service validation: ``ValidateService`` and ``ValidateServiceUpdate`` of
``pkg/apis/core/validation/validation.go`` (Kubernetes v1.37), run on the defaulted object.

What is *not* here, because upstream does it elsewhere:

* ``spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The
  range of valid ports is 30000-32767`` and ``provided port is already allocated`` come from
  the NodePort allocator (``pkg/registry/core/service/portallocator``), run by the Service
  REST storage on create/update.  In k8snet that is ``apiserver.portallocator.PortAllocator.check``.
* ``spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP 10.0.0.1:
  provided IP is not in the valid range...`` comes from the ClusterIP allocator.

Errors come in upstream's order (the order a learner sees them in the ``*`` list).
"""
from __future__ import annotations

from typing import Mapping

from ...errors import ErrorType, FieldError
from .common import (PROTOCOLS, go_error, go_struct, is_valid_ip, is_valid_cidr, is_valid_port_name,
                     is_valid_port_num, parse_ip, name_is_dns1035_label, validate_dns1123_label,
                     validate_dns1123_subdomain, validate_labels, validate_non_special_ip,
                     validate_object_meta, validate_qualified_name)

__all__ = ["validate_service", "validate_service_update", "validate_cluster_ips_related_fields", "SERVICE_TYPES",
           "TRAFFIC_DISTRIBUTIONS"]

#: supportedServiceType, sorted as sets.List prints it.
SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
_MAX_AFFINITY_SECONDS = 86400  # core.MaxClientIPServiceAffinitySeconds
#: validateServiceTrafficDistribution with PreferSameTrafficDistribution (GA): upstream's order.
TRAFFIC_DISTRIBUTIONS = ["PreferClose", "PreferSameZone", "PreferSameNode"]
_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"  # core.DeprecatedAnnotationTopologyAwareHints
_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"  # core.AnnotationTopologyMode
_LB_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"  # core.AnnotationLoadBalancerSourceRangesKey


def _headless(spec: Mapping) -> bool:
    # isHeadlessService: len(ClusterIPs) == 1 && ClusterIPs[0] == "None".
    ips = spec.get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == "None"


def _externally_accessible(spec: Mapping) -> bool:
    # pkg/api/v1/service.ExternallyAccessible
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))


def _go_service_port(protocol: str, port: int) -> str:
    # The Duplicate error's value is the map key core.ServicePort{Protocol, Port}, as JSON.
    return go_struct(("Name", ""), ("Protocol", protocol), ("AppProtocol", None), ("Port", port),
                     ("TargetPort", 0), ("NodePort", 0))


def _validate_port(sp: Mapping, require_name: bool, names: set, path: str) -> list[FieldError]:
    """validateServicePort. Service port *names* are DNS-1123 labels; named targetPorts are
    IANA_SVC_NAMEs (ValidatePortNumOrName)."""
    errs: list[FieldError] = []
    name = sp.get("name") or ""
    if require_name and not name:
        errs.append(FieldError.required(f"{path}.name"))
    elif name:
        errs += validate_dns1123_label(name, f"{path}.name")
        if name in names:
            errs.append(FieldError.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    port = sp.get("port") or 0
    errs += [FieldError.invalid(f"{path}.port", port, m) for m in is_valid_port_num(port)]
    proto = sp.get("protocol") or ""
    if not proto:
        errs.append(FieldError.required(f"{path}.protocol"))
    elif proto not in PROTOCOLS:
        errs.append(FieldError.not_supported(f"{path}.protocol", proto, PROTOCOLS))
    tp = sp.get("targetPort", 0)
    if isinstance(tp, str):
        errs += [FieldError.invalid(f"{path}.targetPort", tp, m) for m in is_valid_port_name(tp)]
    else:
        errs += [FieldError.invalid(f"{path}.targetPort", tp, m) for m in is_valid_port_num(tp or 0)]
    if sp.get("appProtocol") is not None:
        errs += validate_qualified_name(sp["appProtocol"], f"{path}.appProtocol")
    return errs


def _validate_affinity_config(cfg: Mapping | None, path: str) -> list[FieldError]:
    """validateClientIPAffinityConfig."""
    why = "when session affinity type is ClientIP"
    if cfg is None:
        return [FieldError.required(path, why)]
    if cfg.get("clientIP") is None:
        return [FieldError.required(f"{path}.clientIP", why)]
    timeout = cfg["clientIP"].get("timeoutSeconds")
    if timeout is None:
        return [FieldError.required(f"{path}.clientIP.timeoutSeconds", why)]
    if timeout <= 0 or timeout > _MAX_AFFINITY_SECONDS:
        return [FieldError.invalid(f"{path}.clientIP.timeoutSeconds", timeout,
                                   f"must be greater than 0 and less than {_MAX_AFFINITY_SECONDS}")]
    return []


def validate_cluster_ips_related_fields(spec: Mapping) -> list[FieldError]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs in step, ipFamilies and
    ipFamilyPolicy values, each clusterIP an IP, at most one per family, families matching.
    The registry also runs it before allocating (alloc.go initIPFamilyFields)."""
    if spec.get("type") == "ExternalName":
        return []
    errs: list[FieldError] = []
    cip, cips = spec.get("clusterIP") or "", [ip or "" for ip in spec.get("clusterIPs") or []]
    if cip:
        if not cips:
            errs.append(FieldError.required("spec.clusterIPs"))
        elif cips[0] != cip:
            errs.append(FieldError.invalid("spec.clusterIPs", cips, "first value must match `clusterIP`"))
    elif cips:
        errs.append(FieldError.invalid("spec.clusterIPs", cips, "must be empty when `clusterIP` is not specified"))
    seen: set = set()
    for i, fam in enumerate(spec.get("ipFamilies") or []):
        if fam not in ("IPv4", "IPv6"):
            errs.append(FieldError.not_supported(f"spec.ipFamilies[{i}]", fam, ["IPv4", "IPv6"]))
        if fam in seen:
            errs.append(FieldError.duplicate(f"spec.ipFamilies[{i}]", fam))
        seen.add(fam)
    policy = spec.get("ipFamilyPolicy")
    policies = ["PreferDualStack", "RequireDualStack", "SingleStack"]
    if policy is not None and policy not in policies:
        errs.append(FieldError.not_supported("spec.ipFamilyPolicy", policy, policies))
    bad_ips = False
    for i, ip in enumerate(cips):
        if i == 0 and ip == "None":
            if len(cips) > 1:
                bad_ips = True
                errs.append(FieldError.invalid("spec.clusterIPs", cips, "'None' must be the first and only value"))
            continue
        ip_errs = is_valid_ip(f"spec.clusterIPs[{i}]", ip)
        bad_ips = bad_ips or bool(ip_errs)
        errs += ip_errs
    if len(cips) > 2:
        errs.append(FieldError.invalid("spec.clusterIPs", cips, "may only hold up to 2 values"))
    if bad_ips:  # further checks would only repeat the bad IP in other words
        return errs
    if len(cips) > 1 and len({parse_ip(ip).version for ip in cips}) != len(cips):
        errs.append(FieldError.invalid("spec.clusterIPs", cips, "may specify no more than one IP for each IP family"))
    fams = spec.get("ipFamilies") or []
    if not _headless(spec) and cips and fams:
        for i, ip in enumerate(cips[:len(fams)]):
            v6 = parse_ip(ip).version == 6
            if fams[i] == "IPv4" and v6:
                errs.append(FieldError.invalid(f"spec.clusterIPs[{i}]", ip,
                                               f"expected an IPv4 value as indicated by `ipFamilies[{i}]`"))
            if fams[i] == "IPv6" and not v6:
                errs.append(FieldError.invalid(f"spec.clusterIPs[{i}]", ip,
                                               f"expected an IPv6 value as indicated by `ipFamilies[{i}]`"))
    return errs


def _validate_traffic_policies(spec: Mapping) -> list[FieldError]:
    """validateServiceExternalTrafficPolicy + validateServiceInternalTrafficFieldsValue."""
    errs: list[FieldError] = []
    etp = spec.get("externalTrafficPolicy") or ""
    if not _externally_accessible(spec):
        if etp:
            errs.append(FieldError.invalid("spec.externalTrafficPolicy", etp,
                                           "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(FieldError.required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        errs.append(FieldError.not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
    needs_hc = spec.get("type") == "LoadBalancer" and etp == "Local"  # NeedsHealthCheck
    hc = spec.get("healthCheckNodePort") or 0
    if not needs_hc and hc:
        errs.append(FieldError.invalid("spec.healthCheckNodePort", hc,
                                       "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    itp = spec.get("internalTrafficPolicy")
    if itp is None and spec.get("type") in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.append(FieldError.required("spec.internalTrafficPolicy"))
    if itp is not None and itp not in ("Cluster", "Local"):
        errs.append(FieldError.not_supported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]))
    td = spec.get("trafficDistribution")
    if td is not None and td not in TRAFFIC_DISTRIBUTIONS:
        errs.append(FieldError.not_supported("spec.trafficDistribution", td, TRAFFIC_DISTRIBUTIONS))
    return errs


def _validate_source_ranges(spec: Mapping, annotations: Mapping) -> list[FieldError]:
    """The loadBalancerSourceRanges field, or else the older annotation (a comma-separated list)."""
    ranges = spec.get("loadBalancerSourceRanges") or []
    if not ranges and _LB_SOURCE_RANGES not in annotations:
        return []
    # Upstream really spells the field path with a capital L.
    path = "spec.LoadBalancerSourceRanges" if ranges else f"metadata.annotations[{_LB_SOURCE_RANGES}]"
    errs = []
    if spec.get("type") != "LoadBalancer":
        errs.append(FieldError.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
    if ranges:
        for i, r in enumerate(ranges):  # space padding is allowed, a historical accident
            errs += is_valid_cidr(f"{path}[{i}]", (r or "").strip())
    else:
        value = str(annotations[_LB_SOURCE_RANGES] or "").strip()
        for r in value.split(",") if value else []:
            errs += is_valid_cidr(path, r.strip())
    return errs


def validate_service(svc: Mapping) -> list[FieldError]:
    """ValidateService: every error for a Service, in upstream's order."""
    errs = validate_object_meta(svc.get("metadata"), True, name_is_dns1035_label)
    annotations = (svc.get("metadata") or {}).get("annotations") or {}
    if _TOPOLOGY_MODE in annotations and _TOPOLOGY_HINTS in annotations \
            and annotations[_TOPOLOGY_MODE] != annotations[_TOPOLOGY_HINTS]:
        errs.append(FieldError.invalid(f"metadata.annotations[{_TOPOLOGY_MODE}]", annotations[_TOPOLOGY_MODE],
                                       f"must match annotations[{_TOPOLOGY_HINTS}] when both are specified"))
    spec = svc.get("spec") or {}
    stype, ports = spec.get("type") or "", spec.get("ports") or []
    headless = _headless(spec)
    if not ports and not headless and stype != "ExternalName":
        errs.append(FieldError.required("spec.ports"))
    if stype in ("LoadBalancer", "NodePort") and headless:
        errs.append(FieldError.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {stype} services"))
    elif stype == "ExternalName":
        if spec.get("clusterIPs"):
            errs.append(FieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if spec.get("ipFamilies"):
            errs.append(FieldError.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(FieldError.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = (spec.get("externalName") or "").removesuffix(".")  # a trailing dot is allowed
        if cname:
            errs += validate_dns1123_subdomain(cname, "spec.externalName")
        else:
            errs.append(FieldError.required("spec.externalName"))
    names: set = set()
    for i, sp in enumerate(ports):
        errs += _validate_port(sp, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec["selector"], "spec.selector")
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        errs.append(FieldError.required("spec.sessionAffinity"))
    elif affinity not in ("ClientIP", "None"):
        errs.append(FieldError.not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    if affinity == "ClientIP":
        errs += _validate_affinity_config(spec.get("sessionAffinityConfig"), "spec.sessionAffinityConfig")
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(FieldError.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs += validate_cluster_ips_related_fields(spec)
    for i, ip in enumerate(spec.get("externalIPs") or []):
        bad = is_valid_ip(f"spec.externalIPs[{i}]", ip)
        errs += bad or validate_non_special_ip(ip, f"spec.externalIPs[{i}]")
    if not stype:
        errs.append(FieldError.required("spec.type"))
    elif stype not in SERVICE_TYPES:
        errs.append(FieldError.not_supported("spec.type", stype, SERVICE_TYPES))
    if stype == "ClusterIP":
        for i, sp in enumerate(ports):
            if sp.get("nodePort"):
                errs.append(FieldError.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    seen_np: set = set()
    for i, sp in enumerate(ports):
        if not sp.get("nodePort"):
            continue
        key = (sp.get("protocol"), sp["nodePort"])
        if key in seen_np:
            errs.append(FieldError.duplicate(f"spec.ports[{i}].nodePort", sp["nodePort"]))
        seen_np.add(key)
    seen_p: set = set()
    for i, sp in enumerate(ports):
        key = (sp.get("protocol") or "", sp.get("port") or 0)
        if key in seen_p:
            errs.append(go_error(ErrorType.DUPLICATE, f"spec.ports[{i}]", _go_service_port(*key)))
        seen_p.add(key)
    errs += _validate_source_ranges(spec, annotations)
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.append(FieldError.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(FieldError.required("allocateLoadBalancerNodePorts"))  # sic: no "spec." upstream
    if spec.get("loadBalancerClass") is not None:  # validateLoadBalancerClassField
        if stype != "LoadBalancer":
            errs.append(FieldError.forbidden("spec.loadBalancerClass", "may only be used when service type is 'LoadBalancer'"))
        errs += validate_qualified_name(spec["loadBalancerClass"], "spec.loadBalancerClass")
    errs += _validate_traffic_policies(spec)
    return errs


def _upgrade_downgrade_cluster_ips(old: Mapping, new: Mapping) -> list[FieldError]:
    """validateUpgradeDowngradeClusterIPs: a ClusterIP cannot change once set."""
    if "ExternalName" in (old.get("type"), new.get("type")):
        return []
    if _headless(old) and _headless(new):
        return []
    olds, news = old.get("clusterIPs") or [], new.get("clusterIPs") or []
    if len(olds) == len(news):
        return [FieldError.invalid(f"spec.clusterIPs[{i}]", news, "may not change once set")
                for i, ip in enumerate(olds) if ip != news[i]]
    if len(olds) > len(news) and not news:
        return [FieldError.invalid("spec.clusterIPs[0]", news, "primary clusterIP can not be unset")]
    if len(olds) < len(news) and olds and olds[0] != news[0]:
        return [FieldError.invalid("spec.clusterIPs[0]", news, "may not change once set")]
    return []


def _upgrade_downgrade_families(old: Mapping, new: Mapping) -> list[FieldError]:
    """validateUpgradeDowngradeIPFamilies: the primary family cannot change."""
    if "ExternalName" in (old.get("type"), new.get("type")):
        return []
    olds, news = old.get("ipFamilies") or [], new.get("ipFamilies") or []
    if olds and news and olds[0] != news[0]:
        return [FieldError.invalid("spec.ipFamilies[0]", news, "may not change once set")]
    return []


def validate_service_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidateServiceUpdate: the immutable parts, then ValidateService on the new object."""
    ns, os_ = new.get("spec") or {}, old.get("spec") or {}
    errs = _upgrade_downgrade_cluster_ips(os_, ns) + _upgrade_downgrade_families(os_, ns)
    if os_.get("type") == "LoadBalancer" and ns.get("type") == "LoadBalancer" \
            and ns.get("loadBalancerClass") != os_.get("loadBalancerClass"):
        errs.append(FieldError.invalid("spec.loadBalancerClass", ns.get("loadBalancerClass"), "may not change once set"))
    old_hc = os_.get("type") == "LoadBalancer" and os_.get("externalTrafficPolicy") == "Local"
    new_hc = ns.get("type") == "LoadBalancer" and ns.get("externalTrafficPolicy") == "Local"
    if old_hc and new_hc and ns.get("healthCheckNodePort") != os_.get("healthCheckNodePort"):
        errs.append(FieldError.forbidden("spec.healthCheckNodePort", "field is immutable"))
    return errs + validate_service(new)

