"""resource.Quantity arithmetic for ``kubectl describe node`` (k8s.io/apimachinery
``pkg/api/resource/quantity.go``: ``Add`` keeps the first operand's format, ``String`` writes
the canonical form)."""
from __future__ import annotations

from fractions import Fraction

__all__ = ["quantity_value", "quantity_exact", "quantity_sum"]

_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "m": 0.001}


def quantity_value(text) -> float:
    """A resource.Quantity as a number (``100m`` -> 0.1, ``128Mi`` -> 134217728)."""
    text = str(text)
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            return float(text[:-len(suffix)]) * _UNITS[suffix]
    return float(text)


def quantity_sum(values: list) -> str:
    """The total as resource.Quantity Add then String print it: the sum takes the first
    value's format, and canonical form writes a binary (``Mi``) sum as the largest power of
    1024 dividing it (``70Mi + 70Mi`` -> ``140Mi``), a decimal one in millis or the largest
    power of 1000 (``100m + 100m`` -> ``200m``, ``1 + 1`` -> ``2``)."""
    if not values:
        return "0"
    if len(values) == 1:
        return str(values[0])
    total = sum((quantity_exact(v) for v in values), Fraction(0))
    if str(values[0]).endswith(("Ki", "Mi", "Gi", "Ti")) and total.denominator == 1 and total >= 1024:
        n, units = int(total), ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        k = 0
        while n % 1024 == 0 and k < 6:
            n, k = n // 1024, k + 1
        return f"{n}{units[k]}"
    if total.denominator != 1:
        return f"{int(total * 1000)}m"
    n, units = int(total), ["", "k", "M", "G", "T", "P", "E"]
    k = 0
    while n and n % 1000 == 0 and k < 6:
        n, k = n // 1000, k + 1
    return f"{n}{units[k]}"


def quantity_exact(text):
    """A Quantity as an exact Fraction (``100m`` -> 1/10)."""
    text = str(text)
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            return Fraction(text[:-len(suffix)]) * (Fraction(1, 1000) if suffix == "m" else _UNITS[suffix])
    return Fraction(text)
