"""Exercise 08, questions 7 and 8: the L4 routes of chapter 08 (``exercises/ex08_gateway_api.ipynb``).

7. prediction: two TCPRoutes on one TCP listener — which Service gets the connections (the
   oldest route; apis/v1 tcproute_types.go, conformance tcproute-multiple-routes-attachment);
8. build: a TLSRoute that sends ``portal.example.com`` through a Passthrough listener to a pod
   that ends TLS itself (conformance tlsroute-simple-same-namespace).

Scenario: ``Cluster(addons=["gateway"], cloud="gcp")``; Gateway ``infra/l4-gw`` with listeners
``tls`` (443, TLS Passthrough, ``*.example.com``) and ``tcp`` (5432); echo-basic TCP servers
``postgres-a``, ``postgres-b`` and ``portal`` (TLS on 8443) in ``infra``; TCPRoute ``db-a`` -> postgres-a,
then a minute later ``db-b`` -> postgres-b, both on ``tcp``.
"""
from __future__ import annotations

import json

from .answers import Text
from .core import Incorrect, Problem
from .scenario import BuildProblem, echo_app, fresh_cluster
from .scenarios_ex08 import CLUSTER_ARGS

__all__ = ["OldestTCPRoute", "PortalTLSRoute", "L4_SCENARIO", "gateway_address"]


def _tcp_app(name: str) -> str:
    """echo-basic as a TCP server on 3000 and a TLS one on 8443 (conformance tcproute/tlsroute backends)."""
    env = {"TCP_ECHO_SERVER": "1", "SERVICE_NAME": name, "TLS_SERVER_CERT": "/etc/tls/tls.crt",
           "TLS_SERVER_PRIV_KEY": "/etc/tls/tls.key"}
    return "---\n" + echo_app(name, "infra", env=env, service_ports="[{name: tcp, port: 3000}, {name: tls, port: 8443}]")


L4_SCENARIO = """apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: l4-gw, namespace: infra}
spec:
  gatewayClassName: k8snet
  listeners:
  - {name: tls, protocol: TLS, port: 443, hostname: "*.example.com", tls: {mode: Passthrough}}
  - {name: tcp, protocol: TCP, port: 5432}
""" + _tcp_app("postgres-a") + _tcp_app("postgres-b") + _tcp_app("portal") + """---
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: db-a, namespace: infra}
spec:
  parentRefs: [{name: l4-gw, sectionName: tcp}]
  rules: [{backendRefs: [{name: postgres-a, port: 3000}]}]
"""

DB_B = """apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: db-b, namespace: infra}
spec:
  parentRefs: [{name: l4-gw, sectionName: tcp}]
  rules: [{backendRefs: [{name: postgres-b, port: 3000}]}]
"""


def l4_cluster():
    """The scenario: ``db-a`` first, ``db-b`` a minute later (so db-a is the older route)."""
    c = fresh_cluster(L4_SCENARIO, **CLUSTER_ARGS)
    c.advance(60)
    c.apply(DB_B)
    return c


def gateway_address(cluster) -> str:
    """The address ``l4-gw`` got from the cloud."""
    return cluster.get("gateway", "l4-gw", "infra")["status"]["addresses"][0]["value"]


def _service(resp) -> str | None:
    """The ``service`` echo-basic's TCP server reports for ``TEST`` (None when nothing answered)."""
    lines = resp.body.splitlines()
    return json.loads(lines[1])["service"] if resp.ok and len(lines) > 1 else None


class OldestTCPRoute(Problem):
    """Two TCPRoutes attach to listener `tcp` (port 5432) of Gateway `infra/l4-gw`: `db-a` -> Service
    `postgres-a`, and, created a minute later, `db-b` -> Service `postgres-b`. Which **Service** gets
    a TCP connection to port 5432 of the Gateway?"""

    _hints = ["A TCPRoute has no matches: nothing in a connection tells the two routes apart.",
              "kubectl get tcproute -n infra shows both; read the Gateway's listener status (attachedRoutes), "
              "then ask: which route was there first?"]
    _solution = 'answer = "postgres-a"  # both are Accepted, but only the oldest TCPRoute gets the connections'
    _solution_answer = "postgres-a"

    answer_type = Text(example="postgres-x", what="a Service name")
    wrong_answers = [("postgres-b", "the newer route"), ("db-a", "is a route"),
                     ("both", "only one route"), ("infra/postgres-b", "the newer route"), (5432, "is not a string")]

    def cluster(self):
        """The scenario cluster (the same every time)."""
        return l4_cluster()

    def check_answer(self, answer) -> None:
        got = answer.removeprefix("infra/")
        c = self.cluster()
        seen = {_service(c.connect(gateway_address(c), 5432, send="TEST", from_internet=True)) for _ in range(10)}
        truth = seen.pop() if len(seen) == 1 else None
        if got == truth:
            return (f"right: every connection reaches {truth}. Both routes are Accepted and the listener counts "
                    "2 attached routes, but with nothing to match on, the oldest route takes the listener.")
        if got.lower() in ("both", "either", "random"):
            raise Incorrect("only one route gets the connections: a TCPRoute has no weights across routes and "
                            "no matches, so the listener cannot split between db-a and db-b.")
        if got in ("db-a", "db-b"):
            raise Incorrect(f"{got!r} is a route; the question asks for the Service it sends to.")
        if got == "postgres-b":
            raise Incorrect("not the newer route: a later TCPRoute does not take over a listener. With no "
                            "matches to compare, the oldest route gets every connection.")
        raise Incorrect(f"{got!r} is not it: connections reach {truth}. Try "
                        "cluster.connect(addr, 5432, send='TEST', from_internet=True).body")


class PortalTLSRoute(BuildProblem):
    """Write a TLSRoute `portal` in namespace `infra`, attached to listener `tls` of Gateway `l4-gw`,
    that sends TLS connections for `portal.example.com` to Service `portal`, whose pods end TLS
    themselves on port 8443. Other names must still be refused."""

    scenario = L4_SCENARIO
    cluster_args = CLUSTER_ARGS
    only = ("tlsroute/*",)
    _hints = ["kind: TLSRoute, apiVersion gateway.networking.k8s.io/v1; parentRefs with sectionName: tls.",
              "A TLSRoute must list hostnames (the SNI it takes): [portal.example.com].",
              "One rule with one backendRef: name: portal, port: 8443 (the Service's TLS port)."]
    _solution = """answer = '''
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata:
  name: portal
  namespace: infra
spec:
  parentRefs:
  - name: l4-gw
    sectionName: tls
  hostnames: ["portal.example.com"]
  rules:
  - backendRefs:
    - name: portal
      port: 8443
'''"""
    _solution_answer = _solution.split("'''")[1]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("port: 8443", "port: 3000"), "plain TCP"),
                (ok.replace("    sectionName: tls\n", "    sectionName: tcp\n"), "NotAllowedByListeners"),
                (ok.replace('  hostnames: ["portal.example.com"]\n', ""), "hostnames: Required value"),
                (ok.replace("portal.example.com", "*.example.com"), "other.example.com"),
                (ok.replace("kind: TLSRoute", "kind: TCPRoute").replace('  hostnames: ["portal.example.com"]\n', ""),
                 "asks only for tlsroute")]

    def verify(self, cluster) -> None:
        try:
            parents = (cluster.get("tlsroute", "portal", "infra").get("status") or {}).get("parents") or []
        except Exception:
            raise Incorrect("there is no TLSRoute named portal in namespace infra") from None
        conds = {c["type"]: (c["status"], c["reason"]) for p in parents[:1] for c in p["conditions"]}
        if conds.get("Accepted", ("", ""))[0] != "True":
            raise Incorrect(f"the route is not attached: Accepted={conds.get('Accepted')}. Check parentRefs "
                            "(name: l4-gw, sectionName: tls): only the TLS listener takes TLSRoutes.")
        addr = gateway_address(cluster)
        r = cluster.connect(addr, 443, tls=True, server_name="portal.example.com", send="TEST", from_internet=True)
        if not r.ok:
            raise Incorrect(f"a TLS connection for portal.example.com fails ({r.error}). "
                            f"{'port 3000 is the plain TCP port; the pods end TLS on 8443' if 'plain TCP' in r.explain() else r.explain().splitlines()[-2]}")
        got = json.loads(r.body.splitlines()[1])
        if got["service"] != "portal" or not got["isTLS"]:
            raise Incorrect(f"the connection reached {got['service']} (isTLS {got['isTLS']}), not portal's TLS port")
        other = cluster.connect(addr, 443, tls=True, server_name="other.example.com", from_internet=True)
        if other.ok:
            raise Incorrect("other.example.com reaches portal too: list only portal.example.com in hostnames")
        return ("right: the Gateway read the SNI portal.example.com and passed the encrypted stream to portal, "
                f"which ended TLS itself ({got['tls']['version']}); other names are reset.")
