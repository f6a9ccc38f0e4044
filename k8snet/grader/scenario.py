"""Helpers for build and debugging questions: fresh scenario clusters, applying the
learner's YAML, and feedback that says what actually happened.

    class FixTheSelector(BuildProblem):
        scenario = BASE_YAML                  # applied to a fresh Cluster before the answer
        cluster_args = {"seed": 1}
        def verify(self, cluster):            # run requests; raise Incorrect(...) to fail
            expect_ok(cluster.request("http://api/", from_pod="default/client"), "GET http://api/ from client")
"""
from __future__ import annotations

from ..errors import K8sNetError, ManifestError
from .core import Incorrect, Problem

__all__ = ["BuildProblem", "apply_answer", "backend_service", "expect_ok", "expect_error", "fresh_cluster"]


def fresh_cluster(scenario: str | list | None, **cluster_args):
    """A new Cluster with the scenario applied (the scenario must be valid)."""
    from .. import Cluster
    c = Cluster(**cluster_args)
    if scenario:
        c.apply(scenario)
    return c


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

    scenario: str | list | None = None
    cluster_args: dict = {"seed": 1}

    def cluster(self):
        return fresh_cluster(self.scenario, **self.cluster_args)

    def verify(self, cluster) -> None:  # pragma: no cover - every question overrides it
        raise NotImplementedError

    def check_answer(self, answer) -> None:
        c = self.cluster()
        apply_answer(c, answer)
        return self.verify(c)  # a string returned by verify() becomes the success message
