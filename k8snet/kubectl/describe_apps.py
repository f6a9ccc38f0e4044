"""``kubectl describe`` for the workload controllers besides Deployment and for Namespaces and
ConfigMaps, ServiceAccounts (kubectl ``pkg/describe/describe.go``: describeReplicaSet,
describeStatefulSet, describeDaemonSet, describeNamespace, describeConfigMap, describeServiceAccount)."""
from __future__ import annotations

from typing import Mapping

from .cells import format_label_selector, format_labels
from .describe_common import (PrefixWriter, describe_events, print_annotations_multiline, print_labels_multiline,
                              rfc1123z)
from .cells import _selector_string
from .describe_workloads import _pod_template

__all__ = ["describe_replicaset", "describe_statefulset", "describe_daemonset", "describe_namespace",
           "describe_configmap"]


def _pods_status(obj: Mapping, related: Mapping) -> str:
    """getPodStatusForController: the pods the controller owns, counted by phase."""
    uid = (obj.get("metadata") or {}).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in related.get("pods") or []:
        refs = (pod.get("metadata") or {}).get("ownerReferences") or []
        if any(r.get("uid") == uid and r.get("controller") for r in refs):
            phase = (pod.get("status") or {}).get("phase")
            if phase in counts:
                counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def _controller(meta: Mapping) -> str:
    ref = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    return f"{ref.get('kind')}/{ref.get('name')}" if ref else ""


def describe_replicaset(rs: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeReplicaSet."""
    w, meta, spec, status = PrefixWriter(), rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    if _controller(meta):
        w.write(0, f"Controlled By:\t{_controller(meta)}\n")
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 0)} desired\n")
    w.write(0, f"Pods Status:\t{_pods_status(rs, related)}\n")
    _pod_template(w, spec.get("template") or {})
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type')} \t{cond.get('status')}\t{cond.get('reason', '')}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_statefulset(sts: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeStatefulSet (with describeVolumeClaimTemplates)."""
    w, meta, spec, status = PrefixWriter(), sts.get("metadata") or {}, sts.get("spec") or {}, sts.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Selector:\t{_selector_string(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Replicas:\t{spec.get('replicas', 0)} desired | {status.get('replicas', 0)} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if ru and ru.get("partition") is not None:
        w.write(1, f"Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{ru['maxUnavailable']}\n")
    w.write(0, f"Pods Status:\t{_pods_status(sts, related)}\n")
    _pod_template(w, spec.get("template") or {})
    templates = spec.get("volumeClaimTemplates") or []
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
    else:
        w.write(0, "Volume Claims:\n")
        for pvc in templates:
            pm, ps = pvc.get("metadata") or {}, pvc.get("spec") or {}
            w.write(1, f"Name:\t{pm.get('name', '')}\n")
            w.write(1, f"StorageClass:\t{ps.get('storageClassName') or ''}\n")
            print_labels_multiline(w, "  Labels", pm.get("labels"))
            print_annotations_multiline(w, "  Annotations", pm.get("annotations"))
            storage = ((ps.get("resources") or {}).get("requests") or {}).get("storage")
            w.write(1, f"Capacity:\t{storage if storage is not None else '<default>'}\n")
            w.write(1, f"Access Modes:\t{','.join(ps.get('accessModes') or [])}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_daemonset(ds: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeDaemonSet."""
    w, meta, spec, status = PrefixWriter(), ds.get("metadata") or {}, ds.get("spec") or {}, ds.get("status") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")  # no Namespace line for a DaemonSet, as upstream
    w.write(0, f"Selector:\t{_selector_string(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels(template_spec.get('nodeSelector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled', 0)}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled', 0)}\n")
    w.write(0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.get('updatedNumberScheduled', 0)}\n")
    w.write(0, f"Number of Nodes Scheduled with Available Pods: {status.get('numberAvailable', 0)}\n")
    w.write(0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled', 0)}\n")
    w.write(0, f"Pods Status:\t{_pods_status(ds, related)}\n")
    _pod_template(w, spec.get("template") or {})
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_namespace(ns: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeNamespace: no ResourceQuotas or LimitRanges exist in k8snet."""
    w, meta = PrefixWriter(), ns.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(ns.get('status') or {}).get('phase', '')}\n")
    w.write(0, "\nNo resource quota.\n")
    w.write(0, "\nNo LimitRange resource.\n")
    return w.getvalue()


def describe_configmap(cm: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeConfigMap: each key, a ``----`` line, the value (keys sorted)."""
    w, meta = PrefixWriter(), cm.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "\nData\n====\n")
    for key, value in sorted((cm.get("data") or {}).items()):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{value}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for key, value in sorted((cm.get("binaryData") or {}).items()):
        w.write(0, f"{key}: {len(__import__('base64').b64decode(value or ''))} bytes\n")
    w.write(0, "\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_service_account(sa: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeServiceAccount as kubectl v1.37 prints it (measured against the real
    binary): name, namespace, labels, annotations, the image pull secrets (``<none>``, else one
    per line under the header), events.  The deprecated ``Mountable secrets`` and ``Tokens``
    lists of older releases are gone, and so is the ``(not found)`` mark."""
    w, meta = PrefixWriter(), sa.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    pulls = [r.get("name", "") for r in sa.get("imagePullSecrets") or [] if isinstance(r, Mapping)]
    if not pulls:
        w.write(0, "Image pull secrets:\t<none>\n")
    for i, name in enumerate(pulls):
        w.write(0, f"{'Image pull secrets:' if i == 0 else ' ' * 19}\t{name}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()
