"""ServiceAccounts in the controller manager, and pods POSTed through the ServiceAccount plugin.

* The serviceaccounts controller (``pkg/controller/serviceaccount/serviceaccounts_controller.go``,
  ``DefaultServiceAccountsControllerOptions``): every active namespace holds a ServiceAccount
  ``default``; it is created when the namespace appears and again whenever it is deleted
  (``serviceAccountDeleted`` requeues its namespace).  The account carries nothing but its
  name: no labels, no ``secrets`` (token Secrets stopped with LegacyServiceAccountTokenNoAutoGeneration, 1.24).
* kube-controller-manager runs, on kubeadm, with ``--use-service-account-credentials=true``:
  each controller it starts uses an account of its own in ``kube-system``, which its client
  builder (``SAControllerClientBuilder``) creates on start.  :data:`CONTROLLER_SERVICE_ACCOUNTS`
  lists the accounts of the controllers enabled by default in v1.37 (kubeadm adds
  ``bootstrapsigner`` and ``tokencleaner`` with ``--controllers=*,bootstrapsigner,tokencleaner``),
  named as ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go`` binds them
  (``system:controller:<account>``): several controllers share one (the three CSR controllers
  use ``certificate-controller``; node-ipam, node-lifecycle and taint-eviction ``node-controller``).
  The cloud controllers (``service-controller``, ``route-controller``) do not run without
  ``--cloud-provider``; alpha and off-by-default controllers are not listed.
* A controller that creates a pod (ReplicaSet, StatefulSet, DaemonSet) POSTs it, so the
  ServiceAccount plugin runs on it; a refusal becomes the controller's ``FailedCreate`` Warning
  (``controller_utils.go`` createPods: ``Error creating: <err>``; the StatefulSet's
  ``recordPodEvent``: ``create Pod <name> in StatefulSet <set> failed error: <err>``) and the
  rest of that sync's pods are not tried (slow start stops at the first failed batch).
"""
from __future__ import annotations

import uuid

from .. import clock
from ..apiserver import serviceaccount as plugin
from .names import side_stream

__all__ = ["CONTROLLER_SERVICE_ACCOUNTS", "ServiceAccountControllers", "service_account"]

CONTROLLER_SERVICE_ACCOUNTS = (
    "attachdetach-controller", "bootstrap-signer", "certificate-controller", "clusterrole-aggregation-controller",
    "cronjob-controller", "daemon-set-controller", "deployment-controller", "disruption-controller",
    "endpoint-controller", "endpointslice-controller", "endpointslicemirroring-controller",
    "ephemeral-volume-controller", "expand-controller", "generic-garbage-collector", "horizontal-pod-autoscaler",
    "job-controller", "legacy-service-account-token-cleaner", "namespace-controller", "node-controller",
    "persistent-volume-binder", "pod-garbage-collector", "pv-protection-controller", "pvc-protection-controller",
    "replicaset-controller", "replication-controller", "resource-claim-controller", "resourcequota-controller",
    "root-ca-cert-publisher", "service-account-controller", "service-cidrs-controller", "statefulset-controller",
    "token-cleaner", "ttl-after-finished-controller", "ttl-controller", "validatingadmissionpolicy-status-controller",
    "volumeattributesclass-protection-controller",
)


def service_account(namespace: str, name: str, **meta) -> dict:
    """A ServiceAccount as its creators write it: nothing but its name (and ``meta`` extras)."""
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace, **meta}}


class ServiceAccountControllers:
    """Mixed into the Manager: the serviceaccounts controller, the controller manager's own
    accounts, and pod creation through the ServiceAccount plugin."""

    def _init_serviceaccounts(self) -> None:
        self._sa_dirty: set[str] = set()
        self._failed_creates: set[tuple[str, str, str]] = set()  # (kind, namespace, name) refused a pod
        # UIDs from a stream of their own: accounts never shift the uids (and cloud LB names) of other objects.
        self._sa_uid_rng = side_stream(self.api.rng, 1)
        self.store.watch(self._on_serviceaccount_event, kinds=("Namespace", "ServiceAccount"))
        self.extra.insert(0, self._sync_serviceaccounts)

    def _on_serviceaccount_event(self, verb: str, kind: str, old: dict | None, new: dict | None) -> None:
        if kind == "Namespace" and new is not None and old is None:
            self._sa_dirty.add(new["metadata"]["name"])
        elif kind == "ServiceAccount" and new is None and old["metadata"]["name"] == plugin.DEFAULT_SERVICE_ACCOUNT_NAME:
            self._sa_dirty.add(old["metadata"]["namespace"])
        elif kind == "ServiceAccount" and old is None and self._failed_creates:
            ns = new["metadata"]["namespace"]
            for owner_kind, owner_ns, name in sorted(self._failed_creates):
                if owner_ns == ns:  # the requeued sync may now get its pods admitted
                    self.dirty[owner_kind.lower()].add((ns, name))

    def _write_account(self, namespace: str, name: str) -> None:
        sa = service_account(namespace, name, uid=str(uuid.UUID(int=self._sa_uid_rng.getrandbits(128), version=4)),
                             creationTimestamp=clock.rfc3339(self.now))
        self.api.write(sa)

    def _sync_serviceaccounts(self) -> None:
        """serviceaccounts_controller.go syncNamespace: ``default`` in each dirty, active namespace;
        the controller manager's accounts once ``kube-system`` exists."""
        if not self._sa_dirty:  # an extra runs after every controller pass: most find nothing to do
            return
        dirty, self._sa_dirty = sorted(self._sa_dirty), set()
        for ns in dirty:
            namespace = self.store.peek("Namespace", "", ns)
            if namespace is None or namespace["metadata"].get("deletionTimestamp"):
                continue  # a terminating namespace gets no new account
            names = [plugin.DEFAULT_SERVICE_ACCOUNT_NAME]
            if ns == "kube-system" and not getattr(self, "_sa_controllers_started", False):
                self._sa_controllers_started = True
                names += CONTROLLER_SERVICE_ACCOUNTS
            for name in names:
                if self.store.peek("ServiceAccount", ns, name) is None:
                    self._write_account(ns, name)

    def _post_pod(self, owner: dict, pod: dict, component: str) -> str | None:
        """POST a controller's defaulted pod through the ServiceAccount plugin and store it; on a
        refusal record the owner's ``FailedCreate`` Warning and return the error (None when
        created).  The owner is then retried when an account appears in its namespace, as the
        controller's rate-limited requeue would retry it."""
        if self._sa_dirty:  # the plugin waits for a namespace's `default` account (getServiceAccount retries)
            self._sync_serviceaccounts()
        reason = plugin.admit_pod(pod, lambda ns, name: self.store.peek("ServiceAccount", ns, name), self.api.volume_rng)
        key = (owner["kind"], owner["metadata"]["namespace"], owner["metadata"]["name"])
        if reason is None:
            self.api.write(pod)
            self._failed_creates.discard(key)
            return None
        self._failed_creates.add(key)
        if owner["kind"] == "StatefulSet":
            err = plugin.forbidden_text(pod, reason)
            message = f"create Pod {pod['metadata']['name']} in StatefulSet {owner['metadata']['name']} failed error: {err}"
        else:  # the ReplicaSet's and DaemonSet's pods are POSTed with generateName only: the name is not made yet
            err = plugin.forbidden_text({"metadata": {"generateName": owner["metadata"]["name"] + "-"}}, reason)
            message = f"Error creating: {err}"
        self.api.record_event(owner, "Warning", "FailedCreate", message, component)
        return err
