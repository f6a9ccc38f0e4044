"""Which of kubectl v1.37's flags the simulated kubectl implements, and which it refuses.

Every flag of every command the simulator runs (flagsets.py, read from the real binary) is
here, with what it does in the simulator (``Support.implemented``) or, for a flag it does not
model, the real-cluster behaviour it stands for (``Support.note``).  A refused flag stops the
command with a message that says so, before anything changes; it is accepted only with a value
that leaves kubectl's behaviour as it is without the flag (``--server-print=true``,
``--recursive=false``), since that prints exactly what the simulator prints.  Nothing is
accepted and ignored.  docs/kubectl-flags.md is this table (``python -m tools.kubectl_surface``
writes it); tests/kubectl/test_surface.py checks that every flag is classified.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from . import flagsets

__all__ = ["Support", "GLOBAL", "COMMANDS", "support", "check"]


@dataclass(frozen=True, slots=True)
class Support:
    """One flag: ``implemented`` (what the simulator does with it) or refused (``note``: what it
    does on a real cluster), and the values accepted although it is refused (``accepts``)."""

    implemented: bool
    note: str
    accepts: tuple = ()


def _yes(note: str) -> Support:
    return Support(True, note)


def _no(note: str, *accepts) -> Support:
    return Support(False, note, accepts)


_TEMPLATE = _no("the Go template for -o go-template/template (not simulated)", "")
_KEYS = _no("=false makes -o jsonpath/go-template fail on a missing key (the simulator's JSONPath always allows "
            "them)", True)
_MANAGED = _no("prints metadata.managedFields (the simulated API server keeps none)", False)
_KUSTOMIZE = _no("builds objects from a kustomization directory (kustomize is not simulated)", "")
_RECURSIVE = _no("walks -f directories recursively", False)
_FIELD_MANAGER = _no("names the field manager in managedFields (the simulated API server keeps none)", "",
                     "kubectl-client-side-apply", "kubectl-create", "kubectl-run", "kubectl-expose", "kubectl-label",
                     "kubectl-rollout", "kubectl-taint", "kubectl-edit")
_VALIDATE = _no("=ignore/warn/false leave unknown fields to the server's leniency; the simulator validates "
                "strictly, as the default does", "strict", "true")
_SAVE_CONFIG = _no("stores the kubectl.kubernetes.io/last-applied-configuration annotation", False)
_OUTPUT_CHANGE = _no("prints the changed object (-o yaml|json|name) instead of the one-line result", "")
_TIMEOUT = _no("bounds how long kubectl waits on a real cluster (the simulated clock runs until done)", "0s")
_FILENAME = _no("takes the objects from files (not simulated for this command)", ())
_SELECTOR_NA = _no("picks objects by label (not simulated for this command)", "")
_ALL_NA = _no("selects every object of the type (not simulated for this command)", False)
_DRY_RUN = _yes("--dry-run=client for create, run, expose (the object kubectl would send); "
                "server and any other command are refused (see commands._check_dry_run)")
_CHUNK = _yes("checked as an int64; pages of a list print the same as one list")

#: Flags every command takes (``kubectl options``).
GLOBAL = {
    "as": _no("impersonates a user (needs RBAC; the simulated user is kubernetes-admin)", ""),
    "as-group": _no("impersonates a group (needs RBAC)", ()),
    "as-uid": _no("impersonates a uid (needs RBAC)", ""),
    "as-user-extra": _no("impersonates user extras (needs RBAC)", ()),
    "cache-dir": _no("where kubectl caches discovery (the simulator discovers nothing over HTTP)", ""),
    "certificate-authority": _no("the CA that verifies a real API server's certificate", ""),
    "client-certificate": _no("authenticates to a real API server with a client certificate", ""),
    "client-key": _no("the key of that client certificate", ""),
    "cluster": _no("picks a kubeconfig cluster (the simulator runs against this Cluster object)", ""),
    "context": _no("picks a kubeconfig context (the simulator runs against this Cluster object)", ""),
    "disable-compression": _no("turns off gzip for a real server's answers", False),
    "insecure-skip-tls-verify": _no("skips verifying a real API server's certificate", False),
    "kubeconfig": _no("reads another kubeconfig file (serve() writes one for the real kubectl)", ""),
    "kuberc": _no("reads kubectl preferences (aliases, defaults) from a kuberc file", ""),
    "log-flush-frequency": _no("how often klog flushes (kubectl's logs are not simulated)", "5s"),
    "match-server-version": _no("requires the server's version to equal kubectl's", False),
    "namespace": _yes("the namespace the command works in"),
    "password": _no("basic authentication to a real API server", ""),
    "profile": _no("writes a Go profile of kubectl itself", "none"),
    "profile-output": _no("the file of that profile", "profile.pprof"),
    "proxy-url": _no("reaches a real API server through a proxy", ""),
    "request-timeout": _no("bounds each HTTP request to a real API server", "0"),
    "server": _no("the address of a real API server", ""),
    "tls-server-name": _no("the TLS server name for a real API server", ""),
    "token": _no("a bearer token for a real API server", ""),
    "user": _no("picks a kubeconfig user", ""),
    "username": _no("basic authentication to a real API server", ""),
    "v": _no("klog verbosity: from -v=1 kubectl logs its feature gates, from -v=6 each HTTP request, to stderr "
             "(not simulated); -v=0 and below print nothing extra, so they are accepted"),
    "vmodule": _no("per-file klog verbosity", ""),
    "warnings-as-errors": _no("turns the server's warnings into a failure", False),
}

#: Per command path: each of its own flags.
COMMANDS: dict[str, dict[str, Support]] = {
    "get": {
        "all-namespaces": _yes("lists every namespace, with a NAMESPACE column"),
        "allow-missing-template-keys": _KEYS,
        "chunk-size": _CHUNK,
        "field-selector": _yes("the fields the API server selects on per kind (apiserver/fields.py), its 400 "
                               "for any other"),
        "filename": _no("gets the objects named in files", ()),
        "ignore-not-found": _yes("a name that is not found prints nothing"),
        "kustomize": _KUSTOMIZE,
        "label-columns": _yes("a column per label key (repeatable, comma-separated)"),
        "no-headers": _yes("tables and custom columns without their header"),
        "output": _yes("wide, yaml, json, name, jsonpath=, custom-columns= (go-template, template, "
                       "*-file, jsonpath-as-json refused)"),
        "output-watch-events": _no("prints watch events (with --watch)", False),
        "raw": _no("GETs a raw API path", ""),
        "recursive": _RECURSIVE,
        "selector": _yes("label selector"),
        "server-print": _no("=false prints kubectl's own client-side columns instead of the server's Table",
                            True),
        "show-kind": _yes("names prefixed with the kind"),
        "show-labels": _yes("a LABELS column"),
        "show-managed-fields": _MANAGED,
        "sort-by": _yes("JSONPath sort as kubectl's sorter (sorter.py), its errors included"),
        "subresource": _no("gets a subresource (status, scale)", ""),
        "template": _TEMPLATE,
        "watch": _no("keeps the connection open and prints each change as it happens", False),
        "watch-only": _no("prints changes only, without the current list", False),
    },
    "describe": {
        "all-namespaces": _yes("describes in every namespace"),
        "chunk-size": _CHUNK,
        "filename": _no("describes the objects named in files", ()),
        "kustomize": _KUSTOMIZE,
        "recursive": _RECURSIVE,
        "selector": _yes("label selector"),
        "show-events": _yes("=false leaves the Events section out"),
    },
    "apply": {
        "all": _no("with --prune: prunes every type", False),
        "allow-missing-template-keys": _KEYS,
        "cascade": _no("how --prune deletes", "background"),
        "dry-run": _DRY_RUN,
        "field-manager": _FIELD_MANAGER,
        "filename": _yes("the manifests (repeatable, comma-separated), each in turn"),
        "force": _no("deletes and re-creates an object whose update the server refuses", False),
        "force-conflicts": _no("server-side apply: takes fields from other managers", False),
        "grace-period": _no("with --force: the deletion's grace period", "-1"),
        "kustomize": _KUSTOMIZE,
        "openapi-patch": _no("=false patches without the OpenAPI schema", True),
        "output": _OUTPUT_CHANGE,
        "overwrite": _no("=false keeps differences between live and applied objects", True),
        "prune": _no("deletes objects no longer in the manifests", False),
        "prune-allowlist": _no("the types --prune may delete", ()),
        "recursive": _RECURSIVE,
        "selector": _no("applies only the manifests' objects with these labels", ""),
        "server-side": _no("server-side apply (managedFields, field managers, conflicts; served by "
                           "cluster.serve() to the real kubectl)", False),
        "show-managed-fields": _MANAGED,
        "subresource": _no("applies to a subresource", ""),
        "template": _TEMPLATE,
        "timeout": _TIMEOUT,
        "validate": _VALIDATE,
        "wait": _no("with --prune: waits until pruned objects are gone", False),
    },
}
_CREATED_OUTPUT = _yes("yaml, json or name: the object created (or, with --dry-run=client, the one kubectl "
                       "would send)")
_CREATE_COMMON = {
    "allow-missing-template-keys": _KEYS, "dry-run": _DRY_RUN, "field-manager": _FIELD_MANAGER,
    "output": _CREATED_OUTPUT, "save-config": _SAVE_CONFIG, "show-managed-fields": _MANAGED,
    "template": _TEMPLATE,
}
_ROLLOUT_FILES = {"filename": _FILENAME, "kustomize": _KUSTOMIZE, "recursive": _RECURSIVE, "selector": _SELECTOR_NA}
_PRINT_CHANGE = {"allow-missing-template-keys": _KEYS, "output": _OUTPUT_CHANGE, "show-managed-fields": _MANAGED,
                 "template": _TEMPLATE}

COMMANDS.update({
    "create": {
        **_CREATE_COMMON,
        "validate": _VALIDATE,
        "output": _OUTPUT_CHANGE,
        "edit": _no("opens the objects in an editor before creating them", False),
        "filename": _yes("the manifests (repeatable, comma-separated), each in turn"),
        "kustomize": _KUSTOMIZE,
        "raw": _no("POSTs a file to a raw API path", ""),
        "recursive": _RECURSIVE,
        "selector": _no("creates only the manifests' objects with these labels", ""),
        "windows-line-endings": _no("with --edit: CRLF line endings", False),
    },
    "create deployment": {
        **_CREATE_COMMON,
        "validate": _VALIDATE,
        "image": _yes("one container per image (repeatable, comma-separated)"),
        "port": _yes("the containers' containerPort"),
        "replicas": _yes("spec.replicas"),
    },
    "create namespace": {**_CREATE_COMMON, "validate": _VALIDATE},
    "run": {
        **_CREATE_COMMON,
        "annotations": _yes("pod annotations (repeatable; each one key=value)"),
        "attach": _no("attaches to the container and streams its output until it exits", False),
        "cascade": _no("with --rm: how the pod is deleted", "background"),
        "command": _yes("the words after -- are the command, not args"),
        "detach-keys": _no("the key sequence that detaches from an attached container", ""),
        "env": _yes("environment variables (repeatable; each one NAME=value)"),
        "expose": _no("also creates a ClusterIP Service for the pod", False),
        "force": _no("with --rm: deletes the pod without waiting", False),
        "grace-period": _no("with --rm: the pod's grace period", "-1"),
        "image": _yes("the container image"),
        "image-pull-policy": _yes("the container's imagePullPolicy"),
        "kustomize": _KUSTOMIZE,
        "labels": _yes("pod labels (instead of run=NAME)"),
        "leave-stdin-open": _no("keeps stdin open after the first attach", False),
        "override-type": _no("how --overrides is merged", "merge"),
        "overrides": _no("a JSON patch over the generated object", ""),
        "pod-running-timeout": _no("how long kubectl waits for the pod to run before attaching", "1m0s"),
        "port": _yes("the container's containerPort"),
        "privileged": _yes("securityContext.privileged: true"),
        "quiet": _no("suppresses kubectl's prompt messages when attaching", False),
        "recursive": _RECURSIVE,
        "restart": _yes("restartPolicy (Always, OnFailure, Never)"),
        "rm": _yes("with a command after --: runs it in a temporary pod, prints its output, deletes the pod"),
        "stdin": _yes("with --rm: the command runs attached and its output comes back"),
        "timeout": _TIMEOUT,
        "tty": _yes("with --rm -i: as -i (no terminal in a notebook)"),
        "wait": _no("with --rm: waits for the pod to be deleted", False),
    },
    "expose": {
        **_CREATE_COMMON,
        "cluster-ip": _yes("spec.clusterIP (None: headless)"),
        "external-ip": _yes("spec.externalIPs: the one address given"),
        "filename": _FILENAME,
        "kustomize": _KUSTOMIZE,
        "labels": _yes("the Service's labels instead of the exposed object's"),
        "load-balancer-ip": _yes("spec.loadBalancerIP (with --type=LoadBalancer)"),
        "name": _yes("the Service's name"),
        "override-type": _no("how --overrides is merged", "merge"),
        "overrides": _no("a JSON patch over the generated Service", ""),
        "port": _yes("the Service port"),
        "protocol": _yes("the port's protocol"),
        "recursive": _RECURSIVE,
        "selector": _yes("the Service's selector instead of the exposed object's"),
        "session-affinity": _yes("spec.sessionAffinity (ClientIP or None)"),
        "target-port": _yes("the port's targetPort"),
        "type": _yes("spec.type"),
    },
    "delete": {
        "all": _yes("every object of the type in the namespace"),
        "all-namespaces": _no("with --all or -l: in every namespace", False),
        "cascade": _no("background/foreground/orphan deletion of dependents (the garbage collector deletes "
                       "them in the background)", "background", "true"),
        "dry-run": _DRY_RUN,
        "field-selector": _no("picks the objects to delete by field", ""),
        "filename": _yes("deletes the objects the manifests name"),
        "force": _yes("with --grace-period=0: deletes at once, with kubectl's warning"),
        "grace-period": _yes("the pods' termination grace period (delete.go rules)"),
        "ignore-not-found": _yes("a name that is not found is skipped, without an error"),
        "interactive": _no("asks before deleting", False),
        "kustomize": _KUSTOMIZE,
        "now": _yes("--grace-period=1"),
        "output": _no("=name prints resource/name instead of the deleted line", ""),
        "raw": _no("DELETEs a raw API path", ""),
        "recursive": _RECURSIVE,
        "selector": _yes("deletes the objects the label selector matches"),
        "timeout": _TIMEOUT,
        "wait": _yes("=false returns before the objects are gone (the clock does not run)"),
    },
    "scale": {
        **_PRINT_CHANGE,
        "all": _ALL_NA,
        "current-replicas": _no("scales only if the current replica count is this", "-1"),
        "dry-run": _DRY_RUN,
        "filename": _FILENAME,
        "kustomize": _KUSTOMIZE,
        "recursive": _RECURSIVE,
        "replicas": _yes("the new replica count"),
        "resource-version": _no("scales only at this resourceVersion", ""),
        "selector": _SELECTOR_NA,
        "timeout": _TIMEOUT,
    },
    "label": {
        **_PRINT_CHANGE,
        "all": _yes("every object of the type in the namespace"),
        "all-namespaces": _no("with --all or -l: in every namespace", False),
        "dry-run": _DRY_RUN,
        "field-manager": _FIELD_MANAGER,
        "field-selector": _no("picks the objects to label by field", ""),
        "filename": _FILENAME,
        "kustomize": _KUSTOMIZE,
        "list": _no("lists the objects' labels", False),
        "local": _no("labels the -f objects locally, without a server", False),
        "overwrite": _yes("replaces a label's existing value"),
        "recursive": _RECURSIVE,
        "resource-version": _no("labels only at this resourceVersion", ""),
        "selector": _yes("labels the objects the label selector matches"),
    },
    "rollout": {},
    "rollout status": {
        **_ROLLOUT_FILES,
        "revision": _no("waits for this revision", "0"),
        "timeout": _yes("how long the simulated clock may run: then `timed out waiting for the condition`"),
        "watch": _no("=false prints the status once instead of waiting", True),
    },
    "rollout history": {**_ROLLOUT_FILES, **_PRINT_CHANGE, "output": _no("prints the revisions' pod templates "
                                                                         "as yaml|json", ""),
                        "revision": _yes("the pod template of one revision")},
    "rollout undo": {**_ROLLOUT_FILES, **_PRINT_CHANGE, "dry-run": _DRY_RUN,
                     "to-revision": _yes("the revision to roll back to (0: the previous one)")},
    "rollout restart": {**_ROLLOUT_FILES, **_PRINT_CHANGE, "field-manager": _FIELD_MANAGER},
    "exec": {
        "container": _yes("the container to run in"),
        "filename": _FILENAME,
        "pod-running-timeout": _no("how long kubectl waits for the pod to run", "1m0s"),
        "quiet": _no("suppresses kubectl's own messages", False),
        "stdin": _yes("attaches stdin: kubectl's output is the same when its stdin is not a terminal "
                      "(a notebook's)"),
        "tty": _yes("asks for a terminal: kubectl's output is the same when its stdin is not one"),
    },
    "cordon": {"dry-run": _DRY_RUN, "selector": _SELECTOR_NA},
    "uncordon": {"dry-run": _DRY_RUN, "selector": _SELECTOR_NA},
    "taint": {
        **_PRINT_CHANGE,
        "all": _ALL_NA,
        "dry-run": _DRY_RUN,
        "field-manager": _FIELD_MANAGER,
        "overwrite": _yes("replaces a taint with the same key and effect"),
        "selector": _SELECTOR_NA,
        "validate": _VALIDATE,
    },
    "logs": {
        "all-containers": _yes("every container's log"),
        "all-pods": _no("the logs of every pod of a Deployment or Service", False),
        "container": _yes("the container whose log is printed"),
        "follow": _no("keeps streaming new lines (served: `kubectl logs -f` against cluster.serve())", False),
        "ignore-errors": _yes("goes on after a pod's error (with -l)"),
        "insecure-skip-tls-verify-backend": _no("skips verifying the kubelet's certificate", False),
        "limit-bytes": _no("at most this many bytes", "0"),
        "max-log-requests": _no("how many logs kubectl streams at once", "5"),
        "pod-running-timeout": _no("how long kubectl waits for a pod to run", "20s"),
        "prefix": _yes("each line prefixed [pod/NAME/CONTAINER]"),
        "previous": _yes("the previous container instance's log"),
        "selector": _yes("the pods the label selector matches (10 lines each by default)"),
        "since": _no("lines newer than this duration", "0s"),
        "since-time": _no("lines newer than this RFC 3339 time", ""),
        "tail": _yes("the last N lines"),
        "timestamps": _yes("each line prefixed with its RFC 3339 timestamp"),
    },
    "drain": {
        "chunk-size": _CHUNK,
        "delete-emptydir-data": _yes("evicts pods with emptyDir volumes too"),
        "disable-eviction": _yes("deletes instead of evicting (PodDisruptionBudgets not checked)"),
        "dry-run": _DRY_RUN,
        "force": _yes("also deletes pods no controller manages"),
        "grace-period": _yes("the evicted pods' grace period"),
        "ignore-daemonsets": _yes("leaves DaemonSet pods, with kubectl's warning"),
        "pod-selector": _yes("evicts only the pods the selector matches"),
        "selector": _SELECTOR_NA,
        "skip-wait-for-delete-timeout": _no("stops waiting for pods whose deletion is that old", "0"),
        "timeout": _yes("how long the simulated clock may run before drain gives up"),
    },
    "auth": {},
    "auth can-i": {
        "all-namespaces": _yes("asks about every namespace (no namespace in the review)"),
        "list": _yes("the SelfSubjectRulesReview's rules as a table"),
        "no-headers": _yes("with --list: the table without its header"),
        "quiet": _yes("prints nothing; the exit status answers"),
        "subresource": _yes("the subresource asked about (pods/log: --subresource=log)"),
    },
    "auth whoami": {
        "allow-missing-template-keys": _KEYS,
        "output": _yes("yaml or json: the SelfSubjectReview"),
        "show-managed-fields": _MANAGED,
        "template": _TEMPLATE,
    },
})


def support(path: str, name: str) -> Support | None:
    """How the simulator treats ``--name`` of ``kubectl path`` (None: not a flag of it)."""
    return COMMANDS.get(path, {}).get(name) or GLOBAL.get(name)


def _same(value, accepted) -> bool:
    if isinstance(value, bool) or isinstance(accepted, bool):
        return value is accepted
    return str(value) == str(accepted) or (value == () and accepted == ())


def check(path: str, flags: dict) -> None:
    """Refuse the first flag given that the simulator does not model (UsageError), unless its
    value leaves kubectl's behaviour as it is without the flag."""
    for key, value in flags.items():
        found = support(path, key[2:])
        if found is None or found.implemented or any(_same(value, a) for a in found.accepts):
            continue
        if key == "--v" and int(str(value)) <= 0:  # klog: nothing is logged at level 0 or below
            continue
        shown = f"--{key[2:]}" if isinstance(value, bool) and value else f"--{key[2:]}={_text(value)}"
        raise UsageError(f"error: k8snet does not simulate {shown} for `kubectl {path}` (real kubectl: "
                         f"{found.note}); leave the flag out, or run the real kubectl against cluster.serve()")


def _text(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value).lower() if isinstance(value, bool) else str(value)


def unclassified() -> list[str]:
    """Flags of flagsets.py that this table does not classify (the tests want none)."""
    out = [f"(global) --{r.split('|')[1]}" for r in flagsets.GLOBAL if r.split("|")[1] not in GLOBAL]
    for path, rows in flagsets.COMMANDS.items():
        out += [f"{path} --{r.split('|')[1]}" for r in rows if r.split("|")[1] not in COMMANDS.get(path, {})]
    return out
