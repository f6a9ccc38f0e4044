"""Exercise 13 — rollouts without errors: readiness, preStop, terminating endpoints, Recreate.

Every check runs ``Cluster.traffic`` (requests over simulated time) or reads the EndpointSlice
the simulator keeps.  Upstream rules: "Pod Lifecycle" section "Termination of Pods", the
EndpointSlice conditions (``ready``, ``serving``, ``terminating``; KEP-1669),
pkg/controller/deployment rolling.go and recreate.go.
"""
from __future__ import annotations

from . import show_progress
from .answers import AnswerType, Mapping, WrongType, kind_of
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem

__all__ = ["q1", "q2", "q3", "exercise", "____", "show_progress", "rollout_under_load", "SCENARIO"]

#: Deployment ``web`` as chapter 13 starts: http-echo, whose app listens 2 s after it starts,
#: no readiness probe, no preStop hook.
SCENARIO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {k8snet.io/startup-seconds: "2"}
    spec:
      containers:
      - name: web
        image: hashicorp/http-echo
        args: ["-text=hello"]
        ports: [{containerPort: 5678}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 5678}]
"""


def rollout_under_load(cluster, *, rate: float = 20, duration: float = 20):
    """``kubectl rollout restart deployment/web`` 2 s into a stream of requests to http://web."""
    cluster.advance(10)
    return cluster.traffic("http://web", rate=rate, duration=duration, at=2,
                           during="rollout restart deployment/web")


class ZeroLoss(BuildProblem):
    """Build. Deployment `web` (above) loses requests every time it rolls out. Change **only the
Deployment** so that a `kubectl rollout restart` under 20 requests a second loses **none**. The app
still needs 2 s to start (keep its `k8snet.io/startup-seconds` annotation) and it exits as soon as it
gets SIGTERM."""

    scenario = SCENARIO
    cluster_args = {"nodes": 3, "seed": 13}
    only = ("deployment/web",)
    _hints = ["Run the rollout with `rollout_under_load(cluster)` and read `.summary()`: two kinds of failure.",
              "New pods must not get traffic before they listen (a readiness probe); old pods must keep "
              "listening until every kube-proxy has dropped them (a preStop sleep of a few seconds).",
              "Add `readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}` and "
              "`lifecycle: {preStop: {sleep: {seconds: 5}}}` to the container."]
    _solution_answer = SCENARIO.split("---")[0].replace(
        "        ports: [{containerPort: 5678}]\n",
        "        ports: [{containerPort: 5678}]\n"
        "        readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}\n"
        "        lifecycle: {preStop: {sleep: {seconds: 5}}}\n")
    _solution = f"answer = '''\n{_solution_answer}'''"

    @property
    def wrong_answers(self) -> list:
        probe_only = SCENARIO.split("---")[0].replace(
            "        ports: [{containerPort: 5678}]\n",
            "        ports: [{containerPort: 5678}]\n        readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}\n")
        prestop_only = SCENARIO.split("---")[0].replace(
            "        ports: [{containerPort: 5678}]\n",
            "        ports: [{containerPort: 5678}]\n        lifecycle: {preStop: {sleep: {seconds: 5}}}\n")
        no_startup = self._solution_answer.replace('      annotations: {k8snet.io/startup-seconds: "2"}\n', "")
        paused = self._solution_answer.replace("  replicas: 3\n", "  replicas: 3\n  paused: true\n")
        return [(SCENARIO.split("---")[0], "failed"), (probe_only, "stale endpoint"),
                (prestop_only, "not listening yet"), (no_startup, "startup-seconds"),
                (paused, "did not roll out"), (SCENARIO, "asks only for deployment")]

    def verify(self, cluster):
        ann = ((cluster.get("deployment", "web")["spec"]["template"].get("metadata") or {})
               .get("annotations") or {})
        if ann.get("k8snet.io/startup-seconds") != "2":
            raise Incorrect("keep the annotation k8snet.io/startup-seconds: \"2\": the app really needs 2 s to "
                            "start, and the fix must cope with that")
        result = rollout_under_load(cluster)
        d = cluster.get("deployment", "web")
        if d["spec"].get("paused") or (d.get("status") or {}).get("updatedReplicas", 0) != d["spec"].get("replicas", 1):
            raise Incorrect("no request was lost, but the Deployment did not roll out: the restart must complete")
        if result.errors:
            raise Incorrect(f"{len(result.errors)} of {len(result.samples)} requests failed:\n{result.summary()}")
        return f"no request lost: {result.ok_count} of {len(result.samples)} answered during the rollout"


class RecreateOutage(MultipleChoice):
    """Deployment `web` has `strategy: {type: Recreate}` and a readiness probe. During `kubectl rollout
restart`, `traffic(...).summary()` shows a run of `connection refused at the kube-proxy: the Service had
no endpoint`. Why?"""

    options = [
        "kube-proxy is slow to learn the new pods' IPs",
        "recreate.go scales the old ReplicaSet to 0 and creates the new pods only once every old pod is gone, "
        "so for a while no pod backs the Service and kube-proxy REJECTs the connection",
        "the readiness probe fails on the old pods during the rollout",
        "the new pods have new IPs, and the clients' DNS still has the old ones",
    ]
    correct = 1
    why_not = {0: "a stale rule would send to a pod that is gone: the failure would be at the pod, not 'no endpoint'.",
               2: "the old pods are not probed out: they are deleted, all at once, by the Recreate strategy.",
               3: "clients reach the ClusterIP, which does not change; DNS answers the Service's IP, not pods'."}
    _hints = ["Watch `kubectl get pods` during the rollout: when do the new pods appear?",
              "Recreate: 'All existing Pods are killed before new ones are created'."]
    _solution = ("(b) Recreate waits until every old pod is gone (not just terminating) before the new ReplicaSet "
                 "scales up; until a new pod is Ready the EndpointSlice has no endpoint, and kube-proxy's rule for "
                 "a Service without endpoints REJECTs: curl says connection refused. Use RollingUpdate with "
                 "maxUnavailable: 0 when both versions may run side by side.")
    _solution_answer = "b"

    def cluster(self):
        """The scenario: ``web`` with Recreate and a readiness probe."""
        from .scenario import fresh_cluster
        yaml = SCENARIO.replace("  replicas: 3\n", "  replicas: 3\n  strategy: {type: Recreate}\n").replace(
            "        ports: [{containerPort: 5678}]\n",
            "        ports: [{containerPort: 5678}]\n        readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}\n")
        return fresh_cluster(yaml, nodes=3, seed=13)

    def check_answer(self, answer: int) -> None:
        # The scenario must really show it: the simulation is the ground truth.
        causes = {c for _, _, c in rollout_under_load(self.cluster()).by_cause()}
        if "the Service had no endpoint" not in causes:  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation did not show the outage; please report this")
        super().check_answer(answer)


class Boolean(AnswerType):
    """``True`` or ``False`` (Python's, without quotes)."""

    def describe(self, problem) -> str:
        return "True or False (without quotes)"

    def read(self, answer, problem) -> bool:
        if isinstance(answer, bool):
            return answer
        raise WrongType(f"{kind_of(answer)} is not True or False: write True or False without quotes")


class TerminatingConditions(Problem):
    """Prediction. Pod `web-…` has `preStop: {sleep: {seconds: 10}}` and a readiness probe that still
passes. You delete it; 3 s later, what are the conditions of its endpoint in the EndpointSlice?

    answer = {"ready": ____, "serving": ____, "terminating": ____}"""

    KEYS = ("ready", "serving", "terminating")
    answer_type = Mapping(KEYS, Boolean())
    _hints = ["`serving` follows the pod's Ready condition; `terminating` says it has a deletionTimestamp.",
              "The EndpointSlice controller never writes ready: true for a terminating pod."]
    _solution = 'answer = {"ready": False, "serving": True, "terminating": True}'
    _solution_answer = {"ready": False, "serving": True, "terminating": True}
    wrong_answers = [({"ready": True, "serving": True, "terminating": True}, "ready"),
                     ({"ready": False, "serving": False, "terminating": True}, "serving"),
                     ({"ready": False, "serving": True, "terminating": False}, "terminating"),
                     ({"ready": "false", "serving": True, "terminating": True}, "True or False"),
                     ({"ready": False, "serving": True}, "missing")]

    def cluster(self):
        from .scenario import fresh_cluster
        yaml = SCENARIO.replace(
            "        ports: [{containerPort: 5678}]\n",
            "        ports: [{containerPort: 5678}]\n        readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}\n"
            "        lifecycle: {preStop: {sleep: {seconds: 10}}}\n")
        c = fresh_cluster(yaml, nodes=3, seed=13)
        c.advance(10)
        return c

    def truth(self) -> dict:
        """The deleted pod's endpoint conditions 3 s after the delete, read from the cluster."""
        c = self.cluster()
        pod = sorted(p["metadata"]["name"] for p in c.list("pod"))[0]
        c.delete(f"pod/{pod}")
        c.advance(3)
        for s in c.list("endpointslice"):
            for e in s.get("endpoints") or []:
                if (e.get("targetRef") or {}).get("name") == pod:
                    return dict(e["conditions"])
        return {}  # pragma: no cover - the pod is still terminating

    def check_answer(self, answer: dict) -> None:
        truth = self.truth()
        for key, why in (("ready", "ready is never true for a terminating pod (podToEndpoint): it is "
                                   "ready = serving and not terminating"),
                         ("serving", "serving follows the pod's Ready condition, and the probe still passes"),
                         ("terminating", "the pod has a deletionTimestamp: it is terminating")):
            if answer[key] != truth[key]:
                raise Incorrect(f"{key}: {why}, so {truth[key]}")


q1, q2, q3 = ZeroLoss(), RecreateOutage(), TerminatingConditions()
exercise = Exercise("Exercise 13 — rollouts without errors", {"q1": q1, "q2": q2, "q3": q3})
