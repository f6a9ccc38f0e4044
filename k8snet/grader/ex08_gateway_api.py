"""Exercise 08 — Gateway API (notebook ``exercises/ex08_gateway_api.ipynb``).

Questions (``q1 .. q6``):

1. concept (multiple choice): which role owns which kind;
2. prediction: which backend wins when a longer path meets a header match (precedence);
3. prediction: the reason a route from an unlabelled namespace is not accepted;
4. build: an HTTPRoute with a header-selected beta and an 80/20 canary;
5. debugging: a cross-namespace backend refused until a ReferenceGrant allows it;
6. concept (multiple choice): why a Gateway on bare metal stays ``PROGRAMMED False``;
7. prediction: two TCPRoutes on one listener (the oldest wins) — :mod:`.l4routes`;
8. build: a TLSRoute through a Passthrough listener, by SNI — :mod:`.l4routes`.

Scenario: ``Cluster(addons=["gateway"], cloud="gcp")``; Gateway ``infra/web-gw`` (listener
``http`` on 80 for ``*.example.com``, routes allowed from namespaces labelled
``gateway-access: "true"``); namespace ``store`` (labelled) with ``store-v1``/``store-v2``;
``payments`` with ``checkout``; ``sandbox`` (not labelled).
"""
from __future__ import annotations

from . import show_progress
from .answers import Text
from .core import Exercise, Incorrect, MultipleChoice, ____
from .scenarios_ex08 import CHECKOUT, CLUSTER_ARGS, PRECEDENCE, SANDBOX, SCENARIO, _Scenario, conditions
from .l4routes import OldestTCPRoute, PortalTLSRoute, gateway_address
from .scenario import BuildProblem, backend_service

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "exercise", "____", "show_progress", "SCENARIO", "conditions",
           "gateway_address"]


class Roles(MultipleChoice):
    """In the Gateway API's role model, who typically owns the **Gateway** object (its listeners,
    hostnames and which namespaces may attach routes)?"""

    options = ["The infrastructure provider", "The cluster operator", "The application developer",
               "Nobody: the controller creates it"]
    correct = 1
    why_not = {0: "the infrastructure provider owns the GatewayClass (which controller runs Gateways).",
               2: "the application developer owns HTTPRoutes, which attach to a Gateway.",
               3: "the Gateway is written by a person; the controller writes only its status."}
    _hints = ["Three roles, three kinds: GatewayClass, Gateway, HTTPRoute."]
    _solution = 'answer = "b"  # GatewayClass: infra provider; Gateway: cluster operator; HTTPRoute: app developer'
    _solution_answer = "b"


class Precedence(_Scenario):
    """HTTPRoute `api` has two rules: `PathPrefix /api` **with** header `x-beta: 1` -> store-v2, and
    `PathPrefix /api/orders` -> store-v1. Which Service answers `GET http://api.example.com/api/orders/7`
    sent **with** the header `x-beta: 1`?"""

    scenario = SCENARIO + PRECEDENCE
    _hints = ["Both rules match this request. The spec orders matches; headers come after paths.",
              "Exact path, then the longest PathPrefix, then method, then the number of headers..."]
    _solution = 'answer = "store-v1"  # the longest PathPrefix (/api/orders) wins before headers are compared'
    _solution_answer = "store-v1"

    answer_type = Text(example="store-v2", what="a Service name")
    wrong_answers = [("store-v2", "more header matches only break ties"), ("store/store-v2", "more header matches"),
                     ("store-v3", "not in the route"), ("api", "not in the route"), (1, "is not a string")]

    def check_answer(self, answer) -> None:
        got = answer.removeprefix("store/")
        resp = self.cluster().request("http://api.example.com/api/orders/7", from_internet=True,
                                      headers={"x-beta": "1"})
        truth = backend_service(resp)
        if got != truth:
            why = ("more header matches only break ties between equally long paths."
                   if got == "store-v2" else "that Service is not in the route.")
            raise Incorrect(f"{got!r} is not it: {why}")
        return f"right: {resp.backend} — /api/orders is the longer prefix, and the path is compared first."


class SandboxReason(_Scenario):
    """A team applied HTTPRoute `demo` in namespace `sandbox`, attached to `infra/web-gw`. What is
    the **reason** of its `Accepted` condition? (Explore with `kubectl describe httproute demo -n sandbox`.)"""

    scenario = SCENARIO + SANDBOX
    _hints = ["Look at the Gateway's listener: allowedRoutes.namespaces.",
              "The reason is a CamelCase word from the Gateway API spec, shown under Status > Parents > Conditions."]
    _solution = 'answer = "NotAllowedByListeners"  # sandbox lacks the label gateway-access: "true"'
    _solution_answer = "NotAllowedByListeners"

    answer_type = Text(example="Accepted", what="a condition reason")
    wrong_answers = [("notallowedbylisteners", "reasons are case-sensitive"), ("NotAllowed", "is not the reason"),
                     ("Accepted", "is not the reason"), ("NoMatchingParent", "is not the reason"),
                     ("False", "is not the reason"), (False, "is not a string")]

    def check_answer(self, answer) -> None:
        got = answer
        status, reason = conditions(self.cluster(), "demo", "sandbox").get("Accepted", ("", ""))
        if got != reason:
            if got.lower() == reason.lower():
                raise Incorrect(f"almost: reasons are case-sensitive, write {reason}")
            raise Incorrect(f"{got!r} is not the reason the controller wrote (Accepted is {status}). "
                            "Read it with kubectl describe httproute demo -n sandbox.")
        return (f"right: Accepted={status}, {reason}: the listener admits only namespaces labelled "
                "gateway-access=true; label sandbox (kubectl label ns sandbox gateway-access=true) to fix it.")


class BetaAndCanary(BuildProblem):
    """Write HTTPRoute `store` in namespace `store`, attached to Gateway `web-gw` in namespace
    `infra`, for host `store.example.com`: requests with header `x-beta: "1"` go to `store-v2`;
    all other requests are split 80/20 between `store-v1` and `store-v2` (Service port 8080)."""

    scenario = SCENARIO
    cluster_args = CLUSTER_ARGS
    _hints = ["Two rules: one whose match has a header, one without matches (it matches everything).",
              "parentRefs needs namespace: infra, because the Gateway is in another namespace.",
              "Weights are relative: weight: 80 and weight: 20 on the two backendRefs of the second rule."]
    _solution = """answer = '''
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
  namespace: store
spec:
  parentRefs:
  - name: web-gw
    namespace: infra
  hostnames: ["store.example.com"]
  rules:
  - matches:
    - headers:
      - name: x-beta
        value: "1"
    backendRefs:
    - name: store-v2
      port: 8080
  - backendRefs:
    - name: store-v1
      port: 8080
      weight: 80
    - name: store-v2
      port: 8080
      weight: 20
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("weight: 80", "weight: W").replace("weight: 20", "weight: 80").replace("weight: W", "weight: 20"),
                 "should be about 20%"),
                (ok.replace("    namespace: infra\n", ""), "check parentRefs"),
                (ok.replace('value: "1"', "value: 1"), "must be of type string"),
                (ok.replace("      weight: 80\n", "").replace("      weight: 20\n", ""), "should be about 20%"),
                (ok.replace("  - matches:\n    - headers:\n      - name: x-beta\n        value: \"1\"\n    backendRefs:\n"
                            "    - name: store-v2\n      port: 8080\n", ""), "should all reach store-v2"),
                (ok.replace("port: 8080", "port: 80"), "ResolvedRefs=False")]

    def verify(self, cluster) -> None:
        try:
            conds = conditions(cluster, "store", "store")
        except Exception:
            raise Incorrect("there is no HTTPRoute named store in namespace store") from None
        if not conds:
            raise Incorrect("the route has no status from the Gateway: check parentRefs "
                            "(name: web-gw, namespace: infra)")
        for kind in ("Accepted", "ResolvedRefs"):
            status, reason = conds.get(kind, ("Unknown", "-"))
            if status != "True":
                raise Incorrect(f"the route is not working: {kind}={status} ({reason}). "
                                "Run kubectl describe httproute store -n store.")
        url = "http://store.example.com/"
        beta = {backend_service(cluster.request(url, from_internet=True, headers={"x-beta": "1"})) for _ in range(20)}
        if beta != {"store-v2"}:
            raise Incorrect(f"requests with x-beta: 1 reached {sorted(b or 'nothing' for b in beta)}; "
                            "they should all reach store-v2")
        counts = {"store-v1": 0, "store-v2": 0}
        for _ in range(400):
            s = backend_service(cluster.request(url, from_internet=True))
            counts[s] = counts.get(s, 0) + 1
        share = counts.get("store-v2", 0) / 400
        if set(counts) - {"store-v1", "store-v2"} or not 0.12 <= share <= 0.28:
            raise Incorrect(f"400 requests without the header gave {counts}: store-v2 got {share:.0%}, "
                            "it should be about 20%. Put both backendRefs in one rule with weights 80 and 20.")
        return f"right: x-beta requests all reach store-v2; 400 others split {counts}."


class GrantCheckout(BuildProblem):
    """HTTPRoute `checkout` (namespace `store`) sends `/checkout` to Service `checkout` in namespace
    `payments`, but `http://store.example.com/checkout` answers 500. Write the object that fixes it,
    without changing the route."""

    scenario = SCENARIO + CHECKOUT
    cluster_args = CLUSTER_ARGS
    _hints = ["kubectl describe httproute checkout -n store: read ResolvedRefs.",
              "The namespace that owns the target (payments) must consent, with a ReferenceGrant in payments.",
              "from: HTTPRoute in namespace store (group gateway.networking.k8s.io); to: Service (group \"\")."]
    _solution = """answer = '''
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata:
  name: store-to-checkout
  namespace: payments
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    namespace: store
  to:
  - group: ""
    kind: Service
    name: checkout
'''"""
    _solution_answer = _solution.split("'''")[1]

    only = ("referencegrant/*",)

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("namespace: payments", "namespace: store"), "must live in the namespace of the target"),
                (ok.replace("kind: HTTPRoute", "kind: Gateway"), "ResolvedRefs is still False"),
                (ok.replace("namespace: store\n  to", "namespace: infra\n  to"), "ResolvedRefs is still False"),
                (ok.replace("name: checkout\n", "name: payments\n"), "ResolvedRefs is still False"),
                (CHECKOUT.replace("---\n", "", 1) + "---\n" + ok, "asks only for referencegrant")]

    def verify(self, cluster) -> None:
        status, reason = conditions(cluster, "checkout", "store").get("ResolvedRefs", ("Unknown", "-"))
        resp = cluster.request("http://store.example.com/checkout", from_internet=True)
        if status != "True" or resp.status != 200:
            where = ""
            grants = cluster.list("referencegrant", None)
            if any(g["metadata"]["namespace"] != "payments" for g in grants):
                where = " A ReferenceGrant must live in the namespace of the target (payments)."
            raise Incorrect(f"the route's ResolvedRefs is still {status} ({reason}) and the request gets "
                            f"{resp.status or resp.error}.{where}")
        if backend_service(resp) != "checkout":
            raise Incorrect(f"/checkout answers, but from {resp.backend}")
        return "right: payments consents with a ReferenceGrant; ResolvedRefs is True and /checkout answers 200."


class BareMetal(MultipleChoice):
    """On a fresh kubeadm cluster (no cloud, no MetalLB) with a Gateway API implementation installed,
    `kubectl get gateway` shows `PROGRAMMED False` and no ADDRESS. Why?"""

    options = ["The GatewayClass was not accepted.",
               "The HTTPRoutes have errors.",
               "The implementation exposes the Gateway with a LoadBalancer Service, and nothing on bare metal "
               "provides load balancer addresses (condition reason AddressNotAssigned).",
               "Gateways only work on managed cloud clusters."]
    correct = 2
    why_not = {0: "then Accepted would be False too; here the Gateway is accepted but not programmed.",
               1: "route errors show on the routes' own status; the Gateway's Programmed is about its data plane.",
               3: "add MetalLB or cloud-provider-kind (or a NodePort-based class) and it gets an address."}
    _hints = ["Compare with a LoadBalancer Service on the same cluster: EXTERNAL-IP <pending>."]
    _solution = 'answer = "c"'
    _solution_answer = "c"


q1 = Roles()
q2 = Precedence()
q3 = SandboxReason()
q4 = BetaAndCanary()
q5 = GrantCheckout()
q6 = BareMetal()
q7 = OldestTCPRoute()
q8 = PortalTLSRoute()
exercise = Exercise("Exercise 08 · Gateway API", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6,
                                                 "q7": q7, "q8": q8})
