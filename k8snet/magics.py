"""IPython magics: ``%load_ext k8snet``, then ``%kubectl get svc`` and a ``%%apply`` cell.

The magics act on the *current* cluster: the one created last (``Cluster(...)``), or the
one named with ``%k8snet use NAME`` (a variable in the notebook).  Errors print the way
kubectl prints them — never a Python traceback — so a notebook reads like a terminal.
"""
from __future__ import annotations

import weakref

from .errors import K8sNetError

__all__ = ["load_ipython_extension", "current", "set_current", "keep_current"]

_current: "weakref.ref | None" = None


def set_current(cluster) -> None:
    """Make ``cluster`` the one the magics act on (Cluster() calls this)."""
    global _current
    _current = weakref.ref(cluster)


class keep_current:
    """``with keep_current(): ...`` — clusters created inside (by a widget or an exercise check)
    do not become the one ``%kubectl`` acts on; the learner's cluster stays current."""

    def __enter__(self):
        self._saved = _current
        return self

    def __exit__(self, *exc) -> None:
        global _current
        _current = self._saved


def current():
    """The cluster the magics act on, or a clear error when there is none."""
    cluster = _current() if _current is not None else None
    if cluster is None:
        raise K8sNetError("error: no cluster yet: create one first, e.g. `cluster = Cluster()`")
    return cluster


def _kubectl(line: str) -> None:
    try:
        out = current().kubectl(line)
    except K8sNetError as e:
        out = str(e)
    print(out, end="" if out.endswith("\n") else "\n")


def _apply(line: str, cell: str) -> None:
    try:
        lines = current().apply(cell)
        out = "".join(f"{x}\n" for x in lines)
    except K8sNetError as e:
        applied = "".join(f"{x}\n" for x in getattr(e, "applied", []))
        errors = [e] + list(getattr(e, "other_errors", []))
        out = applied + "".join(f"{x}\n" for x in errors)
    print(out, end="")


_servers: dict = {}


def _serve(words: list[str]) -> None:
    """``%k8snet serve`` / ``%k8snet serve stop``: serve the current cluster to real tools."""
    cluster = current()
    running = _servers.get(id(cluster))
    if words[1:] == ["stop"]:
        if running is None:
            print("error: the current cluster is not served")
            return
        running.stop()
        del _servers[id(cluster)]
        print("stopped serving the cluster")
        return
    if running is not None:
        server = running
    else:
        server = _servers[id(cluster)] = cluster.serve()
    print(f"Kubernetes control plane is running at {server.url}")
    print("Paste this line in a terminal (File > New > Terminal), then use kubectl:")
    print(f"export KUBECONFIG={server.kubeconfig}")


def _k8snet(line: str, user_ns: dict) -> None:
    words = line.split()
    if words[:1] == ["serve"]:
        try:
            _serve(words)
        except K8sNetError as e:
            print(str(e))
        return
    if len(words) == 2 and words[0] == "use":
        obj = user_ns.get(words[1])
        if obj is None or not hasattr(obj, "kubectl"):
            print(f"error: {words[1]!r} is not a Cluster in this notebook")
            return
        set_current(obj)
        print(f"%kubectl and %%apply now act on {words[1]}")
    else:
        print("usage: %k8snet use CLUSTER_VARIABLE | %k8snet serve [stop]")


def load_ipython_extension(ipython) -> None:
    """Register ``%kubectl``, ``%%apply`` and ``%k8snet`` (called by ``%load_ext k8snet``)."""
    ipython.register_magic_function(_kubectl, "line", "kubectl")
    ipython.register_magic_function(_apply, "cell", "apply")
    ipython.register_magic_function(lambda line: _k8snet(line, ipython.user_ns), "line", "k8snet")
