"""``discovery.k8s.io/v1`` EndpointSlice validation, ported from
``pkg/apis/discovery/validation/validation.go`` (Kubernetes 1.33).

An EndpointSlice has no ``spec``: paths start at ``addressType``, ``endpoints``, ``ports``.
"""
from __future__ import annotations

from typing import Mapping

from ...errors import FieldError
from .common import (PROTOCOLS, is_dns1123_label, is_dns1123_subdomain, name_is_dns_subdomain,
                     parse_ip, validate_dns1123_label, validate_labels, validate_non_special_ip,
                     validate_object_meta, validate_qualified_name)

__all__ = ["validate_endpoint_slice", "validate_endpoint_slice_update", "ADDRESS_TYPES"]

#: supportedAddressTypes, sorted as sets.List prints them.
ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]
_MAX_ENDPOINTS, _MAX_ADDRESSES, _MAX_PORTS = 1000, 100, 100


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
            if ep.get("nodeName"):
                errs += [FieldError.invalid(f"endpoints[{i}].nodeName", ep["nodeName"], m)
                         for m in name_is_dns_subdomain(ep["nodeName"])]
            if ep.get("deprecatedTopology"):
                errs += validate_labels(ep["deprecatedTopology"], f"endpoints[{i}].deprecatedTopology")
            if ep.get("hostname") is not None:
                errs += validate_dns1123_label(ep["hostname"], f"endpoints[{i}].hostname")
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
