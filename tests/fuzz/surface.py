"""The public surface of docs/API.md as data for the fuzz test: the manifests to
mutate, the command lines, names and URLs to garble, and how one call's outcome is judged.

A call *passes* when it returns, or raises one of k8snet's own exceptions (``K8sNetError``
and its subclasses, see ``k8snet/errors.py``) with a message worded for a person (no Python
internals such as ``object has no attribute``), and, when it raised, the cluster is exactly as
it was before (``snapshot``).  Anything else is a *raw failure*.
"""
from __future__ import annotations

import json
import math

from hypothesis import strategies as st

from k8snet.errors import K8sNetError

#: Phrases of Python's own exception messages: a k8snet message never carries them.
PYTHON_WORDS = ("object has no attribute", "unhashable type", "not subscriptable", "object is not iterable",
                "invalid literal for int()", "takes from", "positional argument", "NoneType", "'int' object",
                "'list' object", "'dict' object", "'str' object", "'float' object", "Traceback",
                "Invalid IPv6 URL", "missing ", "unsupported operand", "KeyError", "list index out of range")

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.sampled_from([0, -1, 1, 65536, 2 ** 31, 30080, 80, 53]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1.5, math.inf, -0.0]),
    st.text(max_size=12),
    st.sampled_from(["", " ", "None", "abc", "80", "10.96.0.1", "::1", "a/b", "-", "☃", "a" * 300,
                     "TCP", "ClientIP", "IPv6", "http", "[", "*", "%", "0x10"]),
)
#: Any JSON-ish value, nested a little: what a learner's YAML can put anywhere.
GARBAGE = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=6)

_POD_SPEC = {"containers": [{"name": "c", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}],
                             "readinessProbe": {"httpGet": {"path": "/", "port": "http"}}}],
             "dnsConfig": {"options": [{"name": "ndots", "value": "2"}], "searches": ["a.example"]}}
_LABELS = {"app": "fz"}

#: One valid manifest per kind the course uses; the fuzz replaces parts of them.
BASE_MANIFESTS = [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fz-pod", "labels": _LABELS}, "spec": _POD_SPEC},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "fz"},
     "spec": {"replicas": 2, "selector": {"matchLabels": _LABELS},
              "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
              "template": {"metadata": {"labels": _LABELS}, "spec": _POD_SPEC}}},
    {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "fz-db"},
     "spec": {"serviceName": "fz-db", "replicas": 1, "selector": {"matchLabels": {"app": "db"}},
              "template": {"metadata": {"labels": {"app": "db"}}, "spec": _POD_SPEC}}},
    {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "fz-ds"},
     "spec": {"selector": {"matchLabels": {"app": "ds"}},
              "template": {"metadata": {"labels": {"app": "ds"}}, "spec": _POD_SPEC}}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-np"},
     "spec": {"type": "NodePort", "selector": _LABELS, "externalTrafficPolicy": "Local",
              "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080},
                        {"name": "dns", "port": 53, "protocol": "UDP"}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-lb", "annotations": {
        "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8"}},
     "spec": {"type": "LoadBalancer", "selector": _LABELS, "sessionAffinity": "ClientIP",
              "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}, "externalTrafficPolicy": "Local",
              "loadBalancerSourceRanges": ["10.0.0.0/8"], "ports": [{"port": 443, "targetPort": 8443}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-ip"},
     "spec": {"clusterIP": "10.96.0.50", "clusterIPs": ["10.96.0.50"], "ipFamilies": ["IPv4"],
              "ipFamilyPolicy": "SingleStack", "trafficDistribution": "PreferClose", "selector": _LABELS,
              "ports": [{"port": 80}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-ext"},
     "spec": {"type": "ExternalName", "externalName": "example.com"}},
    {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
     "metadata": {"name": "fz-manual", "labels": {"kubernetes.io/service-name": "fz-manual"}},
     "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
     "endpoints": [{"addresses": ["10.244.1.9"], "conditions": {"ready": True}, "nodeName": "node-1",
                    "zone": "z1", "hints": {"forZones": [{"name": "z1"}], "forNodes": [{"name": "node-1"}]}}]},
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "fz-ing"},
     "spec": {"rules": [{"host": "fz.example", "http": {"paths": [
         {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "fz-np", "port": {"number": 80}}}}]}}],
              "tls": [{"hosts": ["fz.example"], "secretName": "fz-tls"}]}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "fz-class"},
     "spec": {"controller": "example.com/fz"}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "fz-pol"},
     "spec": {"podSelector": {"matchLabels": _LABELS}, "policyTypes": ["Ingress", "Egress"],
              "ingress": [{"from": [{"podSelector": {"matchExpressions": [
                  {"key": "app", "operator": "In", "values": ["x"]}]}}, {"ipBlock": {"cidr": "10.0.0.0/8",
                                                                                       "except": ["10.1.0.0/16"]}}],
                           "ports": [{"port": 80, "protocol": "TCP", "endPort": 90}]}],
              "egress": [{"to": [{"namespaceSelector": {}}]}]}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fz-cm"}, "data": {"a": "b"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "fz-sa"}, "automountServiceAccountToken": False,
     "imagePullSecrets": [{"name": "fz-pull"}]},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fz-sa-pod"},
     "spec": {**_POD_SPEC, "serviceAccountName": "default", "automountServiceAccountToken": True}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fz-ns", "labels": {"team": "a"}}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "fz-gw"},
     "spec": {"gatewayClassName": "k8snet", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "fz-route"},
     "spec": {"parentRefs": [{"name": "fz-gw"}], "hostnames": ["fz.example"],
              "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                         "filters": [{"type": "RequestRedirect", "requestRedirect": {"statusCode": 301}}],
                         "backendRefs": [{"name": "fz-np", "port": 80}]}]}},
    # Gateway API v1.6 standard channel: the L4 routes, ListenerSet and BackendTLSPolicy
    # (apis/v1 *_types.go; listeners a Gateway hands them: TLS passthrough, TCP, UDP).
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "fz-l4"},
     "spec": {"gatewayClassName": "k8snet", "allowedListeners": {"namespaces": {"from": "Same"}},
              "listeners": [{"name": "tls", "port": 443, "protocol": "TLS", "tls": {"mode": "Passthrough"}},
                            {"name": "tcp", "port": 9000, "protocol": "TCP"},
                            {"name": "udp", "port": 53, "protocol": "UDP"}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "TLSRoute", "metadata": {"name": "fz-tls"},
     "spec": {"parentRefs": [{"name": "fz-l4", "sectionName": "tls"}], "hostnames": ["tls.fz.example"],
              "rules": [{"backendRefs": [{"name": "fz-lb", "port": 443}]}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "TCPRoute", "metadata": {"name": "fz-tcp"},
     "spec": {"parentRefs": [{"name": "fz-l4", "sectionName": "tcp", "port": 9000}],
              "rules": [{"backendRefs": [{"name": "fz-np", "port": 80, "weight": 1}]}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "UDPRoute", "metadata": {"name": "fz-udp"},
     "spec": {"parentRefs": [{"name": "fz-l4", "sectionName": "udp"}],
              "rules": [{"backendRefs": [{"name": "fz-np", "port": 53}]}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet", "metadata": {"name": "fz-ls"},
     "spec": {"parentRef": {"name": "fz-l4", "kind": "Gateway", "group": "gateway.networking.k8s.io"},
              "listeners": [{"name": "extra", "port": 8080, "protocol": "HTTP", "hostname": "ls.fz.example",
                             "allowedRoutes": {"namespaces": {"from": "Same"}}}]}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy", "metadata": {"name": "fz-btls"},
     "spec": {"targetRefs": [{"group": "", "kind": "Service", "name": "fz-lb", "sectionName": "https"}],
              "validation": {"hostname": "fz.example", "wellKnownCACertificates": "System"}}},
    # Topology Aware Routing (Cluster(zones=...)): the annotation that asks for hints.
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-zones",
                                                         "annotations": {"service.kubernetes.io/topology-mode": "Auto"}},
     "spec": {"selector": _LABELS, "ports": [{"port": 80}], "trafficDistribution": "PreferSameZone"}},
    # MetalLB (addon "metallb", metallb.io/v1beta1 in metallb-system): a pool of both families
    # with its options, an advertisement with every selector, and a Service asking for a pool
    # and addresses by annotation (controllers/metallb.py, apiserver/validation/metallb.py).
    {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
     "metadata": {"name": "fz-pool", "namespace": "metallb-system", "labels": {"tier": "lan"}},
     "spec": {"addresses": ["192.168.1.240-192.168.1.250", "192.168.2.0/30", "fc00:f853:ccd:e799::/124"],
              "autoAssign": True, "avoidBuggyIPs": True,
              "serviceAllocation": {"priority": 1, "namespaces": ["default"],
                                    "namespaceSelectors": [{"matchLabels": {"team": "a"}}],
                                    "serviceSelectors": [{"matchExpressions": [{"key": "app", "operator": "In",
                                                                                "values": ["fz"]}]}]}}},
    {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement",
     "metadata": {"name": "fz-l2", "namespace": "metallb-system"},
     "spec": {"ipAddressPools": ["fz-pool"], "ipAddressPoolSelectors": [{"matchLabels": {"tier": "lan"}}],
              "nodeSelectors": [{"matchLabels": {"kubernetes.io/hostname": "node-2"}},
                                {"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["z9"]}]}],
              "interfaces": ["eth0"]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-mlb", "annotations": {
        "metallb.io/address-pool": "fz-pool", "metallb.io/loadBalancerIPs": "192.168.1.245,fc00:f853:ccd:e799::5"}},
     "spec": {"type": "LoadBalancer", "ipFamilyPolicy": "PreferDualStack", "selector": _LABELS,
              "ports": [{"port": 80}]}},
    # Dual-stack fields (Cluster(ip_families=...)): a family the cluster may not have, both orders.
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz-ds"},
     "spec": {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv6", "IPv4"], "selector": _LABELS,
              "ports": [{"port": 80}]}},
]


def paths(obj, prefix=()):
    """Every path (tuple of keys and indices) inside ``obj``, the root included."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += paths(v, prefix + (i,))
    return out


def replace_at(obj, path, value, *, delete=False):
    """A copy of ``obj`` with the value at ``path`` replaced (or removed)."""
    obj = json.loads(json.dumps(obj))
    if not path:
        return value
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return obj


METALLB_KINDS = ("IPAddressPool", "L2Advertisement")


@st.composite
def mutated_manifests(draw, kinds=None):
    """A base manifest (of ``kinds``, else any) with one to three fields replaced by values of
    other types, removed, or joined by an unknown field."""
    obj = draw(st.sampled_from([m for m in BASE_MANIFESTS if kinds is None or m["kind"] in kinds
                                or m["metadata"]["name"] in kinds]))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(obj)))
        how = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if how == "delete" and where:
            obj = replace_at(obj, where, None, delete=True)
        elif how == "add" and isinstance(_at(obj, where), dict):
            obj = replace_at(obj, where + (draw(st.text(min_size=1, max_size=6)),), draw(GARBAGE))
        else:
            obj = replace_at(obj, where, draw(GARBAGE))
    return obj


def _at(obj, path):
    for key in path:
        obj = obj[key]
    return obj


_WORDS = ["get", "describe", "apply", "delete", "expose", "scale", "create", "run", "exec", "rollout",
          "status", "deployment", "svc", "pods", "po", "ingressclass", "ingress", "endpointslices", "nodes",
          "deploy/fz", "svc/fz-np", "pod/fz-pod", "fz", "web", "-n", "default", "-A", "-l", "app=fz", "-o",
          "wide", "yaml", "json", "jsonpath={.items[*].metadata.name}", "jsonpath={.x[", "--port=abc",
          "--port", "80", "--target-port=-1", "--type=NodePort", "--type=Bogus", "--replicas=x",
          "--replicas=-3", "--image=nginx", "--name=", "-f", "/nonexistent.yaml", "--", "curl", "wget",
          "nslookup", "-s", "http://fz-np", "http://[::1", "--selector", "=", "'", '"', "--dry-run=client",
          "--protocol=XYZ", "--cluster-ip=None", "--to-revision=q", "-w", "--show-labels", "-L", "app",
          "cordon", "taint", "node-1", "key=val:NoSchedule", "logs", "top", "label", "annotate", "--overwrite",
          # pflag's corners (k8snet/kubectl/flags.py): bool values, grouped and unknown shorthands,
          # NoOptDefVal flags, bad syntax, durations, ints in other bases
          "--force=false", "--force=maybe", "--force", "-Az", "-it", "--foo", "---x", "--=x", "-n=", "-ndefault",
          "--dry-run", "--grace-period=0x10", "--timeout=5", "--timeout=1m30s", "-v=x", "--all_namespaces",
          "drain", "--ignore-daemonsets", "-h", "gett", "lease", "leases"]

kubectl_lines = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), min_size=0, max_size=6).map(
    lambda ws: " ".join(ws))
#: Odd but plausible strings for names, refs, nodes and hosts.
names = st.one_of(st.sampled_from(["fz-pod", "default/fz-pod", "node-1", "svc/fz-np", "deploy/fz", "pod/",
                                    "/x", "svc/", "nope/nope", "svc/kubernetes", "kubernetes.default",
                                    "fz-np.default.svc.cluster.local", "a..b", "x" * 300, "", ".", "-",
                                    "ns/pod/extra", "kube-system/coredns"]),
                  st.text(max_size=20), GARBAGE)
urls = st.one_of(st.sampled_from(["http://fz-np", "http://[::1", "http://fz np/", "http://fz-np:99999999/",
                                  "http://fz-np:-1/", "http://fz-np:abc/", "http://", "ftp://x", "//x", "",
                                  "http://10.96.0.1:443", "https://fz.example/a?b=c#d", "http://[zz]/",
                                  "http://%/", "http://user@:80", "http://fz-np:0", "fz-np", "http://a" + "b" * 300]),
                 st.text(max_size=24).map(lambda s: "http://" + s), GARBAGE)
