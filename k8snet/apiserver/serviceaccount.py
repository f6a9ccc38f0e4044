"""The ServiceAccount admission plugin (``plugin/pkg/admission/serviceaccount/admission.go``,
Kubernetes v1.37), which every kubeadm API server runs on each Pod it creates:

1. ``spec.serviceAccountName`` empty: it becomes ``default`` (``DefaultServiceAccountName``);
2. the named ServiceAccount must exist in the pod's namespace, else the pod is refused
   (Forbidden: ``error looking up service account NS/NAME: serviceaccount "NAME" not found``);
   upstream retries the ``default`` account a few times, since its controller creates it right
   after the namespace -- here the controllers have always run by then;
3. unless the pod (``spec.automountServiceAccountToken``), else the account, says ``false``
   (``shouldAutomount``), every init and app container without a mount at
   ``/var/run/secrets/kubernetes.io/serviceaccount`` gets one of the projected volume
   ``kube-api-access-<5 random characters>`` (``mountServiceAccountToken``); the volume is
   ``TokenVolumeSource()``: a bound token (``expirationSeconds: 3607``, the warn-only
   lifetime of ``serviceaccount.WarnOnlyBoundTokenExpirationSeconds``), ``ca.crt`` from the
   ConfigMap ``kube-root-ca.crt`` and the ``namespace`` from the downward API, ``defaultMode: 420``;
4. a pod without ``imagePullSecrets`` takes the account's.

Mirror pods (annotation ``kubernetes.io/config.mirror``) are left alone but may not name an
account.  Only creates are admitted; updates never pass through here.
"""
from __future__ import annotations

import random
from typing import Any, Callable

from ..controllers.names import generate_name

__all__ = ["DEFAULT_SERVICE_ACCOUNT_NAME", "DEFAULT_API_TOKEN_MOUNT_PATH", "SERVICE_ACCOUNT_VOLUME_NAME",
           "TOKEN_EXPIRATION_SECONDS", "token_volume_source", "admit_pod", "forbidden_text"]

DEFAULT_SERVICE_ACCOUNT_NAME = "default"
DEFAULT_API_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
SERVICE_ACCOUNT_VOLUME_NAME = "kube-api-access"
#: pkg/serviceaccount WarnOnlyBoundTokenExpirationSeconds: 1 hour + 7 seconds.
TOKEN_EXPIRATION_SECONDS = 3607
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def token_volume_source() -> dict:
    """admission.go TokenVolumeSource(): the projected volume every automounting pod gets."""
    return {"defaultMode": 420,  # explicitly set (kubernetes#104464): corev1.ProjectedVolumeSourceDefaultMode
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace",
                                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ]}


def forbidden_text(pod: dict, reason: str) -> str:
    """admission.NewForbidden: ``pods "NAME" is forbidden: REASON``; before the registry
    generates a name, the ``generateName`` prefix stands for it (errors.go extractResourceName)."""
    meta = pod.get("metadata") or {}
    name = meta.get("name") or meta.get("generateName") or "Unknown"
    return f'pods "{name}" is forbidden: {reason}'


def _dicts(items: Any) -> list[dict]:
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []


def _should_automount(sa: dict, spec: dict) -> bool:
    """admission.go shouldAutomount: the pod's preference wins, then the account's, else true."""
    if isinstance(spec.get("automountServiceAccountToken"), bool):
        return spec["automountServiceAccountToken"]
    if isinstance(sa.get("automountServiceAccountToken"), bool):
        return sa["automountServiceAccountToken"]
    return True


def _mount_token(spec: dict, rng: random.Random) -> None:
    """admission.go mountServiceAccountToken (in place)."""
    volumes = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    existing = next((v.get("name") for v in _dicts(volumes)
                     if str(v.get("name", "")).startswith(SERVICE_ACCOUNT_VOLUME_NAME + "-")), None)
    name = existing or generate_name(SERVICE_ACCOUNT_VOLUME_NAME + "-", rng)
    mount = {"name": name, "readOnly": True, "mountPath": DEFAULT_API_TOKEN_MOUNT_PATH}
    needed = False
    for key in ("initContainers", "containers"):
        for c in _dicts(spec.get(key)):
            mounts = c.get("volumeMounts")
            if mounts is not None and not isinstance(mounts, list):
                continue  # a wrongly typed field is validation's to report
            if any(m.get("mountPath") == DEFAULT_API_TOKEN_MOUNT_PATH for m in _dicts(mounts)):
                continue  # existing mounts at the default path prevent the token's
            c["volumeMounts"] = [*(mounts or []), dict(mount)]
            needed = True
    if existing is None and needed:
        spec["volumes"] = [*volumes, {"name": name, "projected": token_volume_source()}]


def admit_pod(pod: dict, lookup: Callable[[str, str], dict | None], rng: random.Random) -> str | None:
    """Run the plugin on a new, defaulted pod, in place.  ``lookup(namespace, name)`` finds a
    ServiceAccount.  Returns None when admitted, else the reason it is Forbidden (see
    :func:`forbidden_text`); nothing is changed then."""
    spec = pod.get("spec")
    meta = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
    if not isinstance(spec, dict):
        return None  # validation reports it
    if MIRROR_POD_ANNOTATION in (meta.get("annotations") or {}):
        return "a mirror pod may not reference service accounts" if spec.get("serviceAccountName") else None
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = DEFAULT_SERVICE_ACCOUNT_NAME
    name = spec["serviceAccountName"]
    if not isinstance(name, str):
        return None  # a wrongly typed name is the decoder's error
    # The v1 conversion keeps the deprecated field equal to the name (Convert_core_PodSpec_To_v1_PodSpec).
    spec["serviceAccount"] = name
    namespace = meta.get("namespace") or "default"
    sa = lookup(namespace, name)
    if sa is None:
        return f'error looking up service account {namespace}/{name}: serviceaccount "{name}" not found'
    if _should_automount(sa, spec):
        _mount_token(spec, rng)
    if not spec.get("imagePullSecrets") and sa.get("imagePullSecrets"):
        spec["imagePullSecrets"] = [{"name": s.get("name", "")} for s in _dicts(sa["imagePullSecrets"])]
    return None
