"""``kubectl get --sort-by`` (kubectl ``pkg/cmd/get/sorter.go``).

The field is a JSONPath, relaxed as custom columns relax it (``.a``, ``a``, ``{a}`` all mean
``{.a}``), evaluated on each object with missing keys allowed.  Its first value orders the
objects as ``isLess`` orders them: numbers as numbers, strings as strings unless both parse as
resource quantities (``500m`` < ``1``, ``1Ki`` < ``1M``), timestamps as the RFC 3339 strings
they are in the objects; an object without the field goes first.  A map, a list, a bool, or two
values of different types cannot be ordered: kubectl exits with klog's fatal line.

Where the error goes depends on the printer, and kubectl v1.37 shows it as it does:

* ``-o name|json|yaml|jsonpath|custom-columns`` sort the objects (``SortObjects``): a path no
  object has is ``error: couldn't find any field with path "{.foo}" in the list of objects``.
* Tables (the default, ``-o wide``) are sorted row by row on the server's Table
  (``SortingPrinter``, ``NewTableSorter``): a path no row has, or one that does not parse,
  makes the printer fail silently, so kubectl says ``No resources found in default
  namespace.`` (kubernetes/kubectl#1343, open); with more than one Table (``get pods,svc``,
  ``get all``, two names) ``RuntimeSorter`` finds no field in the Tables themselves and fails
  with the error above whatever the path.

Go's ``sort.Sort`` sorts up to 12 elements by insertion sort, so ties keep their order and
objects without the field come out in reverse order; this module sorts every list that way
(for longer lists Go's pattern-defeating quicksort may order ties differently).
"""
from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from .. import clock
from ..errors import K8sNetError, UsageError
from .jsonpath import JSONPath, _go_type
from .output import relaxed_jsonpath_expression

__all__ = ["SortError", "NotFound", "Unsortable", "sort_objects", "parse_quantity"]


class SortError(K8sNetError):
    """--sort-by could not sort: the text kubectl prints."""


class NotFound(SortError):
    """No object has the field (or the path does not parse): ``couldn't find any field ...``."""


class Unsortable(SortError):
    """isLess met a value it cannot order; ``str()`` is the reason, :meth:`fatal` klog's line."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field

    def fatal(self, where: str, now: float) -> str:
        """klog.Exitf's line: ``F0101 00:00:30.000000       1 sorter.go:375] Field {...} in ...``
        at simulated time ``now`` (``where`` is sorter.go's line and the type kubectl names; the
        process id is 1: the simulator runs no kubectl process)."""
        line, holder = where.split(" ", 1)
        stamp = (clock.EPOCH + timedelta(seconds=now)).strftime("%m%d %H:%M:%S.%f")
        return (f"F{stamp} {1:>7} sorter.go:{line}] Field {self.field} in {holder} is an "
                f"unsortable type: interface, err: {self}\n")


# resource.Quantity: sign, digits with an optional fraction, then a binary or decimal SI
# suffix or an exponent (apimachinery pkg/api/resource/quantity.go parseQuantityString).
_QUANTITY = re.compile(r"^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def parse_quantity(text: str) -> Fraction | None:
    """The value of a resource quantity (``"500m"`` -> 1/2), or None when ``text`` is not one."""
    m = _QUANTITY.match(text)
    if not m:
        return None
    sign, number, suffix = m.groups()
    value = Fraction(number) * (-1 if sign == "-" else 1)
    if not suffix:
        return value
    if suffix in _BINARY:
        return value * 2 ** _BINARY[suffix]
    exponent = _DECIMAL.get(suffix)
    if exponent is None:
        exponent = int(suffix[1:])
    return value * Fraction(10) ** exponent


def _is_less(i: Any, j: Any, field: str) -> bool:
    """sorter.go isLess for the values of unstructured objects (interface{} values)."""
    if i is None and j is None:
        return False
    if i is None:
        return True
    if j is None:
        return False
    if isinstance(i, (bool, dict, list)):
        raise Unsortable(field, f"unsortable type: {_go_type(i)}")
    if isinstance(i, str):
        if not isinstance(j, str):
            raise Unsortable(field, "unsortable interface: interface")
        qi, qj = parse_quantity(i), parse_quantity(j)
        if qi is not None and qj is not None:
            return qi < qj
        return i.encode() < j.encode()  # Go compares strings byte by byte
    if isinstance(i, (int, float)) and type(i) is type(j):
        return i < j
    raise Unsortable(field, "unsortable interface: interface")


def _insertion_sort(items: list, less: Callable[[Any, Any], bool]) -> list:
    # sort.Sort on a short slice (Go's insertionSort): swap backwards while Less(j, j-1).
    out = list(items)
    for i in range(1, len(out)):
        j = i
        while j > 0 and less(out[j], out[j - 1]):
            out[j], out[j - 1] = out[j - 1], out[j]
            j -= 1
    return out


def sort_objects(objects: Sequence[Mapping], sort_by: str, *, table: bool = False) -> list[Mapping]:
    """``objects`` ordered by ``sort_by`` as kubectl orders them (raises NotFound, Unsortable,
    or UsageError for a path that is not a JSONPath).  ``table``: the rows of one Table
    (SortingPrinter keeps a path RelaxedJSONPathExpression refuses as it is; SortObjects fails)."""
    try:
        field = relaxed_jsonpath_expression(sort_by)
    except UsageError:
        if not table:
            raise
        field = sort_by
    parser = JSONPath(field, allow_missing_keys=True)
    firsts = []
    for obj in objects:
        results = parser.find_results(obj)
        firsts.append((obj, results[0][0] if results and results[0] else _MISSING))
    if objects and not any(v is not _MISSING for _, v in firsts):
        raise NotFound(f'couldn\'t find any field with path "{field}" in the list of objects')

    def less(a, b) -> bool:  # RuntimeSort.Less: an object without the field sorts first
        if a[1] is _MISSING:
            return True
        if b[1] is _MISSING:
            return False
        return _is_less(a[1], b[1], field)
    return [obj for obj, _ in _insertion_sort(firsts, less)]


_MISSING = object()
