"""``discovery.k8s.io/v1`` EndpointSlice validation, ported from
``pkg/apis/discovery/validation/validation.go`` (Kubernetes v1.37): addresses by type,
nodeName, deprecatedTopology (at most 16 labels, the zone key reserved), hostname, hints
(forZones and forNodes, at most 8 each, no duplicates), ports (at most 20000).

An EndpointSlice has no ``spec``: paths start at ``addressType``, ``endpoints``, ``ports``.
"""
from __future__ import annotations

from typing import Mapping

from ...errors import ErrorType, FieldError
from .common import (PROTOCOLS, is_dns1123_label, is_dns1123_subdomain, is_valid_label_value, name_is_dns_subdomain,
                     parse_ip, validate_dns1123_label, validate_labels, validate_non_special_ip,
                     validate_object_meta, validate_qualified_name)

__all__ = ["validate_endpoint_slice", "validate_endpoint_slice_update", "ADDRESS_TYPES"]

#: supportedAddressTypes, sorted as sets.List prints them.
ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]
_MAX_ENDPOINTS, _MAX_ADDRESSES, _MAX_PORTS = 1000, 100, 20000
_MAX_TOPOLOGY_LABELS, _MAX_ZONE_HINTS, _MAX_NODE_HINTS = 16, 8, 8
_ZONE_LABEL = "topology.kubernetes.io/zone"  # corev1.LabelTopologyZone


def _fqdn_errors(field: str, name: str) -> list[FieldError]:
    """IsFullyQualifiedDomainName: a subdomain of at least two labels (a final dot allowed)."""
    if not name:
        return [FieldError.required(field)]
    name = name.removesuffix(".")
    msgs = is_dns1123_subdomain(name)
    if msgs:
        return [FieldError.invalid(field, name, ",".join(msgs))]
    if len(name.split(".")) < 2:
        return [FieldError.invalid(field, name, "should be a domain with at least two segments separated by dots")]
    for label in name.split("."):
        msgs = is_dns1123_label(label)
        if msgs:
            return [FieldError.invalid(field, label, ",".join(msgs))]
    return []


def _address_errors(addr: str, addr_type: str, field: str) -> list[FieldError]:
    ip = parse_ip(addr)
    if addr_type == "IPv4":
        errs = [] if ip is not None and ip.version == 4 else [FieldError.invalid(field, addr, "must be a valid IPv4 address")]
        return errs + validate_non_special_ip(addr, field)
    if addr_type == "IPv6":
        errs = [] if ip is not None and ip.version == 6 else [FieldError.invalid(field, addr, "must be a valid IPv6 address")]
        return errs + validate_non_special_ip(addr, field)
    if addr_type == "FQDN":
        return _fqdn_errors(field, addr)
    return []  # unknown types are reported once, on addressType


def _topology_errors(topology: Mapping, path: str) -> list[FieldError]:
    """deprecatedTopology: at most 16 labels, valid labels, and not the zone key (v1 has a
    ``zone`` field for it; the reserved key reaching validation is an internal error)."""
    errs = []
    if len(topology) > _MAX_TOPOLOGY_LABELS:
        errs.append(FieldError.too_many(path, len(topology), _MAX_TOPOLOGY_LABELS))
    errs += validate_labels(topology, path)
    if _ZONE_LABEL in topology:
        errs.append(FieldError(ErrorType.INTERNAL, f"{path}[{_ZONE_LABEL}]", "",
                               "reserved key was not removed in conversion"))
    return errs


def _hint_names(hints: list, path: str, check) -> list[FieldError]:
    errs, seen = [], set()
    for i, hint in enumerate(hints):
        name = (hint or {}).get("name") or ""
        np = f"{path}[{i}].name"
        if name in seen:
            errs.append(FieldError.duplicate(np, name))
        seen.add(name)
        errs += [FieldError.invalid(np, name, m) for m in check(name)]
    return errs


def _hints_errors(hints: Mapping, path: str) -> list[FieldError]:
    """validateHints: forZones (label values) then forNodes (node names), at most 8 each; too
    many of either ends the check."""
    zones, nodes = hints.get("forZones") or [], hints.get("forNodes") or []
    if len(zones) > _MAX_ZONE_HINTS:
        return [FieldError.too_many(f"{path}.forZones", len(zones), _MAX_ZONE_HINTS)]
    errs = _hint_names(zones, f"{path}.forZones", is_valid_label_value)
    if len(nodes) > _MAX_NODE_HINTS:
        return errs + [FieldError.too_many(f"{path}.forNodes", len(nodes), _MAX_NODE_HINTS)]
    return errs + _hint_names(nodes, f"{path}.forNodes", name_is_dns_subdomain)


def validate_endpoint_slice(es: Mapping) -> list[FieldError]:
    """ValidateEndpointSlice: metadata, addressType, endpoints, ports."""
    errs = validate_object_meta(es.get("metadata"), True, name_is_dns_subdomain)
    at = es.get("addressType") or ""
    if not at:
        errs.append(FieldError.required("addressType"))
    elif at not in ADDRESS_TYPES:
        errs.append(FieldError.not_supported("addressType", at, ADDRESS_TYPES))
    endpoints = es.get("endpoints") or []
    if len(endpoints) > _MAX_ENDPOINTS:
        errs.append(FieldError.too_many("endpoints", len(endpoints), _MAX_ENDPOINTS))
    else:
        for i, ep in enumerate(endpoints):
            ap = f"endpoints[{i}].addresses"
            addrs = ep.get("addresses") or []
            if not addrs:
                errs.append(FieldError.required(ap, "must contain at least 1 address"))
            elif len(addrs) > _MAX_ADDRESSES:
                errs.append(FieldError.too_many(ap, len(addrs), _MAX_ADDRESSES))
            for j, a in enumerate(addrs):
                errs += _address_errors(a, at, f"{ap}[{j}]")
            if ep.get("nodeName") is not None:  # ValidateNodeName: a DNS subdomain ("" too)
                errs += [FieldError.invalid(f"endpoints[{i}].nodeName", ep["nodeName"], m)
                         for m in name_is_dns_subdomain(ep["nodeName"])]
            errs += _topology_errors(ep.get("deprecatedTopology") or {}, f"endpoints[{i}].deprecatedTopology")
            if ep.get("hostname") is not None:
                errs += validate_dns1123_label(ep["hostname"], f"endpoints[{i}].hostname")
            if ep.get("hints") is not None:
                errs += _hints_errors(ep["hints"], f"endpoints[{i}].hints")
    ports = es.get("ports") or []
    if len(ports) > _MAX_PORTS:
        return errs + [FieldError.too_many("ports", len(ports), _MAX_PORTS)]
    names: set = set()
    for i, p in enumerate(ports):
        pp = f"ports[{i}]"
        name = p.get("name") or ""
        if name:
            errs += validate_dns1123_label(name, f"{pp}.name")
        if name in names:
            errs.append(FieldError.duplicate(f"{pp}.name", name))
        names.add(name)
        proto = p.get("protocol")
        if proto is None:
            errs.append(FieldError.required(f"{pp}.protocol"))
        elif proto not in PROTOCOLS:
            errs.append(FieldError.not_supported(f"{pp}.protocol", proto, PROTOCOLS))
        if p.get("appProtocol") is not None:
            errs += validate_qualified_name(p["appProtocol"], f"{pp}.appProtocol")
    return errs


def validate_endpoint_slice_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidateEndpointSliceUpdate: addressType is immutable."""
    errs = validate_endpoint_slice(new)
    if new.get("addressType") != old.get("addressType"):
        errs.append(FieldError.invalid("addressType", new.get("addressType"), "field is immutable"))
    return errs
