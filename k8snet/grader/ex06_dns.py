"""Exercise 06 — DNS and service discovery (notebook ``exercises/ex06_dns.ipynb``).

Questions (bound as ``q1 .. q6``; ``exercise.progress()`` sums them up):

1. concept (multiple choice): the name that reaches a Service in another namespace;
2. prediction: how many queries a pod sends for ``api.github.com`` (search list, ndots:5);
3. prediction: the IP ``db-1.db`` resolves to (headless Service + StatefulSet);
4. prediction: the port carried by an SRV record for a named port;
5. build: an ExternalName Service so ``http://billing/`` reaches a partner's host;
6. build: a pod whose resolver asks ``google.com`` once and still finds ``web``.

Every prediction is checked against the simulator's own answer for the same scenario
cluster (``qN.cluster()``, a fixed seed), never against a stored string.
"""
from __future__ import annotations

from . import show_progress
from .answers import Integer, Text
from .core import Exercise, Incorrect, MultipleChoice, Problem, ____
from .scenario import BuildProblem, apply_answer, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress", "SCENARIO"]

#: The shared scenario: web (default), cart (shop), a headless db StatefulSet, a client pod.
SCENARIO = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, ports: [{name: http, containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: metrics, port: 9113, targetPort: 9113}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: pg, image: postgres:16, ports: [{name: pg, containerPort: 5432}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: sh, image: busybox, command: [sleep, "3600"]}]
"""

#: Hosts of the simulated internet the questions use.
EXTERNAL = {"api.github.com": "140.82.121.6", "google.com": "142.250.74.46",
            "billing.partner.example": "198.51.100.20"}


def scenario_cluster():
    """A fresh cluster with ``SCENARIO`` applied and the external hosts declared (seed 6)."""
    c = fresh_cluster(SCENARIO, seed=6)
    for name, ip in EXTERNAL.items():
        c.add_external_host(name, ip)
    return c


class _ScenarioProblem(Problem):
    def cluster(self):
        """The scenario cluster this question is about (the same every time)."""
        return scenario_cluster()


class CrossNamespaceName(MultipleChoice):
    """A pod in namespace `shop` must call the Service `web` in namespace `default` (both with the
    default resolv.conf). Which host name works?"""

    options = ["web", "web.default", "default.web", "web.cluster.local"]
    correct = 1
    why_not = {
        0: "from `shop`, `web` is tried as web.shop.svc.cluster.local, web.svc.cluster.local, "
           "web.cluster.local and web. — all NXDOMAIN. The first search domain is the pod's own namespace.",
        2: "names go from specific to general: service first, then namespace (web.default).",
        3: "the Service's name lives under svc.cluster.local: web.default.svc.cluster.local; "
           "web.cluster.local does not exist.",
    }
    _hints = ["Look at the search line of a pod in `shop`: `kubectl exec -n shop client -- cat /etc/resolv.conf`.",
              "The full name is <service>.<namespace>.svc.cluster.local; the search list adds svc.cluster.local."]
    _solution = ('answer = "b"  # web.default: tried as web.default.shop.svc.cluster.local (NXDOMAIN), '
                 'then web.default.svc.cluster.local (the Service)')
    _solution_answer = "b"


class QueriesForExternalName(_ScenarioProblem):
    """How many DNS queries (A records only) does `client` send to resolve `api.github.com`?
    Count every name its resolver asks until it gets an answer."""

    _hints = ["Count the dots in api.github.com and compare with `options ndots:5` in the pod's resolv.conf.",
              "Fewer dots than ndots: every search domain is tried first, then the name as written.",
              "`cluster.resolve('api.github.com', from_pod='default/client').tried` lists them."]
    _solution = ("answer = 4  # 2 dots < ndots:5, so api.github.com.default.svc.cluster.local, "
                 "...svc.cluster.local, ...cluster.local (all NXDOMAIN), then api.github.com.")
    _solution_answer = 4

    answer_type = Integer(example=3, what="a number of queries")
    wrong_answers = [(1, "don't forget the search domains"), (3, "don't forget the search domains"),
                     (2, "don't forget the search domains"), (6, "is not it"), ("4", "without quotes"),
                     (4.5, "is not a number of queries"), (["api.github.com"], "is not a number of queries")]

    def check_answer(self, answer) -> None:
        n = answer
        tried = self.cluster().resolve("api.github.com", from_pod="default/client").tried
        if n != len(tried):
            hint = " (don't forget the search domains)" if n < len(tried) else ""
            raise Incorrect(f"{n} is not it{hint}. Run cluster.resolve('api.github.com', "
                            f"from_pod='default/client').tried and count.")
        return (f"right: {len(tried)} queries: " + ", ".join(t.rstrip(".") for t in tried) +
                ". Written as api.github.com. (with the final dot) it costs one.")


class StatefulSetPodIP(_ScenarioProblem):
    """Which IP address does `db-1.db` resolve to from `client`? (Run `cluster = q3.cluster()` and
    look at the pods.)"""

    _hints = ["`db` is a headless Service of the StatefulSet `db`: each pod gets <pod>.<service> as its own name.",
              "`kubectl get pods -l app=db -o wide` shows each pod's IP."]
    _solution = 'answer = "<the IP of pod db-1>"  # db-1.db.default.svc.cluster.local -> pod db-1, not the Service'

    @property
    def _solution_answer(self):
        return self.cluster().get("pod", "db-1")["status"]["podIP"]

    answer_type = Text(example="10.244.0.5", what="an IP address")

    @property
    def wrong_answers(self) -> list:
        c = self.cluster()
        ip = {n: c.get("pod", n)["status"]["podIP"] for n in ("db-0", "db-2", "client")}
        return [(ip["db-0"], "is the IP of pod db-0"), (ip["db-2"], "is the IP of pod db-2"),
                (ip["client"], "is the IP of pod client"), ("db-1", "is not the address of any pod"),
                ("10.96.0.10", "is not the address of any pod"), (1, "is not a string")]

    def check_answer(self, answer) -> None:
        c = self.cluster()
        r = c.resolve("db-1.db", from_pod="default/client")
        truth = [v for _, t, v in r.answers if t == "A"]
        got = answer
        if [got] == truth:
            return f"right: db-1.db.default.svc.cluster.local -> {truth[0]}, the pod db-1 itself."
        owners = {p["status"].get("podIP"): p["metadata"]["name"] for p in c.list("pod")}
        if got in owners:
            raise Incorrect(f"{got} is the IP of pod {owners[got]}; db-1.db names pod db-1 exactly.")
        raise Incorrect(f"{got!r} is not the address of any pod here. A headless Service has no "
                        "ClusterIP: its names resolve to pod IPs.")


class SRVPort(_ScenarioProblem):
    """The Service `web` has two named ports. Which port number does the SRV record
    `_metrics._tcp.web.default.svc.cluster.local` carry?"""

    _hints = ["SRV records exist for named ports: _<port name>._<protocol>.<service>.<namespace>.svc.cluster.local.",
              "Its value reads 'priority weight port target'; try cluster.resolve(name, qtype='SRV')."]
    _solution = "answer = 9113  # the Service port named metrics (the SRV value is '0 100 9113 web.default.svc.cluster.local.')"
    _solution_answer = 9113

    answer_type = Integer(example=8080, what="a port number")
    wrong_answers = [(80, "That is the http port"), (5432, "is not in the SRV answer"),
                     (53, "is not in the SRV answer"), ("9113", "without quotes"),
                     ("metrics", "is not a port number"), (9113.0, "whole number")]

    def check_answer(self, answer) -> None:
        n = answer
        r = self.cluster().resolve("_metrics._tcp.web.default.svc.cluster.local", qtype="SRV")
        ports = [int(v.split()[2]) for _, t, v in r.answers if t == "SRV"]
        if n not in ports:
            extra = " That is the http port; the record is for the port named metrics." if n == 80 else ""
            raise Incorrect(f"{n} is not in the SRV answer.{extra}")


class ExternalNameBilling(BuildProblem):
    """Write a Service named `billing` (namespace default) so that pods calling `http://billing/`
    reach the partner's host `billing.partner.example`."""

    scenario = SCENARIO
    cluster_args = {"seed": 6}
    _hints = ["No pods are involved: the name should become an alias (CNAME).",
              "type: ExternalName with spec.externalName: billing.partner.example"]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: billing
spec:
  type: ExternalName
  externalName: billing.partner.example
'''"""
    _solution_answer = _solution.split("'''")[1]

    def cluster(self):
        c = super().cluster()
        for name, ip in EXTERNAL.items():
            c.add_external_host(name, ip)
        return c

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("  type: ExternalName\n  externalName: billing.partner.example\n",
                            "  ports: [{port: 80}]\n"), "Make the name an alias"),
                (ok.replace("externalName: billing.partner.example", "externalName: http://billing.partner.example"),
                 "Invalid value"),
                (ok.replace("externalName: billing.partner.example", "externalName: billing.partner.exmaple"),
                 "externalName must be billing.partner.example"),
                (ok.replace("externalName: billing.partner.example", "externalName: 198.51.100.20"),
                 "externalName must be billing.partner.example"),
                (ok.replace("name: billing\n", "name: billing-svc\n"), "no Service named billing")]

    def verify(self, cluster) -> None:
        try:
            svc = cluster.get("svc", "billing")
        except Exception:
            raise Incorrect("there is no Service named billing in namespace default") from None
        r = cluster.resolve("billing", from_pod="default/client")
        cname = [v for _, t, v in r.answers if t == "CNAME"]
        if svc["spec"].get("type") != "ExternalName":
            raise Incorrect(f"billing is a {svc['spec'].get('type')} Service: 'billing' resolves to "
                            f"{[v for _, t, v in r.answers] or r.rcode}, an address inside the cluster, "
                            "not to the partner. Make the name an alias instead.")
        if cname != ["billing.partner.example."]:
            raise Incorrect(f"billing resolves to CNAME {cname[0] if cname else '(none)'}, which is "
                            f"{r.rcode if r.rcode != 'NOERROR' else 'not the partner'}; "
                            "externalName must be billing.partner.example")
        resp = cluster.request("http://billing/", from_pod="default/client")
        if resp.status != 200:
            raise Incorrect(f"GET http://billing/ from client: {resp.error or resp.status}")
        return "right: billing is a CNAME to billing.partner.example; the client's resolver follows it."


class OneQueryPod(BuildProblem):
    """Write a Pod named `fast` (image busybox, command `sleep 3600`) whose resolver asks
    `google.com` with a single query, while the short name `web` still resolves."""

    scenario = SCENARIO
    cluster_args = {"seed": 6}
    _hints = ["The search list is used first only for names with fewer dots than ndots.",
              "spec.dnsConfig.options can set ndots for one pod; the search list stays (dnsPolicy ClusterFirst).",
              "options: [{name: ndots, value: \"1\"}]"]
    _solution = """answer = '''
apiVersion: v1
kind: Pod
metadata:
  name: fast
spec:
  dnsConfig:
    options:
    - name: ndots
      value: "1"
  containers:
  - name: sh
    image: busybox
    command: [sleep, "3600"]
'''"""
    _solution_answer = _solution.split("'''")[1]

    def cluster(self):
        c = super().cluster()
        c.add_external_host("google.com", EXTERNAL["google.com"])
        return c

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace('value: "1"', "value: 1"), "cannot unmarshal number"),
                (ok.replace('value: "1"', 'value: "5"'), "still takes"),
                (ok.replace('value: "1"', 'value: "2"'), "still takes"),
                (ok.replace("spec:\n  dnsConfig", "spec:\n  dnsPolicy: Default\n  dnsConfig"),
                 "lost the cluster's search list"),
                (ok.replace("name: fast", "name: fast-pod"), "no Pod named fast")]

    def verify(self, cluster) -> None:
        try:
            cluster.get("pod", "fast")
        except Exception:
            raise Incorrect("there is no Pod named fast in namespace default") from None
        g = cluster.resolve("google.com", from_pod="default/fast")
        w = cluster.resolve("web", from_pod="default/fast")
        if w.rcode != "NOERROR" or not w.answers:
            raise Incorrect(f"from fast, 'web' is {w.rcode} (tried {', '.join(w.tried)}): the pod lost the "
                            "cluster's search list. Keep dnsPolicy ClusterFirst and change only ndots.")
        if len(g.tried) != 1:
            raise Incorrect(f"google.com still takes {len(g.tried)} queries: {', '.join(g.tried)}. "
                            "Lower ndots so a name with one dot is asked as written first.")
        return "right: ndots:1 — google.com is asked as written first; web still goes through the search list."


q1 = CrossNamespaceName()
q2 = QueriesForExternalName()
q3 = StatefulSetPodIP()
q4 = SRVPort()
q5 = ExternalNameBilling()
q6 = OneQueryPod()
exercise = Exercise("Exercise 06 · DNS", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
