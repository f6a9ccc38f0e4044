"""Checks on one Service, in the order of the upstream guide "Debug Services"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import labels, workloads
from ..controllers.endpointslice import find_port, pod_is_ready
from ..errors import UsageError
from .families import missing_family
from .findings import *  # noqa: F403
from .findings import _sel, _pod_ref, _match, _names, _owner, _live_pods, _crashing, _listening, _node_down  # noqa: F401
from .pods import failed_node, not_ready, waiting

__all__ = ["service_findings", "unknown_service"]


def _service(cluster, svc: dict) -> list[Finding]:
    spec, ns, name = svc["spec"], svc["metadata"]["namespace"], svc["metadata"]["name"]
    if spec.get("type") == "ExternalName":
        return _external_name(cluster, svc)
    out: list[Finding] = []
    if spec.get("type") == "LoadBalancer" and not ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
        out.append(_lb_pending(cluster, svc))
    selector = spec.get("selector") or {}
    if not selector:
        out += _manual_endpoints(cluster, svc)
        return out + _kube_proxy(cluster, svc)
    pods = [p for p in _live_pods(cluster, ns) if _match(selector, p)]
    if not pods:
        out += _recreate_rollout(cluster, svc) or [_no_pods(cluster, svc)]
        return out
    out += _too_broad(cluster, svc, pods)
    down = [p for p in pods if _node_down(cluster, p["spec"].get("nodeName"))]
    if down:
        out.append(failed_node(down, len(pods)))
    up = [p for p in pods if p not in down]
    out += waiting(cluster, [p for p in up if not (p.get("status") or {}).get("podIP")], len(pods))
    out += _ports(cluster, svc, [p for p in up if not _crashing(p) and (p.get("status") or {}).get("podIP")])
    crashing = [p for p in up if _crashing(p)]
    if crashing:
        restarts = max(cs.get("restartCount", 0) for p in crashing for cs in p["status"]["containerStatuses"])
        out.append(Finding(
            what=f"pod {_names(crashing)} is in CrashLoopBackOff ({restarts} restarts): "
                 f"{len(crashing)} of {len(pods)} selected pods",
            why="the container exits right after it starts, so nothing listens and the pod is never Ready: "
                "the EndpointSlice lists it as ready=false and kube-proxy sends it no traffic",
            fix=f"read why it exits with `kubectl logs {_pod_ref(crashing[0])} --previous` and fix the command, "
                "image or configuration (here: remove the k8snet.io/crash-loop annotation from the pod template)",
            severity=ERROR if len(crashing) == len(pods) else WARNING,
            evidence=f"kubectl get pods -l {_sel(selector)}"))
    out += _recreate_rollout(cluster, svc)
    unready = [p for p in up if not _crashing(p) and not pod_is_ready(p) and (p.get("status") or {}).get("podIP")
               and not spec.get("publishNotReadyAddresses")]
    if unready:
        out.append(not_ready(unready, len(pods)))
    out += _kube_proxy(cluster, svc)
    out += _policy(cluster, svc, [p for p in up if pod_is_ready(p)])
    return out


def _unknown_service(cluster, name: str, ns: str) -> Finding:
    names = sorted({s["metadata"]["name"] for s in cluster.store.items("Service", ns)})
    near = sorted(names, key=lambda n: (edit_distance(n, name), n))
    other = sorted({s["metadata"]["namespace"] for s in cluster.store.items("Service") if s["metadata"]["name"] == name})
    hint = (f"did you mean {near[0]}? " if near and edit_distance(near[0], name) <= max(2, len(name) // 3) else "")
    if other:
        hint += f"a Service {name} exists in namespace {', '.join(other)}: use {name}.{other[0]} from {ns}. "
    return Finding(
        what=f'service "{name}" not found in namespace {ns}', severity=ERROR,
        why=f"no Service, so CoreDNS has no record {name}.{ns}.svc.cluster.local and clients get NXDOMAIN "
            "(curl: could not resolve host)",
        fix=(hint or "") + f"create the Service (kubectl expose deployment/{name} --port=80) or use an existing name"
            + (f" ({', '.join(names)})" if names else ""),
        evidence=f"kubectl get svc -n {ns}")


def _no_pods(cluster, svc: dict) -> Finding:
    """Empty endpoints: find the labels that *do* exist and look most like the selector."""
    ns, name, selector = svc["metadata"]["namespace"], svc["metadata"]["name"], svc["spec"]["selector"]
    elsewhere = sorted({p["metadata"]["namespace"] for p in _live_pods(cluster, None)
                        if p["metadata"]["namespace"] != ns and _match(selector, p)})
    pairs = {(k, v) for p in _live_pods(cluster, ns) for k, v in (p["metadata"].get("labels") or {}).items()
             if k != "pod-template-hash"}
    guess = {}
    for k, v in sorted(selector.items()):
        if (k, v) in pairs:
            continue
        best = min(sorted(pairs), key=lambda kv: edit_distance(k, kv[0]) + edit_distance(v, kv[1]), default=None)
        if best and edit_distance(k, best[0]) + edit_distance(v, best[1]) <= max(3, (len(k) + len(v)) // 3):
            guess[k] = best
    hint = ""
    if guess:
        fixed = {**{k: v for k, v in selector.items() if k not in guess}, **dict(guess.values())}
        holders = [p for p in _live_pods(cluster, ns) if _match(fixed, p)]
        shown = ", ".join(f"{a}={b}" for a, b in guess.values())
        hint = (f"; pods with {shown} exist ({_names(holders)}) — did you mean {shown}?" if holders
                else f"; the nearest labels that exist are {shown}")
    if elsewhere:
        hint += f"; pods with {_sel(selector)} exist in namespace {', '.join(elsewhere)}, but a Service only " \
                f"selects pods of its own namespace ({ns})"
    fix = (f"change the Service's selector to {_sel(fixed)} (or relabel the pods to {_sel(selector)})"
           if guess and holders else "make spec.selector equal the labels in the pod template (kubectl get pods "
           "--show-labels), or create the workload")
    return Finding(
        what=f"the selector {_sel(selector)} of service/{name} matches no pod{hint}", severity=ERROR,
        why="the EndpointSlice controller lists only pods whose labels match spec.selector, so the Service has "
            "no endpoints and kube-proxy REJECTs every connection (curl: connection refused)",
        fix=fix, evidence=f"kubectl get endpointslices -l kubernetes.io/service-name={name}; "
                          f"kubectl get pods --show-labels -n {ns}")


def _too_broad(cluster, svc: dict, pods: list[dict]) -> list[Finding]:
    groups: dict[str, list[dict]] = {}
    for p in pods:
        groups.setdefault(_owner(cluster, p), []).append(p)
    # Two groups running the same images (a canary, blue/green versions) are one app on purpose.
    apps = {g: frozenset(c["image"].rsplit(":", 1)[0] for p in ps for c in p["spec"]["containers"])
            for g, ps in groups.items()}
    if len(set(apps.values())) < 2:
        return []
    name = svc["metadata"]["name"]
    mine = next((g for g in sorted(groups) if g.split(" ", 1)[1] == name), sorted(groups)[0])
    others = [p for g, ps in groups.items() if g != mine for p in ps]
    common = set.intersection(*[set((p["metadata"].get("labels") or {}).items()) for p in groups[mine]])
    distinct = sorted((k, v) for k, v in common if k != "pod-template-hash"
                      and all((p["metadata"].get("labels") or {}).get(k) != v for p in others))
    extra = f"add {distinct[0][0]}={distinct[0][1]} to spec.selector" if distinct else \
        f"give the pods of {mine} a label the others do not have, and add it to spec.selector"
    shown = "; ".join(f"{g} ({len(ps)} pod{'s' if len(ps) > 1 else ''})" for g, ps in sorted(groups.items()))
    return [Finding(
        what=f"the selector {_sel(svc['spec']['selector'])} of service/{name} selects pods of "
             f"{len(groups)} workloads: {shown}", severity=WARNING,
        why="every selected pod becomes an endpoint, so kube-proxy spreads requests over all of them and some "
            "land on an app that is not the one this Service is for",
        fix=f"narrow the selector to {mine}: {extra}",
        evidence=f"kubectl get pods -l {_sel(svc['spec']['selector'])} --show-labels")]


def _ports(cluster, svc: dict, pods: list[dict]) -> list[Finding]:
    out, name = [], svc["metadata"]["name"]
    for sp in svc["spec"].get("ports") or []:
        target = sp.get("targetPort", sp["port"])
        label = f"port {sp['port']} (targetPort {target})"
        unnamed = [p for p in pods if find_port(p, sp) is None]
        if unnamed:
            names = sorted({cp["name"] for p in unnamed for c in p["spec"]["containers"] for cp in c.get("ports") or []
                            if cp.get("name")})
            near = min(names, key=lambda n: (edit_distance(n, str(target)), n), default=None)
            out.append(Finding(
                what=f"service/{name} {label}: no container of pod {_names(unnamed)} declares a port named "
                     f"{target!r}" + (f" (they name: {', '.join(names)})" if names else " (their ports have no names)"),
                why="a named targetPort is looked up in each pod's containers[].ports[].name; a pod without it "
                    "is left out of the EndpointSlice, so it gets no traffic",
                fix=(f"set targetPort: {near}" if near else "name the container port")
                    + f" — or name the container port {target!r} in the pod template",
                severity=ERROR if len(unnamed) == len(pods) else WARNING,
                evidence=f"kubectl get pod {_pod_ref(unnamed[0])} -o jsonpath='{{.spec.containers[*].ports}}'"))
            continue
        for num in sorted({find_port(p, sp) for p in pods}):
            deaf = [p for p in pods if find_port(p, sp) == num and not any(
                workloads.app_for(p, c).listens(num, sp.get("protocol", "TCP")) for c in p["spec"]["containers"])]
            if not deaf:
                continue
            loop = [p for p in deaf if any(workloads.app_for(p, c).bind == "127.0.0.1"
                                           and (num, sp.get("protocol", "TCP")) in workloads.app_for(p, c).ports
                                           for c in p["spec"]["containers"])]
            if loop:
                out.append(Finding(
                    what=f"the app in pod {_names(loop)} listens on 127.0.0.1:{num} only", severity=ERROR,
                    why="connections through the Service arrive on the pod IP, not on loopback, so the pod refuses "
                        "them (curl: connection refused); from inside the pod (kubectl exec … curl localhost) it works",
                    fix=f"make the app bind 0.0.0.0:{num} (e.g. --host=0.0.0.0; here: remove the "
                        "k8snet.io/listen-address annotation)",
                    evidence=f"kubectl exec {_pod_ref(loop[0])} -- netstat -tln"))
                continue
            listens = _listening(deaf[0])
            out.append(Finding(
                what=f"service/{name} {label} sends to port {num}, but nothing listens there in pod "
                     f"{_names(deaf)}: " + (f"it listens on {', '.join(listens)}" if listens else "it listens on no port"),
                why="kube-proxy DNATs to podIP:targetPort; with no socket on that port the pod answers with a TCP "
                    "reset (curl: connection refused). containerPort is informational and does not change this",
                fix=(f"set targetPort: {listens[0].split('/')[0]}" if listens else "run an app that listens")
                    + f" on the Service (or make the app listen on {num})",
                severity=ERROR if len(deaf) == len(pods) else WARNING,
                evidence=f"kubectl describe svc {name}; kubectl exec {_pod_ref(deaf[0])} -- netstat -tln"))
    return out


def _kube_proxy(cluster, svc: dict) -> list[Finding]:
    """A node whose kube-proxy stopped keeps the rules it wrote (nobody flushes them): a Service
    created since has no rule there, and endpoint changes since are not applied."""
    if svc["spec"].get("clusterIP") in (None, "None"):
        return []
    stopped = sorted(n for n, up in cluster.kube_proxy.running.items() if not up)
    if not stopped:
        return []
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    evidence = ("kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide; on the node: "
                f"iptables-save -t nat | grep {ns}/{name}")
    fix = ("restart kube-proxy there (kubectl -n kube-system delete pod <kube-proxy pod on that node>; the "
           "DaemonSet recreates it and it resyncs every rule) — here: cluster.start_kube_proxy(node)")
    missing, stale = [], []
    for node in stopped:
        state = cluster.kube_proxy.state(node)
        have = {str(k): sorted(f"{e.ip}:{e.port}" for e in eps if e.ready)
                for k, eps in state.endpoints_map().items() if (k.namespace, k.name) == (ns, name)}
        if not any((k.namespace, k.name) == (ns, name) for k in state.service_port_map()):
            missing.append(node)
            continue
        now = cluster.kube_proxy.fresh(node)
        want = {str(k): sorted(f"{e.ip}:{e.port}" for e in eps if e.ready)
                for k, eps in now.endpoints_map().items() if (k.namespace, k.name) == (ns, name)}
        if want != have:
            stale.append(node)
    out = []
    if missing:
        out.append(Finding(
            what=f"kube-proxy is not running on {', '.join(missing)}, and it stopped before {ns}/{name} existed: "
                 "no rule there translates its ClusterIP", severity=ERROR,
            why=f"kube-proxy's rules stay on a node after it stops, but nothing adds new ones: pods on that node "
                f"(and NodePorts there) reach older Services on the stale rules, while {svc['spec']['clusterIP']} "
                "goes to the default route and nobody answers (curl: connection timed out); other nodes work",
            fix=fix, evidence=evidence))
    if stale:
        out.append(Finding(
            what=f"kube-proxy is not running on {', '.join(stale)}: the rules there still list the endpoints "
                 f"{ns}/{name} had when it stopped", severity=WARNING,
            why="endpoint changes (new, deleted or unready pods) are not applied on that node: requests from there "
                "still go to the old endpoints, which time out or are refused once those pods are gone",
            fix=fix, evidence=evidence))
    if not out:
        out.append(Finding(
            what=f"kube-proxy is not running on {', '.join(stopped)}", severity=WARNING,
            why=f"{ns}/{name} still works from there on the rules it left behind, but the next change (a new "
                "pod, a rollout, a new Service) will not reach that node",
            fix=fix, evidence=evidence))
    return out


def _policy(cluster, svc: dict, ready: list[dict]) -> list[Finding]:
    """Every would-be client denied by NetworkPolicy: the Service is unusable."""
    if not ready or not list(cluster.store.items("NetworkPolicy")):
        return []
    sp = (svc["spec"].get("ports") or [None])[0]
    pod = ready[0]
    port = find_port(pod, sp) if sp else None
    if port is None:
        return []
    ns = svc["metadata"]["namespace"]
    clients = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in _live_pods(cluster, None)
               if (p.get("status") or {}).get("podIP") and p["metadata"]["namespace"] not in SYSTEM_NAMESPACES
               and p not in ready]
    dst = f"{ns}/{pod['metadata']['name']}"
    verdicts = [cluster.allowed(c, dst, port) for c in clients]
    if not verdicts or any(verdicts):
        return []
    names = sorted({p for v in verdicts for p in v.ingress_policies + v.egress_policies})
    return [Finding(
        what=f"NetworkPolicy {', '.join(names)} drops every connection to service/{svc['metadata']['name']}'s "
             f"pods on port {port} ({len(clients)} client pods checked)", severity=ERROR,
        why=verdicts[0].reason + " — dropped packets get no reply (curl: connection timed out)",
        fix="add an ingress rule that allows the clients (podSelector/namespaceSelector) on this port",
        evidence=f"kubectl get networkpolicy -n {ns}; kubectl describe networkpolicy {names[0] if names else ''}")]


def _lb_pending(cluster, svc: dict) -> Finding:
    name = svc["metadata"]["name"]
    return Finding(
        what=f"service/{name} is type LoadBalancer and its EXTERNAL-IP is <pending>", severity=ERROR,
        why="no cloud controller manager runs in this cluster (bare metal / minikube), so nobody provisions a load "
            "balancer or writes status.loadBalancer.ingress; there is no external address to connect to",
        fix="run `minikube tunnel`, install MetalLB, use type: NodePort and a node's IP, or run on a cloud "
            "(here: Cluster(cloud='gcp'))",
        evidence=f"kubectl get svc {name}")


def _external_name(cluster, svc: dict) -> list[Finding]:
    host = svc["spec"].get("externalName", "").rstrip(".")
    if cluster.resolve(host + ".").rcode == "NOERROR":
        return []
    known = sorted(cluster.external_hosts)
    near = min(known, key=lambda h: (edit_distance(h, host), h), default=None)
    return [Finding(
        what=f"service/{svc['metadata']['name']} is an ExternalName for {host}, which does not resolve (NXDOMAIN)",
        why="CoreDNS answers the Service name with a CNAME to externalName and the client's resolver then asks "
            "for that host; nobody knows it, so curl says could not resolve host",
        fix=(f"did you mean {near}? " if near else "") + "set spec.externalName to a host that resolves",
        severity=ERROR, evidence=f"kubectl get svc {svc['metadata']['name']}; kubectl exec <pod> -- nslookup {host}")]


def _manual_endpoints(cluster, svc: dict) -> list[Finding]:
    name, ns = svc["metadata"]["name"], svc["metadata"]["namespace"]
    eps = [e for s in cluster.store.items("EndpointSlice", ns)
           if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name
           for e in s.get("endpoints") or []]
    if eps:
        return missing_family(cluster, svc)
    return [Finding(
        what=f"service/{name} has no selector and no EndpointSlice lists endpoints for it", severity=ERROR,
        why="without a selector no controller fills endpoints; you must create them, else kube-proxy REJECTs "
            "connections (connection refused)",
        fix=f"create an EndpointSlice labelled kubernetes.io/service-name={name} with the backend addresses, "
            "or add a selector", evidence=f"kubectl get endpointslices -l kubernetes.io/service-name={name}")]


def _recreate_rollout(cluster, svc: dict) -> list[Finding]:
    ns, selector = svc["metadata"]["namespace"], svc["spec"]["selector"]
    pods = [p for p in _live_pods(cluster, ns) if _match(selector, p)]
    if any(pod_is_ready(p) for p in pods):
        return []
    out = []
    for d in cluster.store.items("Deployment", ns):
        tmpl = ((d["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
        rss = [r for r in cluster.store.items("ReplicaSet", ns)
               if any(o.get("uid") == d["metadata"].get("uid") for o in r["metadata"].get("ownerReferences") or [])]
        if ((d["spec"].get("strategy") or {}).get("type") == "Recreate" and labels.from_map(selector).matches(tmpl)
                and len(rss) > 1 and (d.get("status") or {}).get("availableReplicas", 0) < d["spec"].get("replicas", 1)):
            out.append(Finding(
                what=f"deployment/{d['metadata']['name']} (strategy Recreate) is rolling out: its old pods are gone "
                     f"and the new ones are not Ready yet, so service/{svc['metadata']['name']} has no ready endpoint",
                why="Recreate deletes every old pod before it creates the new ones; until a new pod passes its "
                    "readiness probe the Service has zero endpoints and connections are refused",
                fix="use strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}} so old "
                    "pods serve until new ones are Ready", severity=ERROR,
                evidence=f"kubectl rollout status deployment/{d['metadata']['name']}; kubectl get endpointslices"))
    return out


# -- a request --------------------------------------------------------------------------

service_findings = _service
unknown_service = _unknown_service
