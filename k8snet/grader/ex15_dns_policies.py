"""Exercise 15 — DNS policies, per-pod names and caching (notebook ``exercises/ex15_dns_policies.ipynb``).

Questions (bound as ``q1 .. q6``):

1. build: a host-network pod that reaches a Service by name (``dnsPolicy``);
2. prediction: the names a ``dnsPolicy: None`` pod asks, in order (its ``dnsConfig``);
3. build: a per-pod name without a StatefulSet, published before the pod is Ready;
4. prediction: how long CoreDNS keeps an NXDOMAIN for a forwarded name;
5. prediction: which answers kubeadm's CoreDNS keeps in its cache;
6. concept: a program that keeps DNS answers, a ClusterIP and a headless Service, a rollout.

Every check asks the simulator (a fresh cluster, fixed seed): the resolver's ``tried`` list,
CoreDNS's cache entries (``k8snet.dnsview.coredns_cache``), a request from the pod.  Upstream:
pkg/kubelet/network/dns/dns.go ``GetPodDNS``; kubernetes/dns docs/specification.md 2.4.1;
the EndpointSlice controller's ``podToEndpoint``; CoreDNS plugin/cache; kubeadm's Corefile;
"Virtual IPs and Service Proxies" (docs/reference/networking/virtual-ips.md), "Why not use
round-robin DNS?".
"""
from __future__ import annotations

from . import show_progress
from .answers import Integer, NameList, NameSet
from .core import Exercise, Incorrect, MultipleChoice, Problem, ____
from .scenarios_ex15 import AGENT, BATCH, CLUSTER_ARGS, DB0, NAMES, SCENARIO, VIP_SCENARIO, _cluster
from .scenario import BuildProblem, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress", "SCENARIO", "AGENT", "BATCH", "DB0", "VIP_SCENARIO"]


class HostNetworkDNS(BuildProblem):
    """Build. Pod `agent` (above) runs on the node's network, like a monitoring agent. From it,
`curl http://web` says `Could not resolve host: web`. Write pod `agent` so that it reaches `http://web` by
that short name. It must stay on the host network."""

    scenario = SCENARIO
    cluster_args = CLUSTER_ARGS
    only = ("pod/agent",)
    _hints = ["`kubectl exec agent -- cat /etc/resolv.conf`: whose resolver does it ask?",
              "dns.go getPodDNSType: `ClusterFirst` on the host network falls back to `Default` (the node's "
              "resolv.conf). One policy keeps the cluster DNS for host-network pods.",
              "Add `dnsPolicy: ClusterFirstWithHostNet` to the pod's spec."]
    _solution_answer = AGENT.replace("  hostNetwork: true\n", "  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n")
    _solution = (f"answer = '''\n{_solution_answer}'''\n\n"
                 "With hostNetwork the kubelet gives the pod the node's resolv.conf unless the policy is "
                 "ClusterFirstWithHostNet (dns.go getPodDNSType: ClusterFirst 'Fallback to DNSDefault for pod on "
                 "hostnetwork'). ClusterFirstWithHostNet writes nameserver 10.96.0.10 and the cluster search list.")

    @property
    def wrong_answers(self) -> list:
        default = AGENT.replace("  hostNetwork: true\n", "  hostNetwork: true\n  dnsPolicy: Default\n")
        no_hostnet = AGENT.replace("  hostNetwork: true\n", "")
        none_no_search = AGENT.replace("  hostNetwork: true\n", "  hostNetwork: true\n  dnsPolicy: None\n"
                                       "  dnsConfig: {nameservers: [10.96.0.10]}\n")
        cluster_first = AGENT.replace("  hostNetwork: true\n", "  hostNetwork: true\n  dnsPolicy: ClusterFirst\n")
        return [(AGENT, "falls back to Default"), (cluster_first, "falls back to Default"),
                (default, "node's resolver"), (no_hostnet, "stay on the host network"),
                (none_no_search, "search list"),
                (AGENT.replace("name: agent}", "name: agent2}"), "asks only for pod/agent")]

    def verify(self, cluster):
        pod = cluster.get("pod", "agent")
        if not pod["spec"].get("hostNetwork"):
            raise Incorrect("the agent must stay on the host network (hostNetwork: true): it watches the node")
        cluster.advance(5)
        r = cluster.request("http://web", from_pod="default/agent")
        if r.status == 200:
            return f"curl http://web from the host network: HTTP 200 from {r.pod}, asked via {self._server(cluster)}"
        res = cluster.resolve("web", from_pod="default/agent")
        conf = cluster.resolv_conf("default/agent")
        policy = pod["spec"].get("dnsPolicy", "ClusterFirst")
        if res.server != "10.96.0.10":
            if policy == "ClusterFirst":
                raise Incorrect("with hostNetwork, ClusterFirst falls back to Default (dns.go getPodDNSType): the pod "
                                f"got the node's resolv.conf:\n{conf}The node's resolver knows no cluster names.")
            raise Incorrect(f"its resolv.conf asks {res.server}, the node's resolver, which knows no cluster "
                            f"names:\n{conf}")
        raise Incorrect(f"the cluster DNS is asked, but 'web' is not found: the search list is missing or wrong "
                        f"(tried {', '.join(res.tried)}):\n{conf}")

    @staticmethod
    def _server(cluster) -> str:
        return cluster.resolve("web", from_pod="default/agent").server


class NoneTried(Problem):
    """Prediction. Pod `batch` (above) has `dnsPolicy: None`. Its program looks up `redis.cache` (Service
`redis` lives in namespace `cache`). Which names does its resolver ask, in order, until it gets an answer?"""

    answer_type = NameList(example='["a.example.", "b.example."]', what="DNS names")
    _hints = ["`kubectl exec batch -- cat /etc/resolv.conf`: three lines, all from dnsConfig.",
              "`redis.cache` has one dot; `ndots:2` says a name with fewer dots goes through the search list first.",
              "Search list first, in order, and the walk stops at the first name that has an answer."]
    _solution_answer = ["redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local."]
    _solution = ('answer = ["redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local."]\n\n'
                 "dnsPolicy None: the resolv.conf is exactly dnsConfig. One dot < ndots:2, so glibc tries each "
                 "search domain first and stops at the first answer.")
    wrong_answers = [(["redis.cache.", "redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local."],
                      "fewer dots than ndots"),
                     (["redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local.",
                       "redis.cache.cluster.local."], "stops at the first"),
                     (["redis.cache.default.svc.cluster.local.", "redis.cache.svc.cluster.local."],
                      "dnsConfig"),
                     (["redis.cache.svc.cluster.local."], "in order"),
                     ({"redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local."}, "a set has no order")]

    def cluster(self):
        """The scenario plus pod ``batch``."""
        c = _cluster()
        c.apply(BATCH)
        c.advance(5)
        return c

    def truth(self) -> list[str]:
        """What the simulated resolver asked."""
        return self.cluster().resolve("redis.cache", from_pod="default/batch").tried

    def check_answer(self, answer: list) -> None:
        truth = self.truth()
        mine = [a if a.endswith(".") else a + "." for a in answer]
        if mine == truth:
            return f"asked: {', '.join(truth)}"
        if mine and mine[0] == "redis.cache.":
            raise Incorrect("redis.cache has fewer dots than ndots (1 < 2), so it is not asked as it is first: "
                            "the search list comes first (glibc res_nsearch)")
        if any("default.svc" in m for m in mine):
            raise Incorrect("dnsPolicy None: the resolv.conf is dnsConfig alone, with no namespace search "
                            "domain of its own: search jobs.svc.cluster.local svc.cluster.local")
        if len(mine) > len(truth) and mine[:len(truth)] == truth:
            raise Incorrect(f"the walk stops at the first name that has an answer: {truth[-1]}")
        if set(mine) <= set(truth):
            raise Incorrect("some names are missing, or not in order: each search domain is tried in turn")
        raise Incorrect(f"not what the resolver asks. Run q2.cluster().resolve('redis.cache', "
                        f"from_pod='default/batch').tried after trying yourself.")


class PerPodName(BuildProblem):
    """Build. Write pod `db-0` (start from the YAML above: its readiness probe keeps it not Ready for two
minutes) and a Service so that `db-0.db.default.svc.cluster.local` resolves to the pod's IP **now**, while it
is not Ready yet. No StatefulSet."""

    scenario = SCENARIO
    cluster_args = CLUSTER_ARGS
    only = ("pod/db-0", "service/db")
    _hints = ["A pod gets a name under a Service with `hostname` and `subdomain` in its spec; the Service must "
              "be headless and named like the subdomain.",
              "Not-ready pods are left out of DNS unless the Service says `publishNotReadyAddresses: true`.",
              "Pod: `hostname: db-0`, `subdomain: db`. Service `db`: `clusterIP: None`, "
              "`publishNotReadyAddresses: true`, selector `app: db`."]
    SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: db}
  ports: [{port: 80}]
"""
    _solution_answer = DB0.replace("spec:\n", "spec:\n  hostname: db-0\n  subdomain: db\n") + "---\n" + SERVICE
    _solution = (f"answer = '''\n{_solution_answer}'''\n\nThe EndpointSlice controller gives the endpoint "
                 "hostname db-0 (pod hostname + subdomain = the Service's name) and, with "
                 "publishNotReadyAddresses, ready: true although the pod is not Ready; CoreDNS publishes "
                 "<hostname>.<service>.<ns>.svc.cluster.local for ready endpoints with a hostname (spec 2.4.1).")

    @property
    def wrong_answers(self) -> list:
        good_pod = DB0.replace("spec:\n", "spec:\n  hostname: db-0\n  subdomain: db\n")
        return [(good_pod + "---\n" + self.SERVICE.replace("  publishNotReadyAddresses: true\n", ""),
                 "publishNotReadyAddresses"),
                (DB0.replace("spec:\n", "spec:\n  subdomain: db\n") + "---\n" + self.SERVICE, "hostname"),
                (DB0.replace("spec:\n", "spec:\n  hostname: db-0\n") + "---\n" + self.SERVICE, "subdomain"),
                (DB0.replace("spec:\n", "spec:\n  hostname: db-0\n  subdomain: database\n") + "---\n" + self.SERVICE,
                 "subdomain"),
                (good_pod.replace("    readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 120}\n", "")
                 + "---\n" + self.SERVICE, "readiness probe"),
                (good_pod, "Service")]

    def verify(self, cluster):
        pod = cluster.get("pod", "db-0")
        probe = pod["spec"]["containers"][0].get("readinessProbe") or {}
        if probe.get("initialDelaySeconds", 0) < 120:
            raise Incorrect("keep the readiness probe as given (initialDelaySeconds: 120): the point is a name "
                            "for a pod that is not Ready yet")
        if cluster.store.peek("Service", "default", "db") is None:
            raise Incorrect("a pod name lives under a Service: write Service db too")
        cluster.advance(10)
        ip = cluster.get("pod", "db-0")["status"]["podIP"]
        r = cluster.resolve("db-0.db.default.svc.cluster.local", from_pod="default/client")
        if ("db-0.db.default.svc.cluster.local.", "A", ip) in r.answers:
            return f"db-0.db.default.svc.cluster.local -> {ip}, while the pod is not Ready"
        spec = pod["spec"]
        if not spec.get("hostname"):
            raise Incorrect("the pod has no hostname: its endpoint gets no hostname, so there is no name under the "
                            "Service (the endpoint is only reachable as the Service's A records)")
        if spec.get("subdomain") != "db":
            raise Incorrect(f"subdomain is {spec.get('subdomain')!r}: the EndpointSlice controller sets the "
                            "endpoint's hostname only when the pod's subdomain equals the Service's name (db)")
        svc = cluster.get("service", "db")
        if not svc["spec"].get("publishNotReadyAddresses"):
            raise Incorrect("NXDOMAIN: the pod is not Ready, so its endpoint has ready: false and CoreDNS leaves it "
                            "out. publishNotReadyAddresses: true makes the controller write ready: true.")
        raise Incorrect(f"db-0.db.default.svc.cluster.local answers {r.rcode} {r.answers}: is Service db headless "
                        "(clusterIP: None) with selector app: db?")


class NegativeTTL(Problem):
    """Prediction. At t=0 a pod looks up `new.example.com`: NXDOMAIN, the record does not exist yet. At t=1
it is created at the DNS provider. With kubeadm's Corefile, for at most how many seconds does the CoreDNS
replica that answered at t=0 keep answering NXDOMAIN?"""

    answer_type = Integer(example=10, what="a number of seconds")
    _hints = ["`kubectl -n kube-system get configmap coredns -o yaml`: find the cache block. Which names does it "
              "exclude?",
              "The negative answer carries the zone's SOA, whose minimum is long; `cache 30` caps what CoreDNS keeps.",
              "cache.go computeTTL: min(max(SOA TTL, 5), 30)."]
    _solution_answer = 30
    _solution = ("answer = 30\n\nnew.example.com is outside cluster.local, so kubeadm's `disable denial cluster.local` "
                 "does not apply. The upstream NXDOMAIN carries an SOA (minimum 3600 here): cache 30 caps it at 30 s, "
                 "and each replica that saw it answers NXDOMAIN until its entry expires.")
    wrong_answers = [(5, "floor"), (3600, "cap"), (0, "outside it"), (86400, "cap"),
                     ("30", "without quotes")]

    def truth(self) -> int:
        """The denial entry's TTL right after the lookup, read from the replica's cache."""
        from ..dnsview import coredns_cache
        c = _cluster()
        c.add_external_host("example.com", "93.184.216.34")
        c.resolve("new.example.com", from_pod="default/client")
        ttls = [ttl for es in coredns_cache(c).values() for kind, name, _, ttl in es
                if kind == "denial" and name == "new.example.com."]
        return max(ttls)

    def check_answer(self, answer: int) -> None:
        truth = self.truth()
        if answer == truth:
            return f"{truth} s: the replica's denial entry for new.example.com. starts at {truth}"
        if answer == 0:
            raise Incorrect("kubeadm disables the cache only for cluster.local; new.example.com is outside it, "
                            "forwarded upstream, and its NXDOMAIN is kept")
        if answer < truth:
            raise Incorrect(f"{answer} s is below what is kept: 5 s is only the floor (MINTTL) for short TTLs")
        raise Incorrect(f"{answer} s: the SOA says longer, but `cache 30` caps every entry at 30 s")


class WhatIsCached(Problem):
    """Prediction. A pod looks up each of these names once (the last one with type PTR): which of them are
then in the cache of the CoreDNS replica that answered it?

    kubernetes.default.svc.cluster.local   (exists)        nope.default.svc.cluster.local  (NXDOMAIN)
    example.com                            (exists)        nope.example.com                (NXDOMAIN)
    10.0.96.10.in-addr.arpa  PTR           (kube-dns's ClusterIP, answered by the kubernetes plugin)"""

    answer_type = NameSet(example='{"example.com"}', what="DNS names")
    _hints = ["kubeadm's cache block has two `disable` lines. For which zone?",
              "Only cluster.local is excluded; the kubernetes plugin also answers in-addr.arpa, and "
              "NXDOMAINs with an SOA are kept too (the denial cache)."]
    _solution_answer = {"example.com", "nope.example.com", "10.0.96.10.in-addr.arpa"}
    _solution = ('answer = {"example.com", "nope.example.com", "10.0.96.10.in-addr.arpa"}\n\n'
                 "`disable success cluster.local` and `disable denial cluster.local` keep the cluster's names out; "
                 "forwarded names (answers and NXDOMAINs) and reverse names are cached, up to 30 s.")
    wrong_answers = [({"example.com", "nope.example.com"}, "in-addr.arpa"),
                     ({"example.com", "10.0.96.10.in-addr.arpa"}, "denial"),
                     (set(NAMES), "cluster.local"),
                     (set(), "cached"),
                     ("example.com", "give a set")]

    def truth(self) -> set:
        """The names in any replica's cache after one lookup of each."""
        from ..dnsview import coredns_cache
        c = _cluster()
        c.add_external_host("example.com", "93.184.216.34")
        for name in NAMES:
            c.resolve(name + ".", qtype="PTR" if name.endswith("arpa") else "A")
        return {name.rstrip(".") for es in coredns_cache(c).values() for _, name, _, _ in es}

    def check_answer(self, answer: frozenset) -> None:
        truth = self.truth()
        mine = {a.rstrip(".") for a in answer}
        if mine == truth:
            return "kept: " + ", ".join(sorted(truth))
        if any(n.endswith("cluster.local") for n in mine):
            raise Incorrect("kubeadm's Corefile says `disable success cluster.local` and `disable denial "
                            "cluster.local`: no cluster name is kept, found or not")
        if "10.0.96.10.in-addr.arpa" not in mine:
            raise Incorrect("only cluster.local is disabled: the reverse zone in-addr.arpa is cached like any other")
        if "nope.example.com" not in mine:
            raise Incorrect("the upstream NXDOMAIN carries an SOA, so it goes to the denial cache")
        raise Incorrect("forwarded answers are cached: look at the cache block again")


class VirtualIPvsDNS(MultipleChoice):
    """Program `app` keeps each DNS answer for its TTL and connects to the first address, as many programs
do. It talks to `db` (a ClusterIP Service) and `db-hl` (a headless Service), both over Deployment `db`.
`kubectl rollout restart deployment/db` replaces every pod. What happens to its requests in the next 30 s?"""

    options = [
        "both keep working: CoreDNS does not cache cluster.local",
        "db keeps working; db-hl fails until the kept answer expires, since it points at a pod that is gone",
        "both fail until the kept answers expire",
        "db fails: its ClusterIP changes with the new pods",
    ]
    correct = 1
    why_not = {0: "CoreDNS does not, but the program does: it keeps the answer (a pod IP) for the record's 30 s TTL.",
               2: "the ClusterIP never changes while the Service exists, and kube-proxy sends it to the new pods.",
               3: "a ClusterIP is allocated once, when the Service is created, and never changes."}
    _hints = ["What does each name resolve to: a virtual IP, or pod IPs?",
              "Kubernetes' docs, Virtual IPs and Service Proxies: 'Why not use round-robin DNS?'"]
    _solution_answer = "b"
    _solution = ("(b) The ClusterIP is stable; kube-proxy's rules follow the EndpointSlices. The headless name "
                 "answers pod IPs; the program keeps them for 30 s (the kubernetes plugin's `ttl 30`) and connects "
                 "to a pod that no longer exists. This is why Services have a virtual IP.")

    def check_answer(self, answer: int) -> None:
        from .. import dnsclients
        c = fresh_cluster(VIP_SCENARIO, **CLUSTER_ARGS)
        c.advance(20)
        app = dnsclients.CachingClient(c, "default/client")
        app.get("http://db"), app.get("http://db-hl")
        c.kubectl("rollout restart deployment/db")
        c.advance(20)
        vip, hl = app.get("http://db"), app.get("http://db-hl")
        if not (vip.ok and not hl.ok and hl.from_cache):  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation did not show it; please report this")
        super().check_answer(answer)


q1, q2, q3, q4, q5, q6 = HostNetworkDNS(), NoneTried(), PerPodName(), NegativeTTL(), WhatIsCached(), VirtualIPvsDNS()
exercise = Exercise("Exercise 15 — DNS policies, per-pod names and caching",
                    {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
