"""Chapter 11's lab: a broken cluster, a kubectl prompt, a YAML fix, and a re-check.

Each :class:`Scenario` is one way a Service stops working on a real cluster, built from the
same YAML a learner would write, broken the way real apps break (a selector typo, a wrong
``targetPort``, an app bound to 127.0.0.1, a readiness probe on the wrong port, a
NetworkPolicy, a ``<pending>`` LoadBalancer, a selector that is too broad, a rollout that
leaves no ready pod, kube-proxy stopped).  ``verify`` runs real requests through the
simulator; nothing compares with a stored answer.

    lab = TroubleshootLab()
    lab.load("wrong-targetport")        # the story
    lab.kubectl("get endpointslices")   # investigate
    lab.apply(fixed_yaml)               # repair
    lab.check()                         # CheckResult(ok, text): the requests, re-run

The exercise checker of chapter 11 (``k8snet.grader.ex11_troubleshooting``) uses the same
scenarios.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

from ..errors import K8sNetError
from .base import View, pre

__all__ = ["Scenario", "CheckResult", "SCENARIOS", "TroubleshootLab", "CLIENT", "deployment", "trigger_rollout"]

#: A pod with curl in it, the client of every scenario (as `kubectl run client --image=curlimages/curl`).
CLIENT = """apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec: {containers: [{name: client, image: curlimages/curl, command: [sleep, infinity]}]}
"""


def deployment(name: str, labels: str, image: str, *, args: str = "", port: int = 80, replicas: int = 2,
               annotations: str = "", extra: str = "", strategy: str = "") -> str:
    """A Deployment's YAML (flow style), for scenarios and their fixes."""
    ann = f"\n      annotations: {{{annotations}}}" if annotations else ""
    strat = f"\n  strategy: {strategy}" if strategy else ""
    arg = f", args: [{args}]" if args else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}{strat}
  selector: {{matchLabels: {{{labels}}}}}
  template:
    metadata:
      labels: {{{labels}}}{ann}
    spec:
      containers:
      - {{name: {name}, image: {image}{arg}, ports: [{{containerPort: {port}, name: http}}]{extra}}}
"""


def service(name: str, selector: str, target, *, port: int = 80, type_: str = "ClusterIP", node_port: str = "") -> str:
    """A Service's YAML (flow style)."""
    np = f", nodePort: {node_port}" if node_port else ""
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{type: {type_}, selector: {{{selector}}}, ports: [{{port: {port}, targetPort: {target}{np}}}]}}
"""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of re-running a scenario's requests: ``ok`` and what happened."""

    ok: bool
    text: str

    def __bool__(self) -> bool:
        return self.ok


def trigger_rollout(cluster, name: str, namespace: str = "default") -> str:
    """Roll a Deployment out again (as ``kubectl rollout restart`` does: a new template annotation)."""
    obj = cluster.get("deployment", name, namespace)
    tmpl = obj["spec"]["template"].setdefault("metadata", {})
    ann = tmpl.setdefault("annotations", {})
    ann["kubectl.kubernetes.io/restartedAt"] = f"2025-01-01T00:{int(cluster.now) // 60 % 60:02d}:00Z"
    keep = {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
            "metadata": {"name": name, "namespace": namespace}, "spec": obj["spec"]}
    return cluster.apply(keep)[0]


def _outcome(r) -> str:
    if r.status is not None:
        first = (r.body.strip().splitlines() or [""])[0]
        return f"HTTP {r.status} from {r.pod}: {first[:60]}"
    failed = [h for h in r.hops if not h.ok]
    return f"{r.error}" + (f" ({failed[-1].component}: {failed[-1].action})" if failed else "")


@dataclass(frozen=True)
class Scenario:
    """A broken cluster: the YAML that builds it, what the user reports, and how to tell it works.

    ``probe`` is ``(url, request keyword arguments)``, sent ``samples`` times; every answer must
    be HTTP 200 containing ``expect``.  ``before_probe`` runs first (e.g. starts a rollout and
    probes during it: then ``during_rollout`` seconds are sampled, one request per second)."""

    key: str
    title: str
    report: str
    yaml: str
    fix: str
    hint: str
    probe: tuple = ("http://web/", {"from_pod": "default/client"})
    expect: str = ""
    samples: int = 1
    cluster_args: dict = field(default_factory=lambda: {"seed": 11})
    break_it: Callable | None = None
    during_rollout: str = ""

    def build(self):
        """A fresh cluster in the broken state."""
        from .. import Cluster
        c = Cluster(**self.cluster_args)
        c.apply(self.yaml)
        c.advance(30)
        if self.break_it is not None:
            self.break_it(c)
        return c

    def _url(self, cluster) -> str:
        url, _ = self.probe
        if "{nodeport}" in url:
            svc = cluster.get("svc", "web")
            port = (svc["spec"]["ports"][0].get("nodePort") or 0) if svc["spec"]["type"] != "ClusterIP" else 0
            if not port or (svc["spec"]["type"] == "LoadBalancer" and
                            not (svc.get("status") or {}).get("loadBalancer", {}).get("ingress")):
                return ""
            url = url.replace("{nodeport}", str(port))
        return url

    def verify(self, cluster, *, settle: float = 60) -> CheckResult:
        """Let the cluster settle, then send the probe requests; ``ok`` when all answer."""
        cluster.advance(settle)
        lines, ok = [], True
        url, kwargs = self.probe[0], self.probe[1]
        if self.during_rollout:
            lines.append(f"(started a rollout to test it: {trigger_rollout(cluster, self.during_rollout)})")
        for i in range(self.samples):
            url = self._url(cluster)
            if not url:
                svc = cluster.get("svc", "web")
                lines.append("service/web has no address reachable from outside: "
                             f"type {svc['spec']['type']}, EXTERNAL-IP <pending>")
                ok = False
                break
            r = cluster.request(url, **kwargs)
            good = r.status == 200 and self.expect in r.body
            ok &= good
            lines.append(f"{'✓' if good else '✗'} GET {url} -> {_outcome(r)}")
            if self.during_rollout:
                cluster.advance(1)
        if not ok:
            findings = cluster.diagnose("svc/web") if cluster.store.peek("Service", "default", "web") else []
            lines += [""] + [str(f) for f in findings[:2]]
        return CheckResult(ok, "\n".join(lines).rstrip())


_ECHO = 'hashicorp/http-echo, args: ["-text=Hello from the API"]'
_WEB = deployment("web", "app: web", "nginx")
_PROBE8080 = ", readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 5}"
_PROBE = ", readinessProbe: {httpGet: {path: /, port: http}, initialDelaySeconds: 5, periodSeconds: 5}"
_BROAD = (deployment("frontend", "app: shop, tier: frontend", "nginx") + "---\n"
          + deployment("api", "app: shop, tier: api", "hashicorp/http-echo", args='"-text=Hello from the API"',
                       port=5678))
_DENY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]
"""
_ALLOW_CLIENT = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 80}]}]
"""


def _rolling(strategy: str) -> str:
    return deployment("web", "app: web", "hashicorp/http-echo", args='"-text=Hello from web"', port=5678,
                      extra=_PROBE, strategy=strategy)


SCENARIOS: dict[str, Scenario] = {s.key: s for s in [
    Scenario("empty-endpoints", "Empty endpoints: a selector typo",
             "curl http://web from the client: connection refused.",
             _WEB + "---\n" + service("web", "app: wbe", "80") + "---\n" + CLIENT,
             service("web", "app: web", "80"),
             "Compare the Service's selector with the pods' labels: kubectl get pods --show-labels.",
             expect="Welcome to nginx"),
    Scenario("wrong-targetport", "Wrong targetPort",
             "curl http://web from the client: connection refused, yet the pods are Running and Ready.",
             _WEB + "---\n" + service("web", "app: web", "8080") + "---\n" + CLIENT,
             service("web", "app: web", "80"),
             "kubectl get endpointslices shows which port traffic goes to; nginx listens on 80.",
             expect="Welcome to nginx"),
    Scenario("loopback", "The app listens on 127.0.0.1",
             "The API answers `curl localhost:5678` inside its own pod, but curl http://web from the client is "
             "refused.",
             deployment("web", "app: web", "hashicorp/http-echo", args='"-text=Hello from the API"', port=5678,
                        annotations='k8snet.io/listen-address: "127.0.0.1"')
             + "---\n" + service("web", "app: web", "http") + "---\n" + CLIENT,
             deployment("web", "app: web", "hashicorp/http-echo", args='"-text=Hello from the API"', port=5678,
                        annotations='k8snet.io/listen-address: "0.0.0.0"'),
             "The pod IP is not 127.0.0.1: the app must listen on 0.0.0.0 (k8snet.io/listen-address stands for "
             "the app's bind setting, e.g. server.address in Spring Boot).",
             expect="Hello from the API"),
    Scenario("readiness", "The readiness probe fails",
             "The pods are Running but show READY 0/1, and curl http://web is refused.",
             deployment("web", "app: web", "nginx", extra=_PROBE8080) + "---\n" + service("web", "app: web", "80")
             + "---\n" + CLIENT,
             deployment("web", "app: web", "nginx", extra=", readinessProbe: {httpGet: {path: /, port: 80}, "
                                                         "periodSeconds: 5}"),
             "kubectl describe pod shows the probe's events; which port does nginx listen on?",
             expect="Welcome to nginx"),
    Scenario("netpol", "A NetworkPolicy drops the traffic",
             "curl http://web from the client hangs, then: connection timed out.",
             _WEB + "---\n" + service("web", "app: web", "80") + "---\n" + _DENY + "---\n" + CLIENT,
             _ALLOW_CLIENT,
             "A timeout (not a refusal) smells of a dropped packet: kubectl get networkpolicy.",
             expect="Welcome to nginx"),
    Scenario("lb-pending", "LoadBalancer stuck at <pending>",
             "On the minikube/bare-metal cluster, service/web shows EXTERNAL-IP <pending> for ever; nobody outside "
             "can reach it.",
             _WEB + "---\n" + service("web", "app: web", "80", type_="LoadBalancer"),
             service("web", "app: web", "80", type_="NodePort", node_port="30080"),
             "No cloud controller runs here. Which Service type opens a port on every node?",
             probe=("http://172.18.0.2:{nodeport}/", {"from_internet": True}), expect="Welcome to nginx"),
    Scenario("too-broad", "A selector that is too broad",
             "curl http://web from the client sometimes answers the API's text, sometimes is refused.",
             _BROAD + "---\n" + service("web", "app: shop", "5678")
             + "---\n" + CLIENT,
             service("web", "app: shop, tier: api", "5678"),
             "List the Service's endpoints with the pods behind them: kubectl get endpointslices -o wide, "
             "kubectl get pods -l app=shop --show-labels.",
             expect="Hello from the API", samples=6),
    Scenario("rolling-maxunavailable", "Errors during a rolling update",
             "Every deploy of web causes a few seconds of connection refused.",
             _rolling("{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 2}}") + "---\n"
             + service("web", "app: web", "http") + "---\n" + CLIENT,
             _rolling("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"),
             "maxUnavailable: 2 of 2 replicas lets the controller take every old pod down at once.",
             expect="Hello from web", samples=12, during_rollout="web",
             break_it=lambda c: (trigger_rollout(c, "web"), c.advance(1))),
    Scenario("recreate", "Recreate leaves zero endpoints",
             "During every deploy, web refuses connections until the new pods are Ready.",
             _rolling("{type: Recreate}") + "---\n" + service("web", "app: web", "http") + "---\n" + CLIENT,
             _rolling("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"),
             "strategy Recreate deletes all old pods before creating new ones.",
             expect="Hello from web", samples=12, during_rollout="web",
             break_it=lambda c: (trigger_rollout(c, "web"), c.advance(1))),
    # kube-proxy on node-2 stops (crashes) while everything works; then the team creates the
    # Service web.  The rules node-2's kube-proxy wrote stay (DNS, older Services keep working
    # there), but nothing on node-2 ever learns web's ClusterIP.
    Scenario("kube-proxy", "kube-proxy is down on one node",
             "The new Service web times out from the client on node-2 (connection timed out), yet it answers "
             "from node-3, and from node-2 DNS and the older Services still work.",
             _WEB + "---\n" + CLIENT.replace("spec: {", "spec: {nodeName: node-2, "),
             "", "kube-proxy is not configured by your YAML: restart it (here: cluster.start_kube_proxy('node-2')).",
             expect="Welcome to nginx", cluster_args={"seed": 11, "nodes": 3},
             break_it=lambda c: (c.stop_kube_proxy("node-2"), c.apply(service("web", "app: web", "80")),
                                 c.advance(5))),
]}


class TroubleshootLab(View):
    """Pick a scenario, investigate with kubectl, apply a YAML fix, re-check with real requests."""

    outputs = ("story", "console", "status")

    def __init__(self, scenarios: dict[str, Scenario] | None = None, start: str | None = None):
        self.scenarios = scenarios or SCENARIOS
        self.key = start or next(iter(self.scenarios))
        self.cluster = None
        self.load(self.key)

    @property
    def scenario(self) -> Scenario:
        """The scenario loaded now."""
        return self.scenarios[self.key]

    def load(self, key: str) -> str:
        """Build a fresh broken cluster for ``key``; returns the user's report."""
        if key not in self.scenarios:
            raise KeyError(f"no scenario {key!r}; there are: {', '.join(self.scenarios)}")
        self.key, self.cluster = key, self.scenarios[key].build()
        return f"{self.scenario.title}\nReported: {self.scenario.report}"

    def kubectl(self, line: str) -> str:
        """Run one kubectl command line (``kubectl`` in front is optional); errors as kubectl prints them."""
        line = line.strip()
        if line.startswith("kubectl "):
            line = line[len("kubectl "):]
        if not line:
            return "type a kubectl command, e.g. get endpointslices"
        try:
            return self.cluster.kubectl(line)
        except K8sNetError as e:
            return str(e)

    def apply(self, yaml_text: str) -> str:
        """``kubectl apply -f`` the fix; what kubectl prints (errors included)."""
        if not yaml_text.strip():
            return "error: no objects passed to apply"
        try:
            return "\n".join(self.cluster.apply(yaml_text))
        except K8sNetError as e:
            return "\n".join([*getattr(e, "applied", []), str(e)])

    def check(self) -> CheckResult:
        """Re-run the scenario's requests against the cluster as it is now."""
        return self.scenario.verify(self.cluster)

    def diagnose(self) -> str:
        """``cluster.diagnose("svc/web")``, one finding after another."""
        findings = self.cluster.diagnose("svc/web")
        return "\n\n".join(str(f) for f in findings) or "diagnose found nothing wrong with service/web"

    def render(self, scenario: str | None = None, **_) -> dict[str, str]:
        """Load ``scenario`` (when it changes) and show its story."""
        if scenario is not None and scenario != self.key:
            self.load(scenario)
        story = (f"<b>{html.escape(self.scenario.title)}</b><br>Reported: {html.escape(self.scenario.report)}"
                 f"<br><i>Hint: {html.escape(self.scenario.hint)}</i>")
        return {"story": story, "console": "", "status": ""}

    def controls(self) -> dict:
        import ipywidgets as w
        return {"scenario": w.Dropdown(options=[(s.title, k) for k, s in self.scenarios.items()],
                                       value=self.key, description="scenario", layout=w.Layout(width="460px"))}

    def widget(self, layout=None):
        """Dropdown, kubectl prompt, YAML box and buttons; results go into HTML areas."""
        import ipywidgets as w
        top = super().widget(layout)
        areas = self._areas
        cmd = w.Text(value="get endpointslices", description="kubectl", layout=w.Layout(width="460px"))
        run = w.Button(description="Run")
        fix = w.Textarea(placeholder="paste the fixed YAML here", layout=w.Layout(width="600px", height="160px"))
        apply_, check, diag = (w.Button(description="Apply", button_style="warning"),
                               w.Button(description="Re-check", button_style="primary"),
                               w.Button(description="Diagnose"))

        def show(area, text):
            areas[area].value = pre(text)
        run.on_click(lambda _: show("console", f"$ kubectl {cmd.value}\n{self.kubectl(cmd.value)}"))
        apply_.on_click(lambda _: show("console", f"$ kubectl apply -f fix.yaml\n{self.apply(fix.value)}"))
        diag.on_click(lambda _: show("console", self.diagnose()))

        def on_check(_):
            result = self.check()
            show("status", ("FIXED\n" if result.ok else "STILL BROKEN\n") + result.text)
        check.on_click(on_check)
        self._buttons = (run, apply_, check, diag)
        if layout is not None:
            return top
        return w.VBox([self._controls["scenario"], areas["story"], w.HBox([cmd, run, diag]), fix,
                       w.HBox([apply_, check]), areas["console"], areas["status"]])
