"""Name, label, port and address checks shared by every kind, worded as apimachinery words them.

Each ``is_*`` function ports one function of
``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`` (Kubernetes 1.33) and,
like it, returns a list of message strings (empty when the value is valid).  The
``validate_*`` functions port ``pkg/api/validation/objectmeta.go`` and
``pkg/apis/meta/v1/validation/validation.go`` and return ``FieldError`` lists.

Go prints some bad values with ``%#v`` (a struct such as ``v1.LabelSelector{...}``); those go
through :func:`.govalue.go_error` (re-exported here), whose ``bad_value`` is printed as written.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Callable, Mapping

from ...errors import ErrorType, FieldError
from .govalue import GoValue, go_error, go_int_or_string, go_label_selector, go_string_map, go_struct

__all__ = [
    "GoValue", "go_error", "regex_error", "max_len_error", "inclusive_range_error",
    "is_dns1123_label", "is_dns1123_subdomain", "is_dns1123_subdomain_with_underscore",
    "is_dns1035_label", "is_wildcard_dns1123_subdomain",
    "is_qualified_name", "is_valid_label_value", "is_valid_port_num", "is_valid_port_name",
    "is_valid_percent", "parse_ip", "parse_cidr", "is_valid_ip", "is_valid_cidr",
    "validate_non_special_ip", "name_is_dns_subdomain", "name_is_dns_label", "name_is_dns1035_label",
    "validate_dns1123_label", "validate_dns1123_subdomain", "validate_qualified_name",
    "validate_labels", "validate_label_selector", "validate_object_meta",
    "validate_nonnegative", "validate_immutable", "go_label_selector", "go_int_or_string",
    "go_string_map", "go_struct", "PROTOCOLS",
]

#: supportedPortProtocols in core/validation.go, sorted as sets.List prints them.
PROTOCOLS = ["SCTP", "TCP", "UDP"]


# -- message builders (validation.go) --------------------------------------------------
def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: note the doubled space Go leaves between examples (``', ' + ' or '``)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    body = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {body}regex used for validation is '{fmt}')"


def max_len_error(n: int) -> str:
    """MaxLenError."""
    return f"must be no more than {n} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    """InclusiveRangeError."""
    return f"must be between {lo} and {hi}, inclusive"


_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_RE = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUB_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUB_RE = re.compile(f"^{_DNS1123_SUB_FMT}$")
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_RE = re.compile(f"^{_DNS1035_FMT}$")
_WILDCARD_FMT = r"\*\." + _DNS1123_SUB_FMT
_WILDCARD_RE = re.compile(f"^{_WILDCARD_FMT}$")
_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_RE = re.compile(f"^{_QNAME_FMT}$")
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_RE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_QNAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
              "with an alphanumeric character")


def _full(regex: re.Pattern, value: str) -> bool:
    # Go's regexp with ^...$ has no "$ matches before a final newline" quirk; fullmatch is exact.
    return regex.fullmatch(value) is not None


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label."""
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(_DNS1123_LABEL_RE, value):
        if _full(_DNS1123_SUB_RE, value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                                    "characters or '-', and must start and end with an alphanumeric "
                                    "character", _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain."""
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _full(_DNS1123_SUB_RE, value):
        errs.append(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                "characters, '-' or '.', and must start and end with an alphanumeric "
                                "character", _DNS1123_SUB_FMT, "example.com"))
    return errs


_DNS1123_LABEL_US_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_SUB_US_FMT = _DNS1123_LABEL_US_FMT + r"(\." + _DNS1123_LABEL_US_FMT + ")*"
_DNS1123_SUB_US_RE = re.compile(f"^{_DNS1123_SUB_US_FMT}$")


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    """IsDNS1123SubdomainWithUnderscore (pod dnsConfig.searches, RelaxedDNSSearchValidation)."""
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _full(_DNS1123_SUB_US_RE, value):
        errs.append(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                "characters, '_', '-' or '.', and must start and end with an alphanumeric "
                                "character", _DNS1123_SUB_US_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label (Service names)."""
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(_DNS1035_RE, value):
        errs.append(regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or "
                                "'-', start with an alphabetic character, and end with an alphanumeric "
                                "character", _DNS1035_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain (``*.example.com``)."""
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _full(_WILDCARD_RE, value):
        errs.append(regex_error("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid "
                                "DNS subdomain, which must consist of lower case alphanumeric characters, "
                                "'-' or '.' and end with an alphanumeric character", _WILDCARD_FMT,
                                "*.example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """IsQualifiedName: a label key, ``[prefix/]name``."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + m for m in is_dns1123_subdomain(prefix)]
    else:
        # apimachinery validate/content IsLabelKey (IsQualifiedName is an alias of it since
        # v1.34): "a valid label key ..." where v1.33 said "a qualified name ...".
        return [f"a valid label key {regex_error(_QNAME_MSG, _QNAME_FMT, 'MyName', 'my.name', '123-abc')}"
                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _full(_QNAME_RE, name):
        errs.append("name part " + regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """IsValidLabelValue."""
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(_LABEL_VALUE_RE, value):
        errs.append(regex_error("a valid label must be an empty string or consist of alphanumeric "
                                "characters, '-', '_' or '.', and must start and end with an "
                                "alphanumeric character", _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_valid_port_num(port: int) -> list[str]:
    """IsValidPortNum: 1-65535."""
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    """IsValidPortName: an IANA_SVC_NAME (container port names, named targetPorts)."""
    errs = [max_len_error(15)] if len(port) > 15 else []
    if not re.fullmatch(r"[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(percent: str) -> list[str]:
    """IsValidPercent."""
    if re.fullmatch(r"[0-9]+%", percent):
        return []
    return [regex_error("a valid percent string must be a numeric string followed by an ending '%'",
                        "[0-9]+%", "1%", "93%")]


# -- IP addresses -----------------------------------------------------------------------
def parse_ip(value: str):
    """netutils.ParseIPSloppy: like net.ParseIP but IPv4 octets may have leading zeros."""
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        pass
    parts = value.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts):
        return ipaddress.ip_address(".".join(str(int(p)) for p in parts))
    return None


def parse_cidr(value: str):
    """netutils.ParseCIDRSloppy: the network, host bits allowed (``10.0.0.1/8``); None if invalid."""
    if not isinstance(value, str) or "/" not in value:
        return None
    addr, _, bits = value.partition("/")
    ip = parse_ip(addr)
    if ip is None or not bits.isdigit():
        return None
    try:
        return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)
    except ValueError:
        return None


def is_valid_ip(field: str, value: str) -> list[FieldError]:
    """IsValidIP (util/validation/ip.go)."""
    if parse_ip(value) is None:
        return [FieldError.invalid(field, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []


def is_valid_cidr(field: str, value: str) -> list[FieldError]:
    """IsValidCIDR (util/validation/ip.go)."""
    if parse_cidr(value) is None:
        return [FieldError.invalid(field, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]
    return []


def validate_non_special_ip(value: str, field: str) -> list[FieldError]:
    """ValidateNonSpecialIP (core/validation.go): Endpoints, EndpointSlices, externalIPs."""
    ip = parse_ip(value)
    if ip is None:
        return [FieldError.invalid(field, value, "must be a valid IP address")]
    errs = []
    if ip.is_unspecified:
        errs.append(FieldError.invalid(field, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(FieldError.invalid(field, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        errs.append(FieldError.invalid(field, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    link_local_mc = (ip.version == 4 and ip in ipaddress.ip_network("224.0.0.0/24")) or \
                    (ip.version == 6 and ip in ipaddress.ip_network("ff02::/16"))
    if link_local_mc:
        errs.append(FieldError.invalid(field, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


# -- names (apimachinery/pkg/api/validation/generic.go) ----------------------------------
NameFn = Callable[[str, bool], list[str]]


def _mask_trailing_dash(name: str, prefix: bool) -> str:
    # generateName prefixes may end in '-'; upstream replaces it with 'a' before checking.
    return name[:-1] + "a" if prefix and len(name) > 1 and name.endswith("-") else name


def name_is_dns_subdomain(name: str, prefix: bool = False) -> list[str]:
    """NameIsDNSSubdomain: most kinds (Pod, Deployment, Ingress, ...)."""
    return is_dns1123_subdomain(_mask_trailing_dash(name, prefix))


def name_is_dns_label(name: str, prefix: bool = False) -> list[str]:
    """NameIsDNSLabel: Namespace, StatefulSet."""
    return is_dns1123_label(_mask_trailing_dash(name, prefix))


def name_is_dns1035_label(name: str, prefix: bool = False) -> list[str]:
    """NameIsDNS1035Label: Service (ValidateServiceName)."""
    return is_dns1035_label(_mask_trailing_dash(name, prefix))


def validate_dns1123_label(value: str, field: str) -> list[FieldError]:
    """ValidateDNS1123Label (core/validation.go)."""
    return [FieldError.invalid(field, value, m) for m in is_dns1123_label(value)]


def validate_dns1123_subdomain(value: str, field: str) -> list[FieldError]:
    """ValidateDNS1123Subdomain (core/validation.go)."""
    return [FieldError.invalid(field, value, m) for m in is_dns1123_subdomain(value)]


def validate_qualified_name(value: str, field: str) -> list[FieldError]:
    """ValidateQualifiedName (metav1 validation): ``appProtocol``, annotation keys."""
    return [FieldError.invalid(field, value, m) for m in is_qualified_name(value)]


def validate_labels(labels: Mapping | None, field: str) -> list[FieldError]:
    """ValidateLabels: keys and values; errors carry the map's path, not the key's (as upstream)."""
    errs: list[FieldError] = []
    for k, v in sorted((labels or {}).items()):  # Go ranges a map at random; we sort.
        errs += validate_qualified_name(k, field)
        errs += [FieldError.invalid(field, v, m) for m in is_valid_label_value(str(v))]
    return errs


def validate_label_selector(sel: Mapping | None, field: str) -> list[FieldError]:
    """ValidateLabelSelector (metav1 validation)."""
    if sel is None:
        return []
    errs: list[FieldError] = []
    for i, e in enumerate(sel.get("matchExpressions") or []):
        p = f"{field}.matchExpressions[{i}]"
        op, values = e.get("operator", ""), e.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.append(FieldError.required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(FieldError.forbidden(f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(FieldError.invalid(f"{p}.operator", op, "not a valid selector operator"))
        errs += validate_qualified_name(e.get("key", ""), f"{p}.key")
        for j, v in enumerate(values):
            errs += [FieldError.invalid(f"{p}.values[{j}]", v, m) for m in is_valid_label_value(str(v))]
    errs += validate_labels(sel.get("matchLabels"), f"{field}.matchLabels")
    return errs


def validate_annotations(annotations: Mapping | None, field: str) -> list[FieldError]:
    """ValidateAnnotations: keys are qualified names (checked lower-cased), 256 KiB in total."""
    errs: list[FieldError] = []
    total = 0
    for k, v in sorted((annotations or {}).items()):
        errs += [FieldError.invalid(field, k, m) for m in is_qualified_name(k.lower())]
        total += len(k) + len(str(v))
    if total > 256 * 1024:
        errs.append(FieldError(ErrorType.TOO_LONG, field, "", "may not be more than 262144 bytes"))
    return errs


def validate_object_meta(meta: Mapping | None, requires_namespace: bool, name_fn: NameFn) -> list[FieldError]:
    """ValidateObjectMetaAccessor (apimachinery/pkg/api/validation/objectmeta.go).

    The namespace is the one the request carries (kubectl fills in ``default``), so a
    namespaced object must arrive here with ``metadata.namespace`` set."""
    meta = meta or {}
    errs: list[FieldError] = []
    gen = meta.get("generateName") or ""
    if gen:
        errs += [FieldError.invalid("metadata.generateName", gen, m) for m in name_fn(gen, True)]
    name = meta.get("name") or ""
    if not name:
        errs.append(FieldError.required("metadata.name", "name or generateName is required"))
    else:
        errs += [FieldError.invalid("metadata.name", name, m) for m in name_fn(name, False)]
    ns = meta.get("namespace") or ""
    if requires_namespace:
        if not ns:
            errs.append(FieldError.required("metadata.namespace"))
        else:
            errs += [FieldError.invalid("metadata.namespace", ns, m) for m in name_is_dns_label(ns)]
    elif ns:
        errs.append(FieldError.forbidden("metadata.namespace", "not allowed on this type"))
    errs += validate_labels(meta.get("labels"), "metadata.labels")
    errs += validate_annotations(meta.get("annotations"), "metadata.annotations")
    return errs


def validate_nonnegative(value: int, field: str) -> list[FieldError]:
    """ValidateNonnegativeField."""
    return [FieldError.invalid(field, value, "must be greater than or equal to 0")] if value < 0 else []


def validate_immutable(new: Any, old: Any, field: str, go_text: str | None = None) -> list[FieldError]:
    """ValidateImmutableField: ``field is immutable`` with the new value."""
    if new == old:
        return []
    if go_text is not None:
        return [go_error(ErrorType.INVALID, field, go_text, "field is immutable")]
    return [FieldError.invalid(field, new, "field is immutable")]
