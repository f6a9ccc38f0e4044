"""Exercise 12: the capstone — a frontend/backend app, microservices with NetworkPolicies,
and the classic interview questions answered by experiment.
"""
from __future__ import annotations

from . import show_progress
from .core import ____, Exercise, Incorrect, MultipleChoice
from .ex09_networkpolicy import expect_ok_why
from .scenario import BuildProblem, expect_error, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "exercise", "____", "show_progress", "FRONT_BACK", "MICROSERVICES", "microservice"]

#: nginx frontend + http-echo backend, no Service for the backend yet.
FRONT_BACK = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend, tier: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend, tier: api}}
    spec:
      containers:
      - {name: api, image: hashicorp/http-echo, args: ["-text=Hello from the API"],
         ports: [{containerPort: 5678, name: http}]}
"""


def microservice(name: str) -> str:
    """Namespace ``name`` with a Deployment and a Service ``name`` (port 80 -> 8080)."""
    return f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {name}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {name}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - {{name: {name}, image: hashicorp/http-echo, args: ["-text={name} service", "-listen=:8080"],
         ports: [{{containerPort: 8080, name: http}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 80, targetPort: http}}]}}
"""


MICROSERVICES = "---".join(microservice(n) for n in ("user", "cart", "payment"))


def _pod(cluster, ns: str, app: str) -> str:
    pod = next((p for p in cluster.list("pod", ns) if (p["metadata"].get("labels") or {}).get("app") == app), None)
    if pod is None:
        raise Incorrect(f"there is no pod labelled app={app} in namespace {ns} any more: leave the scenario's "
                        "Deployments as they are.")
    return f"{ns}/{pod['metadata']['name']}"


class BackendService(BuildProblem):
    """Deployments `frontend` (nginx) and `backend` (http-echo, listening on 5678, port named
    http) run. Write the Service that lets the frontend pods call `http://api/` and get
    "Hello from the API"."""
    scenario = FRONT_BACK
    cluster_args = {"seed": 12}
    _hints = ["The name in the URL is the Service's name; the selector picks the backend pods.",
              "port: 80 (what the frontend dials), targetPort: http or 5678 (where http-echo listens)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: backend}
  ports: [{port: 80, targetPort: http}]
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("name: api}", "name: backend}"), "could not resolve host"),
                (ok.replace("targetPort: http", "targetPort: 80"), "should answer HTTP 200"),
                (ok.replace("selector: {app: backend}", "selector: {app: frontend}"), "should answer HTTP 200"),
                (ok.replace("selector: {app: backend}", "selector: {tier: web}"), "should answer HTTP 200"),
                (ok.replace("ports: [{port: 80, targetPort: http}]", "ports: [{port: 5678, targetPort: http}]"),
                 "should answer HTTP 200"),
                (ok.replace("targetPort: http", "targetPort: 5678, protocol: UDP"), "should answer HTTP 200")]

    def verify(self, cluster) -> None:
        cluster.advance(10)
        frontend = _pod(cluster, "default", "frontend")
        r = cluster.request("http://api/", from_pod=frontend)
        if r.error == "could not resolve host":
            raise Incorrect("GET http://api/ from the frontend: could not resolve host — is the Service "
                            "called api, in namespace default?")
        expect_ok_why(cluster, r, f"GET http://api/ from {frontend}", body_contains="Hello from the API")
        if r.pod and "backend" not in r.pod:
            raise Incorrect(f"http://api/ was answered by {r.pod}: the selector must pick only backend pods")


class NoMatchingPods(MultipleChoice):
    """Interview question: a Service's selector matches no pod. What does a client's
    `curl http://<service>/` do?"""
    options = ["it hangs, then: connection timed out",
               "it fails at once: connection refused (kube-proxy REJECTs traffic to a Service without endpoints)",
               "could not resolve host: a Service without pods has no DNS name",
               "HTTP 503 from kube-proxy"]
    _hints = ["Try it: apply a Service with a selector that matches nothing and request it from a pod.",
              "Look at kube-proxy's hop: iptables writes a REJECT rule for Services with no endpoints."]
    _solution = ('answer = "b"  — the name resolves (the Service exists) and kube-proxy answers the SYN with a '
                 "reject: curl says connection refused immediately. Many courses still say it times out.")
    _solution_answer = "b"
    why_not = {0: "older teaching says so; kube-proxy has REJECTed for years: the answer is immediate.",
               2: "the DNS record comes from the Service, not from its pods: the name resolves to the ClusterIP.",
               3: "kube-proxy works at layer 4; it never speaks HTTP."}

    @property
    def correct(self) -> int:  # measured
        c = fresh_cluster(FRONT_BACK + """---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: nothing-here}, ports: [{port: 80, targetPort: 5678}]}
""", seed=12)
        c.advance(5)
        r = c.request("http://api/", from_pod=_pod(c, "default", "frontend"))
        return {"connection timed out": 0, "connection refused": 1, "could not resolve host": 2}.get(r.error, 3)


class PaymentOnlyFromCart(BuildProblem):
    """Namespaces user, cart and payment each run a service (`http://<name>.<name>/`).
    Write NetworkPolicy YAML so that the payment pods accept connections only from the cart
    pods — the pods labelled `app=cart` in namespace `cart` (user must be dropped, and so must any
    other pod, wherever it runs) — without breaking user -> cart."""
    scenario = MICROSERVICES
    cluster_args = {"seed": 12}
    _hints = ["The policy lives in namespace payment and selects the payment pods.",
              "Pods of another namespace are matched with a namespaceSelector; every namespace carries the label "
              "kubernetes.io/metadata.name.",
              "One peer with both selectors (no dash before podSelector): namespaceSelector "
              "kubernetes.io/metadata.name: cart AND podSelector app: cart; ports: [{port: 8080}]"]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: payment-from-cart, namespace: payment}
spec:
  podSelector: {matchLabels: {app: payment}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: cart}}
      podSelector: {matchLabels: {app: cart}}
    ports: [{port: 8080}]
'''"""
    _solution_answer = _solution.split("'''")[1]

    #: Pods that tell the designs apart (chapter 09's AND vs OR): a pod labelled app=cart in the
    #: payment namespace and another pod in the cart namespace, each sent to payment.
    PROBES = """
apiVersion: v1
kind: Pod
metadata: {name: impostor, namespace: payment, labels: {app: cart}}
spec: {containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: cart, labels: {app: debug}}
spec: {containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]}
"""

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("      podSelector: {matchLabels: {app: cart}}", "    - podSelector: {matchLabels: {app: cart}}"),
                 "payment/impostor"),
                (ok.replace("      podSelector: {matchLabels: {app: cart}}\n", ""), "cart/debug"),
                (ok.replace("    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: cart}}\n"
                            "      podSelector", "    - podSelector"), "from cart/"),
                (ok.replace("ports: [{port: 8080}]", "ports: [{port: 80}]"), "from cart/"),
                (ok.replace("podSelector: {matchLabels: {app: payment}}\n  ingress", "podSelector: {}\n  ingress")
                 .replace("namespace: payment", "namespace: cart"), "user must not reach payment"),
                (ok.replace("- from:", "- from: []\n  - from:"), "user must not reach payment")]

    def verify(self, cluster) -> None:
        cluster.apply(self.PROBES)
        cluster.advance(10)
        user, cart = _pod(cluster, "user", "user"), _pod(cluster, "cart", "cart")
        expect_ok_why(cluster, cluster.request("http://payment.payment/", from_pod=cart),
                      f"GET http://payment.payment/ from {cart}", body_contains="payment service")
        expect_error(cluster.request("http://payment.payment/", from_pod=user),
                     f"GET http://payment.payment/ from {user} (user must not reach payment)", "connection timed out")
        expect_ok_why(cluster, cluster.request("http://cart.cart/", from_pod=user),
                      f"GET http://cart.cart/ from {user} (must keep working)", body_contains="cart service")
        for probe, why in (("payment/impostor", "labelled app=cart, but in namespace payment: a podSelector peer "
                                                "on its own picks pods of the policy's namespace"),
                           ("cart/debug", "in namespace cart, but not a cart pod (app=debug)")):
            expect_error(cluster.request("http://payment.payment/", from_pod=probe),
                         f"GET http://payment.payment/ from {probe} ({why})", "connection timed out")


class HeadlessAnswers(MultipleChoice):
    """Interview question: Service `db` is headless (`clusterIP: None`) and selects 3 ready
    pods. What does `db.default.svc.cluster.local` resolve to?"""
    options = ["one A record: the Service's ClusterIP",
               "one A record per ready pod: the pod IPs (the client picks; no kube-proxy)",
               "NXDOMAIN: a headless Service has no DNS name",
               "a CNAME to the first pod's name"]
    _hints = ["Headless means no ClusterIP and no kube-proxy rules.",
              "Try cluster.resolve('db.default.svc.cluster.local') on a headless Service."]
    _solution = ('answer = "b"  — CoreDNS answers with the ready endpoints\' addresses; clients (or a StatefulSet\'s '
                 "peers) connect to pods directly.")
    _solution_answer = "b"
    why_not = {0: "there is no ClusterIP (clusterIP: None).",
               2: "the name exists; it answers with endpoints.",
               3: "CNAMEs are for ExternalName Services."}

    @property
    def correct(self) -> int:  # measured
        c = fresh_cluster("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 80}]}
""", seed=12)
        c.advance(5)
        res = c.resolve("db.default.svc.cluster.local")
        pod_ips = {p["status"]["podIP"] for p in c.list("pod") if p["metadata"]["labels"].get("app") == "db"}
        if res.rcode != "NOERROR":
            return 2
        values = {a[2] for a in res.answers if a[1] == "A"}
        return 1 if values == pod_ips else 0 if len(values) == 1 else 3


class IngressVsGateway(MultipleChoice):
    """Interview question: Ingress or Gateway API for a new platform in 2026?"""
    options = ["Ingress: the Gateway API is experimental and has no stable resources",
               "Gateway API: GA since v1.0 (2023), role-oriented (GatewayClass for the infra provider, Gateway for "
               "the cluster operator, HTTPRoute for app teams), header/weight matching built in; Ingress is "
               "frozen and ingress-nginx is retired",
               "neither: a LoadBalancer Service per app does HTTP routing by host",
               "Ingress: only Ingress can route by hostname"]
    correct = 1
    _hints = ["Which API's status conditions did chapter 08 read?",
              "The Ingress API is feature-frozen; new routing features land in the Gateway API."]
    _solution = ('answer = "b"  — Gateway, GatewayClass and HTTPRoute are v1 (GA) since Gateway API v1.0; Ingress '
                 "still works but gets no new features, and ingress-nginx was retired in March 2026.")
    _solution_answer = "b"
    why_not = {0: "Gateway, GatewayClass and HTTPRoute have been v1 (Standard channel) since v1.0 in October 2023.",
               2: "a LoadBalancer Service works at layer 4: it cannot look at the Host header.",
               3: "HTTPRoute matches hostnames too (spec.hostnames)."}


q1, q2, q3, q4, q5 = BackendService(), NoMatchingPods(), PaymentOnlyFromCart(), HeadlessAnswers(), IngressVsGateway()
exercise = Exercise("Exercise 12: capstone", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5})
