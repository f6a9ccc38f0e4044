"""Small hand-written API objects (as the API server stores them, status included)."""
from __future__ import annotations

from k8snet.clock import rfc3339

T0 = rfc3339(0)          # created at the start of the simulated clock
NOW = 3 * 3600 + 125     # "now" for every test: 3h2m5s later


def meta(name, ns="default", t=0, **extra):
    m = {"name": name, "creationTimestamp": rfc3339(t), "uid": f"uid-{name}", "resourceVersion": "100"}
    if ns is not None:
        m["namespace"] = ns
    m.update(extra)
    return m


def service(name="web", type_="ClusterIP", ports=None, selector=None, cluster_ip="10.96.12.34", **spec):
    s = {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, labels={"app": name}),
         "spec": {"type": type_, "clusterIP": cluster_ip, "clusterIPs": [cluster_ip] if cluster_ip != "None" else ["None"],
                  "ports": ports if ports is not None else [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                  "selector": selector if selector is not None else {"app": name},
                  "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                  "internalTrafficPolicy": "Cluster"},
         "status": {"loadBalancer": {}}}
    s["spec"].update(spec)
    if type_ in ("NodePort", "LoadBalancer"):
        s["spec"].setdefault("externalTrafficPolicy", "Cluster")
    if type_ == "ExternalName":
        for k in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
            s["spec"].pop(k, None)
    return s


def pod(name, *, node="node-1", ip="10.244.1.5", phase="Running", ready=True, restarts=0,
        waiting=None, last_finished=None, labels=None, deleting=False, t=0):
    cs = {"name": "web", "image": "nginx:1.27", "imageID": "docker.io/library/nginx@sha256:abc",
          "containerID": f"containerd://{name}", "ready": ready, "restartCount": restarts, "started": ready}
    cs["state"] = {"waiting": {"reason": waiting}} if waiting else {"running": {"startedAt": rfc3339(t + 5)}}
    if last_finished is not None:
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": rfc3339(t),
                                          "finishedAt": rfc3339(last_finished)}}
    m = meta(name, t=t, labels=labels or {"app": "web", "pod-template-hash": "7c9f8d"},
             ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7c9f8d",
                               "uid": "uid-rs", "controller": True, "blockOwnerDeletion": True}])
    if deleting:
        m["deletionTimestamp"] = rfc3339(NOW - 10)
        m["deletionGracePeriodSeconds"] = 30
    status = {"phase": phase, "hostIP": "192.168.49.2", "podIP": ip, "podIPs": [{"ip": ip}] if ip else [],
              "startTime": rfc3339(t + 1), "qosClass": "BestEffort",
              "conditions": [{"type": "Initialized", "status": "True"},
                             {"type": "Ready", "status": "True" if ready else "False"},
                             {"type": "ContainersReady", "status": "True" if ready else "False"},
                             {"type": "PodScheduled", "status": "True"}],
              "containerStatuses": [cs]}
    if not ip:
        status.pop("podIP")
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m,
            "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx:1.27",
                     "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}],
                     "readinessProbe": {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                                        "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1,
                                        "failureThreshold": 3}}],
                     "serviceAccountName": "default", "priority": 0,
                     "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                      "effect": "NoExecute", "tolerationSeconds": 300},
                                     {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                      "effect": "NoExecute", "tolerationSeconds": 300}]},
            "status": status}


def endpointslice(name="web-abcde", service_name="web", addresses=("10.244.1.5", "10.244.2.7"),
                  ready=(True, True), port_name="http", port=8080):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": meta(name, labels={"kubernetes.io/service-name": service_name,
                                           "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}),
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a], "conditions": {"ready": r, "serving": r, "terminating": False},
                           "nodeName": f"node-{i + 1}", "targetRef": {"kind": "Pod", "name": f"web-{i}", "namespace": "default"}}
                          for i, (a, r) in enumerate(zip(addresses, ready))],
            "ports": [{"name": port_name, "port": port, "protocol": "TCP"}]}


def event(reason, message, *, kind="Service", name="web", type_="Normal", count=1, first=0, last=None,
          component="service-controller", field_path=None):
    inv = {"kind": kind, "name": name, "namespace": "default"}
    if field_path:
        inv["fieldPath"] = field_path
    return {"apiVersion": "v1", "kind": "Event", "metadata": meta(f"{name}.{reason.lower()}"),
            "involvedObject": inv, "reason": reason, "message": message, "type": type_, "count": count,
            "firstTimestamp": rfc3339(first), "lastTimestamp": rfc3339(first if last is None else last),
            "source": {"component": component}}
