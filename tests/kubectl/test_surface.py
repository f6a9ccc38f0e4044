"""Every kubectl flag the simulator parses is implemented or refused, never accepted and ignored
(k8snet/kubectl/surface.py; the page docs/kubectl-flags.md is generated from it)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.kubectl import flags, flagsets, surface
from tools import kubectl_surface


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


def test_every_flag_of_the_binary_is_classified():
    """flagsets.py (read from kubectl v1.37.1) and the support table name the same flags."""
    assert surface.unclassified() == []
    for path, table in surface.COMMANDS.items():
        names = {r.split("|")[1] for r in flagsets.COMMANDS[path]}
        assert set(table) <= names, (path, set(table) - names)


def test_the_flags_page_is_generated_from_the_table():
    with open("docs/kubectl-flags.md") as page:
        assert page.read() == kubectl_surface.generate(), "run python -m tools.kubectl_surface"


def _value_for(kind: str, support: surface.Support) -> str:
    if kind == "bool":
        return "=false" if True in support.accepts else ""
    return {"level": "=3", "int32": "=7", "int64": "=7", "duration": "=7s"}.get(kind.split("=")[0], "=zz")


_ARGS = {"get": "pods", "describe": "pods", "delete": "pod x", "scale": "deploy/x", "label": "pod x a=b",
         "create deployment": "x --image=nginx", "create namespace": "x", "run": "x --image=nginx",
         "expose": "deploy x", "rollout status": "deploy/x", "rollout history": "deploy/x", "rollout undo": "deploy/x",
         "rollout restart": "deploy/x", "exec": "x -- ls", "cordon": "node-1", "uncordon": "node-1",
         "taint": "node-1 a=b:NoSchedule", "logs": "x", "drain": "node-1", "apply": "-f x.yaml", "create": "-f x.yaml"}

# (command path, flag, what it stands for on a real cluster): one row per refused flag.
REFUSED = [(path, name, s) for path, table in surface.COMMANDS.items() for name, s in table.items()
           if not s.implemented]
REFUSED += [("get", name, s) for name, s in surface.GLOBAL.items() if not s.implemented]


@pytest.mark.parametrize("path, name, support", REFUSED, ids=[f"{p} --{n}" for p, n, _ in REFUSED])
def test_a_refused_flag_says_what_it_stands_for(cluster, path, name, support):
    """surface.check: the command stops, before anything changes, naming the flag and its real behaviour."""
    note = support.note
    kind = next(r.split("|")[2] for r in (*flagsets.COMMANDS[path], *flagsets.GLOBAL) if r.split("|")[1] == name)
    line = f"{path} --{name}{_value_for(kind, support)} {_ARGS.get(path, '')}"
    before = cluster.store.resource_version() if hasattr(cluster.store, "resource_version") else None
    out = cluster.kubectl(line)
    assert out.startswith(f"error: k8snet does not simulate --{name}") and note in out, (line, out)
    assert f"`kubectl {path}`" in out
    if before is not None:
        assert cluster.store.resource_version() == before


# (command line, upstream rule): a refused flag with the value that changes nothing is accepted.
ACCEPTED = [
    ("get pods --server-print=true", "get.go: server-side printing is the default"),
    ("get pods --recursive=false", "FilenameOptions: -R only matters with -f"),
    ("get pods --show-managed-fields=false", "the default strips managedFields"),
    ("get pods --allow-missing-template-keys=true", "PrintFlags: true is the default"),
    ("get pods -v=0", "klog: level 0 logs nothing for get"),
    ("get pods -v=00", "klog Level.Set: ParseInt(s, 10, 32): 00 is level 0"),
    ("get pods -v=-3", "klog: below 0 logs nothing either"),
    ("get pods --watch=false", "a bool flag set to its default"),
    ("describe pods --show-events=true", "describe: events are shown by default"),
]


@pytest.mark.parametrize("line, rule", ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_a_default_value_is_accepted(cluster, line, rule):
    assert "k8snet does not simulate" not in cluster.kubectl(line), rule


def test_implemented_flags_are_read_by_their_command():
    """Each flag the table calls implemented is looked up by the code of its command: its name
    appears in the kubectl package outside the tables (a flag nobody reads would be ignored)."""
    import pathlib
    code = "".join(p.read_text() for p in pathlib.Path("k8snet/kubectl").glob("*.py")
                   if p.name not in ("surface.py", "flagsets.py"))
    # -i/-t change nothing kubectl prints when its stdin is not a terminal (a notebook's): exec
    # prints the same (checked against the real binary), run reads -i only to allow --rm.
    quiet = {("exec", "stdin"), ("exec", "tty"), ("run", "tty")}
    for path, table in [("(global)", surface.GLOBAL), *surface.COMMANDS.items()]:
        for name, s in table.items():
            if s.implemented and name != "dry-run" and (path, name) not in quiet:
                assert f'"--{name}"' in code, (path, name)


def test_flag_values_are_parsed_before_the_check():
    """surface.check sees pflag's values: a list flag is a tuple, a bool a bool."""
    assert flags.parse("get pods -L a,b").flags["--label-columns"] == ("a", "b")
