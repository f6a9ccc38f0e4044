"""kubectl command lines -> cluster calls -> what kubectl prints.

get and describe live in get.py, delete in delete.py, the printing in printers.py (the
server's Table), tableprinter.py (its layout), describe*.py and output.py; programs run inside
containers (``kubectl exec ... -- curl``) in execs.py.  Errors come back as the text kubectl
prints (``Error from server (NotFound): ...``), as a terminal would show them.
"""
from __future__ import annotations

import functools

from ..errors import InternalError, K8sNetError, UsageError, ValidationError
from . import flags as flags_module
from . import auth, logs, nodes, output, surface, warnings
from .delete import NO_RESOURCES, delete
from .get import describe_command, get, namespace, resource_args

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
        prefix = "".join(f"{line}\n" for line in getattr(e, "applied", []))  # what was made before the error
        return output.Printed(prefix + (text if text.startswith(("error", "Error", "Warning", "The "))
                                        else f"error: {text}"), 1)
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
    surface.check(flags_module.parse(command_line).path, flags)  # nothing accepted and ignored
    return handler(cluster, args, flags, after)


def flags_of(command_line: str) -> dict:
    try:
        return parse(command_line)[1]
    except K8sNetError:
        return {}


def _error_text(e: Exception, flags: dict) -> str:
    from ..apiserver.server import StrictDecodingError
    where = f'error when creating "{getattr(e, "filename", None) or (flags.get("--filename") or ("STDIN",))[0]}": '
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


# -- changing things -------------------------------------------------------------------
def _each_file(flags, change) -> str:
    """``-f a -f b`` (or ``-f a,b``): each file in turn, as the resource builder visits them;
    kubectl goes on after a file's errors and reports them all at the end."""
    out, errors = [], []
    for f in flags["--filename"]:
        try:
            out += change(f)
        except (ValidationError, InternalError) as e:
            out += getattr(e, "applied", [])
            for x in [e, *getattr(e, "other_errors", [])]:
                x.filename = f
                errors.append(x)
    if errors:
        first = errors[0]
        first.applied, first.other_errors = out, errors[1:]
        raise first
    return "".join(line + "\n" for line in out)


def _apply(cluster, args, flags, after) -> str:
    if not flags.get("--filename"):
        raise UsageError("error: must specify one of -f and -k")
    from .. import manifest
    warn = [warnings.kubectl_warning(w) + "\n" for f in flags["--filename"] for doc in manifest.load(f)
            for w in warnings.pod_spec_warnings(doc.obj)]
    return "".join(warn) + _each_file(flags, cluster.apply)


def _create(cluster, args, flags, after) -> str:
    if flags.get("--filename"):
        return _each_file(flags, cluster.create)
    from .generators import create_deployment, create_namespace
    if args[:1] in (["deployment"], ["deploy"]) and len(args) == 2:
        obj = create_deployment(args[1], flags, after, namespace(cluster, flags))
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
    if verb == "delete":  # delete.go: nothing is deleted; client prints without asking the server
        return
    if value == "server" or verb not in _DRY_RUN_VERBS or (verb == "create" and "--filename" in flags):
        raise UsageError(f"error: --dry-run={value} is not simulated for `kubectl {verb}`: k8snet simulates "
                         f"--dry-run=client for create (without -f), run and expose, and both dry runs for "
                         f"delete; leave the flag out to run the command for real")


def _create_or_print(cluster, obj: dict, flags, verb: str = "created") -> str:
    """The object kubectl sends (--dry-run=client) or the one the server created, printed as
    ``-o yaml|json|name`` asks, else kubectl's one-line ``deployment.apps/web created``."""
    fmt = str(flags.get("--output", ""))
    if fmt not in ("", "yaml", "json", "name"):
        raise UsageError(f"error: k8snet does not simulate -o {fmt.split('=')[0]} for `kubectl {verb}`; "
                         "it prints -o yaml, json or name")
    dry = flags.get("--dry-run") == "client"
    if dry and "--namespace" not in flags:  # EnforceNamespace: only an explicit -n is written in
        obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "namespace"}}
    if not dry:
        obj = cluster.api.create(obj)
        cluster.controllers.run()
        obj = cluster.store.get(obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]) or obj
    if fmt == "yaml":
        return output.to_yaml(obj)
    if fmt == "json":  # the object kubectl built is a typed struct: its fields in declaration order
        from .typedjson import to_typed_json
        return to_typed_json(obj) if dry else output.to_json(obj)
    if fmt == "name":
        return output.to_name([obj])
    res = cluster.api.resource_for(obj)
    return f"{res.ref_name}/{obj['metadata']['name']} {verb}{' (dry run)' if dry else ''}\n"


def _run(cluster, args, flags, after) -> str:
    from .generators import run_pod, run_service
    if not args:
        raise UsageError("error: NAME is required for run")
    if "--image" in flags and flags.get("--expose") and not flags.get("--port"):
        raise UsageError("error: --port must be set when exposing a service")  # run.go Validate
    pod = run_pod(args[0], flags, after, namespace(cluster, flags))
    if flags.get("--rm") and not (flags.get("--stdin") or flags.get("--attach")):
        raise UsageError("error: --rm should only be used for attached containers")  # run.go Validate
    if flags.get("--rm") and flags.get("--expose"):
        raise UsageError("error: k8snet does not simulate --rm with --expose for `kubectl run` (real kubectl: the "
                         "Service is made, then deleted with the pod); leave one out, or run the real kubectl "
                         "against cluster.serve()")
    if flags.get("--rm") and after:
        from .execs import run_in_temporary_pod
        return run_in_temporary_pod(cluster, pod, after, flags)
    out = _create_or_print(cluster, pod, flags)
    if not flags.get("--expose"):
        return out
    try:  # run.go Run: the pod is printed even when the Service cannot be made
        service = _create_or_print(cluster, run_service(pod, flags), flags)
    except K8sNetError as e:
        e.applied = [out.rstrip("\n")]
        raise
    return out + ("---\n" if flags.get("--output") == "yaml" else "") + service  # YAMLPrinter separates documents


def _expose(cluster, args, flags, after) -> str:
    from .generators import expose
    if not args:
        raise UsageError(NO_RESOURCES)
    targets = resource_args(args)
    res, names = targets[0]
    if not names:
        raise UsageError(NO_RESOURCES)
    obj = cluster.store.get(res.kind, namespace(cluster, flags) if res.namespaced else "", names[0])
    if obj is None:
        raise K8sNetError(f'Error from server (NotFound): {res.qualified} "{names[0]}" not found')
    return _create_or_print(cluster, expose(obj, flags), flags, verb="exposed")


def _scale(cluster, args, flags, after) -> str:
    from .generators import int_flag
    if "--replicas" not in flags:
        raise UsageError("error: required flag(s) \"replicas\" not set")
    replicas = int_flag(flags, "--replicas", "scale", bits=32)
    out = []
    for res, names in resource_args(args):
        if res.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
            raise UsageError(f'error: cannot scale {res.plural}')
        for n in names:
            obj = cluster.get(res.plural, n, namespace(cluster, flags))
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
    targets = resource_args(args[:1] if "/" not in args[0] else [a for a in args if "/" in a])
    changes = [a for a in args[1:] if "=" in a or a.endswith("-")]
    if "/" not in args[0]:
        targets = [(targets[0][0], [a for a in args[1:] if "=" not in a and not a.endswith("-")])]
    out = []
    for res, names in targets:
        if not names and (flags.get("--all") or "--selector" in flags):
            # label.go: --all / -l pick the objects of the resource in the namespace
            from .. import labels as selectors
            chosen = selectors.parse(str(flags.get("--selector", "")))
            objs = cluster.store.list(res.kind, namespace(cluster, flags) if res.namespaced else None)
            names = [o["metadata"]["name"] for o in objs
                     if chosen.matches(o["metadata"].get("labels") or {})]
            if not names:
                return f"No resources found in {namespace(cluster, flags)} namespace.\n"
        elif not names:
            raise UsageError("error: resource(s) were provided, but no name was specified")
        for n in names:
            obj = cluster.get(res.plural, n, namespace(cluster, flags))
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
        timeout = None
        if flags.get("--timeout") not in (None, "0", "0s"):
            timeout = flags_module.parse_duration(str(flags["--timeout"]))
        return rollout_status(cluster, resource_args(args[1:]), namespace(cluster, flags), limit=timeout)
    if args[:1] == ["restart"]:
        return _rollout_restart(cluster, resource_args(args[1:]), namespace(cluster, flags))
    if args[:1] in (["history"], ["undo"]):
        from . import rollout
        return getattr(rollout, args[0])(cluster, resource_args(args[1:]), namespace(cluster, flags), flags)
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
    return exec_in_pod(cluster, target, namespace(cluster, flags), after,
                       str(flags["--container"]) if flags.get("--container") else None)


_VERBS = {"get": get, "describe": describe_command, "apply": _apply, "create": _create, "run": _run,
          "expose": _expose, "delete": delete, "scale": _scale, "label": _label, "rollout": _rollout,
          "exec": _exec, "cordon": nodes.cordon, "uncordon": functools.partial(nodes.cordon, on=False),
          "taint": nodes.taint, "logs": logs.logs, "drain": nodes.drain, "auth": auth.auth}
