"""Exercise 02 — Services, selectors, endpoints.

Seven questions; every expected value is computed by running the simulator:

* q1 prediction: which pods a two-key selector picks (labels are ANDed)
* q2 concept: where a not-Ready pod shows up (EndpointSlice ``ready: false``; Endpoints' notReadyAddresses)
* q3 prediction: what curl prints when the selector has a typo (refused, not timed out)
* q4 debugging: repair the ``front-end``/``frontend`` Service so the request answers
* q5 build: a Service without a selector plus a hand-written EndpointSlice to a host outside the cluster
* q6 command: the kubectl command that lists a Service's EndpointSlices (no deprecation warning)
* q7 concept: what a Service's selector can express (equality only)
"""
from __future__ import annotations

from ..errors import K8sNetError
from . import show_progress
from .answers import Command, NameSet, OneOf
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenarios_ex02 import CLIENT, LABELLED_PODS, LEGACY_HOST, LEGACY_IP, TYPO_SCENARIO, _cluster, _echo_pod, _slice_pods
from .scenario import BuildProblem, expect_ok

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "exercise", "____", "show_progress", "LABELLED_PODS", "TYPO_SCENARIO",
           "LEGACY_HOST", "LEGACY_IP"]


class WhichPods(Problem):
    """Service `shop` has `selector: {app: shop, tier: web}`. The pods are:

        shop-web-1    app=shop,tier=web
        shop-web-2    app=shop,tier=web,track=canary
        shop-api      app=shop,tier=api
        blog-web      app=blog,tier=web
        shop-web-old  app=Shop,tier=web

    Which pods does the EndpointSlice controller put in shop's EndpointSlice? Answer a set of
    names, e.g. {"shop-api", "blog-web"}."""

    answer_type = NameSet(example='{"shop-api", "blog-web"}', what="pod names")
    wrong_answers = [({"shop-web-1"}, "shop-web-2 is selected too"),
                     ({"shop-web-1", "shop-web-2", "shop-web-old"}, "shop-web-old (app=Shop,tier=web) is not selected"),
                     ({"shop-web-1", "shop-web-2", "shop-api"}, "shop-api (app=shop,tier=api) is not selected"),
                     ({"shop-web-1", "shop-web-2", "blog-web"}, "blog-web (app=blog,tier=web) is not selected"),
                     (set(), "shop-web-1 is selected too"), ({"shop-web-3"}, "no pod named shop-web-3"),
                     ("shop-web-1", "give a set, even for one name"), (2, "is not a set of strings")]
    _hints = ["Every key of the selector must match (the keys are ANDed); extra labels on a pod do not matter.",
              "Label values are case-sensitive.",
              'Two pods: both shop-web-… pods whose app is exactly "shop".']
    _solution = ('answer = {"shop-web-1", "shop-web-2"}\n'
                 "A Service selector is ANDed equality: app must be exactly 'shop' (not 'Shop') and tier exactly "
                 "'web'. shop-web-2's extra track=canary label does not matter.")
    _solution_answer = {"shop-web-1", "shop-web-2"}

    def check_answer(self, answer) -> None:
        given = set(answer)
        c = _cluster(LABELLED_PODS)
        truth = _slice_pods(c, "shop")
        unknown = given - {p["metadata"]["name"] for p in c.list("pod")}
        if unknown:
            raise Incorrect(f"there is no pod named {', '.join(sorted(unknown))}")
        if given == truth:
            return None
        labels = {p["metadata"]["name"]: p["metadata"].get("labels") or {} for p in c.list("pod")}
        wrong = sorted(given - truth)
        if wrong:
            name = wrong[0]
            lab = ",".join(f"{k}={v}" for k, v in sorted(labels[name].items()))
            raise Incorrect(f"{name} ({lab}) is not selected: every key of app=shop,tier=web must match exactly "
                            "(values are case-sensitive).")
        missing = sorted(truth - given)
        raise Incorrect(f"{missing[0]} is selected too: a pod may carry extra labels, the selector only needs its "
                        "own keys to match.")


class NotReadyPod(MultipleChoice):
    """Service `web` selects 3 pods. One of them fails its readiness probe (the other two are
    Ready). Which statement matches a Kubernetes 1.3x cluster?"""

    options = ["The failing pod is removed from the EndpointSlice until it passes again",
               "The failing pod stays in the EndpointSlice with conditions.ready: false; kube-proxy sends it no "
               "new connections; `kubectl get endpoints` lists it under notReadyAddresses, not in ENDPOINTS",
               "The failing pod keeps getting traffic: readiness only matters during a rollout",
               "The kubelet restarts the container until the probe passes"]
    correct = 1
    why_not = {0: "EndpointSlices keep not-ready endpoints, marked ready: false (and serving/terminating "
                  "conditions), so consumers can tell 'not ready' from 'gone'. Look at `-o yaml` in chapter 02.",
               2: "kube-proxy only load-balances over ready endpoints. (It falls back to endpoints that are serving "
                  "and terminating only when there is no ready one: cluster-wide for the Cluster traffic policy, "
                  "per node for Local — KEP-1669.)",
               3: "restarting is what a failing *liveness* probe does. A failing readiness probe only takes the pod "
                  "out of rotation."}
    _hints = ["Chapter 02 printed `kubectl get endpointslices -o yaml` for a pod whose probe failed."]
    _solution = ("answer = 'b'\nNot-ready pods are listed with ready: false (serving: false); kube-proxy uses "
                 "only the ready ones. The deprecated v1 Endpoints object puts them under notReadyAddresses.")
    _solution_answer = "b"


class TypoOutcome(Problem):
    """Deployment `frontend` runs pods labelled `app=frontend`; Service `frontend` has
    `selector: {app: front-end}`. From pod `client` you run `curl http://frontend/`. What
    happens? Answer one of "HTTP 200", "connection refused", "connection timed out",
    "could not resolve host"."""

    _hints = ["Does the name resolve? The Service object exists, so CoreDNS has a record for it.",
              "How many endpoints does the Service have? What does kube-proxy do for a Service with none?",
              "kube-proxy installs a REJECT rule (ICMP port unreachable) for a Service without endpoints."]
    _solution = ('answer = "connection refused"\nThe name resolves (the Service exists) but its selector '
                 "matches no pod, so its EndpointSlice is empty and kube-proxy REJECTs the connection at once: "
                 "curl: (7) Failed to connect ... Could not connect to server. Not a timeout.")
    _solution_answer = "connection refused"
    CHOICES = ("HTTP 200", "connection refused", "connection timed out", "could not resolve host")
    answer_type = OneOf(*CHOICES)
    wrong_answers = [("connection timed out", "no timeout"), ("could not resolve host", "the name resolves"),
                     ("HTTP 200", "matches none of the app=frontend pods"),
                     ("refused", "not one of the phrases"), ("refused.", "not one of the phrases"),
                     (7, "is not one of the phrases")]

    def check_answer(self, answer) -> None:
        c = _cluster(TYPO_SCENARIO)
        r = c.request("http://frontend/", from_pod="default/client")
        truth = r.error if r.error else f"HTTP {r.status}"
        given = answer.strip().lower()
        if given == truth.lower():
            return None
        if given == "connection timed out":
            raise Incorrect("no timeout: a Service with no endpoints gets a kube-proxy REJECT rule "
                            "(icmp-port-unreachable), so the client is told at once. Timeouts point to dropped "
                            "packets (a NetworkPolicy, a dead node, a firewall).")
        if given == "could not resolve host":
            raise Incorrect("the name resolves: CoreDNS answers for every Service that exists, endpoints or not.")
        raise Incorrect(f"the selector app=front-end matches none of the app=frontend pods, so: {truth}.")


class FixTheTypo(BuildProblem):
    """Debugging. The cluster holds the scenario of the previous question (Deployment `frontend`,
    pods `app=frontend`, Service `frontend` selecting `app: front-end`). Write the YAML of the
    Service `frontend` (port 80) so that `curl http://frontend/` from `client` gets nginx's
    welcome page. Do not touch the Deployment."""

    scenario = TYPO_SCENARIO
    cluster_args = {"seed": 4}
    only = ("service/frontend",)
    _hints = ["`kubectl get pods --show-labels` next to `kubectl describe svc frontend`: compare the selector "
              "with the labels.",
              "Keep the Service's name and port; change only its selector.",
              "selector: {app: frontend}"]
    _solution = ("answer = '''\napiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector:\n"
                 "    app: frontend\n  ports:\n  - port: 80\n    targetPort: 80\n'''\n"
                 "`kubectl apply` updates the selector; the EndpointSlice controller fills the slice with both pods "
                 "and kube-proxy replaces its REJECT rule with DNAT rules.")
    _solution_answer = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector:\n"
                        "    app: frontend\n  ports:\n  - port: 80\n    targetPort: 80\n")

    @property
    def wrong_answers(self) -> list:
        fixed = self._solution_answer
        relabel = TYPO_SCENARIO.split("---")[1].replace("app: frontend", "app: front-end")
        impostor = ("apiVersion: v1\nkind: Pod\nmetadata: {name: frontend-2, labels: {app: front-end}}\n"
                    "spec: {containers: [{name: nginx, image: 'nginx:1.27', ports: [{containerPort: 80}]}]}\n")
        return [(fixed.replace("app: frontend", "app: front-end"), "still fails"),
                (fixed.replace("app: frontend", "app: Frontend"), "still fails"),
                (fixed.replace("targetPort: 80", "targetPort: 8080"), "still fails"),
                (relabel, "field is immutable"),
                (fixed.replace("app: frontend", "app: front-end") + "---\n" + impostor, "also applies pod/frontend-2"),
                (fixed.replace("name: frontend", "name: front-end"), "also applies service/front-end"),
                ("apiVersion: v1\nkind: Service\nmetadata: {name: frontend\n", "could not read your YAML"),
                (80, "is not a manifest")]

    def verify(self, cluster) -> None:
        if cluster.kubectl("get deployment frontend -o jsonpath={.spec.selector.matchLabels.app}").strip() != "frontend":
            raise Incorrect("the question asks you to fix the Service, not the Deployment.")
        if not cluster.list("service") or all(s["metadata"]["name"] != "frontend" for s in cluster.list("service")):
            raise Incorrect("there is no Service named frontend any more.")
        resp = cluster.request("http://frontend/", from_pod="default/client")
        if resp.status != 200:
            findings = cluster.diagnose("svc/frontend")
            detail = "\n".join(f"- {f.what}\n  fix: {f.fix}" for f in findings[:2])
            raise Incorrect(f"GET http://frontend/ from client still fails ({resp.error or resp.status}).\n{detail}")
        expect_ok(resp, "GET http://frontend/ from client", body_contains="Welcome to nginx")


class ManualEndpointSlice(BuildProblem):
    """Build. A legacy app runs outside the cluster at 203.0.113.10, answering HTTP on port 80.
    Give it an in-cluster name: write YAML for a Service `legacy` (port 80, named `http`) *without*
    a selector, and an EndpointSlice that sends its traffic to 203.0.113.10:80, so that
    `curl http://legacy/` from pod `client` reaches it."""

    scenario = CLIENT
    _hints = ["Two documents separated by `---`: a Service with `ports` but no `selector`, and an EndpointSlice "
              "(apiVersion discovery.k8s.io/v1, addressType IPv4).",
              "The EndpointSlice is linked to the Service by the label kubernetes.io/service-name: legacy; "
              "its port must carry the same name as the Service port (http).",
              "endpoints: [{addresses: [\"203.0.113.10\"]}] and ports: [{name: http, port: 80, protocol: TCP}]"]
    _solution = ("answer = '''\napiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  ports:\n"
                 "  - name: http\n    port: 80\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                 "metadata:\n  name: legacy-1\n  labels:\n    kubernetes.io/service-name: legacy\n"
                 "    endpointslice.kubernetes.io/managed-by: staff\naddressType: IPv4\nports:\n"
                 "- name: http\n  port: 80\n  protocol: TCP\nendpoints:\n- addresses: [\"203.0.113.10\"]\n'''\n"
                 "No selector, so the EndpointSlice controller leaves the Service alone; your slice, linked by the "
                 "kubernetes.io/service-name label, is what kube-proxy programs. The managed-by label is what the "
                 "docs recommend for hand-made slices.")
    _solution_answer = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  ports:\n"
                        "  - name: http\n    port: 80\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                        "metadata:\n  name: legacy-1\n  labels:\n    kubernetes.io/service-name: legacy\n"
                        "    endpointslice.kubernetes.io/managed-by: staff\naddressType: IPv4\nports:\n"
                        "- name: http\n  port: 80\n  protocol: TCP\nendpoints:\n- addresses: [\"203.0.113.10\"]\n")

    def cluster(self):
        return _cluster(self.scenario, seed=4)

    @property
    def wrong_answers(self) -> list:
        ok = self._solution_answer
        return [(ok.replace("    kubernetes.io/service-name: legacy\n", ""), "is not linked to the Service"),
                (ok.replace("spec:\n  ports:", "spec:\n  selector: {app: legacy}\n  ports:"), "has a selector"),
                (ok.replace("- name: http\n  port: 80", "- name: web\n  port: 80"), "pairs them by name"),
                (ok.replace('"203.0.113.10"', '"203.0.113.11"'), "the app is at 203.0.113.10:80"),
                (ok.split("---")[0], "no EndpointSlice"),
                (ok.replace("name: legacy\nspec", "name: legacy-svc\nspec"), "no Service named legacy")]

    def verify(self, cluster) -> None:
        try:
            svc = cluster.get("svc", "legacy")
        except K8sNetError:
            raise Incorrect("there is no Service named legacy: check metadata.name.") from None
        if svc["spec"].get("selector"):
            raise Incorrect("the Service has a selector: then the EndpointSlice controller manages its endpoints "
                            "(pods only). Leave `selector` out.")
        slices = [s for s in cluster.list("endpointslice") if s["metadata"]["name"] != "kubernetes"]
        linked = [s for s in slices if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == "legacy"]
        if not slices:
            raise Incorrect("no EndpointSlice: a Service without a selector gets no endpoints unless you write them.")
        if not linked:
            raise Incorrect(f"EndpointSlice {slices[0]['metadata']['name']} is not linked to the Service: it needs the "
                            "label kubernetes.io/service-name: legacy (the name alone does not link it).")
        resp = cluster.request("http://legacy/", from_pod="default/client")
        if resp.status == 200:
            return None
        names = {p.get("name") or "" for s in linked for p in s.get("ports") or []}
        svc_names = {p.get("name") or "" for p in svc["spec"]["ports"]}
        if not names & svc_names:
            raise Incorrect(f"GET http://legacy/ was {resp.error}: the slice's port name "
                            f"{sorted(names)} does not equal the Service port's name {sorted(svc_names)} — kube-proxy "
                            "pairs them by name.")
        addrs = sorted(a for s in linked for e in s.get("endpoints") or [] for a in e.get("addresses") or [])
        raise Incorrect(f"GET http://legacy/ from client got {resp.error or resp.status}; the slice points at "
                        f"{', '.join(addrs) or 'no address'} — the app is at {LEGACY_IP}:80.")


class SliceCommand(Problem):
    """Service `web` selects two pods. Write the kubectl command (a string) that lists the
    EndpointSlices of `web` — the way to see a Service's backends on Kubernetes 1.33+."""

    _hints = ["`kubectl get endpoints web` still works, but prints a deprecation warning since 1.33.",
              "EndpointSlice names are generated (web-xxxxx), so you cannot ask for one by the Service's name.",
              "Select them by the label the controller puts on them: kubernetes.io/service-name=web."]
    _solution = ('answer = "kubectl get endpointslices -l kubernetes.io/service-name=web"\n'
                 "The controller labels every slice of a Service with kubernetes.io/service-name; a big Service has "
                 "several slices (100 endpoints each by default), all found by this one selector.")
    _solution_answer = "kubectl get endpointslices -l kubernetes.io/service-name=web"
    answer_type = Command()
    wrong_answers = [("kubectl get endpoints web", "Endpoints is deprecated"),
                     ("kubectl get endpointslices", "every Service"),
                     ("kubectl get endpointslice web", "generated names"),
                     ("kubectl get svc web", "not a list of EndpointSlices"),
                     ("kubectl get endpointslices -l app=web", "No resources found"),
                     ("get endpointslices -l kubernetes.io/service-name=web", "start the command with `kubectl`")]

    def check_answer(self, answer) -> None:
        c = _cluster(CLIENT + _echo_pod("web-a", "app: web") + _echo_pod("web-b", "app: web") + _echo_pod(
            "db", "app: db") + """
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 5678}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  selector: {app: db}
  ports: [{port: 80, targetPort: 5678}]
""")
        ips = [c.get("pod", n)["status"]["podIP"] for n in ("web-a", "web-b")]
        db_ip = c.get("pod", "db")["status"]["podIP"]
        try:
            out = c.kubectl(answer)
        except K8sNetError as e:
            out = str(e)
        if "Endpoints is deprecated" in out:
            raise Incorrect("that works, but it reads the v1 Endpoints API — kubectl prints 'Warning: v1 Endpoints "
                            "is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice'. Ask for endpointslices.")
        if "NotFound" in out:
            raise Incorrect(f"{out.strip()}\nEndpointSlices get generated names (web-xxxxx): select them by label.")
        if "EndpointSlice" not in out and "ADDRESSTYPE" not in out:
            raise Incorrect("that output is not a list of EndpointSlices:\n" + "\n".join(out.strip().splitlines()[:3]))
        if not all(ip in out for ip in ips):
            raise Incorrect("web's endpoints are not in that output:\n" + "\n".join(out.strip().splitlines()[:3]))
        if db_ip in out:
            raise Incorrect("that lists the slices of every Service (db's too); narrow it to web's with a label "
                            "selector.")


class ServiceSelectorKinds(MultipleChoice):
    """You want Service `web` to pick pods whose `track` is `stable` *or* `canary`. Which is true?"""

    options = ["Write `selector: {track: [stable, canary]}`",
               "Use `selector: {matchExpressions: [{key: track, operator: In, values: [stable, canary]}]}`",
               "A Service selector is a plain map of key: value pairs, ANDed (equality only): give both kinds of "
               "pod a common label, e.g. app: web, and select that",
               "Create two Services with the same name"]
    correct = 2
    why_not = {0: "a label value is one string: the API server refuses a list there.",
               1: "matchExpressions belongs to LabelSelector (Deployments, NetworkPolicies, `kubectl get -l 'track "
                  "in (stable,canary)'`). A Service's spec.selector is map[string]string.",
               3: "names are unique per kind and namespace: the second apply just updates the first."}
    _hints = ["Look at the Service API reference: what type is spec.selector?"]
    _solution = ("answer = 'c'\nServices (like ReplicationControllers) support only equality-based selectors. Put a "
                 "label on every pod that should receive traffic (that is what app: web is for) and let track tell "
                 "stable from canary for other purposes.")
    _solution_answer = "c"


q1, q2, q3, q4, q5, q6, q7 = (WhichPods(), NotReadyPod(), TypoOutcome(), FixTheTypo(), ManualEndpointSlice(),
                              SliceCommand(), ServiceSelectorKinds())
exercise = Exercise("Exercise 02 — Services, selectors, endpoints",
                    {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7})
