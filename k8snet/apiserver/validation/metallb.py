"""MetalLB's custom resources (``metallb.io/v1beta1``, the CRDs of metallb v0.15): their schemas
and the checks of MetalLB's validating webhooks.

* ``IPAddressPool`` (config/crd/bases/metallb.io_ipaddresspools.yaml): ``spec.addresses``
  (required; each a CIDR or a ``start-end`` range), ``autoAssign`` (default true),
  ``avoidBuggyIPs`` (default false), ``serviceAllocation``.
* ``L2Advertisement``: ``ipAddressPools``, ``ipAddressPoolSelectors``, ``nodeSelectors``,
  ``interfaces``.

The webhooks (``internal/k8s/webhooks/webhookv1beta1``) refuse, before anything is stored, a
pool or advertisement outside MetalLB's namespace, a pool whose addresses do not parse
(``internal/config`` ``ParseCIDR`` words the reason) or overlap another pool's, and a label
selector that does not parse (``config.go``); kubectl shows the webhook's name.
"""
from __future__ import annotations

import ipaddress
from typing import Mapping

from ...errors import go_quote as _q
from .crd import Schema

__all__ = ["SCHEMAS", "NAMESPACE", "parse_range", "webhook_denial"]

#: MetalLB reads its configuration from its own namespace only.
NAMESPACE = "metallb-system"

_S = Schema("string")
_STRING_MAP = Schema("object", values=_S)
_SELECTOR = Schema("object", props={
    "matchLabels": _STRING_MAP,
    "matchExpressions": Schema("array", items=Schema("object", props={
        "key": _S, "operator": _S, "values": Schema("array", items=_S)}, required=("key", "operator")))})
_SELECTORS = Schema("array", items=_SELECTOR)

SCHEMAS: dict[str, Schema] = {
    "IPAddressPool": Schema("object", required=("spec",), props={"spec": Schema("object", required=("addresses",), props={
        "addresses": Schema("array", items=_S),
        "autoAssign": Schema("boolean", default=True),
        "avoidBuggyIPs": Schema("boolean", default=False),
        "serviceAllocation": Schema("object", props={
            "priority": Schema("integer"), "namespaces": Schema("array", items=_S),
            "namespaceSelectors": _SELECTORS, "serviceSelectors": _SELECTORS}),
    })}),
    "L2Advertisement": Schema("object", props={"spec": Schema("object", props={
        "ipAddressPools": Schema("array", items=_S),
        "ipAddressPoolSelectors": _SELECTORS,
        "nodeSelectors": _SELECTORS,
        "interfaces": Schema("array", items=_S),
    })}),
}

_WEBHOOK = {"IPAddressPool": "ipaddresspoolvalidationwebhook.metallb.io",
            "L2Advertisement": "l2advertisementvalidationwebhook.metallb.io"}


def parse_range(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """config.ParseCIDR: a CIDR, or ``start-end`` summarised into CIDRs; ValueError worded as MetalLB's."""
    if "-" not in text:
        try:
            return [ipaddress.ip_network(text, strict=False)]
        except ValueError:
            raise ValueError(f"invalid CIDR {_q(text)}") from None
    first, last = (part.strip() for part in text.split("-", 1))
    try:
        start = ipaddress.ip_address(first)
    except ValueError:
        raise ValueError(f"invalid IP range {_q(text)}: invalid start IP {_q(text.split('-', 1)[0])}") from None
    try:
        end = ipaddress.ip_address(last)
    except ValueError:
        raise ValueError(f"invalid IP range {_q(text)}: invalid end IP {_q(text.split('-', 1)[1])}") from None
    if start.version != end.version or start > end:
        raise ValueError(f"invalid IP range {_q(text)}: start IP {_q(str(start))} is after the end IP {_q(str(end))}")
    return list(ipaddress.summarize_address_range(start, end))



def _selector_error(selector) -> str | None:
    """``metav1.LabelSelectorAsSelector``'s error for ``selector`` (None: it parses)."""
    from ... import labels
    if not isinstance(selector, Mapping):
        return "invalid label selector"
    for expr in selector.get("matchExpressions") or []:
        op = expr.get("operator") if isinstance(expr, Mapping) else None
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return f"{_q(str(op))} is not a valid label selector operator"
        if op in ("In", "NotIn") and not expr.get("values"):
            return "for 'in', 'notin' operators, values set can't be empty"
        if op in ("Exists", "DoesNotExist") and expr.get("values"):
            return "values set must be empty for exists and does not exist"
    try:
        labels.from_label_selector(selector)
    except Exception as e:  # noqa: BLE001 - a selector the label parser refuses
        return str(e)
    return None


def _selectors_denial(obj: Mapping) -> str | None:
    """``config.go``: every label selector of the object must parse (``LabelSelectorAsSelector``);
    MetalLB joins the parser's error with what it was parsing (errors.Join: one per line)."""
    spec = obj.get("spec") or {}
    name = (obj.get("metadata") or {}).get("name", "")
    if obj.get("kind") == "IPAddressPool":
        alloc = spec.get("serviceAllocation") or {}
        checks = [("namespaceSelectors", f"invalid namespace label selector in ip pool {name}"),
                  ("serviceSelectors", f"invalid service label selector in ip pool {name}")]
        prefix, source = f"parsing address pool {name}: ", alloc
    else:
        checks = [("ipAddressPoolSelectors", "invalid label selector"),
                  ("nodeSelectors", f"failed to parse node selector for {name}")]
        prefix, source = "", spec
    for field, context in checks:
        for selector in source.get(field) or []:
            err = _selector_error(selector)
            if err:
                return f"{prefix}{err}\n{context}"
    return None


def _overlap_denial(obj: Mapping, pools) -> str | None:
    """``config.go`` (``For``): the CIDRs of all pools, walked in name order with the new one in
    its place, must not overlap: ``CIDR "x" in pool "b" overlaps with already defined CIDR "y"``."""
    name = (obj.get("metadata") or {}).get("name", "")
    every = {p["metadata"]["name"]: p for p in pools if (p.get("metadata") or {}).get("namespace") == NAMESPACE}
    every[name] = obj
    seen = []
    for pool_name in sorted(every):
        for text in ((every[pool_name].get("spec") or {}).get("addresses")) or []:
            try:
                nets = parse_range(text)
            except ValueError:
                continue
            for net in nets:
                other = next((m for m in seen if m.version == net.version and m.overlaps(net)), None)
                if other is not None:
                    return f"CIDR {_q(str(net))} in pool {_q(pool_name)} overlaps with already defined CIDR {_q(str(other))}"
                seen.append(net)
    return None


def webhook_denial(obj: Mapping, pools=()) -> str | None:
    """Why MetalLB's validating webhook denies ``obj`` (None: it allows it); ``pools`` are the
    IPAddressPools already stored (the webhook validates the whole configuration with ``obj`` in it)."""
    kind = obj.get("kind")
    if kind not in _WEBHOOK:
        return None
    meta = obj.get("metadata") or {}
    if meta.get("namespace") != NAMESPACE:
        reason = f"resource must be created in {NAMESPACE} namespace"
    else:
        reason = None
        if kind == "IPAddressPool":
            name = meta.get("name", "")
            addresses = ((obj.get("spec") or {}).get("addresses")) or []
            if not addresses:
                reason = f"parsing address pool {name}: pool has no prefixes defined"
            for a in addresses:
                try:
                    parse_range(a)
                except ValueError as e:
                    reason = f"parsing address pool {name}: invalid CIDR {_q(a)} in pool {_q(name)}: {e}"
                    break
        reason = reason or _selectors_denial(obj)
        if reason is None and kind == "IPAddressPool":
            reason = _overlap_denial(obj, pools)
    if reason is None:
        return None
    return f'admission webhook "{_WEBHOOK[kind]}" denied the request: {reason}'
