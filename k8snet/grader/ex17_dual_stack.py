"""Exercise 17 — dual-stack Services: families, ClusterIPs, EndpointSlices, which address a client dials.

Every check runs the simulator: a dual-stack cluster (``Cluster(ip_families=("IPv4", "IPv6"))``)
or a single-stack one, the learner's Service applied and read back, requests over each
ClusterIP.  Upstream rules: pkg/registry/core/service/storage/alloc.go (``initIPFamilyFields``,
``allocClusterIPs``, ``updateClusterIPs``), the EndpointSlice reconciler
(``getAddressTypesForService``, ``reconcileByAddressType``), kubernetes/website
``concepts/services-networking/dual-stack.md``, RFC 6724's default address order (glibc and
musl ``getaddrinfo``).
"""
from __future__ import annotations

from . import show_progress
from .answers import Integer, NameList
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem, expect_ok, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "exercise", "____", "show_progress", "SCENARIO", "CLUSTER_ARGS"]

#: The exercise's cluster: dual-stack, IPv4 first (kind's ``ipFamily: dual``).
CLUSTER_ARGS = {"nodes": 3, "seed": 17, "ip_families": ("IPv4", "IPv6")}

#: Deployment ``web`` (3 nginx pods) and its single-stack Service, as the exercise starts.
SCENARIO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""

_SERVICE = SCENARIO.split("---\n")[1]


def _service(extra: str) -> str:
    """Service ``web`` with ``extra`` lines added to its spec."""
    return _SERVICE.replace("spec:\n", "spec:\n" + extra)


def _client(cluster) -> str:
    """A pod of ``web`` (any pod has both families here), as ``ns/name``."""
    return "default/" + sorted(p["metadata"]["name"] for p in cluster.list("pod"))[0]


class DualStackService(BuildProblem):
    """Build. Service `web` (above) has only an IPv4 ClusterIP. Change **only the Service** so that it
also answers on an IPv6 ClusterIP, where the cluster allows it, and keeps working as it does now for
IPv4 clients: its IPv4 ClusterIP (the primary one) must not change."""

    scenario = SCENARIO
    cluster_args = CLUSTER_ARGS
    only = ("service/web",)
    _hints = ["`kubectl get svc web -o yaml` shows `ipFamilyPolicy: SingleStack`: that is what the API server "
              "filled in because you said nothing.",
              "Set `ipFamilyPolicy: PreferDualStack` (or `RequireDualStack`). The API server appends the missing "
              "family to `ipFamilies` and allocates the second ClusterIP. Leave `ipFamilies[0]` as it is."]
    _solution_answer = _service("  ipFamilyPolicy: PreferDualStack\n")
    _solution = f"answer = '''\n{_solution_answer}'''"

    @property
    def wrong_answers(self) -> list:
        return [(_SERVICE, "only an IPv4"),
                (_service("  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4, IPv6]\n"),
                 "must be 'RequireDualStack' or 'PreferDualStack'"),
                (_service("  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]\n"),
                 "expected an IPv6 value"),
                (_service("  ipFamilyPolicy: PreferDualStack\n  clusterIP: None\n"), "may not change"),
                (SCENARIO, "asks only for service")]

    def verify(self, cluster):
        spec = cluster.get("svc", "web")["spec"]
        ips = spec.get("clusterIPs") or []
        if len(ips) < 2:
            raise Incorrect(f"web still has only an IPv4 ClusterIP ({', '.join(ips)}), ipFamilyPolicy "
                            f"{spec.get('ipFamilyPolicy')}: the API server gives a second family only when the "
                            "policy asks for dual-stack")
        before = fresh_cluster(SCENARIO, **CLUSTER_ARGS).get("svc", "web")["spec"]["clusterIP"]
        if ips[0] != before:  # pragma: no cover - the API server refuses to change clusterIPs[0]
            raise Incorrect(f"the IPv4 ClusterIP changed from {before} to {ips[0]}")
        for ip in ips:
            host = f"[{ip}]" if ":" in ip else ip
            expect_ok(cluster.request(f"http://{host}/", from_pod=_client(cluster)), f"GET http://{host}/")
        return f"web answers on {ips[0]} and on [{ips[1]}] ({spec['ipFamilyPolicy']}, ipFamilies {spec['ipFamilies']})"


class FamiliesOrder(Problem):
    """Prediction. On this dual-stack cluster (IPv4 first), you create Service `api` with
`ipFamilyPolicy: PreferDualStack` and `ipFamilies: [IPv6]`. What is its `spec.ipFamilies` afterwards?

    answer = ["...", "..."]"""

    answer_type = NameList('["IPv4"]', "IP families")
    _hints = ["The first family you give is the Service's primary family: its `clusterIP`.",
              "PreferDualStack on a dual-stack cluster: the API server appends the family you did not name."]
    _solution = 'answer = ["IPv6", "IPv4"]'
    _solution_answer = ["IPv6", "IPv4"]
    wrong_answers = [(["IPv4", "IPv6"], "primary"), (["IPv6"], "appends"), (["IPv4"], "primary"),
                     ("IPv6,IPv4", "not a list")]

    MANIFEST = """\
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  ipFamilyPolicy: PreferDualStack
  ipFamilies: [IPv6]
  selector: {app: web}
  ports: [{port: 80}]
"""

    def truth(self) -> list[str]:
        """What the API server stores, read from the simulator."""
        c = fresh_cluster(SCENARIO, **CLUSTER_ARGS)
        c.apply(self.MANIFEST)
        return c.get("svc", "api")["spec"]["ipFamilies"]

    def check_answer(self, answer: list) -> None:
        truth = self.truth()
        if answer == truth:
            return
        if answer and answer[0] != truth[0]:
            raise Incorrect(f"the primary family is the one you named first, {truth[0]}: it keeps its place; "
                            f"the API server stored {truth}")
        raise Incorrect(f"PreferDualStack on a dual-stack cluster: the API server appends the family you did "
                        f"not name, so {truth}")


class RequireOnSingleStack(MultipleChoice):
    """On a cluster that is IPv4 only (`Cluster(ip_families=("IPv4",))`, the default) you apply a Service
with `ipFamilyPolicy: RequireDualStack`. What happens?"""

    options = [
        "the Service is created single-stack, with an IPv4 ClusterIP only",
        "the API server refuses it: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is "
        "not configured for dual-stack services",
        "the Service gets an IPv6 ClusterIP too, which nothing can reach",
        "the Service is created, and kube-proxy ignores it",
    ]
    correct = 1
    why_not = {0: "that is what PreferDualStack does: it asks for both families only where possible. Require means "
                  "required.",
               2: "a cluster without an IPv6 --service-cluster-ip-range has no IPv6 address to give.",
               3: "nothing is created: the API server refuses it before anything is allocated."}
    _hints = ["Try it: `Cluster(nodes=2)` and apply the Service; read the error.",
              "alloc.go initIPFamilyFields: 'Demanding dual-stack on a non dual-stack cluster'."]
    _solution = ("(b) RequireDualStack fails on a cluster with one family: 'this cluster is not configured for "
                 "dual-stack services'. Use PreferDualStack for manifests that must work on both kinds of cluster.")
    _solution_answer = "b"

    def check_answer(self, answer: int) -> None:
        from .. import Cluster
        from ..errors import ValidationError
        c = Cluster(nodes=2, seed=17)
        try:
            c.apply(_service("  ipFamilyPolicy: RequireDualStack\n"))
        except ValidationError as e:
            if "this cluster is not configured for dual-stack services" not in str(e):  # pragma: no cover
                raise Incorrect("the simulation refused it for another reason; please report this") from None
        else:  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation accepted it; please report this")
        super().check_answer(answer)


class PlaceholderSlices(Problem):
    """Prediction. On the dual-stack cluster you create Service `empty` with `ipFamilyPolicy: RequireDualStack`
and a selector that matches **no** pod. How many EndpointSlices labelled `kubernetes.io/service-name=empty`
does the EndpointSlice controller keep?

    answer = ____   # a whole number"""

    answer_type = Integer(1, "a whole number of EndpointSlices")
    _hints = ["A Service whose selector matches nothing still gets an empty 'placeholder' slice.",
              "The controller reconciles each address type of the Service on its own."]
    _solution = "answer = 2"
    _solution_answer = 2
    wrong_answers = [(0, "placeholder"), (1, "address type"), (3, "address type"), ("2", "without quotes")]

    def truth(self) -> int:
        """The number of slices, counted in the simulator."""
        c = fresh_cluster(SCENARIO, **CLUSTER_ARGS)
        c.apply(_service("  ipFamilyPolicy: RequireDualStack\n").replace("name: web", "name: empty")
                .replace("{app: web}", "{app: nothing}"))
        return sum(1 for s in c.list("endpointslice")
                   if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == "empty")

    def check_answer(self, answer: int) -> None:
        truth = self.truth()
        if answer == truth:
            return
        if answer == 0:
            raise Incorrect("a Service that selects no pod still has a placeholder slice (reconciler.go), so "
                            "clients see 'no endpoints' rather than nothing at all")
        raise Incorrect(f"the controller reconciles each address type of the Service on its own "
                        f"(reconcileByAddressType): one placeholder per address type, {truth} in all")


class WhichFamilyDialled(MultipleChoice):
    """Service `web` is `PreferDualStack` (an IPv4 and an IPv6 ClusterIP, A and AAAA records). A dual-stack pod
runs `curl http://web/`. Which address does curl connect to?"""

    options = [
        "the IPv6 ClusterIP, because IPv6 is always preferred",
        "the IPv4 ClusterIP: getaddrinfo sorts by RFC 6724, and its default policy ranks IPv4 above the unique "
        "local IPv6 range fd00::/8 that the cluster's addresses come from",
        "one of the two at random, like kube-proxy's load balancing",
        "neither: a name with both A and AAAA records makes curl fail",
    ]
    correct = 1
    why_not = {0: "IPv6 is preferred over IPv4 only for global addresses; fd00::/8 is a unique local address (ULA) "
                  "and RFC 6724's default table ranks it below IPv4.",
               2: "the resolver's order is deterministic; kube-proxy picks a pod *behind* the address, not the address.",
               3: "curl tries the addresses getaddrinfo returns, in order (Happy Eyeballs races the second family "
                  "only if the first is slow)."}
    _hints = ["Run it: `r = cluster.request('http://web/', from_pod=...)` and read `r.hops`.",
              "RFC 6724 section 2.1: the default policy table; fc00::/7 has precedence 3, IPv4 35."]
    _solution = ("(b) getaddrinfo orders the answers by RFC 6724; with ULA addresses (fd00::/8, as kind uses) IPv4 "
                 "comes first, so curl dials the IPv4 ClusterIP. `curl -6` or a bracketed IPv6 literal forces IPv6.")
    _solution_answer = "b"

    def check_answer(self, answer: int) -> None:
        c = fresh_cluster(_service("  ipFamilyPolicy: PreferDualStack\n") + "---\n" + SCENARIO.split("---\n")[0],
                          **CLUSTER_ARGS)
        r = c.request("http://web/", from_pod=_client(c))
        dns = next(h for h in r.hops if h.component == "DNS")
        if ":" in dns.action.split(" -> ")[1]:  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation dialled IPv6; please report this")
        super().check_answer(answer)


q1, q2, q3, q4, q5 = DualStackService(), FamiliesOrder(), RequireOnSingleStack(), PlaceholderSlices(), \
    WhichFamilyDialled()
exercise = Exercise("Exercise 17 — dual-stack Services", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5})
