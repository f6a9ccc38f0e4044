"""``Cluster.diagnose``: one row per way a Service breaks.

Each row is a scenario (base.yaml + a file from manifests/diagnose/), the request that
fails because of it, the words the finding must contain, and the fix.  The test checks by
running, not by string only: before the fix the request fails (where the case breaks it),
after the fix it succeeds and ``diagnose`` no longer reports the problem.

Rules: kubernetes.io/docs/tasks/debug/debug-application/debug-service/ (DS) and the pages
each row names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

from k8snet.diagnose import Finding, edit_distance

from .scenarios import MANIFESTS, cluster_with, node_ip, pods_of

DIAG = "diagnose/"


def _apply(name: str) -> Callable:
    return lambda c: c.apply(str(MANIFESTS / DIAG / name))


_WEB_NEW = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-new"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}}


def _client_node(c) -> str:
    return c.get("pod", "client")["spec"]["nodeName"]


def _fail_web_node(c) -> None:
    c.fail_node(pods_of(c, "web")[0]["spec"]["nodeName"])
    c.advance(10)  # before the 50 s grace period: the node still looks Ready


def _recover(c) -> None:
    c.recover_node(next(n for n, up in c.controllers.kubelet_up.items() if not up))


def _manual_slice(c) -> None:
    ip = pods_of(c, "web")[0]["status"]["podIP"]
    c.apply({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "legacy-1", "labels": {"kubernetes.io/service-name": "legacy"}},
             "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
             "endpoints": [{"addresses": [ip]}]})


def _recreate_fix(c) -> None:
    c.advance(30)  # let the Recreate rollout finish first
    c.apply(str(MANIFESTS / DIAG / "recreate.fix.yaml"))  # new image: a RollingUpdate starts now


def _roll_out(c) -> None:
    """Let the first rollout finish, then change the template: a Recreate rollout starts."""
    c.advance(30)
    c.apply(str(MANIFESTS / DIAG / "recreate.yaml").replace("recreate.yaml", "recreate-v2.yaml"))


def _canary_fix(c) -> None:
    c.delete("pod/web-canary")  # a pod's probes are immutable: replace it
    c.apply(str(MANIFESTS / DIAG / "probe-path-404.fix.yaml"))
    c.advance(10)


def _only_web_answers(c) -> None:
    answered = {c.request("http://web", from_pod="client").pod for _ in range(20)}
    assert answered and all(p.startswith("default/web-") for p in answered), answered


def _node_port_from_internet(c):
    return c.request(f"http://{node_ip(c, 'node-1')}:30080", from_internet=True)


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    scenario: str | None
    words: tuple[str, ...]
    fix: Callable
    ref: str = "svc/web"  # or "request": diagnose the failed Response
    url: str | None = "http://web"
    broken: bool = True  # does the request fail before the fix?
    setup: Callable | None = None
    after: Callable | None = None  # the request after the fix (default: url from the client)
    fixed_url: str | None = None
    check: Callable | None = None
    web: bool = True  # also apply web.yaml (False: the scenario brings its own app=web pods)
    options: dict = field(default_factory=dict)  # Cluster(...) arguments


CASES = [
    Case("selector-matches-no-pod", "DS 'Does the Service have any Endpoints?'; endpointslice controller "
         "selects pods by spec.selector", "selector-typo.yaml",
         ("app=front-end", "matches no pod", "pods with app=frontend exist", "did you mean app=frontend?"),
         _apply("selector-typo.fix.yaml"), ref="svc/frontend", url="http://frontend"),
    Case("targetport-not-listening", "Services docs 'Defining a Service': targetPort is where the app listens",
         "targetport-mismatch.yaml", ("targetPort 8080", "nothing listens", "listens on 80/TCP", "targetPort: 80"),
         _apply("targetport-mismatch.fix.yaml")),
    Case("named-targetport-missing", "podutil.FindPort: a named targetPort resolves from containers[].ports[].name",
         "named-targetport.yaml", ("'web-http'", "they name: http", "targetPort: http"),
         _apply("named-targetport.fix.yaml")),
    Case("app-on-loopback", "DS 'Is the kube-proxy working?' ... app must listen on the pod IP, not 127.0.0.1",
         "loopback.yaml", ("127.0.0.1:80", "bind 0.0.0.0"), _apply("web-fixed.yaml"), web=False),
    Case("crash-loop", "Pod lifecycle 'Container restart policy': CrashLoopBackOff back-off", "crash-loop.yaml",
         ("CrashLoopBackOff", "kubectl logs", "--previous"), _apply("web-fixed.yaml"), setup=lambda c: c.advance(30), web=False),
    Case("no-pod-ready", "Probes docs 'readinessProbe': a failing probe removes the pod from Service endpoints",
         "probe-wrong-port.yaml", ("not Ready (0/3", "port 8080", "connection refused", "listens on 80/TCP"),
         _apply("web-fixed.yaml"), setup=lambda c: c.advance(20), web=False),
    Case("some-pods-not-ready", "EndpointSlice conditions.ready: only Ready pods are in rotation",
         "probe-path-404.yaml", ("web-canary", "not Ready (3/4", "GET /healthz", "HTTP 404"), _canary_fix,
         broken=False, setup=lambda c: c.advance(20)),
    Case("selector-too-broad", "Labels and selectors docs: a Service sends to every pod its selector matches",
         "too-broad.yaml", ("tier=web", "2 workloads", "Deployment api", "add app=web"),
         _apply("too-broad.fix.yaml"), broken=False, check=_only_web_answers),
    Case("loadbalancer-pending", "Services docs 'type: LoadBalancer': the cloud provider provisions it",
         "lb-pending.yaml", ("<pending>", "minikube tunnel", "MetalLB", "NodePort"), _apply("lb-pending.fix.yaml"),
         url=None, after=_node_port_from_internet),
    # kube-proxy stopped on the client's node, then a Service was created: its rules stay (web
    # still works), but nothing programs the new one there.
    Case("kube-proxy-down", "DS 'Is the kube-proxy working?'; a stopped kube-proxy's rules are not flushed", None,
         ("kube-proxy is not running on node-1", "do not cover this Service", "older Services keep working"),
         lambda c: c.start_kube_proxy(_client_node(c)), ref="request", url="http://web-new",
         setup=lambda c: (c.stop_kube_proxy(_client_node(c)), c.apply(_WEB_NEW))),
    Case("networkpolicy-service", "NetworkPolicy docs 'Default deny all ingress traffic'", "deny-all.yaml",
         ("NetworkPolicy default/web-deny-all", "drops every connection", "ingress rule"),
         _apply("deny-all.fix.yaml")),
    Case("networkpolicy-request", "NetworkPolicy docs 'Isolated and Non-isolated Pods'", "deny-all.yaml",
         ("NetworkPolicy drops the connection", "web-deny-all", "connection timed out"),
         _apply("deny-all.fix.yaml"), ref="request"),
    Case("recreate-rollout", "Deployment docs 'Recreate Deployment': all old pods are killed before new ones",
         "recreate.yaml", ("strategy Recreate", "no ready endpoint", "RollingUpdate", "maxUnavailable: 0"),
         _recreate_fix, web=False, setup=_roll_out),
    Case("externalname-unknown-host", "Services docs 'ExternalName': a CNAME, resolved by the client",
         "externalname.yaml", ("api.exmaple.com", "does not resolve", "did you mean api.example.com?"),
         _apply("externalname.fix.yaml"), ref="svc/payments", url="http://payments",
         setup=lambda c: c.add_external_host("api.example.com", "93.184.215.14")),
    Case("pods-on-failed-node", "Nodes docs 'Node status' / taint-based eviction after 300 s", None,
         ("stopped responding", "topologySpreadConstraints"), _recover, broken=False, setup=_fail_web_node),
    Case("no-selector-no-endpoints", "Services docs 'Services without selectors'", "no-selector.yaml",
         ("no selector", "kubernetes.io/service-name=legacy"), _manual_slice, ref="svc/legacy", url="http://legacy"),
    Case("unknown-service-name", "DNS for Services and Pods: <service>.<ns>.svc.cluster.local", None,
         ('service "wbe" not found', "did you mean web?"), lambda c: None, ref="request", url="http://wbe",
         fixed_url="http://web"),
    Case("pods-pending-untolerated-taint", "kube-scheduler TaintToleration filter and FitError message; "
         "Taints and Tolerations docs", None,
         ("is Pending", "untolerated taint {maintenance: true}", "kubectl taint nodes <node> <key>-"),
         lambda c: [c.kubectl(f"taint nodes {n} maintenance-") for n in ("node-1", "node-2")],
         setup=lambda c: [c.kubectl(f"taint nodes {n} maintenance=true:NoSchedule") for n in ("node-1", "node-2")]
         + [c.kubectl("delete pod -l app=web")]),
    Case("pod-range-full", "host-local IPAM 'no IP addresses available in range set'; "
         "kube-controller-manager --node-cidr-mask-size", None,
         ("stuck in ContainerCreating", "no IP addresses available", "node_cidr_mask_size"),
         lambda c: (c.kubectl("scale deployment web --replicas=3"), c.advance(10)), broken=False,
         setup=lambda c: (c.kubectl("scale deployment web --replicas=12"), c.advance(10)),
         options={"nodes": 1, "node_cidr_mask_size": 28}),
    Case("port-not-in-service", "Services docs 'Multi-port Services': only declared ports are proxied", None,
         ("has no port 8080", "its ports: 80"), lambda c: None, ref="request", url="http://web:8080",
         fixed_url="http://web"),
]


def _matching(findings: list[Finding], words: tuple[str, ...]) -> list[Finding]:
    return [f for f in findings if all(w in str(f) for w in words)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_diagnose_finds_explains_and_the_fix_works(case: Case):
    c = cluster_with(*((DIAG + case.scenario,) if case.scenario else ()), web=case.web, **case.options)
    if case.setup:
        case.setup(c)
    before = c.request(case.url, from_pod="client") if case.url else None
    if case.broken and before is not None:
        assert before.error or not before.ok, before.explain()
    ref = before if case.ref == "request" else case.ref
    findings = c.diagnose(ref)
    found = _matching(findings, case.words)
    assert found, "\n\n".join(map(str, findings)) or "no findings"
    f = found[0]
    assert f.what and f.why and f.fix and f.evidence.startswith("kubectl") and f.severity in ("error", "warning")
    case.fix(c)
    after = case.after(c) if case.after else c.request(case.fixed_url or case.url, from_pod="client")
    assert after.ok, after.explain()
    if case.check:
        case.check(c)
    again = c.diagnose(after if case.ref == "request" else case.ref)
    assert not _matching(again, case.words), "\n\n".join(map(str, again))


@pytest.mark.parametrize("scenario,ref,options", [
    pytest.param(None, "svc/web", {}, id="clusterip"),
    pytest.param(None, "svc/kubernetes", {}, id="default-kubernetes-service"),
    pytest.param("lb-pending.yaml", "svc/web", {"cloud": "gcp"}, id="loadbalancer-on-gcp"),
    pytest.param("lb-pending.fix.yaml", "svc/web", {}, id="nodeport"),
    pytest.param("externalname.fix.yaml", "svc/payments", {}, id="externalname-known-host"),
    pytest.param("deny-all.fix.yaml", "svc/web", {}, id="policy-allowing-the-client"),
])
def test_a_healthy_service_has_no_findings(scenario, ref, options):
    """DS: a Service with ready endpoints that answer on targetPort needs no fix."""
    c = cluster_with(*((DIAG + scenario,) if scenario else ()), **options)
    c.add_external_host("api.example.com", "93.184.215.14")
    assert c.diagnose(ref) == []
    assert c.diagnose(c.request("http://web", from_pod="client")) == []


def test_findings_are_frozen_and_deterministic(golden):
    """Same seed, same calls -> byte-identical findings (the contract's determinism rule)."""
    texts = []
    for _ in range(2):
        c = cluster_with(DIAG + "selector-typo.yaml", DIAG + "probe-path-404.yaml")
        c.advance(20)
        texts.append("\n\n".join(str(f) for f in c.diagnose("svc/frontend") + c.diagnose("svc/web")) + "\n")
    assert texts[0] == texts[1]
    golden("datapath", "diagnose-findings.txt", texts[0])
    f = Finding("w", "y", "x")
    with pytest.raises(AttributeError):
        f.what = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("a,b,want", [("front-end", "frontend", 1), ("app", "app", 0), ("", "web", 3),
                                      ("kitten", "sitting", 3)])
def test_edit_distance(a, b, want):
    """Levenshtein distance, used to suggest the nearest existing label, name or host."""
    assert edit_distance(a, b) == want == edit_distance(b, a)


def test_bad_ref_is_a_usage_error():
    from k8snet.errors import UsageError
    c = cluster_with()
    with pytest.raises(UsageError, match="svc/NAME"):
        c.diagnose("deployment/web")
