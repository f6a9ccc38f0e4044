"""Exercise 01 — Pods and their IPs.

Six questions; every expected value is computed by running the simulator:

* q1 prediction: the source address pod b sees when pod a calls it (no NAT between pods)
* q2 prediction: the pod range of the third node (one /24 per node from 10.244.0.0/16)
* q3 command: a kubectl command that prints node-2's pod range (``spec.podCIDR``)
* q4 concept: what deleting a Deployment's pod does to its name and IP
* q5 prediction: how long after a node dies its pods are replaced (50 s + 300 s)
* q6 concept: why nothing should depend on a pod's IP
"""
from __future__ import annotations

import ipaddress

from ..errors import K8sNetError
from . import show_progress
from .answers import Command, Number, Text
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress", "AGNHOST_PODS", "FAILING_NODE_SCENARIO"]

#: Two agnhost pods pinned to different nodes (agnhost's /clientip echoes the caller's address).
AGNHOST_PODS = """
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  nodeName: node-1
  containers:
  - {name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  nodeName: node-3
  containers:
  - {name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}
"""

#: A Deployment of four nginx pods spread over two workers (node-2, node-3; node-1 is the
#: control plane, tainted NoSchedule as kubeadm leaves it).
FAILING_NODE_SCENARIO = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}
"""


def _cluster(nodes: int = 3, scenario: str | None = None, seed: int = 5):
    return fresh_cluster(scenario, nodes=nodes, seed=seed)


class SourceIP(Problem):
    """Pod `a` runs on node-1, pod `b` on node-3 (both agnhost netexec, which answers
    /clientip with the caller's address). From `a`, you run `curl http://<b's IP>:8080/clientip`.
    Which IP address does `b` report as the client? Answer a string such as "10.244.9.9"."""

    answer_type = Text(example="10.244.9.9", what="an IP address")
    _hints = ["Look up both pods' IPs and nodes: `%kubectl get pods -o wide`.",
              "The Kubernetes network model: pods reach each other *without NAT*, so the packet keeps its source.",
              "It is pod a's own IP."]
    _solution = ('c = Cluster(nodes=3, seed=5); c.apply(AGNHOST_PODS)\n'
                 'answer = c.get("pod", "a")["status"]["podIP"]   # pod a\'s own IP\n'
                 "Pods talk to each other without NAT: b sees a's pod IP, even across nodes. "
                 "(Only traffic through some Service paths, or leaving the cluster, is masqueraded to a node IP.)")
    @property
    def wrong_answers(self) -> list:
        c = _cluster(scenario=AGNHOST_PODS)
        node1 = c.get("node", "node-1")["status"]["addresses"][0]["address"]
        b_ip = c.get("pod", "b")["status"]["podIP"]
        return [(node1, "SNAT"), (b_ip, "client's"), ("10.96.0.1", "not a pod address"),
                ("127.0.0.1", "not a pod address"), ("10.244.0.99", "run `%kubectl get pods -o wide`"),
                (10, "is not a string")]

    @property
    def _solution_answer(self) -> str:
        # What a learner reads off `kubectl get pods -o wide`: pod a's IP in this scenario.
        return _cluster(scenario=AGNHOST_PODS).get("pod", "a")["status"]["podIP"]

    def check_answer(self, answer) -> None:
        c = _cluster(scenario=AGNHOST_PODS)
        b_ip = c.get("pod", "b")["status"]["podIP"]
        resp = c.request(f"http://{b_ip}:8080/clientip", from_pod="default/a")
        truth = (resp.body or "").rsplit(":", 1)[0]
        text = answer
        if ":" in text:
            text = text.rsplit(":", 1)[0]
        if text == truth:
            return None
        nodes = {n["status"]["addresses"][0]["address"]: n["metadata"]["name"] for n in c.list("node")}
        if text in nodes:
            raise Incorrect(f"{text} is {nodes[text]}'s address: that would mean the node rewrote (SNATed) the "
                            f"source. Between pods there is no NAT — b saw {truth}.")
        if text == b_ip:
            raise Incorrect(f"{text} is b's own IP — the question asks for the *client's* address.")
        if text.startswith("10.96.") or text.startswith("127."):
            raise Incorrect(f"{text} is not a pod address; no Service or loopback is involved in pod-to-pod calls.")
        raise Incorrect(f"b reported {truth}, not {text}: run `%kubectl get pods -o wide` and look at pod a.")


class ThirdNodeRange(Problem):
    """A cluster with three nodes (node-1, node-2, node-3) uses the pod network 10.244.0.0/16 and
    gives each node a /24. Which range do the pods of node-3 get their IPs from? Answer a CIDR
    string such as "10.244.7.0/24"."""

    answer_type = Text(example="10.244.7.0/24", what="a CIDR")
    wrong_answers = [("10.244.1.0/24", "belongs to node-2"), ("10.244.0.0/24", "belongs to node-1"),
                     ("10.244.2.0/16", "a node gets a /24"), ("10.244.2.0", "one address"),
                     ("10.244.3.0/24", "no node has"), ("10.244.2.1/24", "network address"),
                     ("node-3", "is not a CIDR"), (2, "is not a string")]
    _hints = ["The ranges are handed out in order, one /24 per node, starting at the bottom of 10.244.0.0/16.",
              "node-1 has 10.244.0.0/24 and node-2 has 10.244.1.0/24.",
              "Count on once more."]
    _solution = ('answer = "10.244.2.0/24"\n'
                 "kube-controller-manager (with --allocate-node-cidrs) carves --cluster-cidr into /24s "
                 "(--node-cidr-mask-size) and writes one into each Node's spec.podCIDR; check with "
                 "`kubectl get node node-3 -o jsonpath={.spec.podCIDR}`.")
    _solution_answer = "10.244.2.0/24"

    def check_answer(self, answer) -> None:
        c = _cluster()
        truth = ipaddress.ip_network(c.get("node", "node-3")["spec"]["podCIDR"])
        text = answer
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise Incorrect(f"{text!r} is not a CIDR: write it as address/prefix, e.g. \"10.244.7.0/24\"") from None
        if "/" not in text:
            raise Incorrect(f"{text} is one address; give the node's whole range, with its /prefix.")
        if net.prefixlen == truth.prefixlen and ipaddress.ip_interface(text).ip != net.network_address:
            raise Incorrect(f"{text} is an address inside a range; write the range with its network address "
                            "(the host part all zeros).")
        if net == truth:
            return None
        if net.prefixlen != truth.prefixlen:
            raise Incorrect(f"a node gets a /{truth.prefixlen}, not a /{net.prefixlen} "
                            f"(the whole pod network is 10.244.0.0/16).")
        owner = next((n["metadata"]["name"] for n in c.list("node")
                      if ipaddress.ip_network(n["spec"]["podCIDR"]) == net), None)
        if owner:
            raise Incorrect(f"{net} belongs to {owner}: the first node gets 10.244.0.0/24.")
        raise Incorrect(f"no node has {net} yet: ranges are handed out in order from 10.244.0.0/24.")


class PodCIDRCommand(Problem):
    """Write a kubectl command (a string) that prints the pod range of node-2 — the range its
    pods get their IPs from. The checker runs it against a two-node cluster."""

    answer_type = Command()
    wrong_answers = [("kubectl get nodes -o jsonpath={.items[*].spec.podCIDR}", "more nodes than node-2"),
                     ("kubectl describe nodes", "more nodes than node-2"),
                     ("kubectl get node node-2", "is not in it"),
                     ("kubectl get pods -o wide", "is not in it"),
                     ("get node node-2 -o jsonpath={.spec.podCIDR}", "start the command with `kubectl`"),
                     (["kubectl", "get", "node"], "is not a command")]
    _hints = ["The range is a field of the Node object. `kubectl get node node-2 -o yaml` shows all of them.",
              "It is `spec.podCIDR`. kubectl can print one field with `-o jsonpath=...`.",
              "kubectl get node node-2 -o jsonpath={.spec.podCIDR}"]
    _solution = ('answer = "kubectl get node node-2 -o jsonpath={.spec.podCIDR}"\n'
                 "(`kubectl describe node node-2` also shows it, on the PodCIDR: line.)")
    _solution_answer = "kubectl get node node-2 -o jsonpath={.spec.podCIDR}"

    def check_answer(self, answer) -> None:
        c = _cluster(nodes=2)
        truth = c.get("node", "node-2")["spec"]["podCIDR"]
        other = c.get("node", "node-1")["spec"]["podCIDR"]
        line = answer.strip()
        if not line.startswith("kubectl "):
            raise Incorrect("start the command with `kubectl`.")
        try:
            out = c.kubectl(line)
        except K8sNetError as e:
            out = str(e)
        if truth in out and other not in out:
            return None
        shown = out.strip().splitlines()[:4]
        preview = "\n".join(shown) + ("\n…" if len(out.strip().splitlines()) > 4 else "")
        if other in out:
            raise Incorrect(f"that prints the ranges of more nodes than node-2 ({other} is node-1's):\n{preview}")
        raise Incorrect(f"that command printed:\n{preview}\n— node-2's range (10.244.x.0/24) is not in it. "
                        "Which field of the Node holds it?")


class DeletePod(MultipleChoice):
    """Deployment `web` runs 2 replicas. You run `kubectl delete pod web-…-abcde`. What do you
    see in `kubectl get pods -o wide` a moment later?"""

    options = ["The same pod, restarted, with the same name and IP",
               "A new pod with a new name and (almost certainly) a new IP; the other replica is untouched",
               "A new pod with the same name and a new IP",
               "Only one pod: a deleted pod stays deleted"]
    correct = 1
    why_not = {0: "a deleted pod is gone for good; restarting in place is what happens to a *container* that "
                  "crashes (RESTARTS goes up, the pod keeps its IP).",
               2: "keeping the name is what a StatefulSet does (web-0 comes back as web-0) — and even then the IP "
                  "is new. A Deployment's ReplicaSet creates a pod with a new random suffix.",
               3: "the ReplicaSet controller sees 1 of 2 replicas and creates another one at once."}
    _hints = ["Who notices that a replica is missing?", "Try it in chapter 01: delete a pod and compare the tables."]
    _solution = ("answer = 'b'\nThe ReplicaSet creates a replacement with a new name; the node's IPAM gives it "
                 "the next free address of that node's range. That is why clients use a Service, not pod IPs.")
    _solution_answer = "b"


class EvictionTime(Problem):
    """Deployment `web` (4 nginx replicas) runs on the workers node-2 and node-3. At t = 0, node-2
    loses power. About how many seconds later do replacement pods for node-2's replicas start on
    node-3 (default settings of Kubernetes v1.37)? Answer a number; within 10 s counts."""

    answer_type = Number(example=120, what="a number of seconds")
    wrong_answers = [(50, "only turns NotReady"), (40, "only turns NotReady"), (300, "toleration"),
                     (100, "too early"), (900, "too late"), ("350", "without quotes"),
                     (True, "is not a number of seconds"), ([50, 300], "is not a number of seconds")]
    _hints = ["Two timers run one after the other: one before the node is marked NotReady, one before its pods are evicted.",
              "The node lifecycle controller waits --node-monitor-grace-period (50 s since 1.32); every pod "
              "tolerates node.kubernetes.io/unreachable for tolerationSeconds 300.",
              "50 + 300."]
    _solution = ("answer = 350\nNotReady after the 50 s grace period (the node is tainted unreachable:NoExecute), "
                 "then the pods' 300 s toleration (DefaultTolerationSeconds) runs out and they are evicted; the "
                 "ReplicaSet's replacements start on node-3 at once. Until then the old pods stay listed, READY 1/1 "
                 "(only their Ready condition is False, so they are out of the Service endpoints).")
    _solution_answer = 350

    @staticmethod
    def measured(step: int = 5, limit: int = 900) -> int:
        """Simulate it: seconds until a replacement pod runs on a surviving node."""
        c = _cluster(nodes=3, scenario=FAILING_NODE_SCENARIO, seed=3)
        before = {p["metadata"]["name"] for p in c.list("pod")}
        c.fail_node("node-2")
        while c.now < limit:
            c.advance(step)
            if any(p["metadata"]["name"] not in before and (p.get("status") or {}).get("podIP")
                   for p in c.list("pod")):
                return int(c.now)
        return limit

    def check_answer(self, answer) -> None:
        truth = self.measured()
        if abs(answer - truth) <= 10:
            return None
        if abs(answer - 50) <= 10 or abs(answer - 40) <= 10:
            raise Incorrect(f"after ~{answer:.0f} s the node only turns NotReady (its pods leave Service endpoints); "
                            "the pods themselves are not evicted yet. What do they tolerate, and for how long?")
        if abs(answer - 300) <= 10:
            raise Incorrect("300 s is the pods' toleration — but its clock starts when the node is tainted, "
                            "which happens only once the node is declared NotReady.")
        if answer < truth:
            raise Incorrect("too early: with the default settings a dead node's pods are not replaced that fast. "
                            "Which two timers run one after the other?")
        raise Incorrect("too late: the defaults act sooner than that. Which two timers add up?")


class DontUsePodIPs(MultipleChoice):
    """A teammate hard-codes `http://10.244.1.7:8080` (a pod of the `api` Deployment) into the
    frontend's config. Which statement is right?"""

    options = ["Fine: a pod keeps its IP for the life of the Deployment",
               "Fine as long as nobody deletes the pod by hand",
               "It breaks on the next rollout, node failure, eviction or scale-down: pods get new IPs; use a "
               "Service name instead",
               "It breaks only if the pod moves to another node; on the same node the IP is kept"]
    correct = 2
    why_not = {0: "a rollout replaces every pod: each new pod gets a new IP.",
               1: "pods are also replaced by rollouts, evictions (a node failure), scale-down and crashes of the node.",
               3: "a new pod on the same node also gets a new address from that node's range; IPs belong to pods, "
                  "not to slots."}
    _hints = ["What did the IP ledger in chapter 01 show after you deleted a pod?"]
    _solution = ("answer = 'c'\nPod IPs are per pod instance. A Service gives a stable name (DNS) and a stable "
                 "virtual IP, and follows the pods through EndpointSlices — chapter 02.")
    _solution_answer = "c"


q1, q2, q3, q4, q5, q6 = SourceIP(), ThirdNodeRange(), PodCIDRCommand(), DeletePod(), EvictionTime(), DontUsePodIPs()
exercise = Exercise("Exercise 01 — Pods and their IPs", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
