"""``networking.k8s.io/v1`` validation: Ingress, IngressClass, NetworkPolicy, ported from
``pkg/apis/networking/validation/validation.go`` (Kubernetes 1.33).

Note that an Ingress ``pathType`` has **no default** in ``networking.k8s.io/v1``: leaving it out
is an error (``pathType must be specified``).
"""
from __future__ import annotations

import re
from typing import Mapping

from ...errors import ErrorType, FieldError
from ...errors import go_json
from .common import (go_error, is_dns1123_subdomain, is_valid_cidr, is_valid_port_name,
                     is_valid_port_num, is_wildcard_dns1123_subdomain, name_is_dns1035_label,
                     name_is_dns_label, name_is_dns_subdomain, parse_cidr, parse_ip, regex_error,
                     validate_label_selector, validate_object_meta)

__all__ = ["validate_ingress", "validate_ingress_class", "validate_ingress_class_update",
           "validate_network_policy", "PATH_TYPES"]

#: supportedPathTypes, sorted as sets.String.List prints them.
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
_INVALID_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_SUFFIXES = ("/..", "/.")
_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"


# -- Ingress ----------------------------------------------------------------------------
def _validate_backend(b: Mapping, path: str) -> list[FieldError]:
    """validateIngressBackend: exactly one of service / resource; port name xor number."""
    svc, res = b.get("service"), b.get("resource")
    if svc is not None and res is not None:
        return [FieldError.invalid(path, "", "cannot set both resource and service backends")]
    if res is not None:
        errs = []
        if not res.get("kind"):
            errs.append(FieldError.required(f"{path}.resource.kind"))
        if not res.get("name"):
            errs.append(FieldError.required(f"{path}.resource.name"))
        return errs
    if svc is None:
        return [FieldError.invalid(path, "", "resource or service backend is required")]
    errs: list[FieldError] = []
    name = svc.get("name") or ""
    if not name:
        errs.append(FieldError.required(f"{path}.service.name"))
    else:
        # RelaxedServiceNameValidation is alpha (off) in 1.33: backend names are DNS-1035 labels.
        errs += [FieldError.invalid(f"{path}.service.name", name, m) for m in name_is_dns1035_label(name)]
    port = svc.get("port") or {}
    pname, pnum = port.get("name") or "", port.get("number") or 0
    if pname and pnum:
        errs.append(FieldError.invalid(path, "", "cannot set both port name & port number"))
    elif pname:
        errs += [FieldError.invalid(f"{path}.service.port.name", pname, m) for m in is_valid_port_name(pname)]
    elif pnum:
        errs += [FieldError.invalid(f"{path}.service.port.number", pnum, m) for m in is_valid_port_num(pnum)]
    else:
        errs.append(FieldError.required(path, "port name or number is required"))
    return errs


def _validate_path(p: Mapping, path: str) -> list[FieldError]:
    """validateHTTPIngressPath."""
    pt = p.get("pathType")
    if pt is None:
        return [FieldError.required(f"{path}.pathType", "pathType must be specified")]
    value = p.get("path") or ""
    errs: list[FieldError] = []
    if pt in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(FieldError.invalid(f"{path}.path", value, "must be an absolute path"))
        if value:
            errs += [FieldError.invalid(f"{path}.path", value, f"must not contain '{s}'")
                     for s in _INVALID_SEQUENCES if s in value]
            errs += [FieldError.invalid(f"{path}.path", value, f"cannot end with '{s}'")
                     for s in _INVALID_SUFFIXES if value.endswith(s)]
    elif pt == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(FieldError.invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        errs.append(FieldError.not_supported(f"{path}.pathType", pt, PATH_TYPES))
    return errs + _validate_backend(p.get("backend") or {}, f"{path}.backend")


def _validate_rules(rules: list, path: str) -> list[FieldError]:
    """validateIngressRules: hosts are DNS names (a leading ``*.`` allowed), never IPs."""
    errs: list[FieldError] = []
    for i, rule in enumerate(rules):
        host = rule.get("host") or ""
        hp = f"{path}[{i}].host"
        if host:
            if parse_ip(host) is not None:
                errs.append(FieldError.invalid(hp, host, "must be a DNS name, not an IP address"))
            check = is_wildcard_dns1123_subdomain if "*" in host else is_dns1123_subdomain
            errs += [FieldError.invalid(hp, host, m) for m in check(host)]
        http = rule.get("http")
        if http is not None:
            paths = http.get("paths") or []
            if not paths:
                errs.append(FieldError.required(f"{path}[{i}].http.paths"))
            for j, p in enumerate(paths):
                errs += _validate_path(p, f"{path}[{i}].http.paths[{j}]")
    return errs


def validate_ingress(ing: Mapping, old: Mapping | None = None) -> list[FieldError]:
    """ValidateIngressCreate / ValidateIngressUpdate."""
    errs = validate_object_meta(ing.get("metadata"), True, name_is_dns_subdomain)
    spec = ing.get("spec") or {}
    rules = spec.get("rules")
    if not rules and spec.get("defaultBackend") is None:
        go = "null" if rules is None else "[]"  # the Rules slice, as JSON
        errs.append(go_error(ErrorType.INVALID, "spec", go, "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend") is not None:
        errs += _validate_backend(spec["defaultBackend"], "spec.defaultBackend")
    if rules:
        errs += _validate_rules(rules, "spec.rules")
    for i, tls in enumerate(spec.get("tls") or []):
        for j, host in enumerate(tls.get("hosts") or []):
            check = is_wildcard_dns1123_subdomain if "*" in host else is_dns1123_subdomain
            errs += [FieldError.invalid(f"spec.tls[{i}].hosts[{j}]", host, m) for m in check(host)]
        secret = tls.get("secretName") or ""
        if secret:
            errs += [FieldError.invalid(f"spec.tls[{i}].secretName", secret, m) for m in name_is_dns_subdomain(secret)]
    cls = spec.get("ingressClassName")
    if cls is not None:
        errs += [FieldError.invalid("spec.ingressClassName", cls, m) for m in name_is_dns_subdomain(cls)]
    annotation = ((ing.get("metadata") or {}).get("annotations") or {}).get("kubernetes.io/ingress.class")
    if old is None and annotation is not None and cls is not None and annotation != cls:
        errs.append(FieldError.invalid("annotations.kubernetes.io/ingress.class", annotation,
                                       "must match `ingressClassName` when both are specified"))
    return errs


# -- IngressClass -----------------------------------------------------------------------
def _is_domain_prefixed_path(field: str, value: str) -> list[FieldError]:
    """IsDomainPrefixedPath (``k8s.io/ingress-nginx``)."""
    if not value:
        return [FieldError.required(field)]
    segments = value.split("/", 1)
    if len(segments) != 2 or not segments[0] or not segments[1]:
        return [FieldError.invalid(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    errs = [FieldError.invalid(field, segments[0], m) for m in is_dns1123_subdomain(segments[0])]
    if not re.fullmatch(_HTTP_PATH_FMT, segments[1]):
        errs.append(FieldError.invalid(field, segments[1], regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


def validate_ingress_class(ic: Mapping) -> list[FieldError]:
    """ValidateIngressClass: controller is a domain-prefixed path; parameters reference."""
    errs = validate_object_meta(ic.get("metadata"), False, name_is_dns_subdomain)
    spec = ic.get("spec") or {}
    ctrl = spec.get("controller") or ""
    if not ctrl:
        errs.append(FieldError.required("spec.controller"))
    else:
        if len(ctrl) > 250:
            errs.append(FieldError(ErrorType.TOO_LONG, "spec.controller", "", "may not be more than 250 bytes"))
        errs += _is_domain_prefixed_path("spec.controller", ctrl)
    params = spec.get("parameters")
    if params is not None:
        pp = "spec.parameters"
        for f in ("kind", "name"):
            if not params.get(f):
                errs.append(FieldError.required(f"{pp}.{f}"))
        scope = params.get("scope")
        if scope is None:
            errs.append(FieldError.required(f"{pp}.scope"))
        elif scope not in ("Cluster", "Namespace"):
            errs.append(FieldError.not_supported(f"{pp}.scope", scope, ["Cluster", "Namespace"]))
        elif scope == "Namespace" and params.get("namespace") is None:
            errs.append(FieldError.required(f"{pp}.namespace", "`parameters.scope` is set to 'Namespace'"))
        elif scope == "Namespace":
            errs += [FieldError.invalid(f"{pp}.namespace", params["namespace"], m)
                     for m in name_is_dns_label(params["namespace"])]
        elif params.get("namespace") is not None:
            errs.append(FieldError.forbidden(f"{pp}.namespace", "`parameters.scope` is set to 'Cluster'"))
    return errs


def validate_ingress_class_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidateIngressClassUpdate: the controller is immutable."""
    nc, oc = (new.get("spec") or {}).get("controller"), (old.get("spec") or {}).get("controller")
    errs = [] if nc == oc else [FieldError.invalid("spec.controller", nc, "field is immutable")]
    return errs + validate_ingress_class(new)


# -- NetworkPolicy ----------------------------------------------------------------------
def _validate_np_port(port: Mapping, path: str) -> list[FieldError]:
    """ValidateNetworkPolicyPort (protocols listed in upstream's order, not sorted)."""
    errs: list[FieldError] = []
    proto = port.get("protocol")
    if proto is not None and proto not in ("TCP", "UDP", "SCTP"):
        errs.append(FieldError.not_supported(f"{path}.protocol", proto, ["TCP", "UDP", "SCTP"]))
    p, end = port.get("port"), port.get("endPort")
    if p is not None:
        if not isinstance(p, str):
            errs += [FieldError.invalid(f"{path}.port", p, m) for m in is_valid_port_num(p)]
            if end is not None:
                if end < p:
                    errs.append(FieldError.invalid(f"{path}.endPort", end, "must be greater than or equal to `port`"))
                errs += [FieldError.invalid(f"{path}.endPort", end, m) for m in is_valid_port_num(end)]
        else:
            if end is not None:
                errs.append(FieldError.invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric"))
            errs += [FieldError.invalid(f"{path}.port", p, m) for m in is_valid_port_name(p)]
    elif end is not None:
        errs.append(FieldError.invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified"))
    return errs


def _validate_ip_block(ipb: Mapping, path: str) -> list[FieldError]:
    """ValidateIPBlock: ``except`` entries must be strict subsets of ``cidr``."""
    cidr = ipb.get("cidr") or ""
    if not cidr:
        return [FieldError.required(f"{path}.cidr")]
    errs = is_valid_cidr(f"{path}.cidr", cidr)
    net = parse_cidr(cidr)
    if net is None:
        return errs
    for i, ex in enumerate(ipb.get("except") or []):
        ep = f"{path}.except[{i}]"
        bad = is_valid_cidr(ep, ex)
        errs += bad
        exnet = parse_cidr(ex)
        if exnet is None:
            continue
        inside = exnet.version == net.version and exnet.network_address in net
        if not inside or net.prefixlen >= exnet.prefixlen:
            errs.append(FieldError.invalid(ep, ex, "must be a strict subset of `cidr`"))
    return errs


def _validate_peer(peer: Mapping, path: str) -> list[FieldError]:
    """ValidateNetworkPolicyPeer: one of podSelector/namespaceSelector (both allowed) or ipBlock."""
    errs: list[FieldError] = []
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            errs += validate_label_selector(peer[key], f"{path}.{key}")
    if peer.get("ipBlock") is not None:
        count += 1
        errs += _validate_ip_block(peer["ipBlock"], f"{path}.ipBlock")
    if count == 0:
        errs.append(FieldError.required(path, "must specify a peer"))
    elif count > 1 and peer.get("ipBlock") is not None:
        errs.append(FieldError.forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def validate_network_policy(np: Mapping) -> list[FieldError]:
    """ValidateNetworkPolicy + ValidateNetworkPolicySpec."""
    errs = validate_object_meta(np.get("metadata"), True, name_is_dns_subdomain)
    spec = np.get("spec") or {}
    errs += validate_label_selector(spec.get("podSelector") or {}, "spec.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            rp = f"spec.{direction}[{i}]"
            for j, port in enumerate(rule.get("ports") or []):
                errs += _validate_np_port(port, f"{rp}.ports[{j}]")
            for j, peer in enumerate(rule.get(peers) or []):
                errs += _validate_peer(peer, f"{rp}.{peers}[{j}]")
    types = spec.get("policyTypes") or []
    if len(types) > 2:
        go = go_json(list(types))
        return errs + [go_error(ErrorType.INVALID, "spec.policyTypes", go, "may not specify more than two policyTypes")]
    for i, t in enumerate(types):
        if t not in ("Ingress", "Egress"):
            errs.append(FieldError.not_supported(f"spec.policyTypes[{i}]", t, ["Ingress", "Egress"]))
    return errs
