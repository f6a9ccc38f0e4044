"""``kubectl cordon``, ``uncordon`` and ``taint``: keeping pods off a node.

* ``cordon`` sets the Node's ``spec.unschedulable`` (kubectl/pkg/drain/cordon.go); the node
  lifecycle controller then adds the taint ``node.kubernetes.io/unschedulable:NoSchedule``
  (TaintNodesByCondition, controllers/nodes.py). Running pods stay where they are.
* ``taint NODE key[=value]:effect`` adds a taint, ``key[:effect]-`` removes it
  (kubectl/pkg/cmd/taint); effects are NoSchedule, PreferNoSchedule and NoExecute, and only
  NoExecute taints get a ``timeAdded`` (core/v1 Taint).

kube-scheduler reads both (controllers/nodes.py ``_node_filter``): a cordoned node gives
"node(s) were unschedulable", an untolerated taint "node(s) had untolerated taint {k: v}".
"""
from __future__ import annotations

from .. import clock
from ..errors import K8sNetError, NotFoundError, UsageError

__all__ = ["cordon", "taint", "drain"]

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _node_names(cluster, args: list[str], verb: str) -> list[str]:
    names = [a.split("/", 1)[1] if a.startswith(("node/", "nodes/", "no/")) else a for a in args
             if a not in ("node", "nodes", "no")]
    if not names:
        raise UsageError(f"error: USAGE: {verb} NODE [flags]" if verb != "taint" else
                         "error: at least one taint update is required")
    for n in names:
        if cluster.store.peek("Node", "", n) is None:
            raise NotFoundError(f'Error from server (NotFound): nodes "{n}" not found')
    return names


def cordon(cluster, args: list[str], flags: dict, after: list[str], *, on: bool = True) -> str:
    """``kubectl cordon NODE`` (``on=False``: ``uncordon``)."""
    out = []
    for name in _node_names(cluster, args, "cordon" if on else "uncordon"):
        node = cluster.get("node", name)
        verb = "cordoned" if on else "uncordoned"
        if bool(node["spec"].get("unschedulable")) == on:
            out.append(f"node/{name} already {verb}\n")
            continue
        if on:
            node["spec"]["unschedulable"] = True
        else:
            node["spec"].pop("unschedulable", None)
        cluster.api.update(node)
        cluster.controllers.run()
        out.append(f"node/{name} {verb}\n")
    return "".join(out)


def _parse(spec: str) -> tuple[str, str | None, str | None, bool]:
    """``key=value:Effect`` -> (key, value, effect, remove); ``key:Effect-`` / ``key-`` remove."""
    remove = spec.endswith("-")
    body = spec[:-1] if remove else spec
    key_value, _, effect = body.partition(":")
    key, eq, value = key_value.partition("=")
    if remove and eq:
        raise UsageError(f'error: invalid taint spec: {spec}, unknown taint spec: {spec}')
    if not remove and not effect:
        raise UsageError(f"error: invalid taint spec: {spec}, at least one taint update is required")
    if effect and effect not in EFFECTS:
        raise UsageError(f"error: invalid taint spec: {spec}, invalid taint effect: {effect}, "
                         f"unsupported taint effect")
    if not key:
        raise UsageError(f"error: invalid taint spec: {spec}, taint key must not be empty")
    return key, (value if eq else None), (effect or None), remove


def taint(cluster, args: list[str], flags: dict, after: list[str]) -> str:
    """``kubectl taint nodes NODE key=value:NoSchedule [...]`` and ``key:NoSchedule-``.

    As taintutils.ReorganizeTaints: the added taints come first, then the old ones they do
    not replace (same key and effect); then removals. The verb printed is "tainted",
    "untainted", or "modified" when both happened or ``--overwrite`` was given."""
    if args[:1] and args[0] in ("node", "nodes", "no"):
        args = args[1:]
    specs = [a for a in args[1:] if ":" in a or a.endswith("-") or "=" in a]
    if not args or not specs:
        raise UsageError("error: at least one taint update is required")
    names = _node_names(cluster, [args[0]] + [a for a in args[1:] if a not in specs], "taint")
    parsed = [_parse(s) for s in specs]
    to_add = [(k, v, e) for k, v, e, remove in parsed if not remove]
    to_remove = [(k, e, spec[:-1]) for (k, _, e, remove), spec in zip(parsed, specs) if remove]
    out = []
    for name in names:
        node = cluster.get("node", name)
        old = list(node["spec"].get("taints") or [])
        if not flags.get("--overwrite"):
            exists = [k for k, _, e in to_add for t in old if t.get("key") == k and t.get("effect") == e]
            if exists:
                raise K8sNetError(f"error: Node {name} already has {','.join(exists)} taint(s) with same "
                                  f"effect(s) and --overwrite is false")
        new = [{"key": k, **({"value": v} if v else {}), "effect": e,
                **({"timeAdded": clock.rfc3339(cluster.now)} if e == "NoExecute" else {})} for k, v, e in to_add]
        new += [t for t in old if not any(t.get("key") == n["key"] and t.get("effect") == n["effect"] for n in new)]
        added = len(new) != len(old)
        for key, effect, shown in to_remove:
            keep = [t for t in new if not (t.get("key") == key and (effect is None or t.get("effect") == effect))]
            if len(keep) == len(new):
                raise K8sNetError(f'error: taint "{shown}" not found')
            new = keep
        verb = "modified" if (added and to_remove) or flags.get("--overwrite") else "tainted" if added else "untainted"
        _set_taints(node, new)
        cluster.api.update(node)
        cluster.controllers.run()
        out.append(f"node/{name} {verb}\n")
    return "".join(out)


def _set_taints(node: dict, taints: list[dict]) -> None:
    if taints:
        node["spec"]["taints"] = taints
    else:
        node["spec"].pop("taints", None)


# -- drain ----------------------------------------------------------------------------
# kubectl/pkg/drain/filters.go: which pods block a drain, and the flag that lets it go on.
_DAEMONSET = ("DaemonSet-managed Pods (use --ignore-daemonsets to ignore)", "ignoring DaemonSet-managed Pods")
_LOCAL = ("Pods with local storage (use --delete-emptydir-data to override)", "deleting Pods with local storage")
_UNMANAGED = ("Pods that declare no controller (use --force to override)", "deleting Pods that declare no controller")
EVICT_RETRY = 5  # drain.Helper EvictErrorRetryDelay


def _pods_for_deletion(cluster, node: str, flags: dict) -> tuple[list[dict], list[str], list[str]]:
    """GetPodsForDeletion: (pods to evict, warnings, errors), filters in upstream's order
    (mirror pods skipped, DaemonSet pods, unreplicated pods, local storage)."""
    keep, warn, err = [], {}, {}
    selector = flags.get("--pod-selector")  # drain.Helper PodSelector: only the pods it matches
    pods = sorted((p for p in cluster.store.items("Pod") if p["spec"].get("nodeName") == node
                   and (selector is None or selector.matches(p["metadata"].get("labels") or {}))),
                  key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    for pod in pods:
        meta = pod["metadata"]
        ref = f"{meta['namespace']}/{meta['name']}"
        if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
            continue
        owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
        if owner is not None and owner.get("kind") == "DaemonSet":
            (warn if flags.get("--ignore-daemonsets") else err).setdefault(
                _DAEMONSET[1] if flags.get("--ignore-daemonsets") else _DAEMONSET[0], []).append(ref)
            continue
        blocked = False
        if owner is None:
            if flags.get("--force"):
                warn.setdefault(_UNMANAGED[1], []).append(ref)
            else:
                err.setdefault(_UNMANAGED[0], []).append(ref)
                blocked = True
        if any("emptyDir" in (v or {}) for v in pod["spec"].get("volumes") or []) and not blocked:
            if flags.get("--delete-emptydir-data"):
                warn.setdefault(_LOCAL[1], []).append(ref)
            else:
                err.setdefault(_LOCAL[0], []).append(ref)
                blocked = True
        if not blocked:
            keep.append(pod)
    # Upstream joins them from a map (random order); sorted here so output is reproducible.
    warnings = [f"{msg}: {', '.join(refs)}" for msg, refs in sorted(warn.items())]
    errors = [f"cannot delete {msg}: {', '.join(refs)}" for msg, refs in sorted(err.items())]
    return keep, warnings, errors


def _duration(seconds: float) -> str:
    """Go's time.Duration String for whole seconds: 30s, 1m30s, 1h0m0s."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60}s"
    return f"{s // 3600}h{s % 3600 // 60}m{s % 60}s"


def _timeout(flags: dict) -> float:
    raw = str(flags.get("--timeout", "0s"))
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        value = float(raw[:-1]) * units[raw[-1]] if raw[-1:] in units else float(raw)
    except (ValueError, KeyError):
        raise UsageError(f'error: invalid argument "{raw}" for "--timeout" flag: time: invalid duration "{raw}"') from None
    if value < 0:
        raise UsageError(f'error: invalid argument "{raw}" for "--timeout" flag: the timeout must not be negative')
    return value


def drain(cluster, args: list[str], flags: dict, after: list[str]) -> str:
    """``kubectl drain NODE``: cordon, then evict (the eviction API, honouring
    PodDisruptionBudgets; ``--disable-eviction`` deletes) every pod but DaemonSet and mirror
    pods, retrying a refused eviction every 5 s and waiting until each pod is gone.  The
    simulated clock runs meanwhile.  Without ``--timeout`` kubectl waits forever; k8snet gives
    up after an hour of simulated time."""
    from ..controllers.disruption import TooManyRequests
    from .. import labels
    limit = _timeout(flags)
    raw = flags.get("--grace-period", -1)
    try:  # every flag is checked before the node is cordoned: a refused drain changes nothing
        grace = int(raw)
    except (TypeError, ValueError):
        raise UsageError(f'error: invalid argument "{raw}" for "--grace-period" flag: strconv.ParseInt: '
                         f'parsing "{raw}": invalid syntax') from None
    if "--pod-selector" in flags:
        flags = dict(flags, **{"--pod-selector": labels.parse(str(flags["--pod-selector"]))})
    _node_names(cluster, args, "drain")
    out = [cordon(cluster, args, {}, [])]
    failed = False
    for node in _node_names(cluster, args, "drain"):
        pods, warnings, errors = _pods_for_deletion(cluster, node, flags)
        if errors:
            text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
            out.append(f'error: unable to drain node "{node}" due to error: {text}, continuing command...\n'
                       f"There are pending nodes to be drained:\n {node}\n{text}\n")
            failed = True
            continue
        if warnings:
            out.append(f"Warning: {'; '.join(warnings)}\n")
        start, deadline = cluster.now, cluster.now + (limit or 3600)
        waiting = [(p, 0.0) for p in pods]  # (pod, when to try its eviction next)
        evicted, failed = [], []
        while waiting or evicted:
            now = cluster.now
            still = []
            for pod, at in waiting:
                if at > now:
                    still.append((pod, at))
                    continue
                meta = pod["metadata"]
                out.append(f"evicting pod {meta['namespace']}/{meta['name']}\n")
                if now >= deadline:
                    failed.append(f'error when evicting pods/"{meta["name"]}" -n "{meta["namespace"]}": '
                                  f"global timeout reached: {_duration(limit or 3600)}")
                    continue
                live = cluster.store.peek("Pod", meta["namespace"], meta["name"])
                if live is None or live["metadata"].get("uid") != meta.get("uid"):
                    continue  # NotFound: already gone
                try:
                    # --grace-period goes into the eviction's DeleteOptions (negative: the pod's own).
                    cluster.api.evict(live, None if grace < 0 else grace,
                                      use_budgets=not flags.get("--disable-eviction"))
                except TooManyRequests as e:
                    out.append(f'error when evicting pods/"{meta["name"]}" -n "{meta["namespace"]}" '
                               f"(will retry after {EVICT_RETRY}s): {e}\n")
                    still.append((pod, now + EVICT_RETRY))
                    continue
                evicted.append(pod)
            cluster.controllers.run()
            waiting = still
            for pod in list(evicted):
                meta = pod["metadata"]
                live = cluster.store.peek("Pod", meta["namespace"], meta["name"])
                if live is None or live["metadata"].get("uid") != meta.get("uid"):
                    out.append(f"pod/{meta['name']} evicted\n")
                    evicted.remove(pod)
            if not (waiting or evicted):
                break
            if cluster.now >= deadline + EVICT_RETRY:
                break
            cluster.advance(1)
        if failed:
            text = failed[0] if len(failed) == 1 else "[" + ", ".join(failed) + "]"
            out.append(f"There are pending pods in node \"{node}\" when an error occurred: {text}\n"
                       + "".join(f"pod/{p['metadata']['name']}\n" for p, _ in waiting)
                       + f'error: unable to drain node "{node}" due to error: {text}, continuing command...\n'
                       f"There are pending nodes to be drained:\n {node}\n{text}\n")
            failed = True
            continue
        out.append(f"node/{node} drained\n")
    from .output import Printed
    return Printed("".join(out), 1 if failed else 0)
