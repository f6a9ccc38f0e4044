"""``kubectl get`` and ``kubectl describe``: the commands that read (kubectl ``cmd/get/get.go``,
``cmd/describe/describe.go``), and the resource arguments every command takes."""
from __future__ import annotations

from .. import labels
from ..apiserver import fields, resources
from ..errors import K8sNetError, UsageError
from . import output, printers, sorter, tableprinter, warnings
from .describe import describe

__all__ = ["namespace", "resource_args", "select", "get", "describe_command", "related_for"]


def namespace(cluster, flags) -> str:
    """The namespace a command works in: ``-n``, else ``default``."""
    return str(flags.get("--namespace", "default"))


def resource_args(args: list[str]) -> list[tuple[resources.Resource, list[str]]]:
    """Resource arguments as kubectl reads them: ``svc``, ``svc web``, ``svc/web pod/x``, ``deploy,svc`` -> [(resource, names)]."""
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


def select(cluster, res, names, flags, missing: list | None = None) -> list[dict]:
    """The objects ``names`` (all of ``res`` when empty, filtered by ``-l`` and
    ``--field-selector``) in the namespace the flags pick, or NotFound in the API server's words
    (skipped with ``--ignore-not-found``; collected in ``missing`` when given, as the resource
    builder's ContinueOnError goes on to the other names)."""
    ns = None if flags.get("--all-namespaces") else namespace(cluster, flags)
    if names:
        out = []
        for n in names:
            obj = cluster.store.get(res.kind, ns or "default" if res.namespaced else "", n)
            if obj is None and flags.get("--ignore-not-found"):
                continue  # get.go: r.IgnoreErrors(apierrors.IsNotFound)
            if obj is None and missing is not None:
                missing.append(f'Error from server (NotFound): {res.qualified} "{n}" not found\n')
                continue
            if obj is None:
                raise K8sNetError(f'Error from server (NotFound): {res.qualified} "{n}" not found')
            out.append(obj)
        return out
    objs = cluster.store.list(res.kind, ns if res.namespaced else None)
    if flags.get("--selector"):
        sel = labels.parse(str(flags["--selector"]))
        objs = [o for o in objs if sel.matches(o["metadata"].get("labels"))]
    if flags.get("--field-selector"):
        try:
            terms = fields.parse(str(flags["--field-selector"]), res.kind)
        except fields.FieldSelectorError as e:
            # The list request's 400, as the resource builder wraps it (resource/selector.go).
            gvr = f'{res.group}/{res.api_version.rpartition("/")[2]}, Resource={res.plural}'
            raise K8sNetError(f'Error from server (BadRequest): Unable to find "{gvr}" that match label selector '
                              f'"{flags.get("--selector", "")}", field selector "{flags["--field-selector"]}": '
                              f"{e}") from None
        objs = [o for o in objs if fields.matches(o, terms)]
    return objs


_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml")


def from_files(cluster, args, flags, verb: str) -> tuple[list[str], dict]:
    """``-f FILE``: the objects the manifests name, as ``TYPE/NAME`` arguments (resource builder
    FilenameParam), in the namespace each names, else ``-n``'s (``-l`` with ``-f`` is refused)."""
    if not flags.get("--filename"):
        return args, flags
    if args:
        raise UsageError("error: when paths, URLs, or stdin is provided as input, you may not specify resource "
                         "arguments as well")
    from .. import manifest
    if flags.get("--selector"):
        raise UsageError(f"error: k8snet does not simulate -l with -f for `kubectl {verb}` (real kubectl filters the "
                         "manifests' objects and refetches them, with results of its own); leave one out, or run "
                         "the real kubectl against cluster.serve()")
    refs, namespaces = [], set()
    for doc in (d for f in flags["--filename"] for d in manifest.load(f)):
        res = cluster.api.resource_for(doc.obj)
        meta = doc.obj.get("metadata") or {}
        refs.append(f"{res.plural}/{meta.get('name', '')}")
        if res.namespaced:
            namespaces.add(meta.get("namespace") or namespace(cluster, flags))
    if len(namespaces) > 1:
        raise UsageError(f"error: k8snet does not simulate `kubectl {verb} -f` for objects of several namespaces "
                         f"({', '.join(sorted(namespaces))}); give one file per namespace")
    flags = {k: v for k, v in flags.items() if k != "--filename"}
    if namespaces:
        flags["--namespace"] = namespaces.pop()
    return refs, flags


def get(cluster, args, flags, after) -> str:
    """``kubectl get``: tables, or -o json|yaml|name|jsonpath|custom-columns; ``--sort-by``
    as sorter.py sorts (get.go Run).  Names that are not found are reported after what was
    found (exit status 1)."""
    from .generators import int_flag
    int_flag(flags, "--chunk-size", "get")  # paging only: the printed result is the same
    from_file = bool(flags.get("--filename"))
    args, flags = from_files(cluster, args, flags, "get")
    if from_file and not args:
        return tableprinter.no_resources_message(namespace(cluster, flags)) + "\n"
    missing: list[str] = []
    printed = _get(cluster, args, flags, missing)
    if not missing:
        return printed
    table = str(flags.get("--output", "")) in ("", "wide")
    text = str(printed) if not str(printed).startswith("No resources found") else ""
    if from_file and not table:  # the builder's Latest() refetch fails as a whole: nothing but the errors
        text = ""
    return output.Printed(text + "".join(missing), 1)


def _get(cluster, args, flags, missing) -> str:
    targets = resource_args(args)
    fmt = str(flags.get("--output", ""))
    if fmt not in ("", "wide", "json", "yaml", "name") and not fmt.startswith(("jsonpath=", "custom-columns=")):
        if fmt.split("=")[0] in _FORMATS.split(","):
            raise UsageError(f"error: k8snet does not simulate -o {fmt.split('=')[0]}; it prints -o wide, yaml, "
                             "json, name, jsonpath=... and custom-columns=...")
        raise UsageError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                         f"allowed formats are: {_FORMATS}")
    groups, warn = [], []
    for res, names in targets:
        if res.kind == "Endpoints":
            warn.append(warnings.kubectl_warning(warnings.ENDPOINTS_DEPRECATED) + "\n")
        groups.append((res.kind, select(cluster, res, names, flags, missing)))
    prefix = "".join(dict.fromkeys(warn))
    # The lists come in the API server's order (namespace, then name); named objects as named.
    named = any(n for _, n in targets)
    groups = [(kind, printers.listed(objs, keep_order=named)) for kind, objs in groups]
    table = fmt in ("", "wide")
    infos = sum(len(n) or 1 for _, n in targets)  # the resource builder's infos: a list, or one per name
    try:
        if flags.get("--sort-by") and not table:
            objs = [o for _, os_ in groups for o in os_]
            if len(objs) > 1:  # RuntimeSorter: one object is sorted already
                objs = sorter.sort_objects(objs, str(flags["--sort-by"]))
            groups = [(groups[0][0] if groups else "", objs)]
        elif flags.get("--sort-by") and infos > 1 and any(os_ for _, os_ in groups):
            # RuntimeSorter.Sort on several Tables finds no field in them (see sorter.py).
            raise sorter.NotFound(f'couldn\'t find any field with path '
                                  f'"{_relaxed_or_raw(str(flags["--sort-by"]))}" in the list of objects')
        elif flags.get("--sort-by") and groups and len(groups[0][1]) > 1:
            groups = [(groups[0][0], sorter.sort_objects(groups[0][1], str(flags["--sort-by"]), table=True))]
    except sorter.Unsortable as e:
        where = "375 [][][]reflect.Value" if table else "329 *unstructured.Unstructured"
        return output.Printed(prefix + e.fatal(where, cluster.now), 1)
    except (sorter.NotFound, UsageError) as e:
        if not table or infos > 1:
            text = str(e)
            raise K8sNetError(text if text.startswith("error") else f"error: {text}") from None
        groups = [(kind, []) for kind, _ in groups]  # SortingPrinter's error is dropped: nothing printed
    objs = [o for _, os_ in groups for o in os_]
    single = len(targets) == 1 and len(targets[0][1]) == 1
    if fmt in ("json", "yaml"):
        if single and not objs:
            return prefix
        data = objs[0] if single else output.as_list(objs)
        return prefix + (output.to_json(data) if fmt == "json" else output.to_yaml(data))
    if fmt == "name":
        return prefix + output.to_name(objs)
    if fmt.startswith("jsonpath="):
        if single and not objs:
            return prefix
        data = objs[0] if single else output.as_list(objs)
        return prefix + output.to_jsonpath(fmt[len("jsonpath="):], data)
    if fmt.startswith("custom-columns="):
        return prefix + output.to_custom_columns(fmt[len("custom-columns="):], objs,
                                                 no_headers=bool(flags.get("--no-headers")))
    if not objs:
        if flags.get("--ignore-not-found"):
            return prefix
        ns = None if flags.get("--all-namespaces") or not targets[0][0].namespaced else namespace(cluster, flags)
        return prefix + tableprinter.no_resources_message(ns) + "\n"
    with_kind = bool(flags.get("--show-kind")) or (args[:1] == ["all"])
    return prefix + tableprinter.get_tables(groups, now=cluster.now, wide=fmt == "wide",
                                        show_labels=bool(flags.get("--show-labels")),
                                        all_namespaces=bool(flags.get("--all-namespaces")),
                                        no_headers=bool(flags.get("--no-headers")),
                                        label_columns=list(flags.get("--label-columns", ())),
                                        **({"with_kind": True} if with_kind else {}), keep_order=True)


def _relaxed_or_raw(path: str) -> str:
    try:
        return output.relaxed_jsonpath_expression(path)
    except UsageError:
        return path


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
    if obj["kind"] == "Node":  # describe.go describeNode Gets the node's Lease
        rel["lease"] = cluster.store.get("Lease", "kube-node-lease", obj["metadata"]["name"])
    if obj["kind"] == "Deployment":
        from ..controllers.replicaset import owned_by
        from ..controllers.names import template_hash
        mine = [rs for rs in rel["replicasets"] if owned_by(rs, obj)]
        h = template_hash(obj["spec"]["template"])
        rel["new_replicaset"] = next((rs for rs in mine if rs["metadata"]["labels"].get("pod-template-hash") == h), None)
        rel["old_replicasets"] = [rs for rs in mine if rs is not rel["new_replicaset"]]
    return rel


def describe_command(cluster, args, flags, after) -> str:
    """``kubectl describe``: each object's description (describe.py)."""
    args, flags = from_files(cluster, args, flags, "describe")
    missing: list[str] = []  # describe.go Run: the errors come after what could be described
    found = [(res, obj) for res, names in resource_args(args) for obj in select(cluster, res, names, flags, missing)]
    out = []
    for res, obj in found:
        related = related_for(cluster, obj)
        if len(found) + len(missing) > 1:  # kubectl v1.37 looks events up only when it describes one object
            related["events"] = False
        if flags.get("--show-events") is False:  # describe.go: DescriberSettings.ShowEvents
            related["events"] = False
        out.append(describe(res.kind, obj, now=cluster.now, related=related))
    if missing:
        return output.Printed("".join(o.rstrip("\n") + "\n\n\n" for o in out).rstrip("\n")
                              + ("\n" if out else "") + "".join(missing), 1)
    if not out:
        ns = None if flags.get("--all-namespaces") else namespace(cluster, flags)
        return tableprinter.no_resources_message(ns) + "\n"
    # describe.go Run: each object's text after "\n\n" (the text ends in a newline itself).
    return "\n\n\n".join(o.rstrip("\n") for o in out) + "\n"
