"""Write docs/kubectl-flags.md: every flag of the simulated kubectl and what becomes of it.

    python -m tools.kubectl_surface

The table is k8snet/kubectl/surface.py (which flagsets.py, read from the real binary, keeps
complete); tests/kubectl/test_surface.py checks the page is up to date.
"""
from __future__ import annotations

import os

from k8snet.kubectl import flagsets, surface

HEAD = """# The simulated kubectl's flags

`cluster.kubectl("...")` reads a command line as kubectl v1.37 does (cobra and pflag: the
flag tables come from the real binary, `tools/kubectl_flags.py`). Every flag of every command
it runs is either **implemented** as kubectl implements it, or **refused** with a message
naming the real-cluster behaviour it stands for (*error: k8snet does not simulate --watch for
`kubectl get` (real kubectl: keeps the connection open ...)*); nothing is accepted and ignored. A refused flag given
the value that leaves kubectl's behaviour unchanged is accepted (the *accepted* column), since
kubectl then prints exactly what the simulator prints. Generated from
`k8snet/kubectl/surface.py` by `python -m tools.kubectl_surface`; do not edit by hand.

Implemented: {implemented} · refused: {refused} (flag × command, global flags counted once).
"""


def _row(name: str, short: str, s: surface.Support) -> str:
    flag = f"`-{short}`, `--{name}`" if short else f"`--{name}`"
    status = "implemented" if s.implemented else "refused"
    accepts = ", ".join(f"`{a if not isinstance(a, (bool, tuple)) else str(a).lower() if isinstance(a, bool) else '(empty)'}`"
                        for a in s.accepts if a != "")
    return f"| {flag} | {status} | {s.note.replace('|', '/')} | {accepts} |"


def generate() -> str:
    """The page's text."""
    counts = {True: 0, False: 0}
    parts = []
    sections = [("Global flags (every command)", flagsets.GLOBAL, surface.GLOBAL)]
    sections += [(f"`kubectl {path}`", rows, surface.COMMANDS[path]) for path, rows in flagsets.COMMANDS.items()]
    for title, rows, table in sections:
        lines = [f"## {title}", "", "| flag | status | what it does | accepted |", "|---|---|---|---|"]
        for row in rows:
            short, name, _ = row.split("|")
            counts[table[name].implemented] += 1
            lines.append(_row(name, short, table[name]))
        if not rows:
            lines.append("| (no flags of its own) | | | |")
        parts.append("\n".join(lines))
    return HEAD.format(implemented=counts[True], refused=counts[False]) + "\n" + "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    target = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "kubectl-flags.md")
    with open(target, "w") as out:
        out.write(generate())
