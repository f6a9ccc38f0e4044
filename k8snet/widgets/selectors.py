"""Chapter 02's live view: edit pod labels and a Service's selector, watch the endpoints follow.

``SelectorView()`` builds a small cluster: four pods (``hashicorp/http-echo`` answering their own
name) labelled ``app``/``tier``/``track``, a ``client`` pod, and Service ``shop`` (port 80 ->
5678).  Each edit is applied the way ``kubectl apply`` applies it; then the view shows what the
EndpointSlice controller did and what ``curl http://shop/`` from the client gets.

Two upstream rules the view makes visible:

* A Service's ``spec.selector`` is a plain map, ANDed, equality only (the "Labels and
  Selectors" concept page: "services ... support only equality-based requirement
  selectors").  Set-based text such as ``track in (stable,canary)`` works with
  ``kubectl get -l`` and in Deployments' and NetworkPolicies' ``matchExpressions``; the view
  shows which pods it matches, but leaves the Service as it was.
* A Service whose selector matches no pod has an empty EndpointSlice, and kube-proxy REJECTs
  connections to it: curl says ``connection refused`` at once (not a timeout).
"""
from __future__ import annotations

import html
from collections import Counter

from .. import labels as labelsel
from ..errors import K8sNetError
from .base import View, pre, table_html

__all__ = ["SelectorView", "POD_LABELS", "parse_label_text", "selector_kind"]

#: The pods of the scenario and their starting labels.
POD_LABELS = {
    "web-1": "app=web,tier=frontend,track=stable",
    "web-2": "app=web,tier=frontend,track=stable",
    "web-3": "app=web,tier=frontend,track=canary",
    "api-1": "app=api,tier=backend,track=stable",
}
START_SELECTOR = "app=web"


def parse_label_text(text: str) -> dict[str, str]:
    """``"app=web,tier=frontend"`` -> ``{"app": "web", "tier": "frontend"}`` (as ``kubectl label``
    takes them).  Raises ValueError naming the bad part; the API server checks the syntax."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"'{part}' is not key=value")
        out[key.strip()] = value.strip()
    return out


def selector_kind(text: str):
    """Parse selector text as ``kubectl get -l`` does.  Returns ``(selector, service_map)``:
    ``service_map`` is the ``spec.selector`` a Service can hold, or None when the text uses
    set-based or negative requirements a Service selector cannot express."""
    sel = labelsel.parse(text)
    if sel.empty():
        return sel, None
    if all(r.op == "=" for r in sel.requirements):
        keys = [r.key for r in sel.requirements]
        if len(set(keys)) == len(keys):
            return sel, {r.key: r.values[0] for r in sel.requirements}
    return sel, None


def _pod(name: str, labels: dict[str, str]) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [{"name": "app", "image": "hashicorp/http-echo",
                                     "args": [f"-text=hello from {name}"], "ports": [{"containerPort": 5678}]}]}}


def _service(selector: dict[str, str]) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "shop"},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 5678}]}}


class SelectorView(View):
    """Text boxes for each pod's labels and for the selector; tables that follow them."""

    outputs = ("status", "match", "endpoints", "traffic")
    requests = 6

    def __init__(self, seed: int = 2):
        from .. import Cluster
        self.cluster = Cluster(seed=seed)
        client = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "labels": {"app": "client"}},
                  "spec": {"containers": [{"name": "curl", "image": "curlimages/curl", "command": ["sleep", "infinity"]}]}}
        self.cluster.apply([client] + [_pod(n, parse_label_text(t)) for n, t in POD_LABELS.items()]
                           + [_service(parse_label_text(START_SELECTOR))])
        self.labels = {n: parse_label_text(t) for n, t in POD_LABELS.items()}
        self.selector = START_SELECTOR

    # -- edits -------------------------------------------------------------------------------
    def set_labels(self, pod: str, text: str) -> str:
        """Apply ``pod`` with these labels (as editing its YAML and re-applying); returns what
        kubectl printed, or why the labels were refused."""
        try:
            new = parse_label_text(text)
        except ValueError as e:
            return f"labels of {pod} not changed: {e}"
        if new == self.labels[pod]:
            return f"pod/{pod} unchanged"
        try:
            lines = self.cluster.apply(_pod(pod, new))
        except K8sNetError as e:
            return str(e)
        self.labels[pod] = new
        return "\n".join(lines)

    def set_selector(self, text: str) -> str:
        """Use ``text`` as the Service's selector when a Service can hold it; else explain why not."""
        try:
            sel, service_map = selector_kind(text)
        except K8sNetError as e:
            return f"kubectl could not parse the selector: {e}"
        self.selector = text
        if service_map is None:
            if sel.empty():
                return ("an empty selector would make shop a Service without a selector (no EndpointSlices "
                        "are managed for it); svc/shop keeps its selector")
            return (f"'{text}' is a set-based selector: fine for `kubectl get pods -l`, a Deployment's or "
                    "NetworkPolicy's matchExpressions — but a Service's spec.selector is a plain map "
                    "(key: value, ANDed). svc/shop keeps its selector")
        try:
            return "\n".join(self.cluster.apply(_service(service_map)))
        except K8sNetError as e:
            return str(e)

    # -- what is shown -------------------------------------------------------------------------
    def service_selector(self) -> dict[str, str]:
        """The selector svc/shop holds now."""
        return self.cluster.get("svc", "shop")["spec"].get("selector") or {}

    def match_rows(self) -> list[list[str]]:
        """Per pod: labels, does the typed selector match (``kubectl get -l``), does the Service's."""
        try:
            typed = labelsel.parse(self.selector)
        except K8sNetError:
            typed = None
        svc = labelsel.from_map(self.service_selector())
        rows = []
        for p in self.cluster.list("pod"):
            name = p["metadata"]["name"]
            if name == "client":
                continue
            lab = p["metadata"].get("labels") or {}
            text = ",".join(f"{k}={v}" for k, v in sorted(lab.items()))
            rows.append([name, text, p["status"].get("podIP", ""),
                         "?" if typed is None else ("yes" if typed.matches(lab) else "-"),
                         "yes" if svc.matches(lab) else "-"])
        return rows

    def traffic(self) -> tuple[Counter, str | None]:
        """Send ``requests`` GETs to http://shop/ from the client: who answered, or the error."""
        answered: Counter = Counter()
        for _ in range(self.requests):
            r = self.cluster.request("http://shop/", from_pod="default/client")
            if r.error:
                return answered, r.error
            answered[r.pod.split("/")[1]] += 1
        return answered, None

    def render(self, **values) -> dict[str, str]:
        """Apply the controls' values (``labels_<pod>``, ``selector``), then draw every area."""
        notes = []
        for pod in POD_LABELS:
            key = "labels_" + pod.replace("-", "_")
            if key in values:
                notes.append(self.set_labels(pod, values[key]))
        if "selector" in values:
            notes.append(self.set_selector(values["selector"]))
        notes = [n for n in notes if n and not n.endswith("unchanged")]
        shown = labelsel.selector_text(self.service_selector())
        answered, error = self.traffic()
        if error:
            findings = self.cluster.diagnose("svc/shop")
            why = f"\n{findings[0].what}" if findings else ""
            traffic = f"curl http://shop/ from client: {error}{why}"
        else:
            traffic = "curl http://shop/ from client, 6 times:\n" + "\n".join(
                f"  {n}: {c} answer(s)" for n, c in sorted(answered.items()))
        return {
            "status": pre("\n".join(notes) or f"svc/shop selects {shown}", wrap=True),
            "match": "<b>Which pods match?</b>" + table_html(
                ["POD", "LABELS", "IP", f"-l {html.escape(self.selector)}", f"svc/shop ({shown})"], self.match_rows()),
            "endpoints": pre("$ kubectl get endpointslices -l kubernetes.io/service-name=shop\n"
                             + self.cluster.kubectl("get endpointslices -l kubernetes.io/service-name=shop")),
            "traffic": pre(traffic),
        }

    def controls(self) -> dict:
        """A text box per pod's labels and one for the selector (changes apply on Enter)."""
        import ipywidgets as w
        ctl = {"labels_" + n.replace("-", "_"): w.Text(value=t, description=n, continuous_update=False,
                                                        layout=w.Layout(width="420px"))
               for n, t in POD_LABELS.items()}
        ctl["selector"] = w.Text(value=START_SELECTOR, description="selector", continuous_update=False,
                                 layout=w.Layout(width="420px"))
        return ctl

    def widget(self, layout=None):
        """The controls stacked on the left, the tables below."""
        import ipywidgets as w

        def stack(controls, areas):
            return w.VBox([w.VBox(list(controls.values())), *areas.values()])
        return super().widget(layout or stack)
