"""k8snet: a Kubernetes cluster simulated in-process, for learning Services and networking.

    >>> from k8snet import Cluster
    >>> c = Cluster(seed=1)

The public API is pinned in ``__all__`` (and by tests/test_public_api.py).
"""
from __future__ import annotations

from .errors import ValidationError

__all__ = ["Cluster", "ValidationError"]


def load_ipython_extension(ipython) -> None:
    """``%load_ext k8snet``: the ``%kubectl`` and ``%%apply`` magics (see k8snet.magics)."""
    from .magics import load_ipython_extension as load
    load(ipython)


def _start_browser_pictures() -> None:
    """In a browser (JupyterLite) there is no ``dot``: route graphviz through viz.js (the
    site's ``k8snet_viz`` wheel) and start loading its WebAssembly now, so the first picture
    does not wait.  Natively nothing happens: ``import k8snet`` imports no graphviz."""
    try:
        import k8snet_viz
    except ImportError:  # a Pyodide without the course site's wheels: pictures say why
        return
    k8snet_viz.install()


def __getattr__(name: str):
    # Cluster is imported lazily so `import k8snet` stays fast.
    if name == "Cluster":
        from .cluster import Cluster
        return Cluster
    raise AttributeError(f"module 'k8snet' has no attribute {name!r}")


from .runtime import in_browser as _in_browser  # noqa: E402  (stdlib only: cheap)

if _in_browser():
    _start_browser_pictures()
