"""``Cluster.diagnose``: why a Service, or one request, does not work — and what to change.

It walks the checklist of the upstream guide "Debug Services"
(kubernetes.io/docs/tasks/debug/debug-application/debug-service/) in its order:

1. Does the Service exist, and does its name resolve?        (could not resolve host)
2. Does its selector match pods?  (``kubectl get endpointslices`` is empty)
3. Are those pods running and Ready?  (crash loops, failing readiness probes, dead nodes: ``pods.py``)
4. Does ``targetPort`` reach a port the app listens on, on the pod IP (not 127.0.0.1)?
5. Is kube-proxy running on the node the traffic enters?
6. Does a NetworkPolicy drop the connection?
7. Type-specific: a LoadBalancer still ``<pending>``, an ExternalName nobody can resolve,
   a ``Recreate`` rollout that leaves no endpoint.

Each problem is a :class:`Finding` in kubectl's terms, with the command that shows it and
the change that fixes it.  A healthy Service yields ``[]``.
"""
from __future__ import annotations

from ..errors import UsageError
from .findings import ERROR, WARNING, Finding, edit_distance
from .request import _request
from .service import _service, _unknown_service

__all__ = ["Finding", "diagnose", "edit_distance"]


def diagnose(cluster, ref, namespace: str = "default") -> list[Finding]:
    """Findings for ``ref``: ``"svc/web"`` (``service/``, ``services/`` too) in ``namespace``,
    or a ``Response`` from ``cluster.request`` (the request that failed)."""
    from ..response import Response
    if isinstance(ref, Response):
        found = _request(cluster, ref)
    else:
        kind, _, name = str(ref).partition("/")
        if kind.lower() not in ("svc", "service", "services") or not name:
            raise UsageError(f"diagnose({ref!r}): give a Service as 'svc/NAME', or a Response from request()")
        svc = cluster.store.peek("Service", namespace, name)
        found = [_unknown_service(cluster, name, namespace)] if svc is None else _service(cluster, svc)
    # Errors first (what breaks every request), then warnings; checklist order within each.
    return sorted(found, key=lambda f: f.severity != ERROR)

