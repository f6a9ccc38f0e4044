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

__all__ = ["cordon", "taint"]

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
