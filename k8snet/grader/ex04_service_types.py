"""Exercise 04 — Service types: ClusterIP, NodePort, LoadBalancer, ExternalName, headless.

Checks run the answer in a fresh simulated cluster.  Upstream rules: Service concept page,
"Publishing Services (ServiceTypes)", "Headless Services", "Type ExternalName"; the DNS
specification (kubernetes/dns docs/specification.md) for headless and ExternalName records.
"""
from __future__ import annotations

import ipaddress

from . import show_progress
from .answers import NameSet
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .ex03_ports import CLIENT, _node_ip, _service, _with_findings
from .scenario import BuildProblem, apply_answer, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress"]

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: echo, image: "registry.k8s.io/echoserver:1.10", ports: [{containerPort: 8080}]}
---
""" + CLIENT


class PendingForever(MultipleChoice):
    """On minikube you run `kubectl expose deployment web --type=LoadBalancer --port=80 --target-port=8080`.
`kubectl get svc web` shows `EXTERNAL-IP <pending>`, and an hour later it still does. Why?"""

    options = [
        "The cluster is broken: a LoadBalancer Service gets its address within a minute",
        "Nothing in the cluster provisions load balancers: that is a cloud controller's job. Run "
        "`minikube tunnel` (or install MetalLB); the nodePort works meanwhile",
        "The Deployment has no ready pods, so the Service waits",
        "LoadBalancer Services need an Ingress controller first",
    ]
    correct = 1
    why_not = {0: "Kubernetes itself never creates load balancers: the cloud-controller-manager of AWS, GCP, "
                  "Azure... does, and writes status.loadBalancer.ingress. minikube has none.",
               2: "the address does not depend on endpoints: a LoadBalancer Service with no pods still gets one "
                  "on a cloud.",
               3: "Ingress is a separate (HTTP) layer; a LoadBalancer Service does not need one."}
    _hints = ["Who writes `status.loadBalancer.ingress`? Look for a controller you do not have on a laptop.",
              "Try it: `Cluster(cloud=None)` versus `Cluster(cloud='gcp')`."]
    _solution = ("(b). The cloud-controller-manager provisions the load balancer and fills "
                 "status.loadBalancer.ingress. minikube has none: `minikube tunnel` plays that role (it gives the "
                 "Service an address routed to your machine), and on bare metal MetalLB does. The Service's "
                 "nodePort works in the meantime.")
    _solution_answer = "b"


class HeadlessAnswer(Problem):
    """Prediction. In `q2.cluster()`, the Service `db` is headless (`clusterIP: None`) and selects three
pods. Which IP addresses does `nslookup db` give in pod `client`? Answer with a list of strings,
e.g. `["10.96.0.42"]`."""

    scenario = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "registry.k8s.io/echoserver:1.10", ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 8080}]
---
""" + CLIENT
    _hints = ["A headless Service has no virtual IP: DNS answers with the endpoints themselves.",
              "`%kubectl get pods -o wide` (after `c = q2.cluster()`) lists the pod IPs."]
    _solution = "answer = [pod IPs of db-…]   # e.g. c = q2.cluster(); c.kubectl('get pods -l app=db -o wide')"

    def cluster(self):
        """The scenario of this question, to explore."""
        return fresh_cluster(self.scenario, seed=6)

    @property
    def _solution_answer(self):
        return sorted(p["status"]["podIP"] for p in self.cluster().list("pod") if p["metadata"]["name"].startswith("db-"))

    answer_type = NameSet(example='["10.96.0.42"]', what="IP addresses")

    @property
    def wrong_answers(self) -> list:
        c = self.cluster()
        pods = self._solution_answer
        svc_ip = c.get("svc", "kubernetes")["spec"]["clusterIP"]
        return [([svc_ip], "no ClusterIP"), (pods[:2], "1 address(es) missing"),
                (pods + [c.get("pod", "client")["status"]["podIP"]], "1 that DNS does not return"),
                ([], "3 address(es) missing"), (["db"], "is not an IPv4 address"),
                (pods[0], "give a set, even for one name"), ([10, 244], "is not a set of strings")]

    def check_answer(self, answer):
        got = set()
        for a in answer:
            try:
                got.add(str(ipaddress.IPv4Address(a)))
            except ValueError:
                raise Incorrect(f"{a!r} is not an IPv4 address: answer with a list of addresses as strings, "
                                'e.g. ["10.244.0.5"]') from None
        c = self.cluster()
        truth = {v for _, t, v in c.resolve("db", from_pod="default/client").answers if t == "A"}
        if any(ipaddress.IPv4Address(a) in ipaddress.IPv4Network("10.96.0.0/12") for a in got):
            raise Incorrect("a headless Service has no ClusterIP from 10.96.0.0/12: DNS returns the pods' own IPs")
        if got != truth:
            missing, extra = len(truth - got), len(got - truth)
            raise Incorrect(f"not quite: {missing} address(es) missing, {extra} that DNS does not return. "
                            "DNS returns one A record per ready endpoint.")


class MakeItNodePort(BuildProblem):
    """Build. Make the Deployment `web` (echoserver on 8080) reachable from outside the cluster on port
30080 of **every** node, and from pods at `http://web/`. Write the Service `web`."""

    scenario = WEB
    _hints = ["One Service type opens a port on every node.",
              "`type: NodePort`, `port: 80`, `targetPort: 8080`, `nodePort: 30080` (in 30000-32767)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
    nodePort: 30080
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("  type: NodePort\n", "").replace("    nodePort: 30080\n", ""), "only reachable inside"),
                (ok.replace("nodePort: 30080", "nodePort: 30081"), ":30080/ from the internet should answer"),
                (ok.replace("targetPort: 8080", "targetPort: 80"), "GET http://web/ from pod client should answer"),
                (ok.replace("nodePort: 30080", "nodePort: 8080"), "Invalid value"),
                (ok.replace("type: NodePort", "type: ExternalName"), "Required value")]

    def verify(self, c):
        svc = _service(c, "web")
        _with_findings(c, c.request("http://web/", from_pod="default/client"), "GET http://web/ from pod client")
        if svc["spec"].get("type") == "ClusterIP":
            raise Incorrect("pods reach it, but a ClusterIP Service is only reachable inside the cluster")
        for node in ("node-1", "node-2"):
            url = f"http://{_node_ip(c, node)}:30080/"
            _with_findings(c, c.request(url, from_internet=True), f"GET {url} from the internet")


class ExternalNameService(BuildProblem):
    """Build. The payments API lives outside the cluster at `api.payments.example`. Write a Service
`payments` so that pods can call `http://payments/` and reach it — a name only, no proxying."""

    scenario = CLIENT
    _hints = ["One Service type is nothing but a DNS alias.",
              "`type: ExternalName` with `externalName: api.payments.example` (a host name, not a URL)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: payments
spec:
  type: ExternalName
  externalName: api.payments.example
'''"""
    _solution_answer = _solution.split("'''")[1]

    def cluster(self):
        c = fresh_cluster(self.scenario, **self.cluster_args)
        c.add_external_host("api.payments.example", "198.51.100.30")
        return c

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("externalName: api.payments.example", "externalName: https://api.payments.example"),
                 "Invalid value"),
                (ok.replace("api.payments.example", "payments.example"), "it should be api.payments.example"),
                (ok.replace("  type: ExternalName\n  externalName: api.payments.example\n",
                            "  ports: [{port: 80}]\n"), "make DNS answer with its name"),
                (ok.replace("  type: ExternalName\n", ""), "spec.ports: Required value"),
                (ok.replace("name: payments", "name: payment"), "no Service named 'payments'")]

    def verify(self, c):
        svc = _service(c, "payments")
        if svc["spec"].get("type") != "ExternalName":
            raise Incorrect(f"a {svc['spec'].get('type')} Service needs pods or endpoints behind it; for a host "
                            "outside the cluster, make DNS answer with its name: `type: ExternalName`")
        answers = c.resolve("payments", from_pod="default/client").answers
        cname = [v for _, t, v in answers if t == "CNAME"]
        if cname != ["api.payments.example."]:
            raise Incorrect(f"nslookup payments gives CNAME {cname or 'nothing'}; it should be api.payments.example")
        _with_findings(c, c.request("http://payments/", from_pod="default/client"),
                       "GET http://payments/ from pod client")


class HeadlessPortMapping(BuildProblem):
    """Debugging. This Service works for nobody: `curl http://api/` from pod `client` is refused.

    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      clusterIP: None
      selector:
        app: web
      ports:
      - port: 80
        targetPort: 8080

The pods (echoserver) listen on 8080. Write a Service `api` with which `http://api/` (port 80) works."""

    scenario = WEB
    broken = """\
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
    _hints = ["What does DNS return for a headless Service, and who would translate port 80 to 8080?",
              "Only kube-proxy maps port -> targetPort, and only for a ClusterIP. Drop `clusterIP: None` — and on a "
              "live cluster delete the Service first: spec.clusterIP cannot change in place (an apply without it "
              "keeps the Service headless)."]
    _solution = """# On a live cluster: kubectl delete svc api, then apply this (spec.clusterIP is immutable;
# applying it over the headless Service keeps clusterIP: None).
answer = '''
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
'''"""
    _solution_answer = _solution.split("'''")[1]

    def cluster(self):
        """The broken scenario, to explore."""
        c = fresh_cluster(self.scenario, **self.cluster_args)
        c.apply(self.broken)
        return c

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(self.broken, "still headless"), (self.broken.replace("targetPort: 8080", "targetPort: 80"), "still headless"),
                (ok.replace("targetPort: 8080", "targetPort: 80"), "should answer HTTP 200"),
                (ok.replace("app: web", "app: api"), "should answer HTTP 200"),
                (ok.replace("name: api", "name: web"), "no Service named 'api'")]

    def check_answer(self, answer):
        # The learner's Service replaces the broken one (a fresh cluster: on a real one you would
        # `kubectl delete svc api` first, since spec.clusterIP cannot change in place).
        c = fresh_cluster(self.scenario, **self.cluster_args)
        apply_answer(c, answer)
        self.verify(c)

    def verify(self, c):
        svc = _service(c, "api")
        resp = c.request("http://api/", from_pod="default/client")
        if resp.status is None and svc["spec"].get("clusterIP") == "None":
            raise Incorrect(f"GET http://api/ from pod client: {resp.error}. The Service is still headless: DNS "
                            "gives the pod IPs, the client connects to podIP:80 directly, and nothing rewrites 80 "
                            "to targetPort 8080 (no ClusterIP, no kube-proxy rules).")
        _with_findings(c, resp, "GET http://api/ from pod client")


class ManyLoadBalancers(MultipleChoice):
    """Your team runs 12 HTTP microservices on EKS, each a `type: LoadBalancer` Service. What does that cost,
and what do teams usually do instead?"""

    options = [
        "Nothing extra: all LoadBalancer Services share the cluster's one load balancer",
        "12 cloud load balancers, each billed by the hour (and each with its own address); one Gateway "
        "(or Ingress) behind a single load balancer can route by host and path instead",
        "12 load balancers, but they are free because the nodes are already paid for",
        "The cluster refuses: only one LoadBalancer Service is allowed per cluster",
    ]
    correct = 1
    why_not = {0: "each LoadBalancer Service gets its own cloud load balancer from the cloud controller — "
                  "look at the 12 different EXTERNAL-IPs.",
               2: "cloud load balancers are billed per hour plus traffic, whatever the nodes cost.",
               3: "there is no such limit (only your cloud quota)."}
    _hints = ["Try `Cluster(cloud='aws')` with two LoadBalancer Services: how many EXTERNAL-IPs?",
              "Chapters 07 and 08 are about sharing one entry point: Ingress and the Gateway API."]
    _solution = ("(b). One cloud load balancer per Service, each billed. An Ingress controller or a Gateway "
                 "(Gateway API, where new work goes) takes one load balancer and routes HTTP by host/path to many "
                 "ClusterIP Services.")
    _solution_answer = "b"


q1 = PendingForever()
q2 = HeadlessAnswer()
q3 = MakeItNodePort()
q4 = ExternalNameService()
q5 = HeadlessPortMapping()
q6 = ManyLoadBalancers()
exercise = Exercise("Exercise 04 — Service types", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
