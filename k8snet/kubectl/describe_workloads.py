"""``kubectl describe`` for Pods, Deployments and Nodes (kubectl ``pkg/describe/describe.go``:
describePod, describeDeployment, DescribePodTemplate, describeContainers, describeNode).

A faithful subset: volumes print their names only.  A Node's Lease is read from the store
(the simulated kubelets write Leases only while the cluster is served: controllers/nodelease.py).
"""
from __future__ import annotations

from typing import Mapping

from ..clock import age
from .cells import _selector_string, find_node_roles
from .describe_volumes import describe_volumes
from .quantity import quantity_sum as _sum, quantity_value as _quantity
from .describe_common import (PrefixWriter, describe_events, describe_node_lease, print_annotations_multiline,
                              print_labels_multiline, rfc1123z, string_or_none)

__all__ = ["describe_pod", "describe_deployment", "describe_node"]


def _ports_text(ports: list, key: str) -> str:
    # describeContainerPorts / describeContainerHostPorts: "80/TCP (http), 443/TCP".
    parts = []
    for p in ports or []:
        text = f"{p.get(key, 0)}/{p.get('protocol', 'TCP')}"
        parts.append(f"{text} ({p['name']})" if p.get("name") else text)
    return ", ".join(parts)


def _probe(probe: Mapping) -> str:
    # describe.go DescribeProbe (defaults as the API server fills them in); kubectl v1.37
    # names the thresholds successThreshold=/failureThreshold= (checked against the real binary).
    attrs = (f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
             f"period={probe.get('periodSeconds', 10)}s successThreshold={probe.get('successThreshold', 1)} "
             f"failureThreshold={probe.get('failureThreshold', 3)}")
    if probe.get("exec"):
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet"):
        h = probe["httpGet"]
        host, port = h.get("host", ""), h.get("port", "")
        hostport = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if str(port) else host
        return f"http-get {h.get('scheme', 'HTTP').lower()}://{hostport}{h.get('path', '')} {attrs}"
    if probe.get("tcpSocket"):
        t = probe["tcpSocket"]
        return f"tcp-socket {t.get('host', '')}:{t.get('port', '')} {attrs}"
    if probe.get("grpc"):
        return f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: PrefixWriter, name: str, state: Mapping) -> None:
    # describe.go describeStatus.
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal"):
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _containers(w: PrefixWriter, label: str, containers: list, statuses: list | None, space: str) -> None:
    # describe.go describeContainers (resources, env-from and devices omitted when absent).
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    name_indent = " " if space else ""
    for ctr in containers:
        status = by_name.get(ctr.get("name"))
        w.write(1, f"{name_indent}{ctr.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{ctr.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = _ports_text(ctr.get("ports"), "containerPort")
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{string_or_none(ports)}\n")
        host_ports = _ports_text(ctr.get("ports"), "hostPort")
        w.write(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports
                else f"Host Port:\t{string_or_none(host_ports)}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            if ctr.get(key):
                w.write(2, f"{title}:\n")
                for item in ctr[key]:
                    for line in str(item).split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                _state(w, "Last State", last)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        resources = ctr.get("resources") or {}
        for key, title in (("limits", "Limits"), ("requests", "Requests")):
            if resources.get(key):
                w.write(2, f"{title}:\n")
                for rname in sorted(resources[key]):
                    w.write(3, f"{rname}:\t{resources[key][rname]}\n")
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"),
                           ("startupProbe", "Startup")):
            if ctr.get(key):
                w.write(2, f"{title}:\t{_probe(ctr[key])}\n")
        env = ctr.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            if "valueFrom" not in e:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
            elif (e["valueFrom"] or {}).get("fieldRef"):
                ref = e["valueFrom"]["fieldRef"]
                w.write(3, f"{e.get('name')}:\t ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n")
        mounts = sorted(ctr.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _tolerations(w: PrefixWriter, title: str, tolerations: list) -> None:
    # describe.go printTolerationsMultilineWithIndent.
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _qos(pod: Mapping) -> str:
    # A subset of qos.GetPodQOS: requests/limits on every container, equal -> Guaranteed.
    resources = [(c.get("resources") or {}) for c in (pod.get("spec") or {}).get("containers") or []]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    if all(r.get("limits") and set(r["limits"]) >= {"cpu", "memory"}
           and all(r.get("requests", r["limits"]).get(k) == v for k, v in r["limits"].items())
           for r in resources):
        return "Guaranteed"
    return "Burstable"


def describe_pod(pod: Mapping, related: Mapping, now: float) -> str:
    """describe.go describePod."""
    w = PrefixWriter()
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.write(0, f"Node:\t{node}/{status.get('hostIP', '')}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {age(meta['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 30)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    for key, title in (("reason", "Reason"), ("message", "Message")):
        if status.get(key):
            w.write(0, f"{title}:\t{status[key]}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    if not status.get("podIPs"):
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in status["podIPs"]:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind')}/{owner.get('name')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), "")
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), "")
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            w.write(1, f"{gate.get('conditionType')} \t{conditions.get(gate.get('conditionType'), '<none>')} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type')} \t{cond.get('status')} \n")
    describe_volumes(w, spec.get("volumes") or [], "")
    w.write(0, f"QoS Class:\t{_qos(pod)}\n")
    print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations") or [])
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def _pod_template(w: PrefixWriter, template: Mapping) -> None:
    # describe.go DescribePodTemplate.
    w.write(0, "Pod Template:\n")
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    print_labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, "  ")
    describe_volumes(w, spec.get("volumes") or [], "  ")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "  Tolerations", spec.get("tolerations") or [])


def _rs_list(replicasets: list) -> str:
    # describe.go printReplicaSetsByLabels.
    return ", ".join(f"{(rs.get('metadata') or {}).get('name')} ({(rs.get('status') or {}).get('replicas', 0)}/"
                     f"{(rs.get('spec') or {}).get('replicas', 0)} replicas created)" for rs in replicasets) or "<none>"


def describe_deployment(d: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeDeployment; ``related``: ``old_replicasets``, ``new_replicaset``, ``events``."""
    w, meta, spec, status = PrefixWriter(), d.get("metadata") or {}, d.get("spec") or {}, d.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{_selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 0)} desired | {status.get('updatedReplicas', 0)} updated | "
               f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if strategy.get("rollingUpdate"):
        ru = strategy["rollingUpdate"]
        w.write(0, f"RollingUpdateStrategy:\t{ru.get('maxUnavailable')} max unavailable, "
                   f"{ru.get('maxSurge')} max surge\n")
    _pod_template(w, spec.get("template") or {})
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type')} \t{cond.get('status')}\t{cond.get('reason', '')}\n")
    old, new = related.get("old_replicasets") or [], related.get("new_replicaset")
    new = [new] if isinstance(new, Mapping) else list(new or [])
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_rs_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_list(new)}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_node(node: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeNode (``related["lease"]``: the node's Lease or None)."""
    w, meta, spec, status = PrefixWriter(), node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(find_node_roles(node)) or '<none>'}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints = spec.get("taints") or []
    w.write(0, "Taints:\t")
    if not taints:
        w.write_line("<none>")
    for i, t in enumerate(taints):
        w.write(0, ("\t" if i else "") + f"{t.get('key')}" + (f"={t['value']}" if t.get("value") else "")
                + f":{t.get('effect')}\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    if "lease" in related:
        describe_node_lease(w, meta.get("name", ""), related["lease"])
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for key, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for rname in sorted(status[key]):
                w.write(0, f"  {rname}:\t{status[key][rname]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for key, title in (("machineID", "Machine ID"), ("systemUUID", "System UUID"), ("bootID", "Boot ID"),
                       ("kernelVersion", "Kernel Version"), ("osImage", "OS Image"),
                       ("operatingSystem", "Operating System"), ("architecture", "Architecture"),
                       ("containerRuntimeVersion", "Container Runtime Version"),
                       ("kubeletVersion", "Kubelet Version")):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _describe_node_resource(w, node, related.get("pods") or [], now)
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def _pod_resources(pod: Mapping, kind: str, name: str) -> list:
    return [r[name] for c in (pod.get("spec") or {}).get("containers") or []
            if name in (r := ((c.get("resources") or {}).get(kind) or {}))]


def _fraction(values: list, allocatable) -> str:
    total, cap = sum(_quantity(v) for v in values), _quantity(allocatable or 0)
    return f"{_sum(values)} ({int(total / cap * 100) if cap else 0}%)"


def _describe_node_resource(w: PrefixWriter, node: Mapping, pods, now: float) -> None:
    """describe.go describeNodeResource: the node's non-terminated pods (listed with the field
    selector spec.nodeName=NODE,status.phase!=Succeeded,status.phase!=Failed, so in name
    order) with their requests and limits, then the totals against allocatable."""
    name, alloc = node["metadata"]["name"], (node.get("status") or {}).get("allocatable") or {}
    mine = sorted((p for p in pods if (p.get("spec") or {}).get("nodeName") == name
                   and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")),
                  key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
    w.write(0, f"Non-terminated Pods:\t({len(mine)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    totals: dict[tuple[str, str], list] = {}
    for p in mine:
        cells = []
        for kind, res in (("requests", "cpu"), ("limits", "cpu"), ("requests", "memory"), ("limits", "memory")):
            values = _pod_resources(p, kind, res)
            totals.setdefault((kind, res), []).extend(values)
            cells.append(_fraction(values, alloc.get(res)))
        w.write(1, f"{p['metadata'].get('namespace', '')}\t{p['metadata']['name']}\t\t" + "\t".join(cells)
                + f"\t{age(p['metadata'].get('creationTimestamp'), now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    extended = sorted(r for r in alloc if r.startswith("hugepages-"))
    for res in ["cpu", "memory", "ephemeral-storage"] + extended:
        requests = totals.get(("requests", res)) or [v for p in mine for v in _pod_resources(p, "requests", res)]
        limits = totals.get(("limits", res)) or [v for p in mine for v in _pod_resources(p, "limits", res)]
        w.write(1, f"{res}\t{_fraction(requests, alloc.get(res))}\t{_fraction(limits, alloc.get(res))}\n")
