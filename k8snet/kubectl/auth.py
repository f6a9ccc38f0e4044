"""``kubectl auth can-i`` and ``kubectl auth whoami`` (kubectl ``pkg/cmd/auth/cani.go``,
``whoami.go``), answered by the same reviews the served API answers
(:mod:`k8snet.apiserver.reviews`: kubeadm's kubernetes-admin, a cluster admin)."""
from __future__ import annotations

import json

from ..apiserver import resources, reviews
from ..errors import K8sNetError, UsageError
from . import output
from .get import namespace
from .output import Printed
from .tabwriter import table_writer

__all__ = ["auth"]

# cani.go resourceVerbs / nonResourceURLVerbs: other verbs get a warning, and are still asked.
_RESOURCE_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use",
                             "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"})
_URL_VERBS = frozenset({"get", "put", "post", "head", "options", "delete", "patch", "*"})
_USAGE = ("error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
          "See 'kubectl auth can-i -h' for help and examples.")


def _warning(text: str) -> str:
    return f"Warning: {text}\n\n"  # WarningPrinter.Print: "Warning: " + the message (which ends in \n) + "\n"


def can_i(cluster, args, flags) -> str:
    """CanIOptions Complete, Validate, RunAccessCheck / RunAccessList."""
    if flags.get("--list"):
        if args:
            raise UsageError("error: list option must be specified with no arguments")
        if flags.get("--quiet") or flags.get("--all-namespaces") or flags.get("--subresource"):
            raise UsageError("error: list option can't be specified with neither quiet, all-namespaces nor "
                             "subresource options")
        status = reviews.rules_review({"spec": {"namespace": namespace(cluster, flags)}})["status"]
        w = table_writer()
        if not flags.get("--no-headers"):
            w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        for r in status["resourceRules"]:  # describe.CombineResourceGroup: resource.group
            names = ",".join(f"{res}.{g}" if g else res for res in r["resources"] for g in r["apiGroups"])
            w.write(f"{names}\t[]\t[{' '.join(r.get('resourceNames', []))}]\t[{' '.join(r['verbs'])}]\n")
        for r in status["nonResourceRules"]:
            w.write(f"\t[{' '.join(r['nonResourceURLs'])}]\t[]\t[{' '.join(r['verbs'])}]\n")
        return w.getvalue()
    if len(args) != 2:
        raise UsageError(_USAGE)
    verb, target = args
    warn, attrs = "", {"verb": verb}
    if target.startswith("/"):
        if flags.get("--subresource"):
            raise UsageError("error: --subresource can not be used with NonResourceURL")
        if verb not in _URL_VERBS:
            warn += _warning(f"verb '{verb}' is not a known verb")
        spec = {"nonResourceAttributes": {"path": target, "verb": verb}}
    else:
        kind, _, name = target.partition("/")
        try:
            res = resources.lookup(kind.lower()) if kind != "*" else None
        except K8sNetError:
            res = None
            warn += _warning(f"the server doesn't have a resource type '{kind.lower()}'")
        if res is not None and not res.namespaced and not flags.get("--all-namespaces"):
            warn += _warning(f"resource '{res.plural}' is not namespace scoped")
        if verb not in _RESOURCE_VERBS:
            warn += _warning(f"verb '{verb}' is not a known verb")
        attrs.update(resource=res.plural if res else kind, group=res.group if res else "", name=name,
                     subresource=str(flags.get("--subresource", "")),
                     namespace="" if flags.get("--all-namespaces") else namespace(cluster, flags))
        spec = {"resourceAttributes": attrs}
    if flags.get("--no-headers"):
        raise UsageError("error: --no-headers cannot be set without --list specified")
    allowed = reviews.access_review({"spec": spec})["status"]["allowed"]
    text = "" if flags.get("--quiet") else ("yes\n" if allowed else "no\n")
    return Printed(warn + text, 0 if allowed else 1)


def whoami(cluster, args, flags) -> str:
    """WhoAmIOptions.Run: the SelfSubjectReview's user as a table, or -o yaml|json."""
    review = reviews.self_review({})
    fmt = str(flags.get("--output", ""))
    if fmt in ("yaml", "json"):
        shown = {**review, "metadata": {}}  # creationTimestamp null is omitted when printed
        if fmt == "yaml":
            return output.to_yaml(shown)
        # a typed object: JSON in its struct's field order (kind first), not sorted
        return json.dumps(shown, indent=4) + "\n"
    if fmt:
        raise UsageError(f"error: k8snet does not simulate -o {fmt.split('=')[0]} for `kubectl auth whoami`; "
                         "it prints the table, -o yaml or -o json")
    user = review["status"]["userInfo"]
    w = table_writer()
    w.write("ATTRIBUTE\tVALUE\n")
    w.write(f"Username\t{user['username']}\n")
    w.write(f"Groups\t[{' '.join(user['groups'])}]\n")
    return w.getvalue()


def auth(cluster, args, flags, after) -> str:
    """``kubectl auth can-i|whoami`` (reconcile is not simulated)."""
    sub, rest = (args[0], args[1:]) if args else ("", [])
    if sub == "can-i":
        return can_i(cluster, rest, flags)
    if sub == "whoami":
        return whoami(cluster, rest, flags)
    if sub == "reconcile":
        raise UsageError("error: k8snet simulates `kubectl auth can-i` and `kubectl auth whoami`, not "
                         "`kubectl auth reconcile` (the simulator keeps no RBAC objects)")
    if sub:
        raise UsageError(f'error: unknown command "{sub}"\nSee \'kubectl auth -h\' for help and examples')
    raise UsageError("error: 'kubectl auth' simulates: can-i, whoami")
