"""Replay a notebook and check every kubectl line it runs against the real kubectl.

Each notebook's code cells run, in order, in an in-process IPython shell (so ``%kubectl``,
``%%apply`` and f-string command lines behave as in Jupyter).  Every ``Cluster.kubectl(line)``
call — the magics, the notebook's own calls, the graders' — is intercepted: the cluster is
served (once), the emulation answers as usual, and the real kubectl runs the same line against
the served cluster.  The two outputs are compared with wall-clock cells (AGE, "x ago")
masked.  Lines that change the cluster run in the real kubectl with ``--dry-run=server``
first (the API server's dry run leaves the cluster as it was), then in the emulation.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Check", "replay", "kubectl_lines", "normalize", "MUTATING", "FINAL_STATE", "LEFT_OUT"]

#: What the comparison leaves out, and why.
LEFT_OUT = {
    "Lease:": "describe node: both kubectls print the served Lease (controllers/nodelease.py), but its "
              "RenewTime moves every 10 s between the two reads",
    "AGE/AGO": "wall-clock cells: the real kubectl computes describe's ages from the machine's clock",
}

#: Run on each cluster a notebook made, once its cells have run.
FINAL_STATE = [
    "get pods -o yaml", "get svc -o json", "get deploy -o yaml", "get endpointslices -o yaml",
    "get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP,NODE:.spec.nodeName",
    "get svc -o jsonpath={range .items[*]}{.metadata.name}{'\\t'}{.spec.clusterIP}{'\\n'}{end}",
    "describe svc", "describe pods", "describe deploy", "describe endpointslices", "describe nodes",
    "get events", "describe ingress -A", "describe networkpolicy -A",
]

#: Verbs that change the cluster: the real kubectl runs them with --dry-run=server.
MUTATING = {"delete", "scale", "expose", "apply", "create", "run", "label", "annotate", "rollout", "cordon",
            "uncordon", "taint"}
#: Verbs not compared: they wait or watch (rollout status, drain's evictions), or run a temporary pod.
_NOT_COMPARED = {"rollout", "drain"}

_AGO = re.compile(r"\d+[smhd](\d+[smhd])? ago|<invalid>")
_DURATION = re.compile(r"(?:^|(?<=\s))(\d+y)?(\d+d)?(\d+h)?(\d+m)?\d+s(?=\s|\)|$)|(?:^|(?<=\s))\d+[mhdy](?=\s|\)|$)")


def normalize(text: str) -> str:
    """Mask wall-clock cells: AGE columns (``36s``, ``5m10s``), describe's event ages
    (``12s (x3 over 5m)``) and ``ago``; then the column gaps those widths moved (tabwriter
    pads with at least three spaces) and trailing blanks."""
    out = []
    in_lease = False
    for line in text.rstrip("\n").splitlines():
        if line.startswith("Lease:") or in_lease and line.startswith("  "):  # see LEFT_OUT
            in_lease = True
            continue
        in_lease = False
        line = _DURATION.sub("AGE", _AGO.sub("AGO", line))
        out.append(re.sub(r" {2,}", "  ", line).rstrip())
    return "\n".join(out)


@dataclass
class Check:
    """One kubectl line, as run by a notebook, and what the two kubectls printed."""

    notebook: str
    line: str
    emulated: str = ""
    real: str = ""
    compared: bool = True
    why_not: str = ""

    @property
    def matched(self) -> bool:
        return self.compared and normalize(self.emulated) == normalize(self.real)


@dataclass
class _State:
    kubectl_bin: str
    home: str
    notebook: str = ""
    checks: list = field(default_factory=list)
    clusters: dict = field(default_factory=dict)  # id -> (server, cluster)


def kubectl_lines(path: str | Path) -> list[str]:
    """The kubectl command lines written in a notebook's code cells (``%kubectl ...`` and
    ``.kubectl("...")``), as written (f-string fields unexpanded)."""
    found = []
    for cell in json.loads(Path(path).read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        found += [m.group(1) for m in re.finditer(r"^%kubectl (.*)$", src, re.M)]
        found += [m.group(2) for m in re.finditer(r"\.kubectl\(\s*[rf]?(['\"])(.*?)\1", src)]
    return found


def _real(state: _State, server, line: str) -> str:
    words = shlex.split(line)
    if words and words[0] == "kubectl":
        words = words[1:]
    env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=state.home)
    # One pipe for both streams, as a terminal shows them (a Warning before the table);
    # bytes, to keep the \r of HTTP headers.
    proc = subprocess.run([state.kubectl_bin, *words], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=120)
    return proc.stdout.decode()


def replay(notebook: str | Path, kubectl_bin: str, home: str) -> list[Check]:
    """Run ``notebook``'s code cells; return a Check for every kubectl line it ran."""
    from IPython.core.interactiveshell import InteractiveShell

    import k8snet.cluster as cluster_module
    state = _State(kubectl_bin, home, notebook=Path(notebook).name)
    original = cluster_module.Cluster.kubectl

    def checked(self, command_line: str) -> str:
        words = shlex.split(command_line)
        verb = (words[1] if words[:1] == ["kubectl"] else words[0]) if words else ""
        if id(self) not in state.clusters:
            state.clusters[id(self)] = (self.serve(), self)
            # Both kubectls must see one state: the served clock stays where the notebook
            # put it (advance() still moves it) instead of following wall time.
            with self.lock:
                self.clock.stop_following()
        server = state.clusters[id(self)][0]
        check = Check(state.notebook, command_line)
        if verb in _NOT_COMPARED or "--rm" in words:
            check.compared, check.why_not = False, f"{verb} waits or runs a temporary pod"
            check.emulated = original(self, command_line)
        elif verb in MUTATING:
            check.real = _real(state, server, command_line + " --dry-run=server").replace(" (server dry run)", "")
            check.emulated = original(self, command_line)
        else:
            check.emulated = original(self, command_line)
            check.real = _real(state, server, command_line)
        state.checks.append(check)
        return check.emulated

    shell = InteractiveShell.instance()
    shell.display_formatter.active_types = ["text/plain"]
    cluster_module.Cluster.kubectl = checked
    notebook = Path(notebook).resolve()
    cwd = os.getcwd()
    try:
        os.chdir(Path(notebook).parent)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for cell in json.loads(Path(notebook).read_text())["cells"]:
                if cell["cell_type"] == "code":
                    shell.run_cell("".join(cell["source"]), silent=True)
        # The final state of each cluster the notebook made, through upstream's own client
        # printers: describe, -o yaml|json|jsonpath|custom-columns.
        state.notebook = f"{Path(notebook).name} (final state)"
        for server, cluster in list(state.clusters.values()):
            for line in FINAL_STATE:
                checked(cluster, line)
    finally:
        os.chdir(cwd)
        cluster_module.Cluster.kubectl = original
        for server, _ in state.clusters.values():
            server.stop()
        shell.reset(new_session=False)
        InteractiveShell.clear_instance()
    return state.checks
