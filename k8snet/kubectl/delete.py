"""``kubectl delete`` (kubectl ``cmd/delete/delete.go``, ``delete_flags.go``): the cascading
strategy, grace period rules, then the deletions, then waiting until the objects are gone
(``--wait``)."""
from __future__ import annotations

from ..errors import UsageError
from .flags import parse_bool
from .get import namespace, resource_args, select

__all__ = ["delete", "grace_period", "cascading_strategy", "FORCE_WARNING", "NO_RESOURCES"]

FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.\n")


def grace_period(flags) -> int:
    """delete.go Complete/Validate: -1 means the object's own; ``--now`` is 1; 0 without
    ``--force`` becomes 1; ``--force`` alone is 0."""
    raw = flags.get("--grace-period", -1)
    try:
        grace = int(raw)
    except (TypeError, ValueError):
        raise UsageError(f'error: invalid argument "{raw}" for "--grace-period" flag: strconv.ParseInt: '
                         f'parsing "{raw}": invalid syntax') from None
    force = flags.get("--force") not in (None, False, "false")
    if flags.get("--now") not in (None, False, "false"):
        if grace != -1:
            raise UsageError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not force:
        grace = 1  # "to prevent accidental data loss": --grace-period=0 alone means 1
    if force and grace < 0:
        grace = 0
    if force and grace > 0:
        raise UsageError("error: --force and --grace-period greater than 0 cannot be specified together")
    return grace


def cascading_strategy(flags) -> tuple[str, str]:
    """delete_flags.go parseCascadingFlag: (the DeleteOptions' propagationPolicy, the warning
    printed first).  ``background``, ``foreground``, ``orphan``; a boolean is deprecated (true
    is background, false orphan); any other value is an error."""
    value = str(flags.get("--cascade", "background"))
    policies = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}
    truth = parse_bool(value)
    if truth is None:
        if value not in policies:
            raise UsageError(f'error: invalid cascade value ({value}). Must be "background", "foreground", or "orphan"')
        return policies[value], ""
    instead = "background" if truth else "orphan"
    return policies[instead], (f"warning: --cascade={value} is deprecated (boolean value) and can be replaced "
                               f"with --cascade={instead}.\n")


NO_RESOURCES = ("error: You must provide one or more resources by argument or filename.\n"
                 "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                 "   '<resource> <name>'\n   '<resource>'")


def delete(cluster, args, flags, after) -> str:
    """``kubectl delete``: by name, ``-l``, ``--field-selector``, ``--all`` (``-A``) or ``-f``;
    waits until the objects are gone.  A name not found is reported after the others are
    deleted, and then kubectl does not wait (DeleteResult returns the visitor's error first)."""
    from ..apiserver import resources
    from .output import Printed
    policy, warn = cascading_strategy(flags)  # DeleteFlags.ToOptions
    grace = grace_period(flags)
    output = str(flags.get("--output", ""))
    selector = flags.get("--selector") or flags.get("--field-selector")
    if flags.get("--all") and selector:  # resource builder SelectAllParam
        raise UsageError("error: setting 'all' parameter but found a non empty selector. ")
    if output not in ("", "name"):  # Validate
        raise UsageError(f"error: unexpected -o output mode: {output}. We only support '-o name'")
    warn += FORCE_WARNING if grace == 0 else ""
    given = grace if grace >= 0 else None
    dry = flags.get("--dry-run") if flags.get("--dry-run") in ("client", "server") else None
    wait = str(flags.get("--wait", "true")).lower() != "false" and dry is None
    deleted: list[tuple[str, str, str]] = []
    selecting = False
    if flags.get("--filename"):
        from .. import manifest
        for doc in (d for f in flags["--filename"] for d in manifest.load(f)):
            res = cluster.api.resource_for(doc.obj)
            cluster.api.decode(doc.obj)  # a name that is not a string is refused as the server refuses it
            meta = doc.obj.get("metadata") or {}
            deleted.append((res.plural, meta.get("name", ""), meta.get("namespace", namespace(cluster, flags))))
    else:
        if not args:
            raise UsageError(NO_RESOURCES)
        for res, names in resource_args(args):
            if not names and (selector or flags.get("--all")):
                selecting = True
                deleted += [(res.plural, o["metadata"]["name"], o["metadata"].get("namespace", ""))
                            for o in select(cluster, res, [], flags)]
            elif not names:
                raise UsageError("error: resource(s) were provided, but no name was specified")
            else:
                deleted += [(res.plural, n, namespace(cluster, flags)) for n in names]

    def exists(plural: str, name: str, ns: str) -> bool:
        res = resources.lookup(plural)
        return cluster.store.peek(res.kind, ns if res.namespaced else "", name) is not None

    if flags.get("--ignore-not-found") and dry != "client":  # delete.go: r.IgnoreErrors(errors.IsNotFound)
        deleted = [(p, n, ns) for p, n, ns in deleted if exists(p, n, ns)]
    if not deleted and selecting:
        return warn + "No resources found\n"  # DeleteResult: found == 0
    out, missing = [], []
    for plural, n, ns in deleted:
        res = resources.lookup(plural)
        if dry != "client" and not exists(plural, n, ns):
            missing.append(f'Error from server (NotFound): {res.qualified} "{n}" not found\n')
            continue
        if dry is None:
            line = cluster.delete(f"{plural}/{n}", ns, grace_period=given if plural == "pods" else None,
                                  propagation_policy=policy)
        else:  # PrintObj: the line kubectl prints for a dry run, nothing deleted
            line = (f'{res.ref_name} "{n}" {"force deleted" if grace == 0 else "deleted"}'
                    + (f" from {ns} namespace" if res.namespaced else "")
                    + (" (dry run)" if dry == "client" else " (server dry run)"))
        out.append(line if output != "name" else f"{line.split(' ', 1)[0]}/{n}")
    if missing:
        return Printed(warn + "".join(o + "\n" for o in out) + "".join(missing), 1)
    if wait:  # kubectl waits until the objects are gone (--wait=true), so the clock runs
        _wait_deleted(cluster, deleted)
    return warn + "".join(o + "\n" for o in out)


def _wait_deleted(cluster, deleted, limit: float = 3600) -> None:
    from ..apiserver import resources
    for _ in range(int(limit)):
        if not any(cluster.store.peek(resources.lookup(p).kind, ns if resources.lookup(p).namespaced else "", n)
                   for p, n, ns in deleted):
            return
        cluster.advance(1)
