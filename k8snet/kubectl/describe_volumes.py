"""The ``Volumes:`` section of ``kubectl describe`` for pods and pod templates (kubectl
``pkg/describe/describe.go`` printVolumes: printHostPathVolumeSource, printConfigMapVolumeSource,
printProjectedVolumeSource).  The projected volume every pod gets from the ServiceAccount
admission plugin (``kube-api-access-*``) prints its token lifetime, ConfigMap and downward API."""
from __future__ import annotations

from .describe_common import PrefixWriter

__all__ = ["describe_volumes"]


def describe_volumes(w: PrefixWriter, volumes: list, space: str) -> None:
    """describe.go printVolumes: each volume's name and its source (``Volumes: <none>`` when none);
    ``space`` indents a pod template's."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for vol in volumes:
        w.write(1, f"{' ' if space else ''}{vol.get('name')}:\n")
        # describe.go printHostPathVolumeSource / printConfigMapVolumeSource (a missing hostPath type
        # is the API server's default, HostPathUnset "").
        if vol.get("hostPath") is not None:
            hp = vol["hostPath"]
            w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{hp.get('path', '')}\n"
                       f"    HostPathType:\t{hp.get('type', '')}\n")
        elif vol.get("configMap") is not None:
            cm = vol["configMap"]
            w.write(2, f"Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{cm.get('name', '')}\n"
                       f"    Optional:\t{'true' if cm.get('optional') else 'false'}\n")
        elif vol.get("projected") is not None:  # describe.go printProjectedVolumeSource (Optional is a *bool)
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for src in vol["projected"].get("sources") or []:
                if src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name', '')}\n    SecretOptionalName:\t"
                               f"{_go_ptr(src['secret'].get('optional'))}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif src.get("configMap") is not None:
                    # kubectl v1.37 prints `Optional: false` here (measured against the real binary).
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n    Optional:\t"
                               f"{'true' if src['configMap'].get('optional') else 'false'}\n")
                elif src.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3600)}\n")


def _go_ptr(value) -> str:
    """A Go ``*bool`` printed with %v: ``<nil>`` when unset."""
    return "<nil>" if value is None else str(bool(value)).lower()
