"""Splitting a query name into the parts of the Kubernetes DNS schema (CoreDNS parse.go).

Under the zone (``cluster.local.``) a name reads right to left::

    [_port._proto. | endpoint.] service . namespace . (svc|pod) . <zone>

CoreDNS's ``parseRequest`` accepts four shapes (multicluster and zonal names are not
enabled by kubeadm's Corefile, so they are left out):

1. ``svc.<zone>``, ``pod.<zone>``, ``<zone>`` itself: nothing to look up (NODATA);
2. ``<ns>.svc.<zone>``: a namespace;
3. ``<service>.<ns>.svc.<zone>`` (or ``<pod-ip-with-dashes>.<ns>.pod.<zone>``);
4. one more label: an *endpoint* (``web-0.web.<ns>.svc.<zone>``); two more labels:
   ``_port._proto`` (underscores are stripped, so ``http.tcp`` works too).

Anything longer, or whose type label is not ``svc``/``pod``, is an invalid request,
which the plugin answers NXDOMAIN.  Wildcards (``*``, ``any``) were removed from CoreDNS
in 1.9.0; they are plain labels here, matching nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RecordRequest", "InvalidRequest", "parse_request", "trim_zone"]

SVC = "svc"
POD = "pod"


class InvalidRequest(ValueError):
    """errInvalidRequest: the name does not fit the schema (answered NXDOMAIN)."""


@dataclass(frozen=True, slots=True)
class RecordRequest:
    """recordRequest: the parts of a name; empty strings for parts not present."""

    port: str = ""
    protocol: str = ""
    endpoint: str = ""
    service: str = ""
    namespace: str = ""
    pod_or_svc: str = ""


def trim_zone(qname: str, zone: str) -> str:
    """dnsutil.TrimZone: the labels of ``qname`` left of ``zone``, without the dot."""
    base = qname[: len(qname) - len(zone)]
    return base[:-1] if base.endswith(".") else base


def _strip_underscore(label: str) -> str:
    return label[1:] if label.startswith("_") else label


def parse_request(qname: str, zone: str) -> RecordRequest:
    """parseRequest: split lower-cased absolute ``qname`` under ``zone``.

    Raises ``InvalidRequest`` where CoreDNS returns errInvalidRequest."""
    base = trim_zone(qname, zone)
    if base in ("", SVC, POD):  # apex, svc.<zone>, pod.<zone>: NODATA
        return RecordRequest()
    segs = base.split(".")
    kind = segs.pop()
    if kind not in (SVC, POD):
        raise InvalidRequest(qname)
    if not segs:
        return RecordRequest(pod_or_svc=kind)
    namespace = segs.pop()
    if not segs:
        return RecordRequest(namespace=namespace, pod_or_svc=kind)
    service = segs.pop()
    if not segs:
        return RecordRequest(service=service, namespace=namespace, pod_or_svc=kind)
    if len(segs) == 1:  # endpoint only
        return RecordRequest(endpoint=segs[0], service=service, namespace=namespace,
                             pod_or_svc=kind)
    if len(segs) == 2:  # _port._protocol
        return RecordRequest(port=_strip_underscore(segs[0]), protocol=_strip_underscore(segs[1]),
                             service=service, namespace=namespace, pod_or_svc=kind)
    raise InvalidRequest(qname)  # "query too long": NXDOMAIN
