"""Exercise 14 — traffic policies and topology: internalTrafficPolicy, hints, trafficDistribution,
the topology-mode annotation, hairpin traffic, kube-proxy's mode.

Every check runs the simulator: requests from a client on each node (kube-proxy's rules on that
node choose the endpoint), the EndpointSlice the controller wrote, the kube-proxy ConfigMap.
Upstream rules: pkg/proxy/topology.go (CategorizeEndpoints, topologyModeFromHints),
pkg/proxy/iptables/proxier.go ("has no local endpoints" DROP, the hairpin KUBE-MARK-MASQ),
staging/src/k8s.io/endpointslice trafficdist.go and topologycache.go, kubeadm's kube-proxy
ConfigMap (cmd/kubeadm/app/phases/addons/proxy).
"""
from __future__ import annotations

from collections import Counter

from . import show_progress
from .answers import NameSet, OneOf, Text
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress", "SCENARIO", "CLUSTER_ARGS",
           "answered_from", "scenario_cluster"]

#: The cluster of every question but q4: a control plane without a zone, node-2 in zone-a, node-3,
#: node-4 and node-5 in zone-b.
CLUSTER_ARGS = {"nodes": 5, "zones": [None, "zone-a", "zone-b", "zone-b", "zone-b"], "seed": 14}

#: An echo server ``web`` on the nodes labelled ``web=yes`` (node-2, node-3, node-4: not node-5),
#: a curl client on every worker, and Service ``web`` with no traffic policy or distribution yet.
SCENARIO = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {web: "yes"}
      containers: [{name: web, image: registry.k8s.io/echoserver:1.10, ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: client}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers: [{name: curl, image: curlimages/curl, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""

WORKERS = ("node-2", "node-3", "node-4", "node-5")


def scenario_cluster(service_yaml: str | None = None, **extra):
    """A fresh cluster with the scenario: node-2, node-3 and node-4 labelled ``web=yes``; then
    ``service_yaml`` (a Service ``web`` replacing the scenario's) when given."""
    c = fresh_cluster(None, **CLUSTER_ARGS, **extra)
    c.kubectl("label nodes node-2 node-3 node-4 web=yes")
    c.apply(SCENARIO)
    if service_yaml:
        c.apply(service_yaml)
    return c


def _service(extra_spec: str = "", annotations: str = "") -> str:
    meta = "metadata: {name: web}" if not annotations else f"metadata:\n  name: web\n  annotations: {annotations}"
    return (f"apiVersion: v1\nkind: Service\n{meta}\nspec:\n{extra_spec}"
            "  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n")


def answered_from(cluster, service: str = "web", requests: int = 30) -> dict[str, Counter]:
    """Per worker node: the nodes of the pods that answered ``requests`` requests to the Service's
    ClusterIP sent from that node's client pod (curl's error for those no pod answered)."""
    ip = cluster.get("service", service)["spec"]["clusterIP"]
    pods = {f'{p["metadata"]["namespace"]}/{p["metadata"]["name"]}': p for p in cluster.list("pods")}
    clients = {p["spec"]["nodeName"]: name for name, p in pods.items() if p["metadata"]["labels"].get("app") == "client"}
    out = {}
    for node in WORKERS:
        seen: Counter = Counter()
        for _ in range(requests):
            r = cluster.request(f"http://{ip}/", from_pod=clients[node])
            seen[pods[r.pod]["spec"]["nodeName"] if r.pod else r.error] += 1
        out[node] = seen
    return out


class LocalPolicyNoEndpoint(Problem):
    """Prediction. Service `web` gets `internalTrafficPolicy: Local`. Its pods run on node-2, node-3 and node-4.
The client pod on **node-5** runs `curl http://web`. What does curl say: "HTTP 200", "connection refused",
"connection timed out" or "could not resolve host"?"""

    answer_type = OneOf("HTTP 200", "connection refused", "connection timed out", "could not resolve host")
    _hints = ["With Local, kube-proxy on node-5 only uses endpoints whose nodeName is node-5.",
              "The Service has endpoints, just none on node-5: look for 'has no local endpoints' in "
              "`cluster.iptables_save('node-5', table='filter')`."]
    _solution = ('answer = "connection timed out": proxier.go writes a DROP rule ("default/web has no local '
                 'endpoints") on a node without a local endpoint; the SYN is dropped and curl times out. A REJECT '
                 '(connection refused) is only for a Service with no endpoint anywhere.')
    _solution_answer = "connection timed out"
    wrong_answers = [("connection refused", "REJECT"), ("HTTP 200", "node-5"),
                     ("could not resolve host", "DNS"), ("timeout", "one of the phrases"), (408, "not one of")]

    def truth(self) -> str:
        """What curl says on node-5, measured."""
        c = scenario_cluster(_service("  internalTrafficPolicy: Local\n"))
        client = next(p["metadata"]["name"] for p in c.list("pods")
                      if p["metadata"]["labels"].get("app") == "client" and p["spec"]["nodeName"] == "node-5")
        r = c.request("http://web", from_pod=client)
        return f"HTTP {r.status}" if r.status else r.error

    def check_answer(self, answer: str) -> None:
        truth = self.truth()
        if answer == truth:
            return
        why = {"connection refused": "a REJECT is only written for a Service with no endpoint at all; this one has "
                                     "endpoints (on other nodes), so node-5 gets a DROP rule instead",
               "HTTP 200": "with Local, kube-proxy on node-5 uses no endpoint of another node",
               "could not resolve host": "DNS still answers with the ClusterIP: the policy acts in kube-proxy, "
                                         "not in DNS"}.get(answer, "")
        raise Incorrect(f"curl says {truth!r}: {why}.")


class PreferSameZoneNodes(Problem):
    """Reading the data path. Service `web` (pods on node-2, node-3 and node-4) gets
`trafficDistribution: PreferSameZone`. On which **nodes** run the pods that answer the client on **node-3**?
Answer with node names, e.g. `{"node-2"}`."""

    answer_type = NameSet('{"node-2"}', "node names")
    _hints = ["PreferSameZone: the EndpointSlice controller hints each ready endpoint for its own zone.",
              "kube-proxy on node-3 (zone-b) uses the endpoints hinted for zone-b: which of the pods' nodes are "
              "in zone-b?"]
    _solution = ('answer = {"node-3", "node-4"}: every endpoint is hinted for its own zone, and node-3\'s '
                 "kube-proxy keeps those of zone-b, on node-3 and node-4 (only the pod on node-3 itself would be "
                 "PreferSameNode).")
    _solution_answer = {"node-3", "node-4"}
    wrong_answers = [({"node-3"}, "PreferSameNode"), ({"node-2", "node-3", "node-4"}, "zone-a"),
                     ({"node-3", "node-4", "node-5"}, "node-5"), ("node-3", "give a set")]

    def truth(self) -> frozenset:
        """The nodes whose pods answered node-3's client, measured."""
        c = scenario_cluster(_service("  trafficDistribution: PreferSameZone\n"))
        return frozenset(k for k in answered_from(c)["node-3"] if k.startswith("node-"))

    def check_answer(self, answer: frozenset) -> None:
        truth = self.truth()
        if answer == truth:
            return
        if answer == {"node-3"}:
            raise Incorrect("that is what PreferSameNode would do; PreferSameZone keeps every endpoint of the "
                            f"zone: {sorted(truth)}")
        if "node-2" in answer:
            raise Incorrect("node-2 is in zone-a: its pod is hinted for zone-a only, and node-3's kube-proxy "
                            "(zone-b) does not use it")
        if "node-5" in answer:
            raise Incorrect("node-5 runs no web pod (it is not labelled web=yes)")
        raise Incorrect(f"the client on node-3 was answered by pods on {sorted(truth)}, not {sorted(answer)}")


class StayOnTheNode(BuildProblem):
    """Build. Change **only Service `web`** (pods on node-2, node-3 and node-4) so that a client on a node that
runs a `web` pod is always answered by that pod, and a client on a node without one (node-5) is answered in its
own zone (by the pods on node-3 and node-4) — never dropped."""

    only = ("service/web",)
    _hints = ["`internalTrafficPolicy: Local` keeps traffic on the node, but drops it where there is no endpoint.",
              "`spec.trafficDistribution` has a value that prefers the same node, then the same zone."]
    _solution_answer = _service("  trafficDistribution: PreferSameNode\n")
    _solution = f"answer = '''\n{_solution_answer}'''"

    @property
    def wrong_answers(self) -> list:
        return [(_service("  internalTrafficPolicy: Local\n"), "node-5"),
                (_service("  trafficDistribution: PreferSameZone\n"), "node-3"),
                (_service(annotations="{service.kubernetes.io/topology-mode: Auto}"), "node-3"),
                (SCENARIO, "asks only for service/web")]

    def cluster(self):
        """The scenario's cluster, to try an answer on (``cluster.apply(answer)``)."""
        return scenario_cluster()

    def verify(self, cluster):
        seen = answered_from(cluster)
        for node in ("node-2", "node-3", "node-4"):
            if set(seen[node]) != {node}:
                raise Incorrect(f"the client on {node} was answered by {dict(seen[node])}: it must always be "
                                f"answered by the pod on {node}")
        if set(seen["node-5"]) != {"node-3", "node-4"}:
            raise Incorrect(f"the client on node-5 was answered by {dict(seen['node-5'])}: it has no pod of its "
                            "own and must be answered in zone-b, by the pods on node-3 and node-4")
        return "node-2, node-3 and node-4 stay on themselves, node-5 stays in zone-b"


class AutoDonation(MultipleChoice):
    """Deployment `api` runs 3 pods, all in **zone-b**, behind Service `api-auto` with the annotation
`service.kubernetes.io/topology-mode: Auto`. Its EndpointSlice gives one of the three zone-b endpoints a hint
**for zone-a**. Why?"""

    options = [
        "the EndpointSlice controller copies the zone of the client that connected most recently",
        "Topology Aware Routing hands endpoints to zones in proportion to the allocatable CPU of each zone's "
        "worker nodes: zone-a has a third of it and no endpoint, so it receives one from zone-b",
        "kube-proxy on node-2 rewrites the hint so that zone-a is not left without endpoints",
        "PreferSameZone gives every endpoint a hint for another zone in turn, round-robin",
    ]
    correct = 1
    why_not = {0: "hints are written by the EndpointSlice controller from nodes and endpoints, never from traffic.",
               2: "kube-proxy only reads hints; it never writes EndpointSlices.",
               3: "PreferSameZone hints each endpoint for its own zone; this Service uses the annotation, not "
                  "trafficDistribution."}
    _hints = ["Compare the workers' CPU per zone: `kubectl get nodes -L topology.kubernetes.io/zone` and their "
              "allocatable cpu.",
              "topologycache.go getAllocations: desired endpoints per zone = its CPU ratio x the endpoints."]
    _solution = ("(b) with the annotation the controller allocates endpoints by each zone's share of the ready "
                 "workers' CPU (zone-a 1/3, zone-b 2/3): 3 endpoints give zone-a one, taken from zone-b. That "
                 "surprising, shifting arithmetic is why trafficDistribution replaced it.")
    _solution_answer = "b"

    #: Chapter 14's cluster: node-2 in zone-a, node-3 and node-4 in zone-b; api's pods all in zone-b.
    API = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeSelector: {topology.kubernetes.io/zone: zone-b}
      containers: [{name: api, image: registry.k8s.io/echoserver:1.10, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata:
  name: api-auto
  annotations: {service.kubernetes.io/topology-mode: Auto}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"""

    def cluster(self):
        """The scenario: chapter 14's cluster with ``api`` and ``api-auto``."""
        return fresh_cluster(self.API, nodes=4, zones=[None, "zone-a", "zone-b", "zone-b"], seed=14)

    def scenario_hints(self) -> list[tuple[str, str]]:
        """(zone, hinted zone) of each endpoint of api-auto, read from the cluster."""
        return sorted((ep.get("zone"), (ep.get("hints") or {}).get("forZones", [{}])[0].get("name"))
                      for s in self.cluster().list("endpointslices")
                      if s["metadata"]["labels"].get("kubernetes.io/service-name") == "api-auto"
                      for ep in s.get("endpoints") or [])

    def check_answer(self, answer: int) -> None:
        if ("zone-b", "zone-a") not in self.scenario_hints():  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation did not show the donated endpoint; please report this")
        super().check_answer(answer)


class HairpinSource(Problem):
    """Prediction (hairpin). Service `web` gets `internalTrafficPolicy: Local`. The `web` pod on **node-2** runs
`curl http://web` and, with Local, lands on itself. The echo server prints the address it sees the client
at (`client_address=`). Which address is it? (The nodes are 172.18.0.2 to 172.18.0.6, in order.)"""

    answer_type = Text("10.244.1.3", "an IP address")
    _hints = ["Look at the first rule of the endpoint's KUBE-SEP chain: `-s <pod IP>/32 ... -j KUBE-MARK-MASQ`.",
              "Masquerade rewrites the source to an address of the node that forwards the packet."]
    _solution = ('answer = "172.18.0.3": kube-proxy marks a packet that comes from the endpoint itself for '
                 "masquerade (the hairpin rule), so the pod sees node-2's address, not its own; otherwise its reply "
                 "would bypass the node's conntrack and the connection would hang.")
    _solution_answer = "172.18.0.3"

    @property
    def wrong_answers(self) -> list:
        c, me = self._hairpin_cluster()
        return [(me["status"]["podIP"], "its own IP"), (c.get("service", "web")["spec"]["clusterIP"], "ClusterIP"),
                ("127.0.0.1", "loopback"), (3, "not a string")]

    def _hairpin_cluster(self):
        c = scenario_cluster(_service("  internalTrafficPolicy: Local\n"))
        me = next(p for p in c.list("pods") if p["metadata"]["labels"].get("app") == "web"
                  and p["spec"]["nodeName"] == "node-2")
        return c, me

    def truth(self) -> str:
        """client_address as the echo server printed it, measured."""
        c, me = self._hairpin_cluster()
        r = c.request("http://web", from_pod=me["metadata"]["name"])
        assert r.pod == f'default/{me["metadata"]["name"]}'  # it did land on itself
        return next(line.split("=", 1)[1].strip() for line in r.body.splitlines() if "client_address=" in line)

    def check_answer(self, answer: str) -> None:
        truth = self.truth()
        if answer == truth:
            return
        c, me = self._hairpin_cluster()
        if answer == me["status"]["podIP"]:
            raise Incorrect("that is its own IP: the hairpin rule (-s <pod IP>/32 -j KUBE-MARK-MASQ) masquerades "
                            f"the packet, so the pod sees {truth}")
        if answer == c.get("service", "web")["spec"]["clusterIP"]:
            raise Incorrect("the ClusterIP is the destination the client used, not the source the pod sees (that "
                            f"is {truth})")
        if answer.startswith("127."):
            raise Incorrect("the packet left the pod's network namespace and came back through node-2: no loopback "
                            f"address is involved; the pod sees {truth}")
        raise Incorrect(f"the echo server printed client_address={truth}")


class ProxyMode(Problem):
    """Reading the cluster. `q6.cluster()` is a cluster someone else built. Which mode does the kube-proxy of
**node-3** run: "iptables", "nftables" or "ipvs"? Find out from the cluster, not from the default."""

    answer_type = OneOf("iptables", "nftables", "ipvs")
    _hints = ["kubeadm writes kube-proxy's configuration into a ConfigMap: "
              "`cluster.kubectl('-n kube-system get configmap kube-proxy -o yaml')`, the `mode:` line.",
              "Or ask kube-proxy itself: `cluster.request('http://127.0.0.1:10249/proxyMode', from_node='node-3')`."]
    _solution = ('answer = "nftables": config.conf in ConfigMap kube-system/kube-proxy says mode: nftables, '
                 "/proxyMode on 127.0.0.1:10249 answers nftables, and `nft list table ip kube-proxy` shows its rules.")
    _solution_answer = "nftables"
    wrong_answers = [("iptables", "default"), ("ipvs", "nftables"), ("nft", "one of the phrases")]

    def cluster(self):
        """The cluster to inspect."""
        return scenario_cluster(proxy_mode="nftables")

    def check_answer(self, answer: str) -> None:
        truth = self.cluster().request("http://127.0.0.1:10249/proxyMode", from_node="node-3").body.strip()
        if answer == truth:
            return
        if answer == "iptables":
            raise Incorrect("iptables is kube-proxy's default, but kubeadm wrote this cluster's mode explicitly: "
                            "read mode: in the kube-proxy ConfigMap, or /proxyMode")
        raise Incorrect(f"node-3's kube-proxy answers /proxyMode with {truth!r}")


q1, q2, q3, q4, q5, q6 = (LocalPolicyNoEndpoint(), PreferSameZoneNodes(), StayOnTheNode(), AutoDonation(),
                          HairpinSource(), ProxyMode())
exercise = Exercise("Exercise 14 — traffic policies and topology",
                    {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
