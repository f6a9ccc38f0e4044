"""Generated inputs for the benchmarks: YAML a user could ``kubectl apply``, and engine inputs.

Everything is a pure function of its size arguments (and a seed where choices are made), so
two runs measure the same input.  The big cluster is *YAML text* fed to ``Cluster.apply``,
the contract's path, not objects written into the store behind the API server's back.
"""
from __future__ import annotations

import random

__all__ = ["cluster_yaml", "ingress_objects", "httproute_objects", "netpol_inputs", "proxy_objects"]


def _namespace(name: str, labels: dict[str, str] | None = None) -> str:
    extra = "".join(f"\n    {k}: {v}" for k, v in (labels or {}).items())
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}" + (f"\n  labels:{extra}" if extra else "") + "\n"


def cluster_yaml(services: int, namespaces: int, replicas: int = 4) -> str:
    """``namespaces`` Namespaces, then per Service ``i`` a Deployment ``app-i`` of ``replicas``
    nginx pods and a ClusterIP Service ``app-i`` selecting them (port http 80 -> 80).

    Services are dealt round-robin over the namespaces (``team-0`` … ``team-{namespaces-1}``),
    as a multi-team cluster spreads its apps."""
    docs = [_namespace(f"team-{n}") for n in range(namespaces)]
    for i in range(services):
        ns = f"team-{i % namespaces}"
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: {ns}
spec:
  selector:
    app: app-{i}
  ports:
  - name: http
    port: 80
    targetPort: 80
""")
    return "---\n".join(docs)


def proxy_objects(services: int, endpoints: int = 4) -> tuple[list[dict], list[dict]]:
    """Services and EndpointSlices as the API server stores them, for kube-proxy alone.

    ``services`` ClusterIP Services (one TCP port ``http`` 80) in ``team-0``, each with one
    EndpointSlice of ``endpoints`` ready endpoints spread over nodes ``node-1``/``node-2``.
    ClusterIPs are 10.96.x.y from offset 16 up; pod IPs are 10.244.x.y, all distinct."""
    svcs, slices = [], []
    for i in range(services):
        off = 16 + i
        cip = f"10.{96 + (off >> 16)}.{(off >> 8) & 255}.{off & 255}"
        name = f"app-{i}"
        svcs.append({"apiVersion": "v1", "kind": "Service",
                     "metadata": {"name": name, "namespace": "team-0", "uid": f"svc-{i}"},
                     "spec": {"type": "ClusterIP", "clusterIP": cip, "clusterIPs": [cip],
                              "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                              "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                              "selector": {"app": name},
                              "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]}})
        eps = []
        for e in range(endpoints):
            n = i * endpoints + e + 2
            eps.append({"addresses": [f"10.244.{n >> 8}.{n & 255}"],
                        "conditions": {"ready": True, "serving": True, "terminating": False},
                        "nodeName": f"node-{1 + e % 2}"})
        slices.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                       "metadata": {"name": f"{name}-abcde", "namespace": "team-0",
                                    "labels": {"kubernetes.io/service-name": name,
                                               "endpointslice.kubernetes.io/managed-by":
                                                   "endpointslice-controller.k8s.io"}},
                       "endpoints": eps, "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]})
    return svcs, slices


def ingress_objects(rules: int) -> tuple[list[dict], list[dict]]:
    """``rules`` Ingress rules (host ``h{i}.example.com``, Prefix ``/api{i%5}``) in Ingresses
    of 10 rules each, all of class ``nginx``; returns (ingresses, ingressClasses)."""
    classes = [{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                "spec": {"controller": "k8s.io/ingress-nginx"}}]
    ings = []
    for start in range(0, rules, 10):
        rs = []
        for i in range(start, min(start + 10, rules)):
            rs.append({"host": f"h{i}.example.com", "http": {"paths": [
                {"path": f"/api{i % 5}", "pathType": "Prefix",
                 "backend": {"service": {"name": f"app-{i}", "port": {"number": 80}}}}]}})
        ings.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                     "metadata": {"name": f"ing-{start // 10}", "namespace": "default",
                                  "creationTimestamp": "2025-01-01T00:00:00Z"},
                     "spec": {"ingressClassName": "nginx", "rules": rs}})
    return ings, classes


def httproute_objects(routes: int) -> dict[str, list[dict]]:
    """One Gateway ``default/gw`` (HTTP listener on 80, routes from all namespaces) of class
    ``k8snet`` and ``routes`` HTTPRoutes, each for host ``r{i}.example.com`` with a
    PathPrefix match ``/v{i%3}`` to Service ``app-{i}:80``; plus the Services they name."""
    gwc = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "k8snet"},
           "spec": {"controllerName": "k8snet.io/gateway-controller"}}
    gw = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
          "metadata": {"name": "gw", "namespace": "default"},
          "spec": {"gatewayClassName": "k8snet", "listeners": [
              {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}}]}}
    routes_, services = [], []
    for i in range(routes):
        routes_.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                        "metadata": {"name": f"r-{i}", "namespace": "default",
                                     "creationTimestamp": "2025-01-01T00:00:00Z"},
                        "spec": {"parentRefs": [{"name": "gw"}], "hostnames": [f"r{i}.example.com"],
                                 "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": f"/v{i % 3}"}}],
                                            "backendRefs": [{"name": f"app-{i}", "port": 80}]}]}})
        services.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"app-{i}", "namespace": "default"},
                         "spec": {"type": "ClusterIP", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}})
    namespaces = [{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}}}]
    return {"gateway_classes": [gwc], "gateways": [gw], "routes": routes_, "services": services,
            "namespaces": namespaces}


def netpol_inputs(pods: int, policies: int, namespaces: int = 10, seed: int = 0) -> dict[str, list[dict]]:
    """``pods`` running pods over ``namespaces`` namespaces and ``policies`` NetworkPolicies.

    Pods carry ``app: a{k}`` (20 apps) and ``tier: web|api|db``; namespaces carry
    ``team: t{n%3}``.  Policies (seeded) mix what courses teach: default-deny ingress,
    allow from an app, allow from a team's namespaces on a port, and egress to a tier.
    Every pod owns a distinct IP in 10.244.0.0/16."""
    rng = random.Random(seed)
    nss = [{"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": f"ns-{n}", "labels": {"kubernetes.io/metadata.name": f"ns-{n}", "team": f"t{n % 3}"}}}
           for n in range(namespaces)]
    pod_objs = []
    tiers = ("web", "api", "db")
    for i in range(pods):
        ns = f"ns-{i % namespaces}"
        ip_n = i + 2
        pod_objs.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": f"p-{i}", "namespace": ns,
                                      "labels": {"app": f"a{i % 20}", "tier": tiers[i % 3]}},
                         "spec": {"nodeName": f"node-{1 + i % 2}",
                                  "containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]},
                         "status": {"phase": "Running", "podIP": f"10.244.{ip_n >> 8}.{ip_n & 255}",
                                    "podIPs": [{"ip": f"10.244.{ip_n >> 8}.{ip_n & 255}"}]}})
    pols = []
    for k in range(policies):
        ns = f"ns-{rng.randrange(namespaces)}"
        kind = k % 4
        sel = {"matchLabels": {"app": f"a{rng.randrange(20)}"}}
        if kind == 0:
            spec = {"podSelector": sel, "policyTypes": ["Ingress"]}
        elif kind == 1:
            spec = {"podSelector": sel, "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": tiers[rng.randrange(3)]}}}]}]}
        elif kind == 2:
            spec = {"podSelector": sel, "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": f"t{rng.randrange(3)}"}}}],
                                 "ports": [{"protocol": "TCP", "port": rng.choice((80, 443))}]}]}
        else:
            spec = {"podSelector": sel, "policyTypes": ["Egress"],
                    "egress": [{"to": [{"namespaceSelector": {},
                                        "podSelector": {"matchLabels": {"tier": tiers[rng.randrange(3)]}}}]}]}
        pols.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                     "metadata": {"name": f"np-{k}", "namespace": ns}, "spec": spec})
    return {"namespaces": nss, "pods": pod_objs, "policies": pols}
