"""Terminal labs: a broken cluster served to the real kubectl, checked live.

Each lab builds a small cluster with one fault a learner meets on real clusters, serves it
(``lab.serve()`` prints the ``export KUBECONFIG=...`` line for a JupyterLab terminal), and
``lab.check()`` looks at the *live* cluster — whatever the learner changed from the terminal
with ``kubectl patch``, ``edit``, ``apply`` or ``delete`` — and says whether the app works now.
The check runs the request the learner would run (``kubectl exec client -- wget -qO- http://web``)
through the simulator, so any repair that makes it work is right, not one stored answer.

    lab = SelectorTypo()
    server = lab.serve()          # then, in a terminal: kubectl get endpointslices ...
    lab.check()                   # Incorrect until the Service selects the pods

The three faults: a Service selector that matches no pod (:class:`SelectorTypo`), a Service
``targetPort`` where nothing listens (:class:`WrongTargetPort`), and a NetworkPolicy that
drops the client (:class:`PolicyBlocksClient`).
"""
from __future__ import annotations

from .core import Feedback, Incorrect, Outcome

__all__ = ["TerminalLab", "SelectorTypo", "WrongTargetPort", "PolicyBlocksClient", "LABS"]

_CLIENT = """
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec: {containers: [{name: client, image: busybox:1.36, command: [sleep, infinity]}]}
"""


def _web(labels: str = "app: web", extra: str = "") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{{labels}}}}}
  template:
    metadata: {{labels: {{{labels}}}}}
    spec: {{containers: [{{name: nginx, image: nginx:1.27, ports: [{{containerPort: 80}}]}}]}}
{extra}"""


def _web_service(selector: str = "app: web", target_port: int = 80) -> str:
    """Service ``web`` (port 80 -> ``target_port``) selecting ``selector``: the labs' faults are its arguments."""
    return f"""---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec: {{selector: {{{selector}}}, ports: [{{port: 80, targetPort: {target_port}}}]}}
"""


class TerminalLab:
    """One lab: ``scenario`` (YAML of the broken cluster), ``_hints``, ``_solution`` (the
    kubectl commands of one repair) and :meth:`verify`, which raises Incorrect while the
    fault is there."""

    title = ""
    scenario = ""
    _hints: list[str] = []
    _solution = ""

    def __init__(self, seed: int = 0):
        from .. import Cluster
        from ..magics import keep_current
        with keep_current():  # the lab's cluster does not take over the notebook's %kubectl
            self.cluster = Cluster(seed=seed)
        self.cluster.apply(_CLIENT + "---" + self.scenario)
        self.cluster.advance(30)
        self.server = None
        self._hint_level = 0

    def serve(self, **kwargs):
        """Serve the lab's cluster to the terminal (``cluster.serve(**kwargs)``), print the
        ``export KUBECONFIG=...`` line to paste there, and return the server.  In a browser
        (JupyterLite) there are no ports: it says so and returns None; ``check()`` still works,
        and ``lab.cluster.kubectl(...)`` repairs the cluster from the notebook instead."""
        from ..runtime import in_browser
        if in_browser():
            print("This lab needs a terminal with the real kubectl: open the course in a local JupyterLab "
                  "or on Binder. Here, repair the cluster with lab.cluster.kubectl(\"...\") and call "
                  "lab.check().")
            return None
        if self.server is None:
            self.server = self.cluster.serve(**kwargs)
        print(f"export KUBECONFIG={self.server.kubeconfig}")
        return self.server

    def stop(self) -> None:
        """Stop serving (every port freed)."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def request(self, url: str = "http://web/"):
        """What ``kubectl exec client -- wget -qO- URL`` meets, as a Response."""
        return self.cluster.request(url, from_pod="default/client")

    def verify(self, cluster) -> None:  # pragma: no cover - every lab overrides it
        """Raise Incorrect while the fault is there."""
        raise NotImplementedError

    def check(self) -> Feedback:
        """Is the live cluster repaired?  Correct when the client reaches nginx through ``web``."""
        try:
            with self.cluster.lock:
                self.verify(self.cluster)
        except Incorrect as e:
            return Feedback(Outcome.INCORRECT, str(e))
        return Feedback(Outcome.CORRECT, "the client reaches nginx through the Service web again.")

    def hint(self) -> Feedback:
        """The next hint."""
        self._hint_level = min(self._hint_level + 1, len(self._hints))
        return Feedback(None, self._hints[self._hint_level - 1], f"Hint {self._hint_level}")

    def solution(self) -> Feedback:
        """One repair, as kubectl commands."""
        return Feedback(None, self._solution, "Solution")


def _works(cluster) -> None:
    resp = cluster.request("http://web/", from_pod="default/client")
    if resp.status != 200 or "Welcome to nginx!" not in (resp.body or ""):
        got = f"HTTP {resp.status}" if resp.status else (resp.error or "no answer")
        raise Incorrect(f"`kubectl exec client -- wget -qO- http://web` still fails: {got}.")


def _endpoints(cluster) -> int:
    return sum(1 for s in cluster.store.items("EndpointSlice", "default")
               if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == "web"
               for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready"))


class SelectorTypo(TerminalLab):
    """The Service selects ``app: frontend``; the pods are labelled ``app: web``."""

    title = "A Service with no endpoints"
    scenario = _web() + _web_service(selector="app: frontend")
    _hints = ["`kubectl get endpointslices -l kubernetes.io/service-name=web` shows no endpoint: "
              "which pods does the Service select?",
              "Compare `kubectl describe svc web` (Selector) with `kubectl get pods --show-labels`."]
    _solution = "kubectl patch svc web -p '{\"spec\":{\"selector\":{\"app\":\"web\"}}}'"

    def verify(self, cluster) -> None:
        if cluster.store.get("Deployment", "default", "web") is None:
            raise Incorrect("the Deployment web is gone: repair the Service, not the app.")
        if not _endpoints(cluster):
            raise Incorrect("the Service web still has no ready endpoint: its selector matches no running pod.")
        _works(cluster)


class WrongTargetPort(TerminalLab):
    """The Service sends port 80 to ``targetPort: 8080``; nginx listens on 80."""

    title = "Connection refused behind a Service"
    scenario = _web() + _web_service(target_port=8080)
    _hints = ["The Service has endpoints, yet `kubectl exec client -- wget -qO- http://web` is refused. "
              "Which port do the endpoints name?",
              "`kubectl get endpointslices -l kubernetes.io/service-name=web` shows the port; "
              "`kubectl logs deploy/web` shows nginx never saw a request."]
    _solution = ("kubectl patch svc web --type=json "
                 "-p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":80}]'")

    def verify(self, cluster) -> None:
        svc = cluster.store.get("Service", "default", "web")
        if svc is None:
            raise Incorrect("the Service web is gone: repair it rather than delete it.")
        _works(cluster)


class PolicyBlocksClient(TerminalLab):
    """A NetworkPolicy lets only ``role: frontend`` pods reach web; the client has no such label."""

    title = "A request that times out"
    scenario = _web() + _web_service() + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {role: frontend}}}]
    ports: [{port: 80}]
"""
    _hints = ["`wget` times out instead of being refused: something drops the packets. "
              "`kubectl get networkpolicy`.",
              "`kubectl describe networkpolicy web-from-frontend` says who may connect; "
              "`kubectl label pod client role=frontend` makes the client one of them."]
    _solution = "kubectl label pod client role=frontend"

    def verify(self, cluster) -> None:
        if cluster.store.get("NetworkPolicy", "default", "web-from-frontend") is None:
            raise Incorrect("you deleted the policy: the app works, but now every pod can reach it. "
                            "Let the client in instead (put the policy back with the lab's YAML).")
        _works(cluster)


#: The labs in the order chapter 11 uses them.
LABS = (SelectorTypo, WrongTargetPort, PolicyBlocksClient)
