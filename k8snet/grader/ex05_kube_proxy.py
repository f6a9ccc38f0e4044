"""Exercise 05 — kube-proxy: iptables probabilities, nftables and IPVS, session affinity, and
externalTrafficPolicy.

Checks compute the truth with the simulator (the node's rules, or requests).  Upstream rules:
"Virtual IPs and Service Proxies" (proxy modes, "Session affinity"), kube-proxy's
pkg/proxy/iptables/proxier.go (``-m statistic --probability`` 1/(n-i)), "Create an External
Load Balancer" / "Using Source IP" (externalTrafficPolicy).
"""
from __future__ import annotations

import re

from . import show_progress
from .answers import Integer, Numbers, OneOf
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .ex03_ports import CLIENT, _node_ip, _service, _with_findings
from .scenario import BuildProblem, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "exercise", "____", "show_progress"]


def _web(replicas: int) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: echo, image: "registry.k8s.io/echoserver:1.10", ports: [{{containerPort: 8080}}]}}]
---
""" + CLIENT


_SVC = """\
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""


class Probabilities(Problem):
    """Prediction. Service `web` has **4** ready endpoints; kube-proxy runs in iptables mode. Its
`KUBE-SVC-…` chain has one rule per endpoint. List the `--probability` of each rule in order, as
floats (3 decimals are enough); write `None` for a rule that has no probability."""

    _hints = ["The first rule must pick 1 of 4 connections. The ones that fall through meet the second rule: "
              "it must pick 1 of the 3 that are left.",
              "1/4, 1/3, 1/2, and the last rule catches everything that is left."]
    _solution = "answer = [0.25, 0.333, 0.5, None]"
    _solution_answer = [0.25, 0.333, 0.5, None]
    answer_type = Numbers(example="[0.5, None]")
    wrong_answers = [([0.25, 0.25, 0.25, 0.25], "rule 2 says 0.25"), ([0.25, 0.25, 0.25, None], "rule 2 says 0.25"),
                     ([0.25, 0.333, 0.5, 1.0], "rule 4 is the last one"), ([0.25, 0.333, 0.5], "4 values, not 3"),
                     ([0.25, 0.333, 0.5, 1, None], "4 values, not 5"), ([0.2, 0.333, 0.5, None], "rule 1: 0.2"),
                     (["0.25", "0.333", "0.5", None], "is not a number"), (0.25, "is not a list"),
                     ([True, 0.333, 0.5, None], "is not a number")]

    def cluster(self):
        """The scenario: 4 replicas behind Service web, iptables mode."""
        return fresh_cluster(_web(4) + _SVC, seed=7)

    def truth(self) -> list:
        """The probabilities the node's KUBE-SVC rules for default/web carry."""
        lines = [x for x in self.cluster().iptables_save("node-1").splitlines()
                 if x.startswith("-A KUBE-SVC-") and '"default/web ->' in x]
        return [float(m.group(1)) if (m := re.search(r"--probability (\S+)", x)) else None for x in lines]

    def check_answer(self, answer):
        truth = self.truth()
        if len(answer) != len(truth):
            raise Incorrect(f"there is one rule per endpoint: {len(truth)} values, not {len(answer)}")
        for i, (a, t) in enumerate(zip(answer, truth)):
            if t is None and a is not None:
                raise Incorrect(f"rule {i + 1} is the last one: it has no --probability, it takes everything left")
            if t is not None:
                if a is None or abs(a - t) >= 0.002:
                    if a is not None and i > 0 and abs(float(a) - 0.25) < 0.002:
                        raise Incorrect(f"rule {i + 1} says {a}: but it only sees the connections rule {i} let "
                                        "through. Of those it must pick 1 in (endpoints left).")
                    raise Incorrect(f"rule {i + 1}: {a} is not what kube-proxy writes. Think of how many endpoints "
                                    "are left when a packet reaches it.")


class WhichMode(MultipleChoice):
    """You are building a new cluster on Kubernetes 1.37 with thousands of Services. Which kube-proxy mode
does upstream point you to?"""

    options = [
        "iptables: it is the default and scales best",
        "IPVS: it was built for large clusters, so it is the future",
        "nftables: GA since 1.33, one map lookup per packet instead of a long chain walk",
        "userspace: the most compatible",
    ]
    correct = 2
    why_not = {0: "iptables is still the default on Linux, but its rules grow with Services x endpoints and "
                  "every update rewrites large tables; it is not what scales best.",
               1: "IPVS mode is deprecated since 1.35; upstream recommends nftables instead.",
               3: "the userspace mode was removed (1.26)."}
    _hints = ["Compare `cluster.nft(node)` with `cluster.iptables_save(node)`: how does each find a Service?",
              "Check the 'Virtual IPs and Service Proxies' page: which mode is GA, which is deprecated?"]
    _solution = ("(c) nftables: `service-ips` is a verdict map keyed by IP . protocol . port, so the lookup costs "
                 "the same for 10 or 10,000 Services. IPVS mode is deprecated since 1.35; iptables remains the "
                 "default for compatibility.")
    _solution_answer = "c"


class SourceHashing(Problem):
    """Prediction. kube-proxy runs in IPVS mode with the `sh` (source hashing) scheduler, and `web` has 3
replicas. Pod `client` sends 30 requests to `http://web/`. How many **different** pods answer?"""

    _hints = ["sh hashes the client's source IP to pick a real server.",
              "One client, one source IP..."]
    _solution = "answer = 1   # one source IP hashes to one real server"
    _solution_answer = 1
    answer_type = Integer(example=3, what="a number of pods")
    wrong_answers = [(3, "with round robin (rr) it would be 3"), (2, "sh picks by the client's source address"),
                     (30, "is not it"), ("1", "without quotes"), (1.5, "is not a number of pods"),
                     (True, "is not a number of pods")]

    def cluster(self):
        """The scenario, in IPVS mode with the sh scheduler."""
        from .. import Cluster
        c = Cluster(seed=8, proxy_mode="ipvs", ipvs_scheduler="sh")
        c.apply(_web(3) + _SVC)
        return c

    def check_answer(self, answer):
        value = answer
        c = self.cluster()
        truth = len({c.request("http://web/", from_pod="default/client").pod for _ in range(30)})
        if value != truth:
            raise Incorrect(f"{value} is not it: with round robin (rr) it would be 3; sh picks by the client's "
                            "source address, and that never changes here.")


class StickySessions(BuildProblem):
    """Build. The `web` app keeps sessions in memory. Write Service `web` (port 80 -> 8080) so that a client
keeps reaching the same pod for up to **10 minutes** after its last request."""

    scenario = _web(3)
    _hints = ["`spec.sessionAffinity` has two values: None and ClientIP.",
              "The time goes in `sessionAffinityConfig.clientIP.timeoutSeconds` (default 10800 = 3 hours)."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 600
  ports:
  - port: 80
    targetPort: 8080
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("ClientIP", "None").split("  sessionAffinityConfig")[0] + "  ports:\n  - port: 80\n"
                 "    targetPort: 8080\n", "there is no affinity"),
                (ok.replace("timeoutSeconds: 600", "timeoutSeconds: 60"), "for 60 s"),
                (ok.replace("timeoutSeconds: 600", "timeoutSeconds: 900"), "not 10 minutes"),
                (ok.replace("timeoutSeconds: 600", 'timeoutSeconds: "600"'), "cannot unmarshal string"),
                (ok.replace("timeoutSeconds: 600", "timeoutSeconds: 10"), "for 10 s"),
                (ok.replace("targetPort: 8080", "targetPort: 80"), "should answer HTTP 200")]

    def verify(self, c):
        _service(c, "web")
        first = c.request("http://web/", from_pod="default/client")
        _with_findings(c, first, "GET http://web/ from pod client")
        pods = {c.request("http://web/", from_pod="default/client").pod for _ in range(20)}
        if pods != {first.pod}:
            raise Incorrect(f"20 requests from one client reached {len(pods)} pods: there is no affinity. "
                            "Set `sessionAffinity: ClientIP`.")
        c.advance(590)
        if c.request("http://web/", from_pod="default/client").pod != first.pod:
            raise Incorrect("after 590 s idle the client moved to another pod: the affinity timeout is shorter "
                            "than 10 minutes")
        m = re.search(r"--rcheck --seconds (\d+)", c.iptables_save("node-1"))
        if m and int(m.group(1)) != 600:
            raise Incorrect(f"it sticks, but for {m.group(1)} s (kube-proxy's rule says `--rcheck --seconds "
                            f"{m.group(1)}`), not 10 minutes: set sessionAffinityConfig.clientIP.timeoutSeconds")


class NatGotcha(MultipleChoice):
    """All 2,000 employees of a customer reach your NodePort Service from their office, through one NAT
gateway (one public IP). The Service has `sessionAffinity: ClientIP` and 4 replicas. What do you see?"""

    options = [
        "Each replica gets about 500 employees",
        "One replica gets all of them: to kube-proxy they are one client IP",
        "Affinity is ignored for NodePort traffic, so requests spread evenly",
        "The NAT gateway balances them over the 4 replicas",
    ]
    correct = 1
    why_not = {0: "affinity keys on the source IP kube-proxy sees, and behind NAT that is the same for everyone.",
               2: "ClientIP affinity applies to NodePort and LoadBalancer traffic too (the KUBE-SVC chain is shared).",
               3: "the NAT gateway knows nothing about your pods; it only rewrites source addresses."}
    _hints = ["What does kube-proxy remember for affinity: a cookie, a user, or an address?",
              "In the chapter's widget, choose 'the internet (one NAT address)' and affinity ClientIP."]
    _solution = ("(b). ClientIP affinity remembers source IPs (xt_recent / an nft set / IPVS persistence), so one "
                 "NAT address means one pod takes the whole office. Use cookie-based stickiness at L7 (Ingress/"
                 "Gateway) if you need per-user sessions.")
    _solution_answer = "b"


class KeepSourceIP(BuildProblem):
    """Build. Service `web` must be reachable from the internet on port 30080 of the nodes, and the app
(`registry.k8s.io/echoserver:1.10`, which prints `client_address=`) must see the **real client IP**
(203.0.113.10), not a node's. Write the Service."""

    scenario = _web(2)
    _hints = ["By default (`externalTrafficPolicy: Cluster`) a node may forward to a pod on another node, and "
              "SNATs to its own IP so the reply comes back through it.",
              "`externalTrafficPolicy: Local` keeps the source IP — and only nodes with a local pod answer."]
    _solution = """answer = '''
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  externalTrafficPolicy: Local
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
        return [(ok.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"), "client_address="),
                (ok.replace("  externalTrafficPolicy: Local\n", ""), "SNATs external traffic"),
                (ok.replace("nodePort: 30080", "nodePort: 30081"), "no nodePort 30080"),
                (ok.replace("externalTrafficPolicy: Local", "internalTrafficPolicy: Local"), "SNATs external traffic"),
                (ok.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: local"), "Unsupported value")]

    def verify(self, c):
        svc = _service(c, "web")
        if not any(p.get("nodePort") == 30080 for p in svc["spec"].get("ports") or []):
            raise Incorrect("the Service has no nodePort 30080: make it `type: NodePort` with `nodePort: 30080`")
        nodes = sorted({p["spec"]["nodeName"] for p in c.list("pod") if p["metadata"]["name"].startswith("web-")})
        for node in nodes:
            url = f"http://{_node_ip(c, node)}:30080/"
            resp = c.request(url, from_internet=True)
            _with_findings(c, resp, f"GET {url} from the internet")
            seen = re.search(r"client_address=(\S+)", resp.body)
            if seen and seen.group(1) != "203.0.113.10":
                raise Incorrect(f"GET {url}: the app printed client_address={seen.group(1)} — a node's address, "
                                "because kube-proxy SNATs external traffic under externalTrafficPolicy: Cluster")


class LocalWithoutPod(Problem):
    """Prediction. `web` has **one** replica, on node-2, behind a NodePort Service (nodePort 30080) with
`externalTrafficPolicy: Local`. What does `curl http://<node-1's IP>:30080/` from the internet say?
Answer with curl's words: `"HTTP 200"`, `"connection refused"` or `"connection timed out"`."""

    _hints = ["With Local, a node only sends external traffic to pods on itself.",
              "node-1 has no local endpoint: kube-proxy drops the packet (so a cloud LB's health check marks that "
              "node unhealthy)."]
    _solution = "answer = 'connection timed out'   # node-1 DROPs: no local endpoint"
    _solution_answer = "connection timed out"

    def cluster(self):
        """The scenario: one replica pinned to node-2."""
        c = fresh_cluster(_web(1).replace("    spec:\n      containers",
                                          "    spec:\n      nodeName: node-2\n      containers"), seed=9)
        c.apply("""
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
""")
        return c

    # One rule for every question that takes curl's words: the exact phrases (case and spaces
    # aside) — "timeout" or "refused" alone get a message listing the phrases, here as in ex02.
    answer_type = OneOf("HTTP 200", "connection refused", "connection timed out")
    wrong_answers = [("HTTP 200", "externalTrafficPolicy: Cluster would do"), ("connection refused", "DROPs"),
                     ("timeout", "not one of the phrases"), ("timed out", "not one of the phrases"),
                     ("200", "not one of the phrases"), (200, "is not one of the phrases")]

    def check_answer(self, answer):
        got = answer
        c = self.cluster()
        r = c.request(f"http://{_node_ip(c, 'node-1')}:30080/", from_internet=True)
        truth = f"HTTP {r.status}" if r.status is not None else r.error
        if got != truth:
            why = {"HTTP 200": "that is what externalTrafficPolicy: Cluster would do (forward to node-2, SNAT).",
                   "connection refused": "kube-proxy does not REJECT here: it DROPs, so the client waits."}
            raise Incorrect(f"not {got}: {why.get(got, '')}".rstrip())


q1 = Probabilities()
q2 = WhichMode()
q3 = SourceHashing()
q4 = StickySessions()
q5 = NatGotcha()
q6 = KeepSourceIP()
q7 = LocalWithoutPod()
exercise = Exercise("Exercise 05 — kube-proxy",
                    {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7})
