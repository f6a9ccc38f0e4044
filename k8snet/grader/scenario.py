"""Helpers for build and debugging questions: fresh scenario clusters, applying the
learner's YAML, and feedback that says what actually happened.

    class FixTheSelector(BuildProblem):
        scenario = BASE_YAML                  # applied to a fresh Cluster before the answer
        cluster_args = {"seed": 1}
        def verify(self, cluster):            # run requests; raise Incorrect(...) to fail
            expect_ok(cluster.request("http://api/", from_pod="default/client"), "GET http://api/ from client")
"""
from __future__ import annotations

import fnmatch
import json

from ..errors import K8sNetError, ManifestError
from .answers import Manifest
from .core import Incorrect, Problem

__all__ = ["BuildProblem", "apply_answer", "backend_service", "expect_ok", "expect_error", "fresh_cluster",
           "arrival_port", "applied_names", "ECHO_BASIC", "echo_app"]

#: The echo server of gateway-api's conformance base (conformance/base/manifests.yaml): it answers
#: on port 3000 with the request it received, as JSON.
ECHO_BASIC = "registry.k8s.io/gateway-api/echo-basic:v1.5.1"


def fresh_cluster(scenario: str | list | None, **cluster_args):
    """A new Cluster with the scenario applied (the scenario must be valid)."""
    from .. import Cluster
    c = Cluster(**cluster_args)
    if scenario:
        c.apply(scenario)
    return c


def echo_app(name: str, namespace: str | None = None, *, port: int = 80, env: dict[str, str] | None = None,
             service_ports: str = "") -> str:
    """YAML of a one-replica :data:`ECHO_BASIC` Deployment ``name`` (pods ``app: name``) and its
    Service ``name`` (port ``http``: ``port`` -> 3000): the backends of the Ingress and Gateway
    exercises. ``env`` turns on echo-basic's other servers (``TCP_ECHO_SERVER``, ``TLS_SERVER_CERT``...),
    whose ports ``service_ports`` (a YAML flow list) then exposes."""
    meta = f"{{name: {name}" + (f", namespace: {namespace}" if namespace else "") + "}"
    container = f' [{{name: echo, image: "{ECHO_BASIC}"}}]'
    if env:
        container = (f'\n      - name: echo\n        image: "{ECHO_BASIC}"\n        env:\n'
                     + "".join(f"        - {{name: {k}, value: {json.dumps(v)}}}\n" for k, v in env.items())).rstrip("\n")
    service_ports = service_ports or f"[{{name: http, port: {port}, targetPort: 3000}}]"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {meta}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:{container}
---
apiVersion: v1
kind: Service
metadata: {meta}
spec:
  selector: {{app: {name}}}
  ports: {service_ports}
"""


def apply_answer(cluster, answer) -> list[str]:
    """Apply the learner's YAML; broken YAML or an invalid object becomes Incorrect, worded
    as kubectl would word it (with the document and line)."""
    if isinstance(answer, str) and not answer.strip():
        raise Incorrect("the YAML is empty")
    try:
        return cluster.apply(answer)
    except ManifestError as e:
        raise Incorrect(f"kubectl could not read your YAML:\n{e}") from None
    except K8sNetError as e:
        applied = getattr(e, "applied", [])
        lines = "".join(f"{x}\n" for x in applied)
        raise Incorrect(f"kubectl apply refused it:\n{lines}{e}") from None


def applied_names(applied: list[str]) -> list[str]:
    """``kind/name`` of each line kubectl apply printed (``networkpolicy.networking.k8s.io/x created``
    -> ``networkpolicy/x``)."""
    out = []
    for line in applied:
        resource, _, name = line.split()[0].partition("/")
        out.append(f"{resource.split('.', 1)[0]}/{name}")
    return out


def arrival_port(resp) -> int | None:
    """The port the request arrived on in the pod (the ``pod ... accepts on port N`` hop)."""
    for h in resp.hops:
        if h.component == "pod" and "accepts on port " in h.action:
            return int(h.action.split("accepts on port ")[1].split()[0])
    return None


def backend_service(resp) -> str | None:
    """The name of the Service that answered (``"ns/web:80"`` -> ``"web"``), None when none did."""
    return resp.backend.split("/", 1)[1].split(":", 1)[0] if resp.backend else None


def _summary(resp) -> str:
    failed = [h for h in resp.hops if not h.ok]
    if resp.error:
        where = f" at {failed[-1].component}: {failed[-1].action}" if failed else ""
        return f"{resp.error}{where}"
    return f"HTTP {resp.status} from {resp.pod or 'the controller'}"


def expect_ok(resp, what: str, *, body_contains: str | None = None, status: int = 200) -> None:
    """Fail with what happened unless ``resp`` is an HTTP ``status`` (containing ``body_contains``)."""
    if resp.status != status or (body_contains is not None and body_contains not in (resp.body or "")):
        got = _summary(resp)
        extra = f" (the body does not contain {body_contains!r})" if resp.status == status else ""
        raise Incorrect(f"{what} should answer HTTP {status}, but got: {got}{extra}")


def expect_error(resp, what: str, error: str) -> None:
    """Fail unless the request ended with ``error`` (e.g. 'connection timed out')."""
    if resp.error != error:
        raise Incorrect(f"{what} should end with '{error}', but got: {_summary(resp)}")


class BuildProblem(Problem):
    """A question answered with YAML, applied to a fresh scenario cluster and checked by running it."""

    answer_type = Manifest()
    scenario: str | list | None = None
    cluster_args: dict = {"seed": 1}
    #: when set, the only objects (``kind/name``, e.g. ``service/web``; ``kind/*`` for any name) the answer
    #: may apply: a repair
    #: question is not answered by adding a pod with the typo'd label or by changing the Deployment
    only: tuple[str, ...] | None = None

    def cluster(self):
        return fresh_cluster(self.scenario, **self.cluster_args)

    def verify(self, cluster) -> None:  # pragma: no cover - every question overrides it
        raise NotImplementedError

    def apply(self, cluster, answer) -> list[str]:
        """Apply the answer; with ``only`` set, refuse YAML that applies anything else."""
        applied = apply_answer(cluster, answer)
        if self.only is not None:
            extra = [n for n in applied_names(applied) if not any(fnmatch.fnmatchcase(n, o) for o in self.only)]
            if extra:
                raise Incorrect(f"this question asks only for {' and '.join(self.only).replace('/*', '')}; your YAML also applies "
                                f"{', '.join(extra)}. Repair what is broken rather than adding around it.")
            if not applied:
                raise Incorrect(f"your YAML applies nothing: write {' and '.join(self.only).replace('/*', '')}.")
        return applied

    def check_answer(self, answer) -> None:
        c = self.cluster()
        self.apply(c, answer)
        return self.verify(c)  # a string returned by verify() becomes the success message
