"""Building blocks of ``kubectl describe`` (kubectl ``pkg/describe/describe.go``).

Describers write through a :class:`PrefixWriter` (two spaces per level) into a tabwriter
(padding 2), so ``Name:\\tweb`` lines align in blocks.  Labels, annotations and events print
the way ``printLabelsMultiline``, ``printAnnotationsMultiline`` and ``DescribeEvents`` do.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Mapping, Sequence

from ..clock import EPOCH, age, parse_rfc3339
from .tabwriter import TabWriter, describe_writer

__all__ = ["PrefixWriter", "print_labels_multiline", "print_annotations_multiline",
           "describe_events", "rfc1123z", "go_time_string", "string_or_none",
           "describe_node_lease", "LAST_APPLIED_ANNOTATION"]

#: Annotations describe never prints (describe.go skipAnnotations).
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _dt(timestamp: str) -> datetime:
    return EPOCH + timedelta(seconds=parse_rfc3339(timestamp))


def rfc1123z(timestamp: str | None) -> str:
    """Go ``time.RFC1123Z`` of an RFC 3339 timestamp: ``Wed, 01 Jan 2025 00:00:00 +0000``
    (the zero time, for a missing timestamp, prints as Go's zero time does)."""
    if not timestamp:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    d = _dt(timestamp).astimezone(timezone.utc)
    return f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year} {d:%H:%M:%S} +0000"


def go_time_string(timestamp: str | None) -> str:
    """Go ``time.Time.String()`` (how ``%s`` prints a metav1.Time): ``2025-01-01 00:00:00 +0000 UTC``."""
    if not timestamp:
        return "0001-01-01 00:00:00 +0000 UTC"
    return f"{_dt(timestamp):%Y-%m-%d %H:%M:%S} +0000 UTC"


def string_or_none(text: str) -> str:
    """describe.go stringOrNone."""
    return text or "<none>"


class PrefixWriter:
    """describe.go prefixWriter: ``write(level, text)`` indents by two spaces per level."""

    def __init__(self, out: TabWriter | None = None):
        self.out = out or describe_writer()

    def write(self, level: int, text: str) -> None:
        """Write ``text`` (already formatted) after ``level`` indents."""
        self.out.write("  " * level + text)

    def write_line(self, *words: str) -> None:
        """Go ``fmt.Sprintln(words...)``: words joined by spaces, then a newline."""
        self.out.write(" ".join(words) + "\n")

    def flush(self) -> None:
        """End every column block (DescribeEvents flushes before its table)."""
        self.out.flush()

    def getvalue(self) -> str:
        """Everything written, aligned."""
        return self.out.getvalue()


def print_labels_multiline(w: PrefixWriter, title: str, labels: Mapping[str, str] | None,
                           initial_indent: str = "", inner_indent: str = "\t") -> None:
    """describe.go printLabelsMultilineWithIndent: ``Labels:  app=web`` then one per line."""
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    keys = sorted(labels or {})
    if not keys:
        w.write_line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        w.write(0, f"{key}={labels[key]}\n")


def print_annotations_multiline(w: PrefixWriter, title: str, annotations: Mapping[str, str] | None) -> None:
    """describe.go printAnnotationsMultiline: last-applied-configuration is hidden; values
    longer than 140 characters (or multi-line) go on their own lines, cut at 138."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED_ANNOTATION)
    if not keys:
        w.write_line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i:
            w.write(0, indent)
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > 140 or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(0, f"{indent}  {line[:138] + '...' if len(line) > 138 else line}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _event_sort_key(event: Mapping) -> float:
    ts = event.get("lastTimestamp")
    return parse_rfc3339(ts) if ts else float("-inf")


def describe_events(w: PrefixWriter, events: Sequence[Mapping] | None | bool, now: float) -> None:
    """describe.go DescribeEvents: ``Type  Reason  Age  From  Message`` sorted by
    lastTimestamp, ages like ``2m (x3 over 5m)``."""
    if events is False:  # not looked up: kubectl describes several objects without events
        return
    events = list(events or [])
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    # The API server lists events in name order; sort.Sort of a short list is an insertion
    # sort, so events of the same lastTimestamp keep that order.
    for e in sorted(sorted(events, key=lambda e: (e.get("metadata") or {}).get("name", "")), key=_event_sort_key):
        first = age(e.get("eventTime") or e.get("firstTimestamp"), now)
        series = e.get("series")
        if series:
            interval = f"{age(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
        elif (e.get("count") or 0) > 1:
            interval = f"{age(e.get('lastTimestamp'), now)} (x{e['count']} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingController") or ""
        message = (e.get("message") or "").strip()
        field_path = (e.get("involvedObject") or {}).get("fieldPath")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{message}\n")


def describe_node_lease(w: "PrefixWriter", node_name: str, lease: Mapping | None) -> None:
    """describe.go describeNode's Lease block: the node's Lease in ``kube-node-lease``
    (describeNodeLease: HolderIdentity, AcquireTime, RenewTime, ``<unset>`` when absent), or
    the Get's error when there is none (k8snet writes node Leases only while served)."""
    if lease is None:
        w.write(0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{node_name}" not found\n')
        return
    spec = lease.get("spec") or {}
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{spec.get('holderIdentity') or '<unset>'}\n")
    for key, title in (("acquireTime", "AcquireTime"), ("renewTime", "RenewTime")):
        # MicroTime: RFC1123Z has no fraction of a second to print
        when = rfc1123z(str(spec[key]).split(".")[0].rstrip("Z") + "Z") if spec.get(key) else "<unset>"
        w.write(1, f"{title}:\t{when}\n")
