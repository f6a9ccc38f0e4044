"""Exercise 10: from the internet to a container — load balancer, NodePort, kube-proxy, Ingress,
and service discovery in an application's configuration.

Every expected answer is computed by running the scenario in the simulator.
"""
from __future__ import annotations

import re

from ..errors import K8sNetError
from . import show_progress
from .answers import Integer, NameList, Text
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .ex09_networkpolicy import expect_ok_why
from .scenario import BuildProblem, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "exercise", "____", "show_progress", "SHOP", "APP_AND_DB"]

#: The shop behind ingress-nginx on AWS: http://shop.example.com/ from the internet.
SHOP = """
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
      - {name: app, image: hashicorp/http-echo, args: ["-text=Hello from the shop", "-listen=:8080"],
         ports: [{containerPort: 8080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec: {selector: {app: shop}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]
"""
SHOP_ARGS = {"seed": 10, "nodes": 3, "cloud": "aws", "addons": ["ingress-nginx"]}

#: A Spring Boot app in namespace shop and PostgreSQL in namespace db.
APP_AND_DB = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: db}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop, labels: {app: orders}}
spec: {containers: [{name: app, image: eclipse-temurin:21-jre, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: postgres-0, namespace: db, labels: {app: postgres}}
spec: {containers: [{name: postgres, image: postgres:17, ports: [{containerPort: 5432, name: postgres}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: db}
spec: {selector: {app: postgres}, ports: [{port: 5432, targetPort: postgres}]}
"""


def shop_cluster():
    """The SHOP scenario on AWS, settled (the one questions 1 and 2 are about)."""
    c = fresh_cluster(SHOP, **SHOP_ARGS)
    c.advance(30)
    return c


class NodePortOfTheELB(Problem):
    """In `q1.cluster()` (AWS, ingress-nginx), the AWS load balancer in front of
    `ingress-nginx/ingress-nginx-controller` forwards port 80 to which port on the nodes?
    Answer with a number (look with `cluster.kubectl("get svc -n ingress-nginx")`)."""
    _hints = ["AWS load balancers with instance targets send to a port every node opens for the Service.",
              "PORT(S) reads port:nodePort/protocol, e.g. 80:31614/TCP."]
    _solution = ("answer = <the nodePort of port 80>  — e.g. cluster.get('svc', 'ingress-nginx-controller', "
                 "'ingress-nginx')['spec']['ports'][0]['nodePort']; the ELB targets every node on that port, "
                 "and kube-proxy there DNATs to the controller pod.")

    def cluster(self):
        return shop_cluster()

    def truth(self) -> int:
        svc = self.cluster().get("svc", "ingress-nginx-controller", "ingress-nginx")
        return next(p["nodePort"] for p in svc["spec"]["ports"] if p["port"] == 80)

    @property
    def _solution_answer(self):
        return self.truth()

    answer_type = Integer(example=31234, what="a port number")

    @property
    def wrong_answers(self) -> list:
        svc = self.cluster().get("svc", "ingress-nginx-controller", "ingress-nginx")
        https = next(p["nodePort"] for p in svc["spec"]["ports"] if p["port"] == 443)
        return [(80, "Service's port"), (443, "is a port of a container or of the Service"),
                (8080, "is a port of a container"), (https, "is not it"), (str(self.truth()), "without quotes"),
                ("80:31614/TCP", "is not a port number")]

    def check_answer(self, answer) -> None:
        want = self.truth()
        if answer == 80:
            raise Incorrect("80 is the Service's port (what the load balancer listens on); on the node, the "
                            "Service is opened on its nodePort (30000-32767).")
        if answer == 443 or answer == 8080:
            raise Incorrect(f"{answer} is a port of a container or of the Service; the ELB sends to the nodePort.")
        if answer != want:
            raise Incorrect(f"{answer} is not it; see the hop 'cloud load balancer' of "
                            "cluster.request('http://shop.example.com/', from_internet=True).")


class HopOrder(Problem):
    """Put these five in the order a request from the internet to `http://shop.example.com/`
    meets them (in `q1.cluster()`): "kube-proxy", "container", "DNS", "Ingress controller",
    "cloud load balancer".  Answer with a list of the five names."""
    NAMES = ("kube-proxy", "container", "DNS", "Ingress controller", "cloud load balancer")
    _hints = ["Before any packet is sent, the browser needs an address for the name.",
              "The controller runs in a pod behind a LoadBalancer Service: the LB and kube-proxy come before it.",
              "Check: [h.component for h in cluster.request('http://shop.example.com/', from_internet=True).hops]"]
    _solution = ('answer = ["DNS", "cloud load balancer", "kube-proxy", "Ingress controller", "container"]  — '
                 "DNS gives the LB's address; the LB picks a node; kube-proxy there DNATs to the controller pod; "
                 "the controller picks a shop pod; its container answers.")

    def truth(self) -> list[str]:
        hops = shop_cluster().request("http://shop.example.com/", from_internet=True).hops
        order: list[str] = []
        for h in hops:
            if h.component in self.NAMES and h.component not in order:
                order.append(h.component)
        return order

    @property
    def _solution_answer(self):
        return self.truth()

    answer_type = NameList(example='["DNS", "container"]')
    wrong_answers = [(["DNS", "cloud load balancer", "Ingress controller", "kube-proxy", "container"], "position 3"),
                     (["cloud load balancer", "DNS", "kube-proxy", "Ingress controller", "container"], "position 1"),
                     (["DNS", "kube-proxy", "cloud load balancer", "Ingress controller", "container"], "position 2"),
                     (["DNS", "cloud load balancer", "kube-proxy", "container", "Ingress controller"], "position 4"),
                     (["DNS", "cloud load balancer", "kube-proxy", "Ingress controller"], "each of these once"),
                     ({"DNS", "cloud load balancer", "kube-proxy", "Ingress controller", "container"}, "a set has no order"),
                     (["dns", "cloud load balancer", "kube-proxy", "Ingress controller", "container"], "each of these once")]

    def check_answer(self, answer) -> None:
        if sorted(answer) != sorted(self.NAMES):
            raise Incorrect(f"give a list holding each of these once: {', '.join(repr(n) for n in self.NAMES)}")
        want = self.truth()
        if list(answer) != want:
            bad = next(i for i, (a, b) in enumerate(zip(answer, want)) if a != b)
            raise Incorrect(f"position {bad + 1}: you have {answer[bad]!r}, but the request meets {want[bad]!r} "
                            "there. Read the hops of the request to see why.")


class DatasourceURL(Problem):
    """The Spring Boot app runs in pod `shop/app`; PostgreSQL runs behind Service `postgres`
    in namespace `db`, database `app`. Write the value of `spring.datasource.url`
    (a string like "jdbc:postgresql://HOST:PORT/app") that works from that pod."""
    _hints = ["A bare name like `postgres` is completed with the pod's own namespace first (shop).",
              "Services in other namespaces are <service>.<namespace> or, fully, <service>.<namespace>.svc.cluster.local.",
              "The Service port is 5432."]
    _solution = ('answer = "jdbc:postgresql://postgres.db.svc.cluster.local:5432/app"  — the fully qualified name '
                 "resolves from any namespace (postgres.db works too, through the search list).")
    _solution_answer = "jdbc:postgresql://postgres.db.svc.cluster.local:5432/app"
    _URL = re.compile(r"^jdbc:postgresql://([^/:]+)(?::(\d+))?/(\w+)$")

    answer_type = Text(example="jdbc:postgresql://HOST:PORT/app", what="a JDBC URL")
    wrong_answers = [("jdbc:postgresql://postgres:5432/app", "does not resolve"),
                     ("jdbc:postgresql://localhost:5432/app", "localhost is the app's own pod"),
                     ("jdbc:postgresql://postgres.db:3306/app", "connecting to port 3306 fails"),
                     ("jdbc:postgresql://postgres.db:5432/postgres", "the database is called 'app'"),
                     ("postgres.db:5432", "should look like jdbc:postgresql://HOST:PORT/app"),
                     ("jdbc:postgresql://postgres.shop:5432/app", "does not resolve"),
                     (5432, "is not a string")]

    def check_answer(self, answer) -> None:
        if not (m := self._URL.match(answer)):
            raise Incorrect("the URL should look like jdbc:postgresql://HOST:PORT/app")
        host, port, db = m.group(1), int(m.group(2) or 5432), m.group(3)
        c = fresh_cluster(APP_AND_DB, seed=10)
        dns = c.resolve(host, from_pod="shop/app")
        if host in ("localhost", "127.0.0.1"):
            raise Incorrect("localhost is the app's own pod: PostgreSQL runs in another pod, behind a Service.")
        if dns.rcode != "NOERROR" or not dns.answers:
            raise Incorrect(f"from shop/app, {host} does not resolve ({dns.rcode}); the resolver tried: "
                            f"{', '.join(dns.tried)}")
        svc_ip = c.get("svc", "postgres", "db")["spec"]["clusterIP"]
        if dns.answers[-1][2] != svc_ip:
            raise Incorrect(f"{host} resolves to {dns.answers[-1][2]}, not to the postgres Service ({svc_ip}).")
        r = c.request(f"http://{host}:{port}/", from_pod="shop/app")
        if r.pod is None:
            raise Incorrect(f"{host} resolves, but connecting to port {port} fails: {r.error}. The Service listens "
                            "on 5432.")
        if db != "app":
            raise Incorrect(f"the host and port work; the database is called 'app', not {db!r}.")


class ExposeToInternet(BuildProblem):
    """On a GCP cluster, Deployment `web` (nginx, containerPort 80 named http) runs. Write a
    Service named `web` that gives it an address on the internet, so that
    `http://<EXTERNAL-IP>/` answers from outside."""
    scenario = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
"""
    cluster_args = {"seed": 10, "cloud": "gcp"}
    _hints = ["Which Service type asks the cloud for a load balancer?",
              "type: LoadBalancer, selector app: web, port 80, targetPort http."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("type: LoadBalancer", "type: NodePort"), "it has no external address"),
                (ok.replace("  type: LoadBalancer\n", ""), "it has no external address"),
                (ok.replace("port: 80, targetPort: http", "port: 8080, targetPort: http"), "should answer HTTP 200"),
                (ok.replace("targetPort: http", "targetPort: 8080"), "should answer HTTP 200"),
                (ok.replace("name: web}", "name: web-lb}"), "no Service named web"),
                (ok.replace("type: LoadBalancer", "type: loadbalancer"), "Unsupported value")]

    def verify(self, cluster) -> None:
        cluster.advance(30)
        try:
            svc = cluster.get("svc", "web")
        except K8sNetError:
            raise Incorrect("there is no Service named web in namespace default") from None
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if not ingress:
            raise Incorrect(f"service/web is type {svc['spec']['type']}: it has no external address "
                            "(kubectl get svc web shows EXTERNAL-IP <none>). Ask the cloud for a load balancer.")
        # http://<EXTERNAL-IP>/ is port 80, whatever port the Service chose
        url = f"http://{ingress[0].get('ip')}/"
        expect_ok_why(cluster, cluster.request(url, from_internet=True), f"GET {url} from the internet",
                      body_contains="Welcome to nginx")


class SourceAddress(MultipleChoice):
    """A request from the internet (203.0.113.10) reaches an echoserver pod through a
    LoadBalancer Service with the default `externalTrafficPolicy: Cluster`. Which client
    address does the pod see?"""
    options = ["203.0.113.10, the user's address",
               "the IP of the node the load balancer picked (kube-proxy masqueraded the source)",
               "the load balancer's external IP",
               "the Service's ClusterIP"]
    _hints = ["Look at the kube-proxy hop: '..., source masqueraded to the node'.",
              "externalTrafficPolicy: Local keeps the client address, at the price of only using local pods."]
    _solution = ('answer = "b"  — with externalTrafficPolicy: Cluster kube-proxy SNATs (KUBE-MARK-MASQ) so the '
                 "reply comes back through the same node; the pod sees that node's IP.")
    _solution_answer = "b"
    why_not = {0: "only with externalTrafficPolicy: Local (or proxy protocol) does the pod see the user's address.",
               2: "the load balancer's address is the destination, not the source.",
               3: "a ClusterIP is never a source address; it is a DNAT target."}

    @property
    def correct(self) -> int:  # measured: the echoserver prints client_address
        c = fresh_cluster("""
apiVersion: v1
kind: Pod
metadata: {name: echo, labels: {app: echo}}
spec: {containers: [{name: echo, image: registry.k8s.io/echoserver:1.10, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec: {type: LoadBalancer, selector: {app: echo}, ports: [{port: 80, targetPort: 8080}]}
""", seed=10, cloud="gcp")
        c.advance(10)
        ip = c.get("svc", "echo")["status"]["loadBalancer"]["ingress"][0]["ip"]
        body = c.request(f"http://{ip}/", from_internet=True).body
        seen = re.search(r"client_address=(\S+)", body).group(1)
        nodes = {a["address"] for n in c.list("node") for a in n["status"]["addresses"]}
        return 0 if seen == "203.0.113.10" else 1 if seen in nodes else 2 if seen == ip else 3


q1, q2, q3, q4, q5 = NodePortOfTheELB(), HopOrder(), DatasourceURL(), ExposeToInternet(), SourceAddress()
exercise = Exercise("Exercise 10: from the internet to a container",
                    {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5})
