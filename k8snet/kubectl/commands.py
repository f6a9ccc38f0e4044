"""kubectl command lines -> cluster calls -> what kubectl prints.

The printing itself lives in printers.py, describe*.py and output.py; programs run inside
containers (``kubectl exec ... -- curl``) in execs.py.  Errors come back as the text
kubectl prints (``Error from server (NotFound): ...``), as a terminal would show them.
"""
from __future__ import annotations

import functools

from .. import labels
from ..apiserver import resources
from ..errors import InternalError, K8sNetError, UsageError, ValidationError
from . import flags as flags_module
from . import logs, nodes, output, printers, warnings
from .describe import describe

__all__ = ["run", "execute", "parse"]


def parse(command_line: str) -> tuple[list[str], dict[str, object], list[str]]:
    """(positional words, the command's own words first; flags by long name; words after ``--``),
    read as cobra and pflag read them (flags.py)."""
    line = flags_module.parse(command_line)
    return [*line.words, *line.args], line.flags, list(line.after)


def run(cluster, command_line: str) -> str:
    """Run one kubectl command line against ``cluster``; returns what kubectl prints."""
    return str(execute(cluster, command_line))


def execute(cluster, command_line: str) -> output.Printed:
    """Run one kubectl command line: what kubectl prints, with its exit status
    (``.exit_code``: 0, 1 after an error, a program's own status through ``exec``)."""
    try:
        printed = _execute(cluster, command_line)
    except (ValidationError, InternalError) as e:
        # kubectl prints the lines of the objects it applied, then each error.
        prefix = "".join(f"{line}\n" for line in getattr(e, "applied", []))
        errors = [e] + list(getattr(e, "other_errors", []))
        return output.Printed(prefix + "".join(_error_text(x, flags_of(command_line)) + "\n" for x in errors), 1)
    except K8sNetError as e:
        text = str(e)
        return output.Printed(text if text.startswith(("error", "Error", "Warning", "The ")) else f"error: {text}", 1)
    return printed if isinstance(printed, output.Printed) else output.Printed(printed)


def _execute(cluster, command_line: str) -> str:
    pos, flags, after = parse(command_line)
    if not pos:
        raise UsageError("error: a command is required (get, describe, apply, delete, ...)")
    verb, args = pos[0], pos[1:]
    handler = _VERBS.get(verb)
    if handler is None and verb in flags_module.ROOT_COMMANDS:
        raise UsageError(f"error: k8snet does not simulate `kubectl {verb}`; it simulates "
                         f"{', '.join(sorted(_VERBS))}")
    if handler is None:
        raise UsageError(flags_module.unknown_command(verb))
    _check_dry_run(verb, args, flags)
    return handler(cluster, args, flags, after)


def flags_of(command_line: str) -> dict:
    try:
        return parse(command_line)[1]
    except K8sNetError:
        return {}


def _error_text(e: Exception, flags: dict) -> str:
    from ..apiserver.server import StrictDecodingError
    where = f'error when creating "{flags.get("--filename", "STDIN")}": '
    if isinstance(e, StrictDecodingError):
        return f"Error from server (BadRequest): {where}{e}"
    if getattr(e, "reason", None) == "Forbidden":  # an admission webhook denied it (AdmissionDeniedError)
        return f"Error from server (Forbidden): {where}{e}"
    if isinstance(e, InternalError):
        return f"Error from server (InternalError): {where}{e}"
    if isinstance(e, ValidationError):
        return str(e)  # kubectl prints a 422 as `The Service "web" is invalid: ...`
    text = str(e)
    if text.startswith("namespaces "):
        return f"Error from server (NotFound): {where}{text}"
    return text if text.startswith(("error", "Error")) else f"error: {text}"


def _namespace(cluster, flags) -> str:
    return str(flags.get("--namespace", "default"))


# -- get / describe ------------------------------------------------------------------
def _targets(args: list[str]) -> list[tuple[resources.Resource, list[str]]]:
    """``svc``, ``svc web``, ``svc/web pod/x``, ``deploy,svc`` -> [(resource, names)]."""
    if not args:
        raise UsageError("You must specify the type of resource to get. Use \"kubectl api-resources\" "
                         "for a complete list of supported resources.")
    if "/" in args[0]:
        out: list[tuple[resources.Resource, list[str]]] = []
        for a in args:
            kind, _, name = a.partition("/")
            res = resources.lookup(kind)
            if out and out[-1][0] is res:
                out[-1][1].append(name)
            else:
                out.append((res, [name]))
        return out
    kinds = args[0].split(",")
    if kinds == ["all"]:
        kinds = ["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets"]
    return [(resources.lookup(k), list(args[1:])) for k in kinds]


def _select(cluster, res, names, flags) -> list[dict]:
    ns = None if flags.get("--all-namespaces") else _namespace(cluster, flags)
    if names:
        out = []
        for n in names:
            obj = cluster.store.get(res.kind, ns or "default" if res.namespaced else "", n)
            if obj is None:
                raise K8sNetError(f'Error from server (NotFound): {res.qualified} "{n}" not found')
            out.append(obj)
        return out
    objs = cluster.store.list(res.kind, ns if res.namespaced else None)
    if flags.get("--selector"):
        sel = labels.parse(str(flags["--selector"]))
        objs = [o for o in objs if sel.matches(o["metadata"].get("labels"))]
    return objs


def _get(cluster, args, flags, after) -> str:
    targets = _targets(args)
    fmt = str(flags.get("--output", ""))
    groups, warn = [], []
    for res, names in targets:
        if res.kind == "Endpoints":
            warn.append(warnings.kubectl_warning(warnings.ENDPOINTS_DEPRECATED) + "\n")
        groups.append((res.kind, _select(cluster, res, names, flags)))
    objs = [o for _, os_ in groups for o in os_]
    single = len(targets) == 1 and len(targets[0][1]) == 1
    prefix = "".join(dict.fromkeys(warn))
    if fmt in ("json", "yaml"):
        data = objs[0] if single else output.as_list(objs)
        return prefix + (output.to_json(data) if fmt == "json" else output.to_yaml(data))
    if fmt == "name":
        return prefix + output.to_name(objs)
    if fmt.startswith("jsonpath="):
        data = objs[0] if single else output.as_list(objs)
        return prefix + output.to_jsonpath(fmt[len("jsonpath="):], data)
    if fmt.startswith("custom-columns="):
        return prefix + output.to_custom_columns(fmt[len("custom-columns="):], objs,
                                                 no_headers=bool(flags.get("--no-headers")))
    if fmt not in ("", "wide"):
        raise UsageError(f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats '
                         "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
                         "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    if not objs:
        ns = None if flags.get("--all-namespaces") or not targets[0][0].namespaced else _namespace(cluster, flags)
        return prefix + printers.no_resources_message(ns) + "\n"
    return prefix + printers.get_tables(groups, now=cluster.now, wide=fmt == "wide",
                                        show_labels=bool(flags.get("--show-labels")),
                                        all_namespaces=bool(flags.get("--all-namespaces")),
                                        no_headers=bool(flags.get("--no-headers")),
                                        label_columns=[k for k in str(flags.get("--label-columns") or "").split(",") if k],
                                        **({"with_kind": True} if args and args[0] == "all" else {}),
                                        **({"keep_order": True} if any(n for _, n in targets) else {}))


def related_for(cluster, obj: dict) -> dict:
    """What a describer needs besides the object: events, slices, services, pods, ..."""
    ns = obj["metadata"].get("namespace")
    rel = {"events": cluster.api.events_for(obj), "nodes": {n["metadata"]["name"]: n for n in cluster.store.items("Node")}}
    if ns:
        rel["endpointslices"] = [s for s in cluster.store.items("EndpointSlice", ns)]
        rel["services"] = {s["metadata"]["name"]: s for s in cluster.store.items("Service", ns)}
        rel["pods"] = list(cluster.store.items("Pod", ns))
        rel["replicasets"] = list(cluster.store.items("ReplicaSet", ns))
        rel["endpoints"] = {e["metadata"]["name"]: e for e in cluster.store.items("Endpoints", ns)}
    else:
        rel["pods"] = list(cluster.store.items("Pod"))
    if obj["kind"] == "Deployment":
        from ..controllers.replicaset import owned_by
        from ..controllers.names import template_hash
        mine = [rs for rs in rel["replicasets"] if owned_by(rs, obj)]
        h = template_hash(obj["spec"]["template"])
        rel["new_replicaset"] = next((rs for rs in mine if rs["metadata"]["labels"].get("pod-template-hash") == h), None)
        rel["old_replicasets"] = [rs for rs in mine if rs is not rel["new_replicaset"]]
    return rel


def _describe(cluster, args, flags, after) -> str:
    found = [(res, obj) for res, names in _targets(args) for obj in _select(cluster, res, names, flags)]
    out = []
    for res, obj in found:
        related = related_for(cluster, obj)
        if len(found) > 1:  # kubectl v1.37 looks events up only when it describes one object
            related["events"] = False
        out.append(describe(res.kind, obj, now=cluster.now, related=related))
    if not out:
        ns = None if flags.get("--all-namespaces") else _namespace(cluster, flags)
        return printers.no_resources_message(ns) + "\n"
    # describe.go Run: each object's text after "\n\n" (the text ends in a newline itself).
    return "\n\n\n".join(o.rstrip("\n") for o in out) + "\n"


# -- changing things -------------------------------------------------------------------
def _apply(cluster, args, flags, after) -> str:
    f = flags.get("--filename")
    if not f:
        raise UsageError("error: must specify one of -f and -k")
    from .. import manifest
    warn = [warnings.kubectl_warning(w) + "\n" for doc in manifest.load(str(f))
            for w in warnings.pod_spec_warnings(doc.obj)]
    lines = cluster.apply(str(f))
    return "".join(warn) + "".join(line + "\n" for line in lines)


def _create(cluster, args, flags, after) -> str:
    if flags.get("--filename"):
        return "".join(line + "\n" for line in cluster.create(str(flags["--filename"])))
    from .generators import create_deployment, create_namespace
    if args[:1] in (["deployment"], ["deploy"]) and len(args) == 2:
        obj = create_deployment(args[1], flags, after, _namespace(cluster, flags))
    elif args[:1] in (["namespace"], ["ns"]) and len(args) == 2:
        obj = create_namespace(args[1])
    elif args and args[0] in flags_module.SUBCOMMANDS["create"] + tuple(a.split()[1] for a in flags_module.ALIASES):
        raise UsageError(f"error: k8snet simulates `kubectl create deployment` and `kubectl create namespace` "
                         f"(and `create -f`), not `kubectl create {args[0]}`")
    elif not args:
        raise UsageError("error: must specify one of -f and -k")
    else:  # create.go RunCreate: words that name no sub-command
        raise UsageError(f"error: Unexpected args: [{' '.join(args)}]\nSee 'kubectl create -h' for help and examples")
    return _create_or_print(cluster, obj, flags)


# Commands whose --dry-run=client the simulator prints without changing anything (the object
# kubectl would send, built client-side); `create -f` goes through the API and is not one.
_DRY_RUN_VERBS = {"create", "run", "expose"}


def _check_dry_run(verb: str, args: list[str], flags: dict) -> None:
    """cmdutil.GetDryRunStrategy's values, then refuse a dry run the simulator would not keep:
    a command that changed the cluster while saying "(dry run)" would teach the wrong thing."""
    if "--dry-run" not in flags:
        return
    value = flags["--dry-run"]
    # GetDryRunStrategy: the flag alone (pflag's NoOptDefVal "unchanged") is the deprecated
    # spelling of --dry-run=client.
    value = "client" if value in (True, "unchanged") else str(value)
    if value not in ("none", "client", "server"):
        raise UsageError(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')
    flags["--dry-run"] = value
    if value == "none":
        return
    if value == "server" or verb not in _DRY_RUN_VERBS or (verb == "create" and "--filename" in flags):
        raise UsageError(f"error: --dry-run={value} is not simulated for `kubectl {verb}`: k8snet simulates "
                         f"--dry-run=client for create (without -f), run and expose; leave the flag out "
                         f"to run the command for real")


def _create_or_print(cluster, obj: dict, flags, verb: str = "created") -> str:
    if flags.get("--dry-run") == "client":
        fmt = str(flags.get("--output", ""))
        if fmt == "yaml":
            return output.to_yaml(obj)
        if fmt == "json":
            return output.to_json(obj)
        res = cluster.api.resource_for(obj)
        return f"{res.ref_name}/{obj['metadata']['name']} {verb} (dry run)\n"
    stored = cluster.api.create(obj)
    cluster.controllers.run()
    res = cluster.api.resource_for(stored)
    return f"{res.ref_name}/{stored['metadata']['name']} {verb}\n"


def _run(cluster, args, flags, after) -> str:
    from .generators import run_pod
    if not args:
        raise UsageError("error: NAME is required for run")
    pod = run_pod(args[0], flags, after, _namespace(cluster, flags))
    if flags.get("--rm") and after:
        from .execs import run_in_temporary_pod
        return run_in_temporary_pod(cluster, pod, after, flags)
    return _create_or_print(cluster, pod, flags)


def _expose(cluster, args, flags, after) -> str:
    from .generators import expose
    if not args:
        raise UsageError(_NO_RESOURCES)
    targets = _targets(args)
    res, names = targets[0]
    if not names:
        raise UsageError(_NO_RESOURCES)
    obj = cluster.store.get(res.kind, _namespace(cluster, flags) if res.namespaced else "", names[0])
    if obj is None:
        raise K8sNetError(f'Error from server (NotFound): {res.qualified} "{names[0]}" not found')
    return _create_or_print(cluster, expose(obj, flags), flags, verb="exposed")


FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.\n")


def _grace_period(flags) -> int:
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


_NO_RESOURCES = ("error: You must provide one or more resources by argument or filename.\n"
                 "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                 "   '<resource> <name>'\n   '<resource>'")


def _delete(cluster, args, flags, after) -> str:
    grace = _grace_period(flags)
    warn = FORCE_WARNING if grace == 0 else ""
    given = grace if grace >= 0 else None
    wait = str(flags.get("--wait", "true")).lower() != "false"
    deleted: list[tuple[str, str, str]] = []
    if flags.get("--filename"):
        from .. import manifest
        for doc in manifest.load(str(flags["--filename"])):
            res = cluster.api.resource_for(doc.obj)
            cluster.api.decode(doc.obj)  # a name that is not a string is refused as the server refuses it
            meta = doc.obj.get("metadata") or {}
            deleted.append((res.plural, meta.get("name", ""), meta.get("namespace", _namespace(cluster, flags))))
    else:
        if not args:
            raise UsageError(_NO_RESOURCES)
        for res, names in _targets(args):
            if not names and (flags.get("--selector") or flags.get("--all")):
                names = [o["metadata"]["name"] for o in _select(cluster, res, [], flags)]
            if not names:
                raise UsageError("error: resource(s) were provided, but no name was specified")
            deleted += [(res.plural, n, _namespace(cluster, flags)) for n in names]
    out = [cluster.delete(f"{plural}/{n}", ns, grace_period=given if plural == "pods" else None)
           for plural, n, ns in deleted]
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


def _scale(cluster, args, flags, after) -> str:
    from .generators import int_flag
    if "--replicas" not in flags:
        raise UsageError("error: required flag(s) \"replicas\" not set")
    replicas = int_flag(flags, "--replicas", "scale", bits=32)
    out = []
    for res, names in _targets(args):
        if res.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
            raise UsageError(f'error: cannot scale {res.plural}')
        for n in names:
            obj = cluster.get(res.plural, n, _namespace(cluster, flags))
            obj["spec"]["replicas"] = replicas
            cluster.api.update(obj)
            cluster.controllers.run()
            out.append(f"{res.ref_name}/{n} scaled\n")
    return "".join(out)


def _label(cluster, args, flags, after) -> str:
    if not args:
        raise UsageError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not any("=" in a or a.endswith("-") for a in args[1:]):
        raise UsageError("error: at least one label update is required")
    targets = _targets(args[:1] if "/" not in args[0] else [a for a in args if "/" in a])
    changes = [a for a in args[1:] if "=" in a or a.endswith("-")]
    if "/" not in args[0]:
        targets = [(targets[0][0], [a for a in args[1:] if "=" not in a and not a.endswith("-")])]
    out = []
    for res, names in targets:
        if not names and (flags.get("--all") or "--selector" in flags):
            # label.go: --all / -l pick the objects of the resource in the namespace
            from .. import labels as selectors
            chosen = selectors.parse(str(flags.get("--selector", "")))
            objs = cluster.store.list(res.kind, _namespace(cluster, flags) if res.namespaced else None)
            names = [o["metadata"]["name"] for o in objs
                     if chosen.matches(o["metadata"].get("labels") or {})]
            if not names:
                return f"No resources found in {_namespace(cluster, flags)} namespace.\n"
        elif not names:
            raise UsageError("error: resource(s) were provided, but no name was specified")
        for n in names:
            obj = cluster.get(res.plural, n, _namespace(cluster, flags))
            lbls = obj["metadata"].setdefault("labels", {})
            for ch in changes:
                if ch.endswith("-") and "=" not in ch:
                    lbls.pop(ch[:-1], None)
                else:
                    k, _, v = ch.partition("=")
                    if k in lbls and lbls[k] != v and not flags.get("--overwrite"):
                        raise K8sNetError(f"error: '{k}' already has a value ({lbls[k]}), and --overwrite is false")
                    lbls[k] = v
            cluster.api.update(obj)
            cluster.controllers.run()
            out.append(f"{res.ref_name}/{n} labeled\n")
    return "".join(out)


def _rollout(cluster, args, flags, after) -> str:
    from .execs import rollout_status
    if args[:1] == ["status"]:
        return rollout_status(cluster, _targets(args[1:]), _namespace(cluster, flags))
    if args[:1] == ["restart"]:
        return _rollout_restart(cluster, _targets(args[1:]), _namespace(cluster, flags))
    if args[:1] in (["history"], ["undo"]):
        from . import rollout
        return getattr(rollout, args[0])(cluster, _targets(args[1:]), _namespace(cluster, flags), flags)
    if args and args[0] not in flags_module.SUBCOMMANDS["rollout"]:  # cobra: no such sub-command
        raise UsageError(f'error: unknown command "{args[0]}"\nSee \'kubectl rollout -h\' for help and examples')
    raise UsageError("error: 'kubectl rollout' simulates: status, history, undo, restart")


def _rollout_restart(cluster, targets, namespace: str) -> str:
    """``kubectl rollout restart``: stamp the pod template with
    ``kubectl.kubernetes.io/restartedAt`` (polymorphichelpers/objectrestarter.go), so the
    controller rolls out new pods as for any template change."""
    from .. import clock
    out = []
    for res, names in targets:
        if res.kind not in ("Deployment", "StatefulSet", "DaemonSet"):
            raise UsageError(f'error: restarting is not supported for {res.plural}')
        for n in names:
            obj = cluster.get(res.plural, n, namespace)
            meta = obj["spec"]["template"].setdefault("metadata", {})
            meta.setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = clock.rfc3339(cluster.now)
            cluster.api.update(obj)
            cluster.controllers.run()
            out.append(f"{res.ref_name}/{n} restarted\n")
    return "".join(out)


def _exec(cluster, args, flags, after) -> str:
    from .execs import exec_in_pod
    if not args:
        raise UsageError("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.")
    if not after:
        raise UsageError("error: you must specify at least one command for the container")
    target = args[0].split("/", 1)[-1] if args[0].startswith(("pod/", "po/", "pods/")) else args[0]
    return exec_in_pod(cluster, target, _namespace(cluster, flags), after,
                       str(flags["--container"]) if flags.get("--container") else None)


_VERBS = {"get": _get, "describe": _describe, "apply": _apply, "create": _create, "run": _run,
          "expose": _expose, "delete": _delete, "scale": _scale, "label": _label, "rollout": _rollout,
          "exec": _exec, "cordon": nodes.cordon, "uncordon": functools.partial(nodes.cordon, on=False),
          "taint": nodes.taint, "logs": logs.logs, "drain": nodes.drain}
