"""The kubeconfig a served cluster writes: one cluster, one user with the bearer token, one
context (``k8snet``), current — so ``export KUBECONFIG=<path>`` is all kubectl needs.

The file is written with mode 0600 (it holds the token), as kubectl itself writes kubeconfigs.
"""
from __future__ import annotations

import base64
import os
import tempfile

import yaml

__all__ = ["kubeconfig", "write_kubeconfig", "CONTEXT"]

CONTEXT = "k8snet"


def kubeconfig(url: str, token: str, ca_pem: bytes, namespace: str = "default") -> dict:
    """The kubeconfig document for a server at ``url`` with ``token``, trusting ``ca_pem``."""
    cluster = {"server": url, "certificate-authority-data": base64.b64encode(ca_pem).decode()}
    return {"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": CONTEXT, "cluster": cluster}],
            "users": [{"name": CONTEXT, "user": {"token": token}}],
            "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT, "namespace": namespace}}],
            "current-context": CONTEXT}


def write_kubeconfig(url: str, token: str, ca_pem: bytes, path: str | None = None) -> str:
    """Write the kubeconfig (to ``path``, or a new private temporary file); its path."""
    if path is None:
        fd, path = tempfile.mkstemp(prefix="k8snet-", suffix=".kubeconfig")
        os.close(fd)
    path = os.path.abspath(os.path.expanduser(path))
    text = yaml.safe_dump(kubeconfig(url, token, ca_pem), sort_keys=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path
