"""DELETE of one object or a collection (apiserver ``pkg/endpoints/handlers/delete.go``).

Deletion goes through ``Cluster.delete``, the one place that knows how each kind goes
(a pod terminates gracefully, a namespace takes its objects with it, dependents are
garbage-collected as the DeleteOptions' ``propagationPolicy`` says: apiserver/garbagecollector.py).  A pod still terminating is answered with the pod (its
``deletionTimestamp`` set); anything gone with a ``Success`` Status, as the registry does.
"""
from __future__ import annotations

from ...apiserver import garbagecollector
from ...errors import ValidationError
from .. import status as st
from ..registry import Served
from ..requestinfo import RequestInfo
from .get import matching
from .rest import dry_run, live, strip_list_item

__all__ = ["delete", "delete_collection"]

# Registries with ReturnDeletedObject (pkg/registry/core/service/storage, pod storage): the
# answer is the deleted object, not a Status.
_RETURN_DELETED = {"Service", "Pod"}


def _dry(body, query) -> bool:
    """Dry run asked in the query or, as kubectl sends it, in the DeleteOptions body
    (``{"kind":"DeleteOptions","dryRun":["All"]}``)."""
    options = body if isinstance(body, dict) else {}
    return dry_run(query) or "All" in (options.get("dryRun") or [])


def _options(body, query) -> tuple[str | None, int | None]:
    """The DeleteOptions' propagationPolicy and gracePeriodSeconds, from the body kubectl sends
    or the query (handlers/delete.go), checked as ValidateDeleteOptions checks them."""
    options = body if isinstance(body, dict) else {}
    policy = options.get("propagationPolicy", query.get("propagationPolicy"))
    grace = options.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
    try:
        garbagecollector.check_policy(policy)
    except ValidationError as e:
        raise st.StatusError(st.invalid(e, "meta.k8s.io")) from None
    try:
        grace = None if grace is None else int(grace)
    except (TypeError, ValueError):
        raise st.StatusError(st.bad_request(f"gracePeriodSeconds: {grace!r} is not an integer")) from None
    return policy, grace


def _delete_one(ctx, served: Served, ns: str, name: str, dry: bool, options=(None, None)):
    cluster = ctx.cluster
    cur = cluster.store.peek(served.kind, ns, name)
    if cur is None:
        raise st.StatusError(st.not_found(served.qualified, name))
    if dry:
        return cur
    policy, grace = options
    cluster.delete(f"{served.plural}/{name}", ns or "default", propagation_policy=policy,
                   grace_period=grace if served.kind == "Pod" else None)
    after = cluster.store.peek(served.kind, ns, name)
    if after is not None:
        return after
    if served.kind in _RETURN_DELETED:
        return cur
    return st.success(name, served.qualified, cur["metadata"].get("uid", ""))


def delete(ctx, info: RequestInfo, served: Served, body, query) -> tuple[int, dict]:
    """``kubectl delete TYPE NAME``."""
    if "delete" not in served.verbs:
        raise st.StatusError(st.method_not_supported(served.qualified, "delete"))
    if info.subresource:
        raise st.StatusError(st.method_not_supported(served.qualified, "delete"))
    live(ctx.cluster, served, info)
    options = _options(body, query)
    out = _delete_one(ctx, served, info.namespace if served.namespaced else "", info.name, _dry(body, query), options)
    return 200, (served.out(out) if out.get("kind") != "Status" else out)


def delete_collection(ctx, info: RequestInfo, served: Served, body, query) -> tuple[int, dict]:
    """``DELETE .../pods?labelSelector=app=web``: every matching object; the list of them."""
    if "deletecollection" not in served.verbs:
        raise st.StatusError(st.method_not_supported(served.qualified, "deletecollection"))
    dry, options = _dry(body, query), _options(body, query)
    gone = []
    for obj in matching(ctx.cluster, served, info, query):
        meta = obj["metadata"]
        _delete_one(ctx, served, meta.get("namespace", ""), meta["name"], dry, options)
        gone.append(strip_list_item(served.out(obj), served))
    return 200, {"kind": f"{served.kind}List", "apiVersion": served.group_version,
                 "metadata": {"resourceVersion": str(ctx.cluster.store.version)}, "items": gone}
