"""Exercise 09: NetworkPolicy — default allow, deny-all, allow rules, AND vs OR, egress and DNS.

Every check runs the simulator: predictions are compared with ``cluster.allowed`` /
``cluster.connectivity``, and YAML answers are applied to a fresh cluster and tested with
real requests (a dropped connection shows as ``connection timed out``, as curl says it).
"""
from __future__ import annotations

from . import show_progress
from .answers import NameSet
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem, expect_error, expect_ok, fresh_cluster

__all__ = ["q1", "q2", "q3", "q4", "q5", "exercise", "____", "show_progress", "SHOP", "expect_ok_why"]


def expect_ok_why(cluster, resp, what: str, *, body_contains: str | None = None) -> None:
    """``expect_ok``, and when it fails, add what ``cluster.diagnose`` finds about the request."""
    try:
        expect_ok(resp, what, body_contains=body_contains)
    except Incorrect as e:
        findings = cluster.diagnose(resp) if resp.error else []
        more = f"\nWhy: {findings[0].what}" if findings else ""
        raise Incorrect(f"{e}{more}") from None


#: Namespace ``shop`` (web, api, client) and namespace ``other`` (intruder), labelled as
#: kubectl 1.22+ labels every namespace: kubernetes.io/metadata.name=<name>.
SHOP = """
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec:
  containers:
  - {name: api, image: hashicorp/http-echo, args: ["-text=Hello from the API", "-listen=:8080"],
     ports: [{containerPort: 8080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 8080, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: intruder, namespace: other, labels: {app: web}}
spec: {containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]}
"""

DENY_INGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


class AndOr(MultipleChoice):
    """This ingress rule is on pods `app=db` in namespace `shop`:

        ingress:
        - from:
          - namespaceSelector: {matchLabels: {team: ops}}
            podSelector: {matchLabels: {app: backup}}

    Which pods may connect?"""
    options = [
        "pods labelled app=backup in namespaces labelled team=ops (both conditions, one peer)",
        "every pod in a team=ops namespace, and every app=backup pod in any namespace",
        "app=backup pods in namespace shop only",
        "nobody: namespaceSelector and podSelector cannot be combined",
    ]
    correct = 0
    why_not = {
        1: "that is the OR form: two peers, each starting with its own '-'. Here there is one '-', so one peer "
           "with two conditions, ANDed.",
        2: "a podSelector alone means 'in the policy's namespace', but next to a namespaceSelector it is "
           "applied to pods of the namespaces that selector picks.",
        3: "they can: the API documents this combination as 'pods in these namespaces with these labels'.",
    }
    _hints = ["Count the dashes: each '-' under `from:` starts a peer; peers are ORed.",
              "Inside one peer, namespaceSelector and podSelector must both match."]
    _solution = ('answer = "a"  — one peer with both selectors means AND. Writing `- podSelector` on its own '
                 "line would make two peers, ORed.")
    _solution_answer = "a"


class WhoReachesApi(Problem):
    """With the policy below applied to the SHOP scenario, which pods can open a connection to
    `shop/api` on TCP 8080?  Answer with a list of "namespace/name" strings (api itself aside).

        kind: NetworkPolicy
        metadata: {name: api-allow, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: web}}
            - namespaceSelector: {matchLabels: {team: ops}}
            ports: [{port: http}]"""
    POLICY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-allow, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {team: ops}}
    ports: [{port: http}]
"""
    _hints = ["Two peers (two dashes) are ORed. A podSelector alone only picks pods in the policy's own namespace.",
              "other/intruder is labelled app=web, but it lives in namespace other; no namespace has team=ops.",
              "Check yourself: cluster.allowed('shop/web', 'shop/api', 8080)."]
    _solution = ('answer = ["shop/web"]  — the podSelector peer matches app=web in shop only; the '
                 "namespaceSelector peer matches no namespace; client and intruder are denied.")
    _solution_answer = ["shop/web"]

    def truth(self) -> list[str]:
        c = fresh_cluster(SHOP, seed=9)
        c.apply(self.POLICY)
        pods = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in c.list("pod", None)
                if p["metadata"]["namespace"] in ("shop", "other")]
        return sorted(p for p in pods if p != "shop/api" and c.allowed(p, "shop/api", 8080))

    answer_type = NameSet(example='["shop/web"]', what='"namespace/name" strings')
    wrong_answers = [(["shop/web", "other/intruder"], "other/intruder:"), (["shop/web", "shop/client"], "shop/client:"),
                     ([], "shop/web:"), (["web"], "write each pod as namespace/name"),
                     (["shop/web", "shop/db"], "shop/db is not a pod of the scenario"),
                     ("shop/web", "give a set, even for one name"), ({"shop/web": True}, "is not a set of strings")]

    def check_answer(self, answer) -> None:
        bare = sorted(a for a in answer if a.count("/") != 1)
        if bare:
            raise Incorrect(f"write each pod as namespace/name, e.g. \"shop/web\" (not {bare[0]!r})")
        got, want = sorted(answer), self.truth()
        if got != want:
            c = fresh_cluster(SHOP, seed=9)
            c.apply(self.POLICY)
            pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in c.list("pod", None)}
            unknown = sorted(set(got) - pods)
            if unknown:
                raise Incorrect(f"{unknown[0]} is not a pod of the scenario (its pods: shop/web, shop/api, "
                                "shop/client, other/intruder)")
            wrong = sorted(set(got) ^ set(want))
            lines = [f"{p}: {c.allowed(p, 'shop/api', 8080).reason}" for p in wrong]
            raise Incorrect("not quite. What the simulator says about the pods you got wrong:\n" + "\n".join(lines))


class AllowWebToApi(BuildProblem):
    """`shop` has a deny-all ingress policy. Write ONE NetworkPolicy (namespace shop) so that
    `shop/web` can reach `http://api.shop:8080/`, while `other/intruder` (labelled app=web too!)
    and `shop/client` still cannot."""
    scenario = SHOP + "---" + DENY_INGRESS
    cluster_args = {"seed": 9}
    _hints = ["podSelector (spec) picks the pods the policy protects: app=api. The `from` peer picks the clients.",
              "A bare podSelector peer only matches pods in the policy's own namespace — which is what keeps "
              "other/intruder out.",
              "ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]"]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("- from: [{podSelector: {matchLabels: {app: web}}}]",
                            "- from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]"),
                 "from other/intruder should still be dropped"),
                (ok.replace("- from: [{podSelector: {matchLabels: {app: web}}}]", "- from: [{podSelector: {}}]"),
                 "from shop/client should still be dropped"),
                (ok.replace("    ports: [{port: 8080}]\n", "    ports: [{port: 80}]\n"), "from shop/web should answer"),
                (ok.replace("podSelector: {matchLabels: {app: api}}", "podSelector: {matchLabels: {app: web}}"),
                 "from shop/web should answer"),
                (ok.replace("namespace: shop", "namespace: default"), "from shop/web should answer"),
                (ok.replace("ports: [{port: 8080}]", "ports: [{port: http}]").replace("{app: web}}}]",
                                                                                    "{app: web}}}, {ipBlock: {cidr: 0.0.0.0/0}}]"),
                 "should still be dropped")]

    def verify(self, cluster) -> None:
        url = "http://api.shop:8080/"
        expect_ok_why(cluster, cluster.request(url, from_pod="shop/web"), f"GET {url} from shop/web",
                      body_contains="Hello from the API")
        for who in ("other/intruder", "shop/client"):
            r = cluster.request(url, from_pod=who)
            if r.error != "connection timed out":
                raise Incorrect(f"GET {url} from {who} should still be dropped (connection timed out), but got "
                                f"{r.status or r.error}: {cluster.allowed(who, 'shop/api', 8080).reason}")


class EgressWithDNS(BuildProblem):
    """Pod `shop/client` is now isolated for egress (policy `client-egress-deny`). Write a
    NetworkPolicy that lets it call `http://api.shop:8080/` — by name — and nothing else
    in shop (`http://web.shop/` must stay blocked)."""
    scenario = SHOP + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress-deny, namespace: shop}
spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress]}
"""
    cluster_args = {"seed": 9}
    _hints = ["An egress rule lists `to` peers and ports. Which pod does the client connect to after kube-proxy's "
              "DNAT: the Service IP or the api pod?",
              "Before any HTTP, the client asks CoreDNS (kube-system, k8s-app=kube-dns) on port 53. Without that "
              "rule: could not resolve host.",
              "Two egress rules: to app=api on 8080, and to namespace kube-system pods k8s-app=kube-dns on 53 UDP "
              "and TCP."]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 8080}]
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        dns = ok.index("  - to:\n    - namespaceSelector")
        return [(ok[:dns], "could not resolve host"),
                (ok.replace("    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]",
                            "    ports: [{port: 53, protocol: TCP}]"), "could not resolve host"),
                (ok.replace("  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: 8080}]\n", ""),
                 "GET http://api.shop:8080/ from shop/client should answer"),
                (ok.replace("  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: 8080}]\n",
                            "  - to: [{podSelector: {}}]\n"), "egress to web is not allowed"),
                (ok.replace("  policyTypes: [Egress]\n  egress:", "  policyTypes: [Ingress]\n  ingress:").replace(
                    "- to:", "- from:"), "could not resolve host")]

    def verify(self, cluster) -> None:
        r = cluster.request("http://api.shop:8080/", from_pod="shop/client")
        if r.error == "could not resolve host":
            raise Incorrect("GET http://api.shop:8080/ from shop/client: could not resolve host — the DNS query "
                            "to kube-dns (10.96.0.10:53/UDP) timed out. Egress isolation also covers DNS: allow "
                            "port 53 to the CoreDNS pods in kube-system.")
        expect_ok_why(cluster, r, "GET http://api.shop:8080/ from shop/client", body_contains="Hello from the API")
        expect_error(cluster.request("http://web.shop/", from_pod="shop/client"),
                     "GET http://web.shop/ from shop/client (egress to web is not allowed)", "connection timed out")


class FlannelIgnores(MultipleChoice):
    """A cluster runs flannel (`Cluster(cni="flannel")`). You apply a deny-all ingress policy to
    namespace shop and `curl http://web.shop/` from `other/intruder`. What happens?"""
    options = ["connection timed out: the policy drops it",
               "connection refused",
               "HTTP 200: flannel accepts the NetworkPolicy object and does not enforce it",
               "kubectl apply fails: flannel clusters reject NetworkPolicy objects"]
    _hints = ["NetworkPolicy is enforced by the network plugin, not by the API server.",
              "Try it: Cluster(cni='flannel'), apply the policy, request and look at the hops."]
    _solution = ('answer = "c"  — the API server stores the policy (it is a valid object), but flannel alone has '
                 "no policy engine: traffic flows as before. To enforce it, add kube-network-policies to flannel "
                 "(its Helm chart's netpol.enabled, since flannel v0.25.5), or run Calico, Cilium, or kind's "
                 "default kindnet (it enforces policies since kind v0.24).")
    _solution_answer = "c"
    why_not = {0: "that is what an enforcing plugin (Calico, Cilium, kindnet) would do; flannel has no policy "
                  "engine of its own.",
               1: "nothing refuses here: the Service has a ready pod listening on 80.",
               3: "the API server accepts any valid NetworkPolicy; it does not know which CNI runs."}

    @property
    def correct(self) -> int:  # computed by experiment, not stored
        c = fresh_cluster(SHOP, seed=9, cni="flannel")
        c.apply(DENY_INGRESS)
        r = c.request("http://web.shop/", from_pod="other/intruder")
        return {None: 2}.get(r.error, 0 if r.error == "connection timed out" else 1)


q1, q2, q3, q4, q5 = AndOr(), WhoReachesApi(), AllowWebToApi(), EgressWithDNS(), FlannelIgnores()
exercise = Exercise("Exercise 09: NetworkPolicy", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5})
