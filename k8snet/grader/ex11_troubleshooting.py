"""Exercise 11: troubleshooting — broken scenarios the learner repairs with YAML.

The scenarios are the ones of chapter 11's lab (``k8snet.widgets.troubleshoot.SCENARIOS``):
each question builds the broken cluster, applies the learner's YAML and re-runs the real
requests; a failure shows what happened and what ``cluster.diagnose`` finds.
"""
from __future__ import annotations

from ..widgets.troubleshoot import SCENARIOS, Scenario, deployment, service
from . import show_progress
from .answers import Mapping, OneOf
from .core import ____, Exercise, Incorrect, Problem
from .scenario import BuildProblem

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "exercise", "____", "show_progress", "ScenarioFix", "broken"]


def broken(key: str):
    """The broken cluster of scenario ``key``, to investigate (``cluster.kubectl(...)``)."""
    return SCENARIOS[key].build()


class ScenarioFix(BuildProblem):
    """Repair a scenario with YAML; checked by re-running its requests."""

    key = ""

    @property
    def s(self) -> Scenario:
        return SCENARIOS[self.key]

    @property
    def question(self) -> str:
        return f"{self.s.title}. Reported: {self.s.report} Write the YAML that repairs it."

    @property
    def _solution(self) -> str:
        return f"answer = '''\n{self.s.fix}'''\n# {self.s.hint}"

    @property
    def _solution_answer(self) -> str:
        return self.s.fix

    def cluster(self):
        return self.s.build()

    def check_answer(self, answer) -> None:
        c = self.cluster()
        self.apply(c, answer)
        result = self.s.verify(c)
        if not result.ok:
            raise Incorrect("after your change the requests still fail:\n" + result.text)
        self.verify_design(c)

    def verify_design(self, cluster) -> None:
        """More than "the request answers": the repair keeps what the scenario is about."""


def _rolled_out(cluster) -> None:
    """The Deployment's rollout must finish: a repair that leaves new pods never Ready only hides the
    problem behind the old ones (what `kubectl rollout status` reports)."""
    cluster.advance(120)
    d = cluster.get("deployment", "web")
    want, st = d["spec"].get("replicas", 1), d.get("status") or {}
    if st.get("updatedReplicas", 0) != want or st.get("availableReplicas", 0) != want or st.get("replicas") != want:
        out = cluster.kubectl("rollout status deployment/web --timeout=1s").strip()
        raise Incorrect("the requests answer, but the rollout never finishes — the new pods do not become "
                        f"Ready:\n$ kubectl rollout status deployment/web\n{out}")


def _probe_pod(name: str, app: str) -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {app}}}}}\n"
            "spec: {containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]}\n")


class SelectorTypo(ScenarioFix):
    key = "empty-endpoints"
    only = ("service/web",)
    wrong_answers = [(service("web", "app: wbe", "80"), "still fail"), (service("web", "app: webb", "80"), "still fail"),
                     (service("web", "app: web", "8080"), "still fail"),
                     (deployment("web", "app: wbe", "nginx"), "field is immutable"),
                     (service("web", "app: wbe", "80") + "---\n" + _probe_pod("web-2", "wbe").replace(
                         "curlimages/curl, command: [sleep, infinity]", "nginx"), "also applies pod/web-2"),
                     (service("web", "app: web", "80").replace("name: web", "name: web2"), "also applies service/web2")]
    _hints = ["`kubectl get endpointslices` is empty for web. Why would the controller list no pod?",
              "Compare `kubectl describe svc web` (Selector) with `kubectl get pods --show-labels`.",
              "Re-apply the Service with selector {app: web}."]


class WrongTargetPort(ScenarioFix):
    key = "wrong-targetport"
    only = ("service/web",)
    wrong_answers = [(service("web", "app: web", "8080"), "still fail"), (service("web", "app: web", "443"), "still fail"),
                     (deployment("web", "app: web", "nginx", port=8080), "asks only for service/web"),
                     (service("web", "app: web", "8080", type_="NodePort"), "still fail"),
                     (service("web", "app: web", "80").replace("port: 80,", "port: 8080,"), "still fail")]
    _hints = ["The endpoints exist: look at their port in `kubectl get endpointslices`.",
              "nginx listens on 80; the Service sends to targetPort.",
              "Re-apply the Service with targetPort: 80."]


class BrokenProbe(ScenarioFix):
    key = "readiness"
    only = ("deployment/web",)
    wrong_answers = [
        (deployment("web", "app: web", "nginx"), "Keep the readiness probe"),
        (deployment("web", "app: web", "nginx", extra=", readinessProbe: {httpGet: {path: /, port: 8081}}"),
         "still fail"),
        (deployment("web", "app: web", "nginx", extra=", readinessProbe: {tcpSocket: {port: 8080}}"), "still fail"),
        (deployment("web", "app: web", "nginx", extra=", livenessProbe: {httpGet: {path: /, port: 80}}"),
         "Keep the readiness probe"),
        (service("web", "app: web", "8080"), "asks only for deployment/web")]

    def verify_design(self, cluster) -> None:
        # Deleting the probe also makes the pods Ready; the question is about fixing it.
        spec = cluster.get("deployment", "web")["spec"]["template"]["spec"]
        if not any(ct.get("readinessProbe") for ct in spec.get("containers") or []):
            raise Incorrect("the requests answer, but only because the Deployment has no readiness probe any "
                            "more: then a pod that cannot serve still gets traffic. Keep the readiness probe and "
                            "point it at the port nginx listens on.")
    _hints = ["READY 0/1: `kubectl describe pod` shows the probe's failures in Events.",
              "The probe connects to 8080; nginx listens on 80.",
              "Re-apply the Deployment with the readinessProbe on port 80."]


class PolicyBlocks(ScenarioFix):
    key = "netpol"
    only = ("networkpolicy/*",)

    @property
    def wrong_answers(self) -> list:
        fix = self.s.fix
        return [(fix.replace("app: client", "app: frontend"), "connection timed out"),
                (fix.replace("{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 80}]}", "{}"),
                 "other pods of the namespace"),
                (fix.replace("podSelector: {matchLabels: {app: client}}", "podSelector: {}"),
                 "other pods of the namespace"),
                (fix.replace("name: web-from-client", "name: web-from-frontend"), "frontend pods lost"),
                (fix.replace("ports: [{port: 80}]", "ports: [{port: 8080}]"), "connection timed out"),
                (service("web", "app: web", "80"), "asks only for networkpolicy")]

    def verify_design(self, cluster) -> None:
        # The repair adds the client; it must neither open web to every pod nor drop the frontend.
        cluster.apply(_probe_pod("frontend-probe", "frontend") + "---\n" + _probe_pod("intruder", "intruder"))
        cluster.advance(10)
        r = cluster.request("http://web/", from_pod="default/intruder")
        if r.error != "connection timed out":
            raise Incorrect("the client gets through, but so do all other pods of the namespace (a probe pod "
                            f"labelled app=intruder got {r.status or r.error}): allow the client only.")
        r = cluster.request("http://web/", from_pod="default/frontend-probe")
        if r.status != 200:
            raise Incorrect(f"the client gets through, but the frontend pods lost their access ({r.error}): "
                            "policies add up — keep web-from-frontend and add a second policy for the client.")
    _hints = ["A timeout, not a refusal: something drops packets. `kubectl get networkpolicy`.",
              "web-from-frontend isolates the web pods; the client is labelled app=client.",
              "Add a second policy for app=web allowing from podSelector app=client on port 80 "
              "(policies add up: the union of their rules is allowed)."]


class RecreateGap(ScenarioFix):
    key = "recreate"
    only = ("deployment/web",)

    @property
    def wrong_answers(self) -> list:
        fix = self.s.fix
        return [(fix.replace("maxSurge: 1, maxUnavailable: 0", "maxSurge: 0, maxUnavailable: 2"), "still fail"),
                (fix.replace("maxSurge: 1, maxUnavailable: 0", "maxSurge: 1, maxUnavailable: 2"), "still fail"),
                (fix.replace("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
                             "{type: Recreate}"), "still fail"),
                (fix.replace("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
                             "{type: Recreate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"), "Forbidden"),
                (fix.replace("replicas: 2", "replicas: 0"), "still fail"),
                (fix.replace("port: http}", "port: https}"), "the rollout never finishes")]

    def verify_design(self, cluster) -> None:
        _rolled_out(cluster)
    _hints = ["During a deploy, `kubectl get endpointslices` goes empty. Which strategy deletes all pods first?",
              "RollingUpdate with maxUnavailable: 0 keeps old pods until new ones are Ready.",
              "strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"]


class WhatCurlSays(Problem):
    """For three broken scenarios, what does `curl http://web` from the client print?
    Answer with a dict mapping each scenario to "connection refused", "connection timed out"
    or "could not resolve host":

        answer = {"empty-endpoints": ____, "netpol": ____, "kube-proxy": ____}

    (empty-endpoints: the selector matches no pod; netpol: a NetworkPolicy isolates web;
    kube-proxy: kube-proxy stopped on the client's node before the Service web was created.)"""
    KEYS = ("empty-endpoints", "netpol", "kube-proxy")
    ERRORS = ("connection refused", "connection timed out", "could not resolve host")
    answer_type = Mapping(KEYS, OneOf(*ERRORS))

    @property
    def wrong_answers(self) -> list:
        # Near misses built from the measured truth: one scenario wrong at a time, each other error.
        truth = self.truth()
        rows = [({**truth, key: other}, f"{key}: curl does not say")
                for key in self.KEYS for other in self.ERRORS if other != truth[key]]
        return rows + [({"empty-endpoints": "refused", "netpol": "timeout", "kube-proxy": "dns"},
                        "not one of the phrases"),
                       ({"empty-endpoints": "connection refused"}, "the key 'netpol' is missing"),
                       ("connection refused", "is not a dict")]
    _hints = ["A Service without endpoints has a kube-proxy rule that REJECTs: the client gets an answer at once.",
              "A NetworkPolicy drops packets silently.",
              "A stopped kube-proxy leaves its rules behind: kube-dns's 10.96.0.10 still works on that node, "
              "but a Service created since has no rule there."]
    _solution = ('answer = {"empty-endpoints": "connection refused", "netpol": "connection timed out", '
                 '"kube-proxy": "connection timed out"}  — the name resolves (the rules kube-proxy left on the node '
                 "still send DNS to CoreDNS), but nothing on that node translates the new Service's ClusterIP: the "
                 "packet goes nowhere.")

    def truth(self) -> dict:
        out = {}
        for key in self.KEYS:
            c = SCENARIOS[key].build()
            out[key] = c.request("http://web/", from_pod="default/client").error
        return out

    @property
    def _solution_answer(self):
        return self.truth()

    def check_answer(self, answer) -> None:
        truth = self.truth()
        wrong = [k for k in self.KEYS if answer[k] != truth[k]]
        if wrong:
            k = wrong[0]
            raise Incorrect(f"{k}: curl does not say {answer[k]!r}. Build it with broken({k!r}) and look at "
                            f"the hops of cluster.request('http://web/', from_pod='default/client').")


q1, q2, q3, q4, q5, q6 = SelectorTypo(), WrongTargetPort(), BrokenProbe(), PolicyBlocks(), RecreateGap(), WhatCurlSays()
exercise = Exercise("Exercise 11: troubleshooting", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
