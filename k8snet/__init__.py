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


def __getattr__(name: str):
    # Cluster is imported lazily so `import k8snet` stays fast.
    if name == "Cluster":
        from .cluster import Cluster
        return Cluster
    raise AttributeError(f"module 'k8snet' has no attribute {name!r}")
