"""Exercise 11: troubleshooting — broken scenarios the learner repairs with YAML.

The scenarios are the ones of chapter 11's lab (``k8snet.widgets.troubleshoot.SCENARIOS``):
each question builds the broken cluster, applies the learner's YAML and re-runs the real
requests; a failure shows what happened and what ``cluster.diagnose`` finds.
"""
from __future__ import annotations

from ..widgets.troubleshoot import SCENARIOS, Scenario
from . import show_progress
from .core import ____, Exercise, Incorrect, Problem
from .scenario import BuildProblem, apply_answer

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
        apply_answer(c, answer)
        result = self.s.verify(c)
        if not result.ok:
            raise Incorrect("after your change the requests still fail:\n" + result.text)


class SelectorTypo(ScenarioFix):
    key = "empty-endpoints"
    _hints = ["`kubectl get endpointslices` is empty for web. Why would the controller list no pod?",
              "Compare `kubectl describe svc web` (Selector) with `kubectl get pods --show-labels`.",
              "Re-apply the Service with selector {app: web}."]


class WrongTargetPort(ScenarioFix):
    key = "wrong-targetport"
    _hints = ["The endpoints exist: look at their port in `kubectl get endpointslices`.",
              "nginx listens on 80; the Service sends to targetPort.",
              "Re-apply the Service with targetPort: 80."]


class BrokenProbe(ScenarioFix):
    key = "readiness"
    _hints = ["READY 0/1: `kubectl describe pod` shows the probe's failures in Events.",
              "The probe connects to 8080; nginx listens on 80.",
              "Re-apply the Deployment with the readinessProbe on port 80."]


class PolicyBlocks(ScenarioFix):
    key = "netpol"
    _hints = ["A timeout, not a refusal: something drops packets. `kubectl get networkpolicy`.",
              "web-from-frontend isolates the web pods; the client is labelled app=client.",
              "Add a second policy for app=web allowing from podSelector app=client on port 80 "
              "(policies add up: the union of their rules is allowed)."]


class RecreateGap(ScenarioFix):
    key = "recreate"
    _hints = ["During a deploy, `kubectl get endpointslices` goes empty. Which strategy deletes all pods first?",
              "RollingUpdate with maxUnavailable: 0 keeps old pods until new ones are Ready.",
              "strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"]


class WhatCurlSays(Problem):
    """For three broken scenarios, what does `curl http://web` from the client print?
    Answer with a dict mapping each scenario to "connection refused", "connection timed out"
    or "could not resolve host":

        answer = {"empty-endpoints": ____, "netpol": ____, "kube-proxy": ____}

    (empty-endpoints: the selector matches no pod; netpol: a NetworkPolicy isolates web;
    kube-proxy: kube-proxy is stopped on the client's node.)"""
    KEYS = ("empty-endpoints", "netpol", "kube-proxy")
    ERRORS = ("connection refused", "connection timed out", "could not resolve host")
    _hints = ["A Service without endpoints has a kube-proxy rule that REJECTs: the client gets an answer at once.",
              "A NetworkPolicy drops packets silently.",
              "Without kube-proxy, no ClusterIP works on that node — including kube-dns's 10.96.0.10."]
    _solution = ('answer = {"empty-endpoints": "connection refused", "netpol": "connection timed out", '
                 '"kube-proxy": "could not resolve host"}  — the last one surprises: the first ClusterIP the pod '
                 "needs is CoreDNS's, so the name fails before the Service is even tried.")

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
        if not isinstance(answer, dict) or set(answer) != set(self.KEYS):
            raise Incorrect(f"give a dict with the keys {', '.join(repr(k) for k in self.KEYS)}")
        for key, value in answer.items():
            if value not in self.ERRORS:
                raise Incorrect(f"{key}: {value!r} is not one of {', '.join(repr(e) for e in self.ERRORS)}")
        truth = self.truth()
        wrong = [k for k in self.KEYS if answer[k] != truth[k]]
        if wrong:
            k = wrong[0]
            raise Incorrect(f"{k}: curl does not say {answer[k]!r}. Build it with broken({k!r}) and look at "
                            f"the hops of cluster.request('http://web/', from_pod='default/client').")


q1, q2, q3, q4, q5, q6 = SelectorTypo(), WrongTargetPort(), BrokenProbe(), PolicyBlocks(), RecreateGap(), WhatCurlSays()
exercise = Exercise("Exercise 11: troubleshooting", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6})
