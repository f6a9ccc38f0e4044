"""kubectl's generic describer, used for kinds without a describer of their own, such as
the Gateway API CRDs (kubectl ``pkg/describe/describe.go`` genericDescriber,
printUnstructuredContent, smartLabelFor).

Every field of the object is printed, keys sorted, nested maps indented two spaces a
level, with camelCase keys turned into labels (``gatewayClassName`` -> ``Gateway Class
Name``, ``uid`` -> ``UID``)::

    Spec:
      Gateway Class Name:  k8snet
      Listeners:
        Name:      http
        Port:      80
"""
from __future__ import annotations

from typing import Any, Mapping

from .describe_common import PrefixWriter, describe_events, print_annotations_multiline, print_labels_multiline
from .gojson import format_value

__all__ = ["describe_generic", "smart_label_for", "camelcase_split", "GENERIC_KINDS"]

#: Kinds described generically.
GENERIC_KINDS = ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant", "TLSRoute", "TCPRoute",
                 "UDPRoute", "ListenerSet", "BackendTLSPolicy")

_SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace",
         ".metadata.labels", ".metadata.annotations")
_ACRONYMS = ("API", "URL", "UID", "GUID")


def _char_class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if ch.isdigit():
        return 3
    return 4


def camelcase_split(text: str) -> list[str]:
    """github.com/fatih/camelcase Split: ``PDFLoader`` -> ``PDF``, ``Loader``."""
    runs: list[list[str]] = []
    last = 0
    for ch in text:
        cls = _char_class(ch)
        if cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label_for(field: str) -> str:
    """describe.go smartLabelFor: a field name as a human label."""
    if any(not ch.isalpha() and ch != "-" for ch in field):
        return field
    parts = camelcase_split(field)
    merged: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        # 2+ upper-case letters followed by a capitalised word merge: "IPFamily"
        if (i < len(parts) - 1 and len(part) >= 2 and all(not c.isalpha() or c.isupper() for c in part)
                and parts[i + 1][:1].isupper()):
            merged.append(part + parts[i + 1])
            i += 2
            continue
        merged.append(part)
        i += 1
    out = []
    for part in merged:
        if part == "_":
            continue
        if part.upper() in _ACRONYMS:
            part = part.upper()
        elif part.lower() == part:
            part = part[:1].upper() + part[1:]
        out.append(part)
    return " ".join(out)


def _value(v: Any) -> str:
    # Go's %v of an unstructured scalar.
    return "<nil>" if v is None else format_value(v)


def print_unstructured_content(w: PrefixWriter, level: int, content: Mapping, skip_prefix: str = "") -> None:
    """describe.go printUnstructuredContent: sorted keys; maps and lists open a block."""
    for key in sorted(content):
        value = content[key]
        path = f"{skip_prefix}.{key}"
        if path in _SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label_for(key)}:\n")
            print_unstructured_content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label_for(key)}:\n")
            for child in value:
                if isinstance(child, dict):
                    print_unstructured_content(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{_value(child)}\n")
        else:
            w.write(level, f"{smart_label_for(key)}:\t{_value(value)}\n")


def describe_generic(obj: Mapping, related: Mapping, now: float) -> str:
    """genericDescriber.Describe: Name, Namespace, Labels, Annotations, every other field, Events."""
    w, meta = PrefixWriter(), obj.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    print_unstructured_content(w, 0, obj)
    describe_events(w, related.get("events"), now)
    return w.getvalue()
