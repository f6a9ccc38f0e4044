"""NetworkPolicy (networking.k8s.io/v1): which connections a cluster's CNI lets through.

    from k8snet.netpol import evaluate, matrix
    v = evaluate(policies, pods, namespaces, src=client_pod, dst=web_pod, port=80)
    bool(v), v.reason
    # (False, 'denied: default/deny-all isolates default/web for ingress and no policy
    #  allows default/client on TCP/80')
    print(matrix(policies, pods, namespaces, ports=(80, 81)).to_text())

Pure functions of API-object dicts (NetworkPolicy, Pod, Namespace).  Modules:
``policy`` (the objects as records), ``plugins`` (which CNIs enforce, and how they
differ), ``evaluate`` (one connection), ``matrix`` (every pod to every pod, fast),
``graph`` (a graphviz picture of a matrix).
"""
from __future__ import annotations

from .evaluate import Verdict, evaluate
from .matrix import Matrix, matrix
from .plugins import PLUGINS, Plugin

__all__ = ["evaluate", "Verdict", "matrix", "Matrix", "PLUGINS", "Plugin"]
