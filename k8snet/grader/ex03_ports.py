"""Exercise 03 — Ports: port, targetPort, containerPort, nodePort, named and multi-port Services.

Every check runs the learner's answer in a fresh simulated cluster and reports what curl and
the API server said.  Upstream rules: Service concept page ("Defining a Service", "Port
definitions", "Multi-port Services", "Type NodePort"); core/v1 types.go (``ContainerPort``:
"Not specifying a port here DOES NOT prevent that port from being exposed").
"""
from __future__ import annotations

from . import show_progress
from .answers import Integer
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem, arrival_port, expect_ok, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress"]

CLIENT = """\
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: curl
    image: curlimages/curl
    command: ["sleep", "infinity"]
"""


def _with_findings(cluster, resp, what: str, **kw) -> None:
    """``expect_ok`` plus what ``cluster.diagnose`` says about the failed request."""
    try:
        expect_ok(resp, what, **kw)
    except Incorrect as e:
        extra = ""
        try:
            findings = cluster.diagnose(resp)
        except Exception:  # diagnosis is a bonus; the failure itself is the feedback
            findings = []
        if findings:
            extra = "\n" + "\n".join(f"- {f.what}" for f in findings[:2])
        raise Incorrect(f"{e}{extra}") from None


def _node_ip(cluster, name: str) -> str:
    node = cluster.get("node", name)
    return next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")


def _service(cluster, name: str) -> dict:
    try:
        return cluster.get("svc", name)
    except Exception:
        names = ", ".join(s["metadata"]["name"] for s in cluster.list("svc") if s["metadata"]["name"] != "kubernetes")
        raise Incorrect(f"there is no Service named '{name}' in your YAML (Services applied: {names or 'none'})") from None


class ContainerPortIsInformational(MultipleChoice):
    """The container in pod `web` runs nginx, which listens on 80, but its manifest says
`containerPort: 8080`. A Service `web` has `port: 80, targetPort: 8080`.
What does `curl http://web/` from another pod give?"""

    options = [
        "HTTP 200: the kubelet forwards containerPort 8080 to the port nginx listens on",
        "connection refused: the packet reaches the pod on 8080, where nothing listens",
        "connection timed out: containerPort 8080 is blocked by the pod's firewall",
        "kubectl apply refuses the Service because 8080 is not what the app listens on",
    ]
    correct = 1
    why_not = {
        0: "nothing forwards between container ports: kube-proxy DNATs to podIP:targetPort, and the "
           "packet arrives on 8080. containerPort is informational (it documents, and names ports).",
        2: "a pod has no firewall on its ports; a closed port answers at once with a TCP reset, which curl "
           "reports as 'connection refused'. Timeouts come from dropped packets (e.g. NetworkPolicy).",
        3: "the API server cannot know what the app listens on; it only checks that the numbers are "
           "valid (1-65535).",
    }
    _hints = ["Follow the packet: kube-proxy rewrites the destination to podIP:targetPort.",
              "Does anything in Kubernetes read containerPort to move traffic? (types.go: 'Not specifying a "
              "port here DOES NOT prevent that port from being exposed.')"]
    _solution = ("(b). kube-proxy DNATs to 10.244.x.y:8080; nginx listens on 80, so the pod's kernel "
                 "answers with a reset: curl: (7) Failed to connect ... Connection refused. Fix: targetPort: 80 "
                 "(and make containerPort say 80 so the manifest tells the truth).")
    _solution_answer = "b"


class NamedTargetPort(Problem):
    """Prediction. Deployment `shop` names its container port `http` (`containerPort: 3000`,
the app really listens on 3000). Its Service says `port: 80, targetPort: http`.
On which port does a request to `http://shop/` arrive **in the pod**? Answer with a number.
(`q2.cluster()` gives you this scenario to explore, e.g. with `kubectl get endpointslices`.)"""

    scenario = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: registry.k8s.io/gateway-api/echo-basic:v1.5.1
        ports: [{name: http, containerPort: 3000}]
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports: [{port: 80, targetPort: http}]
---
""" + CLIENT
    _hints = ["A named targetPort is looked up in each selected pod's containers[].ports[].name.",
              "The EndpointSlice controller writes the resolved number: `kubectl get endpointslices -l "
              "kubernetes.io/service-name=shop` shows it in PORTS."]
    _solution = "answer = 3000   # targetPort: http -> the container port named http -> 3000"
    _solution_answer = 3000
    answer_type = Integer(example=8080, what="a port number")
    wrong_answers = [(80, "Service's `port`"), (8080, "is not where the request arrives"),
                     (443, "is not where the request arrives"), ("3000", "without quotes"),
                     ("http", "is not a port number"), (3000.0, "whole number"), (True, "is not a port number")]

    def cluster(self):
        """The scenario of this question, to explore."""
        return fresh_cluster(self.scenario, seed=3)

    def check_answer(self, answer):
        c = self.cluster()
        resp = c.request("http://shop/", from_pod="default/client")
        hop = next(h for h in resp.hops if h.component == "pod")
        truth = int(hop.action.split("accepts on port ")[1].split()[0])
        value = answer
        if value == 80:
            raise Incorrect("80 is the Service's `port`: what clients dial on the ClusterIP. kube-proxy rewrites it "
                            "to the endpoint's port before the packet reaches the pod.")
        if value != truth:
            raise Incorrect(f"{value} is not where the request arrives: targetPort is the *name* http, so "
                            "find the container port that carries that name in the pod template.")


class BuildNodePort(BuildProblem):
    """Build. Deployment `api` runs `hashicorp/http-echo` (it listens on 5678; its container port
is named `http`). Write a Service `api` so that
* pods reach it at `http://api/` (port 80), and
* people outside reach it at `http://<any node IP>:30007/`."""

    scenario = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: echo
        image: hashicorp/http-echo:1.0
        args: ["-text=hello from api"]
        ports: [{name: http, containerPort: 5678}]
---
""" + CLIENT
    _hints = ["Reaching a port on every node's IP is what `type: NodePort` is for; the number goes in `nodePort`.",
              "Three ports: `port: 80` (the ClusterIP side), `targetPort: http` or 5678 (the pod side), "
              "`nodePort: 30007` (the node side)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  selector:
    app: api
  ports:
  - port: 80
    targetPort: http
    nodePort: 30007
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("  type: NodePort\n", "").replace("    nodePort: 30007\n", ""), "Make it `type: NodePort`"),
                (ok.replace("nodePort: 30007", "nodePort: 30008"), ":30007/ from the internet should answer"),
                (ok.replace("targetPort: http", "targetPort: 8080"), "GET http://api/ from pod client should answer"),
                (ok.replace("  - port: 80\n", "  - port: 30007\n"), "GET http://api/ from pod client should answer"),
                (ok.replace("app: api", "app: echo"), "GET http://api/ from pod client should answer"),
                (ok.replace("nodePort: 30007", "nodePort: 80"), "Invalid value")]

    def verify(self, c):
        svc = _service(c, "api")
        _with_findings(c, c.request("http://api/", from_pod="default/client"), "GET http://api/ from pod client",
                       body_contains="hello from api")
        if svc["spec"].get("type") not in ("NodePort", "LoadBalancer"):
            raise Incorrect(f"pods reach it, but the Service is type {svc['spec'].get('type')}: no node listens on "
                            "30007 for it. Make it `type: NodePort`.")
        for node in ("node-1", "node-2"):
            url = f"http://{_node_ip(c, node)}:30007/"
            _with_findings(c, c.request(url, from_internet=True), f"GET {url} from the internet",
                           body_contains="hello from api")


class MultiPort(BuildProblem):
    """Build. Deployment `shop` listens on two ports: 8080 (`http`, the shop) and 9090 (`metrics`).
Write one Service `shop` with **two** ports: `80` -> the shop, and `9090` -> the metrics.
Both `http://shop/` and `http://shop:9090/` must answer from pod `client`."""

    scenario = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: example.com/shop:2.1
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090}
---
""" + CLIENT
    _hints = ["A Service may list several ports under `ports:`; each maps its own port to its own targetPort.",
              "With more than one port, every port needs a `name` (the API server says `spec.ports[0].name: "
              "Required value` otherwise) — the names are how EndpointSlices and SRV records tell them apart."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector:
    app: shop
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: metrics
    port: 9090
    targetPort: metrics
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("targetPort: metrics", "targetPort: http"), "arrives in the pod on port 8080"),
                (ok.replace("targetPort: metrics", "targetPort: 8080"), "arrives in the pod on port 8080"),
                (ok.replace("targetPort: http", "targetPort: metrics"), "arrives in the pod on port 9090"),
                (ok.split("  - name: metrics")[0], "the Service has one port"),
                (ok.replace("  - name: http\n    port: 80", "  - port: 80"), "Required value"),
                (ok.replace("port: 9090\n", "port: 9091\n"), "GET http://shop:9090/ from pod client should answer")]

    def verify(self, c):
        svc = _service(c, "shop")
        if len(svc["spec"]["ports"]) < 2:
            raise Incorrect("the Service has one port: add a second entry under `ports:` for 9090")
        # Every port of this app answers HTTP, so a 200 alone cannot tell the designs apart: the
        # request must arrive in the pod on the container port meant for it.
        for url, want, what in (("http://shop/", 8080, "the shop (http)"), ("http://shop:9090/", 9090, "the metrics")):
            resp = c.request(url, from_pod="default/client")
            _with_findings(c, resp, f"GET {url} from pod client")
            got = arrival_port(resp)
            if got != want:
                raise Incorrect(f"GET {url} from pod client answers, but arrives in the pod on port {got}: that is "
                                f"not {what}, which listens on {want}. Check that port's targetPort.")


class FixNamedPort(BuildProblem):
    """Debugging. After a release, `curl http://catalog/` from pod `client` says *connection refused*.
The Deployment's pod template now names its port `web` (it used to be `http`); the Service was not
changed:

    apiVersion: v1
    kind: Service
    metadata:
      name: catalog
    spec:
      selector:
        app: catalog
      ports:
      - port: 80
        targetPort: http

Write the fixed Service (`kubectl get endpointslices` on `q5.cluster()` shows the symptom)."""

    scenario = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog}}
  template:
    metadata: {labels: {app: catalog}}
    spec:
      containers:
      - name: catalog
        image: registry.k8s.io/echoserver:1.10
        ports: [{name: web, containerPort: 8080}]
---
""" + CLIENT
    broken = """\
apiVersion: v1
kind: Service
metadata: {name: catalog}
spec:
  selector: {app: catalog}
  ports: [{port: 80, targetPort: http}]
"""
    _hints = ["`kubectl get endpointslices` shows PORTS <unset>: no pod has a port named http, so kube-proxy has "
              "no endpoint for port 80 and REJECTs.",
              "Point targetPort at the name the pods use now (or at the number 8080)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: catalog
spec:
  selector:
    app: catalog
  ports:
  - port: 80
    targetPort: web
'''"""
    _solution_answer = _solution.split("'''")[1]

    def cluster(self):
        """The broken scenario, with the old Service applied."""
        c = fresh_cluster(self.scenario, **self.cluster_args)
        c.apply(self.broken)
        return c

    only = ("service/catalog",)

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        renamed = self.scenario.split("---")[0].replace("name: web, containerPort", "name: http, containerPort")
        return [(self.broken, "should answer HTTP 200"), (ok.replace("targetPort: web", "targetPort: 80"),
                                                          "should answer HTTP 200"),
                (ok.replace("targetPort: web", "targetPort: Web"), "Invalid value"),
                (renamed, "asks only for service/catalog"),
                (ok.replace("app: catalog", "app: web"), "should answer HTTP 200")]

    def check_answer(self, answer):
        c = fresh_cluster(self.scenario, **self.cluster_args)
        self.apply(c, answer)
        _service(c, "catalog")
        _with_findings(c, c.request("http://catalog/", from_pod="default/client"),
                       "GET http://catalog/ from pod client")


class ProtocolDefault(MultipleChoice):
    """A Service for a DNS server lists `- name: dns` / `port: 53` / `targetPort: 53` and nothing else.
Clients send their queries over UDP. What happens?"""

    options = [
        "It works: a Service forwards every protocol on port 53",
        "Queries over UDP get no answer: `protocol` defaults to TCP, so kube-proxy only has TCP rules for port 53",
        "kubectl apply fails: `protocol` is required",
        "It works: the API server reads the protocol from the pod's containerPort",
    ]
    correct = 1
    why_not = {0: "kube-proxy writes rules per protocol (`-p tcp`, `meta l4proto`): a ServicePort covers one.",
               2: "protocol is optional; the API server defaults it to TCP.",
               3: "defaulting looks only at the Service; containerPort is informational."}
    _hints = ["`kubectl get svc -o yaml` after applying shows a field you did not write.",
              "Look at kube-dns: it lists port 53 twice, `dns` (UDP) and `dns-tcp` (TCP)."]
    _solution = ("(b). protocol defaults to TCP; list the port twice (UDP and TCP, with different names), as "
                 "kube-system/kube-dns does.")
    _solution_answer = "b"


q1 = ContainerPortIsInformational()
q2 = NamedTargetPort()
q3 = BuildNodePort()
q4 = MultiPort()
q5 = FixNamedPort()
q6 = ProtocolDefault()
exercise = Exercise("Exercise 03 — Ports", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
