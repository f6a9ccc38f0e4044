"""Chapter 10's view: step through one request, hop by hop, from the client to the container.

``Response.hops`` lists every component a request met (DNS, cloud load balancer, the node's
NodePort, kube-proxy's rules, the Ingress controller, NetworkPolicy, the pod, the container
port).  ``HopStepper`` shows them one at a time: a slider (or Back/Next) picks the hop, the
request picture (``response.graph()``) outlines the current hop in orange, and the hop's
full detail — the iptables rules kube-proxy matched, the DNS names tried — is printed below.

    stepper = HopStepper(cluster.request("http://shop.example.com/", from_internet=True))
    stepper.widget()             # in a notebook
    stepper.render(step=3)       # in a test: {"picture": svg, "hop": html}
"""
from __future__ import annotations

from .base import View, pre, svg_html

__all__ = ["HopStepper", "HIGHLIGHT"]

#: The outline of the current hop: orange reads on the light and the red (failed) fills.
HIGHLIGHT = "#ef6c00"


class HopStepper(View):
    """A slider over ``response.hops``; ``graph=False`` leaves the picture out (no ``dot`` needed)."""

    outputs = ("picture", "hop")

    def __init__(self, response, *, graph: bool = True, max_detail_lines: int = 12):
        if not response.hops:
            raise ValueError("this response has no hops to step through")
        self.response, self.show_graph, self.max_detail_lines = response, graph, max_detail_lines

    @property
    def count(self) -> int:
        """How many hops the request took."""
        return len(self.response.hops)

    def _step(self, step: int) -> int:
        return max(1, min(int(step), self.count))

    def hop_text(self, step: int) -> str:
        """The route so far (``▶`` marks hop ``step``) and the current hop's detail."""
        step = self._step(step)
        lines = []
        for i, hop in enumerate(self.response.hops, 1):
            mark = "▶" if i == step else ("✓" if i < step and hop.ok else ("✗" if i < step else " "))
            text = f"{mark} {i:>2}. {hop.component}" + (f": {hop.action}" if i <= step else "")
            lines.append(text)
        hop = self.response.hops[step - 1]
        detail = hop.detail.splitlines()
        if len(detail) > self.max_detail_lines:
            cut = len(detail) - self.max_detail_lines
            detail = detail[:self.max_detail_lines] + [f"... ({cut} more lines: response.hops[{step - 1}].detail)"]
        lines += ["", f"hop {step} of {self.count}: {hop.component}" + ("" if hop.ok else " (FAILED here)"),
                  f"  {hop.action}"] + [f"    {d}" for d in detail]
        if step == self.count:
            r = self.response
            lines += ["", "=> " + (f"HTTP {r.status}" if r.status is not None else f"error: {r.error}")
                      + (f" from {r.pod}" if r.pod else "")]
        return "\n".join(lines)

    def picture(self, step: int):
        """``response.graph()`` with hop ``step`` outlined (a ``graphviz.Digraph``)."""
        g = self.response.graph()
        # A later statement for an existing node only updates its attributes (DOT semantics),
        # so the node stays inside the picture's card.
        g.node(f"hop{self._step(step)}", penwidth="4", color=HIGHLIGHT)
        return g

    def render(self, step: int = 1) -> dict[str, str]:
        """The HTML areas for hop ``step`` (1-based, clamped to the hops there are)."""
        picture = svg_html(self.picture(step)) if self.show_graph else ""
        return {"picture": picture, "hop": pre(self.hop_text(step))}

    def controls(self) -> dict:
        import ipywidgets as w
        return {"step": w.IntSlider(value=1, min=1, max=self.count, description="hop",
                                    continuous_update=False)}

    def widget(self, layout=None):
        """The slider with Back/Next buttons, the picture and the hop's detail."""
        import ipywidgets as w
        box = super().widget(layout)
        slider = self._controls["step"]
        back, nxt = w.Button(description="◀ Back"), w.Button(description="Next ▶", button_style="primary")
        back.on_click(lambda _: setattr(slider, "value", max(1, slider.value - 1)))
        nxt.on_click(lambda _: setattr(slider, "value", min(self.count, slider.value + 1)))
        self._buttons = (back, nxt)
        if layout is not None:
            return box
        return w.VBox([w.HBox([back, slider, nxt]), *self._areas.values()])
