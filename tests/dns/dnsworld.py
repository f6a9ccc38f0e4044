"""A small cluster's worth of API objects for the DNS tests (shapes as the API server
returns them, after defaulting).  No __init__.py in tests/dns: the directory is named
like dnspython's package and must never shadow it."""
from __future__ import annotations

from k8snet.dns import Zone

SLICE_LABEL = "kubernetes.io/service-name"


def meta(name, namespace="default", created="2025-01-01T00:00:00Z", **extra):
    return {"name": name, "namespace": namespace, "creationTimestamp": created, **extra}


def namespace(name):
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "creationTimestamp": "2025-01-01T00:00:00Z"}}


def service(name, ns="default", cluster_ip="10.96.0.100", ports=(("http", 80, "TCP"),),
            created="2025-01-01T00:00:00Z", **spec):
    ips = spec.pop("clusterIPs", None) or ([cluster_ip] if cluster_ip else [])
    body = {"type": spec.pop("type", "ClusterIP"),
            "ports": [{"name": n, "port": p, "protocol": proto, "targetPort": p} for n, p, proto in ports],
            "sessionAffinity": "None", **spec}
    if cluster_ip:
        body.update(clusterIP=cluster_ip, clusterIPs=ips)
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns, created), "spec": body}


def external_name(name, target, ns="default"):
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns),
            "spec": {"type": "ExternalName", "externalName": target, "sessionAffinity": "None"}}


def endpoint(ip, ready=True, hostname=None, pod=None, node="node-1"):
    ep = {"addresses": [ip], "conditions": {"ready": ready, "serving": ready, "terminating": False},
          "nodeName": node}
    if ready is None:
        ep["conditions"] = {}
    if hostname:
        ep["hostname"] = hostname
    if pod:
        ep["targetRef"] = {"kind": "Pod", "name": pod, "namespace": "default"}
    return ep


def endpointslice(service_name, endpoints, ports=(("http", 80, "TCP"),), ns="default", suffix="abcde"):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": meta(f"{service_name}-{suffix}", ns, labels={SLICE_LABEL: service_name}),
            "endpoints": list(endpoints),
            "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]}


def pod(name, ns="default", ip="10.244.1.50", created="2025-01-01T00:01:00Z", **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, ns, created),
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}],
                     "dnsPolicy": spec.pop("dnsPolicy", "ClusterFirst"),
                     "enableServiceLinks": spec.pop("enableServiceLinks", True), **spec},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                       "startTime": created}}


EXTERNAL_HOSTS = {"example.com": "93.184.216.34", "api.github.com": "140.82.112.5"}

SERVICES = [
    service("kubernetes", cluster_ip="10.96.0.1", ports=(("https", 443, "TCP"),)),
    service("kube-dns", "kube-system", cluster_ip="10.96.0.10",
            ports=(("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP"))),
    service("web", cluster_ip="10.96.0.15"),
    service("web", "prod", cluster_ip="10.96.0.20"),
    service("dual", cluster_ip="10.96.0.30", clusterIPs=["10.96.0.30", "fd00:10:96::30"],
            ipFamilies=["IPv4", "IPv6"]),
    service("db", cluster_ip="None", ports=(("postgres", 5432, "TCP"),)),
    service("nginx", cluster_ip="None"),
    service("empty", cluster_ip="None"),
    external_name("ext", "example.com"),
    external_name("ext-missing", "nowhere.invalid"),
    external_name("alias", "web.prod.svc.cluster.local"),
]

ENDPOINTSLICES = [
    endpointslice("kube-dns", [endpoint("10.244.0.2", pod="coredns-1"), endpoint("10.244.0.3", pod="coredns-2")],
                  ports=(("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")), ns="kube-system"),
    endpointslice("web", [endpoint("10.244.1.5", pod="web-1"), endpoint("10.244.2.6", pod="web-2")]),
    endpointslice("db", [endpoint("10.244.1.10", hostname="db-0", pod="db-0"),
                         endpoint("10.244.2.11", hostname="db-1", pod="db-1"),
                         endpoint("10.244.1.12", ready=False, hostname="db-2", pod="db-2")],
                  ports=(("postgres", 5432, "TCP"),)),
    endpointslice("nginx", [endpoint("10.244.1.7"), endpoint("10.244.2.8", ready=None)]),
]

NAMESPACES = [namespace(n) for n in ("default", "kube-system", "kube-public", "kube-node-lease", "prod")]


def zone(**options) -> Zone:
    """The Zone for the objects above."""
    return Zone.from_objects(SERVICES, ENDPOINTSLICES, [], NAMESPACES, EXTERNAL_HOSTS, **options)
