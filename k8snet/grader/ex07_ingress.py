"""Exercise 07 — Ingress (notebook ``exercises/ex07_ingress.ipynb``).

Questions (``q1 .. q7``):

1. concept (multiple choice): what an Ingress saves compared with a LoadBalancer per Service;
2. prediction: which Service answers ``/api/v2/users`` (Prefix vs Exact, longest match);
3. prediction: the status code of plain HTTP to a host listed under ``spec.tls``;
4. build: an Ingress for ``shop.example.com`` (``/`` and ``/api``) and ``*.blog.example.com``;
5. build: a ``rewrite-target`` Ingress that strips ``/v1`` before the backend;
6. debugging: an Ingress that answers 503 — find and fix it;
7. concept (multiple choice): the state of ingress-nginx and where new work goes.

The scenario runs ``Cluster(addons=["ingress-nginx"])``; requests come from the internet, with
the URL's host sent as the ``Host`` header to the controller's address (``curl -H``), so
wildcard hosts work without DNS records.
"""
from __future__ import annotations

from . import show_progress
from .answers import Integer, Text
from .core import Exercise, Incorrect, MultipleChoice, ____
from .scenarios_ex07 import APPS, BROKEN, CLUSTER_ARGS, _backend_path, _reasoning, _Scenario, _what, send
from .scenario import BuildProblem, backend_service

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "exercise", "____", "show_progress", "APPS", "send"]


class WhyIngress(MultipleChoice):
    """Your cloud cluster runs 12 web apps, each behind its own `type: LoadBalancer` Service. What
    does moving them behind one Ingress controller change?"""

    options = ["Nothing for cost: the Ingress creates one cloud load balancer per rule.",
               "One load balancer and address (the controller's) serves all 12 apps, routed by host and path.",
               "Pods become reachable without any Service.",
               "Traffic no longer passes through kube-proxy or a proxy at all."]
    correct = 1
    why_not = {0: "rules are configuration for the one controller; only its own Service is a LoadBalancer.",
               2: "each Ingress backend is a Service; the controller proxies to its endpoints.",
               3: "the controller is a proxy (nginx here): the request goes client -> controller pod -> app pod."}
    _hints = ["Look at `kubectl get svc -n ingress-nginx`: which Service has type LoadBalancer?"]
    _solution = 'answer = "b"  # one LoadBalancer Service (the controller), many Ingress rules'
    _solution_answer = "b"


class WhichBackend(_Scenario):
    """Ingress `site` has three paths for shop.example.com: `/` (Prefix) -> shop, `/api` (Prefix)
    -> api, `/api/v2` (Exact) -> api-v2. Which Service answers `http://shop.example.com/api/v2/users`?"""

    _hints = ["An Exact path must equal the whole request path.",
              "Among the Prefix paths that match element by element, the longest wins."]
    _solution = 'answer = "api"  # /api/v2 (Exact) does not equal /api/v2/users; /api (Prefix) is the longest match'
    _solution_answer = "api"

    answer_type = Text(example="shop", what="a Service name")
    wrong_answers = [("api-v2", "Exact /api/v2 matches only"), ("shop", "so does the longer prefix /api"),
                     ("svc/api-v2", "Exact /api/v2 matches only"), ("api-v3", "not one of the backends"),
                     ("/api", "not one of the backends"), (2, "is not a string")]

    def check_answer(self, answer) -> None:
        got = answer.removeprefix("svc/").removeprefix("default/")
        resp = send(self.cluster(), "http://shop.example.com/api/v2/users")
        truth = backend_service(resp)
        if got != truth:
            why = {"api-v2": "Exact /api/v2 matches only the path /api/v2 itself, not /api/v2/users.",
                   "shop": "/ matches, but so does the longer prefix /api."}.get(got, "that is not one of the backends.")
            raise Incorrect(f"{got!r} is not it: {why}")
        return f"right: {_what(resp)} — /api (Prefix) is the longest path that matches."


class TLSRedirect(_Scenario):
    """Ingress `secure` lists secure.example.com under `spec.tls`. What HTTP status code does a
    plain-HTTP request `http://secure.example.com/login` get?"""

    _hints = ["ingress-nginx redirects HTTP to HTTPS for hosts with TLS (ssl-redirect defaults to true).",
              "Which redirect code keeps the method and body?"]
    _solution = "answer = 308  # Permanent Redirect to https://secure.example.com/login"
    _solution_answer = 308

    answer_type = Integer(example=200, what="a status code")
    wrong_answers = [(301, "301 is what many servers use"), (302, "is not what the controller answers"),
                     (200, "is not what the controller answers"), (404, "is not what the controller answers"),
                     ("308", "without quotes"), ("Permanent Redirect", "is not a status code")]

    def check_answer(self, answer) -> None:
        n = answer
        resp = send(self.cluster(), "http://secure.example.com/login")
        if n != resp.status:
            extra = " 301 is what many servers use; ingress-nginx uses the code that keeps the method." if n == 301 else ""
            raise Incorrect(f"{n} is not what the controller answers.{extra}")
        return f"right: HTTP {resp.status}, Location: {resp.headers.get('Location')}"


class BuildSite(BuildProblem):
    """Write an Ingress `web` (class nginx) so that on shop.example.com `/api` and everything under
    it goes to Service `api` and every other path to `shop`; and any host `<name>.blog.example.com`
    goes to `blog`. All Services listen on port 80."""

    scenario = APPS
    cluster_args = CLUSTER_ARGS
    _hints = ["Two rules (one per host), two paths in the first.",
              "Prefix matches whole path elements: /api matches /api/orders but not /apiary.",
              "A wildcard host is written \"*.blog.example.com\" (quoted in YAML)."]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: shop, port: {number: 80}}
      - path: /api
        pathType: Prefix
        backend:
          service: {name: api, port: {number: 80}}
  - host: "*.blog.example.com"
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: blog, port: {number: 80}}
'''"""
    _solution_answer = _solution.split("'''")[1]

    CASES = [("http://shop.example.com/", "shop"), ("http://shop.example.com/api", "api"),
             ("http://shop.example.com/api/orders", "api"), ("http://shop.example.com/apiary", "shop"),
             ("http://alice.blog.example.com/post/1", "blog"), ("http://bob.blog.example.com/", "blog"),
             # hosts no rule names must not land on an app (a rule without host would catch them)
             ("http://blog.example.com/", None), ("http://www.example.org/", None)]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace('"*.blog.example.com"', "blog.example.com"), "alice.blog.example.com/post/1 should reach"),
                (ok.replace('  - host: "*.blog.example.com"\n', "  - http:\n").replace(
                    "  - http:\n    http:\n", "  - http:\n"), "should reach no Service"),
                (ok.replace("        pathType: Prefix\n        backend:\n          service: {name: api",
                            "        pathType: Exact\n        backend:\n          service: {name: api"),
                 "api.example.com/api/orders should reach Service api"[4:]),
                (ok.replace("  ingressClassName: nginx\n", "  ingressClassName: traefik\n"), "has no ADDRESS"),
                (ok.replace("*.blog.example.com", "*.example.com"), "alice.blog.example.com/post/1 should reach")]

    def verify(self, cluster) -> None:
        try:
            ing = cluster.get("ingress", "web")
        except Exception:
            raise Incorrect("there is no Ingress named web in namespace default") from None
        if not ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
            raise Incorrect(f"Ingress web has no ADDRESS: no controller serves class "
                            f"{ing['spec'].get('ingressClassName')!r}; use ingressClassName: nginx")
        for url, want in self.CASES:
            resp = send(cluster, url)
            if want is None and resp.backend:
                raise Incorrect(f"GET {url} should reach no Service (no rule names that host: the controller's "
                                f"404), but got {_what(resp)}.\n" + _reasoning(resp))
            if want is not None and (resp.status != 200 or backend_service(resp) != want):
                raise Incorrect(f"GET {url} should reach Service {want}, but got {_what(resp)}.\n"
                                + _reasoning(resp))
        return "right: every URL reached the intended Service."


class Rewrite(BuildProblem):
    """The `api` app serves `/users`, but clients call `http://api.example.com/v1/users`. Write an
    Ingress `api` (class nginx) for host api.example.com so that `/v1/<rest>` reaches Service `api`
    as `/<rest>` (query string kept) and `/v1` alone as `/`."""

    scenario = APPS
    cluster_args = CLUSTER_ARGS
    _hints = ["ingress-nginx: annotation nginx.ingress.kubernetes.io/rewrite-target with regex capture groups.",
              "path: /v1(/|$)(.*) with pathType ImplementationSpecific, rewrite-target: /$2"]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
spec:
  ingressClassName: nginx
  rules:
  - host: api.example.com
    http:
      paths:
      - path: /v1(/|$)(.*)
        pathType: ImplementationSpecific
        backend:
          service: {name: api, port: {number: 80}}
'''"""
    _solution_answer = _solution.split("'''")[1]

    CASES = [("http://api.example.com/v1/users?id=3", "/users?id=3"), ("http://api.example.com/v1", "/"),
             ("http://api.example.com/v1/", "/"), ("http://api.example.com/v1/users/7", "/users/7")]

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("rewrite-target: /$2", "rewrite-target: /"), "it should arrive as '/users?id=3'"),
                (ok.replace("rewrite-target: /$2", "rewrite-target: /$1"), "it should arrive as"),
                (ok.replace("path: /v1(/|$)(.*)", "path: /v1").replace("ImplementationSpecific", "Prefix"),
                 "it should arrive as"),
                (ok.replace("host: api.example.com", "host: api.example.org"), "should reach Service api"),
                (ok.replace("name: api, port", "name: shop, port"), "should reach Service api")]

    def verify(self, cluster) -> None:
        for url, want in self.CASES:
            resp = send(cluster, url)
            if resp.status != 200 or backend_service(resp) != "api":
                raise Incorrect(f"GET {url} should reach Service api, but got {_what(resp)}")
            seen = _backend_path(resp)
            if seen != want:
                raise Incorrect(f"GET {url} reached api as {seen!r}; it should arrive as {want!r}. "
                                "Check the rewrite-target annotation and the capture groups in the path.")
        return "right: the backend sees /users?id=3 and /."


class Fix503(BuildProblem):
    """`http://store.example.com/` answers 503. Explore the scenario (`cluster = q6.cluster()`),
    find why, and write the corrected Ingress `store` (same name, same host)."""

    scenario = APPS + BROKEN
    cluster_args = CLUSTER_ARGS
    _hints = ["Run `send(cluster, 'http://store.example.com/').explain()`: which Service and port does the controller use?",
              "Compare with `kubectl get svc shop`: which port does that Service expose?"]
    _solution = """answer = '''
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: store
spec:
  ingressClassName: nginx
  rules:
  - host: store.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: shop, port: {number: 80}}
'''"""
    _solution_answer = _solution.split("'''")[1]

    only = ("ingress/store",)

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(BROKEN.lstrip("-\n"), "still gets HTTP 503"), (ok.replace("number: 80", "number: 8080"), "HTTP 503"),
                (ok.replace("{name: shop, port: {number: 80}}", "{name: api, port: {number: 80}}"),
                 "from Service api"),
                (ok.replace("host: store.example.com", "host: shop.example.com"), "same host"),
                (ok.replace("name: store", "name: store-fixed"), "asks only for ingress/store")]

    def verify(self, cluster) -> None:
        hosts = [r.get("host") for r in cluster.get("ingress", "store")["spec"].get("rules") or []]
        if hosts != ["store.example.com"]:
            raise Incorrect(f"the Ingress store now serves {hosts}: keep the same host, store.example.com, and "
                            "fix what sends its requests to a port the Service does not have.")
        resp = send(cluster, "http://store.example.com/")
        if resp.status == 200 and backend_service(resp) != "shop":
            raise Incorrect(f"GET http://store.example.com/ answers, but {_what(resp)}: the store is the shop app; "
                            "keep the backend Service shop and fix its port.")
        if resp.status != 200:
            failed = [str(h) for h in resp.hops if not h.ok]
            raise Incorrect(f"GET http://store.example.com/ still gets {_what(resp)}"
                            + (f": {failed[-1]}" if failed else "")
                            + ". The backend port must be a port the Service exposes (its `port`, not the pod's).")
        if backend_service(resp) != "shop":
            raise Incorrect(f"it answers, but from Service {backend_service(resp)}; the store is the shop app")
        return "right: the Service shop exposes port 80 (targetPort 3000); 8080 had no endpoints, hence 503."


class IngressNginxToday(MultipleChoice):
    """Which statement about ingress-nginx and the Ingress API is true today?"""

    options = ["The Ingress API (networking.k8s.io/v1) was removed in Kubernetes 1.33.",
               "ingress-nginx was retired (maintenance ended March 2026); the Ingress API stays but is frozen, "
               "and new work goes to the Gateway API.",
               "nginx, the web server, is deprecated, so no controller may use it.",
               "ingress-nginx is the recommended controller for new clusters."]
    correct = 1
    why_not = {0: "the Ingress API is GA and still served; it is frozen, not removed.",
               2: "nginx itself is fine; the Kubernetes community controller project is what was retired.",
               3: "after March 2026 it gets no releases or security fixes; new installs should pick a Gateway API "
                  "implementation (or another maintained controller)."}
    _hints = ["kubernetes.io blog, November 2025: \"Ingress NGINX Retirement: What You Need to Know\"."]
    _solution = 'answer = "b"'
    _solution_answer = "b"


q1 = WhyIngress()
q2 = WhichBackend()
q3 = TLSRedirect()
q4 = BuildSite()
q5 = Rewrite()
q6 = Fix503()
q7 = IngressNginxToday()
exercise = Exercise("Exercise 07 · Ingress", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7})
