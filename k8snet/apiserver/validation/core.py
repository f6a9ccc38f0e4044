"""Core (``v1``) kinds other than Pod and Service: Namespace, Node, ConfigMap, Secret,
ServiceAccount and Endpoints, ported from ``pkg/apis/core/validation/validation.go`` (Kubernetes 1.33).
Pods live in :mod:`.pod`, Services in :mod:`.service`.
"""
from __future__ import annotations

import re
from typing import Mapping

from ...errors import ErrorType, FieldError
from .common import (PROTOCOLS, is_valid_cidr, is_valid_ip, is_valid_port_num, max_len_error,
                     name_is_dns_label, name_is_dns_subdomain, regex_error, validate_dns1123_label,
                     validate_non_special_ip, validate_object_meta, validate_qualified_name)

__all__ = ["validate_namespace", "validate_node", "validate_config_map", "validate_secret",
           "validate_secret_update", "validate_service_account", "validate_endpoints", "is_config_map_key"]

_STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}


def is_config_map_key(value: str) -> list[str]:
    """IsConfigMapKey (ConfigMap and Secret data keys)."""
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not re.fullmatch(r"[-._a-zA-Z0-9]+", value):
        errs.append(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def validate_namespace(ns: Mapping) -> list[FieldError]:
    """ValidateNamespace: the name is a DNS-1123 label; finalizers are standard or qualified."""
    errs = validate_object_meta(ns.get("metadata"), False, name_is_dns_label)
    for f in (ns.get("spec") or {}).get("finalizers") or []:
        errs += validate_qualified_name(f, "spec.finalizers")
        if "/" not in f and f not in _STANDARD_FINALIZERS:
            errs.append(FieldError.invalid("spec.finalizers", f,
                                           "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_node(node: Mapping) -> list[FieldError]:
    """ValidateNode: a DNS-1123 subdomain name and valid pod CIDRs."""
    errs = validate_object_meta(node.get("metadata"), False, name_is_dns_subdomain)
    spec = node.get("spec") or {}
    cidrs = spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else [])
    for i, c in enumerate(cidrs):
        errs += is_valid_cidr(f"spec.podCIDRs[{i}]", c)
    return errs


def _validate_data_keys(data: Mapping | None, name: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key in sorted(data or {}):
        errs += [FieldError.invalid(f"{name}[{key}]", key, m) for m in is_config_map_key(key)]
    return errs


def validate_config_map(cm: Mapping) -> list[FieldError]:
    """ValidateConfigMap: keys, no key both in data and binaryData, at most 1 MiB."""
    errs = validate_object_meta(cm.get("metadata"), True, name_is_dns_subdomain)
    data, binary = cm.get("data") or {}, cm.get("binaryData") or {}
    errs += _validate_data_keys(data, "data")
    for key in sorted(data):
        if key in binary:
            errs.append(FieldError.invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
    errs += _validate_data_keys(binary, "binaryData")
    size = sum(len(str(v)) for v in data.values()) + sum(len(str(v)) for v in binary.values())
    if size > 1024 * 1024:
        errs.append(FieldError(ErrorType.TOO_LONG, "", "", "may not be more than 1048576 bytes"))
    return errs


_SECRET_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/basic-auth": (),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
}


def validate_secret(secret: Mapping) -> list[FieldError]:
    """ValidateSecret: data keys, and the keys a typed Secret must carry (TLS: tls.crt, tls.key)."""
    errs = validate_object_meta(secret.get("metadata"), True, name_is_dns_subdomain)
    data = dict(secret.get("data") or {})
    data.update(secret.get("stringData") or {})  # stringData is merged into data on write
    errs += _validate_data_keys(data, "data")
    for key in _SECRET_REQUIRED_KEYS.get(secret.get("type") or "Opaque", ()):
        if key not in data:
            errs.append(FieldError.required(f"data[{key}]"))
    return errs


def validate_secret_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidateSecretUpdate: ``type`` and (when set) ``immutable`` data cannot change."""
    errs = validate_secret(new)
    if (new.get("type") or "Opaque") != (old.get("type") or "Opaque"):
        errs.append(FieldError.invalid("type", new.get("type"), "field is immutable"))
    if old.get("immutable") and new.get("data") != old.get("data"):
        errs.append(FieldError.forbidden("data", "field is immutable when `immutable` is set"))
    return errs


def validate_service_account(sa: Mapping) -> list[FieldError]:
    """ValidateServiceAccount: only its metadata (ValidateServiceAccountName is
    NameIsDNSSubdomain); ``secrets`` and ``imagePullSecrets`` are references, not checked."""
    return validate_object_meta(sa.get("metadata"), True, name_is_dns_subdomain)


def _validate_endpoint_address(addr: Mapping, path: str) -> list[FieldError]:
    ip = addr.get("ip") or ""
    errs = is_valid_ip(f"{path}.ip", ip)
    if addr.get("hostname"):
        errs += validate_dns1123_label(addr["hostname"], f"{path}.hostname")
    if addr.get("nodeName") is not None:
        errs += [FieldError.invalid(f"{path}.nodeName", addr["nodeName"], m)
                 for m in name_is_dns_subdomain(addr["nodeName"])]
    return errs + validate_non_special_ip(ip, f"{path}.ip")


def _validate_endpoint_port(port: Mapping, require_name: bool, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(FieldError.required(f"{path}.name"))
    elif name:
        errs += validate_dns1123_label(name, f"{path}.name")
    num = port.get("port") or 0
    errs += [FieldError.invalid(f"{path}.port", num, m) for m in is_valid_port_num(num)]
    proto = port.get("protocol") or ""
    if not proto:
        errs.append(FieldError.required(f"{path}.protocol"))
    elif proto not in PROTOCOLS:
        errs.append(FieldError.not_supported(f"{path}.protocol", proto, PROTOCOLS))
    if port.get("appProtocol") is not None:
        errs += validate_qualified_name(port["appProtocol"], f"{path}.appProtocol")
    return errs


def validate_endpoints(ep: Mapping) -> list[FieldError]:
    """ValidateEndpoints + validateEndpointSubsets (paths start at ``subsets``: no ``spec``)."""
    errs = validate_object_meta(ep.get("metadata"), True, name_is_dns_subdomain)
    for i, ss in enumerate(ep.get("subsets") or []):
        sp = f"subsets[{i}]"
        if not ss.get("addresses") and not ss.get("notReadyAddresses"):
            errs.append(FieldError.required(sp, "must specify `addresses` or `notReadyAddresses`"))
        for j, a in enumerate(ss.get("addresses") or []):
            errs += _validate_endpoint_address(a, f"{sp}.addresses[{j}]")
        for j, a in enumerate(ss.get("notReadyAddresses") or []):
            errs += _validate_endpoint_address(a, f"{sp}.notReadyAddresses[{j}]")
        ports = ss.get("ports") or []
        for j, p in enumerate(ports):
            errs += _validate_endpoint_port(p, len(ports) > 1, f"{sp}.ports[{j}]")
    return errs
