"""The root CA certificate publisher (``pkg/controller/certificates/rootcacertpublisher/publisher.go``):
every namespace holds the ConfigMap ``kube-root-ca.crt`` whose ``ca.crt`` is the cluster CA
(kube-controller-manager's ``--root-ca-file``), annotated ``kubernetes.io/description``.  It is
created when a namespace appears, created again when deleted, and its data put back when
changed (``syncNamespace``: a ConfigMap whose data differs is updated).  Pods read it through
the ``kube-api-access-*`` volume the ServiceAccount plugin mounts.  The CA here is simulated
(:data:`k8snet.bootstrap.CLUSTER_CA_PEM`).
"""
from __future__ import annotations

import uuid

from .. import clock
from ..apiserver.store import clone
from .names import side_stream

__all__ = ["ROOT_CA_CONFIG_MAP", "DESCRIPTION", "RootCACertPublisher", "root_ca_config_map"]

ROOT_CA_CONFIG_MAP = "kube-root-ca.crt"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")


def root_ca_config_map(namespace: str, ca_pem: str) -> dict:
    """The ConfigMap publisher.go writes into ``namespace``."""
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": ROOT_CA_CONFIG_MAP, "namespace": namespace,
                         "annotations": {"kubernetes.io/description": DESCRIPTION}},
            "data": {"ca.crt": ca_pem}}


class RootCACertPublisher:
    """Mixed into the Manager: publishes ``kube-root-ca.crt`` into every namespace."""

    def _init_root_ca_publisher(self) -> None:
        from ..bootstrap import CLUSTER_CA_PEM
        self._ca_pem = CLUSTER_CA_PEM
        self._ca_dirty: set[str] = set()
        # UIDs from a stream of their own (see serviceaccounts): no other object's uid moves.
        self._ca_uid_rng = side_stream(self.api.rng, 2)
        self.store.watch(self._on_root_ca_event, kinds=("Namespace", "ConfigMap"))
        self.extra.insert(0, self._sync_root_ca)

    def _on_root_ca_event(self, verb: str, kind: str, old: dict | None, new: dict | None) -> None:
        if kind == "Namespace" and new is not None and old is None:
            self._ca_dirty.add(new["metadata"]["name"])
        elif kind == "ConfigMap" and (new or old)["metadata"]["name"] == ROOT_CA_CONFIG_MAP:
            self._ca_dirty.add((new or old)["metadata"]["namespace"])

    def _sync_root_ca(self) -> None:
        """publisher.go syncNamespace, for each namespace marked dirty."""
        if not self._ca_dirty:  # an extra runs after every controller pass: most find nothing to do
            return
        dirty, self._ca_dirty = sorted(self._ca_dirty), set()
        for ns in dirty:
            namespace = self.store.peek("Namespace", "", ns)
            if namespace is None or namespace["metadata"].get("deletionTimestamp"):
                continue
            want = root_ca_config_map(ns, self._ca_pem)
            live = self.store.peek("ConfigMap", ns, ROOT_CA_CONFIG_MAP)
            if live is None:
                want["metadata"].update(uid=str(uuid.UUID(int=self._ca_uid_rng.getrandbits(128), version=4)),
                                        creationTimestamp=clock.rfc3339(self.now))
                self.api.write(want)
            elif live.get("data") != want["data"] or (live["metadata"].get("annotations") or {}).get(
                    "kubernetes.io/description") != DESCRIPTION:
                fixed = clone(live)
                fixed["data"] = want["data"]
                fixed["metadata"]["annotations"] = {**(live["metadata"].get("annotations") or {}),
                                                    "kubernetes.io/description": DESCRIPTION}
                self.api.write(fixed)
