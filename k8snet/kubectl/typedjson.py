"""``-o json`` of an object kubectl built itself (``create deployment|namespace``, ``run``,
``expose`` with ``--dry-run=client``): kubectl prints its typed Go struct, so the fields come in
their declaration order (k8s.io/api ``core/v1/types.go``, ``apps/v1/types.go``, apimachinery
``meta/v1/types.go``), not sorted as for an object the server sent (an unstructured map).
Maps (labels, selectors) are sorted as Go sorts map keys.  A field no table names keeps the
sorted order after the known ones.
"""
from __future__ import annotations

from typing import Any

from ..gojson import marshal

__all__ = ["to_typed_json", "FIELDS"]

_META = "name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp " \
        "deletionGracePeriodSeconds labels annotations ownerReferences finalizers managedFields"
#: Each struct's fields in declaration order, and the struct a field holds (``[]`` for a list of it).
FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    **{kind: ("kind apiVersion metadata spec status", {"metadata": "ObjectMeta", "spec": spec, "status": status})
       for kind, spec, status in (("Deployment", "DeploymentSpec", ""), ("Pod", "PodSpec", ""),
                                  ("Service", "ServiceSpec", "ServiceStatus"), ("Namespace", "NamespaceSpec", ""))},
    "ObjectMeta": (_META, {}),
    "DeploymentSpec": ("replicas selector template strategy minReadySeconds revisionHistoryLimit paused "
                       "progressDeadlineSeconds", {"selector": "LabelSelector", "template": "PodTemplateSpec"}),
    "LabelSelector": ("matchLabels matchExpressions", {}),
    "PodTemplateSpec": ("metadata spec", {"metadata": "ObjectMeta", "spec": "PodSpec"}),
    "PodSpec": ("volumes initContainers containers ephemeralContainers restartPolicy terminationGracePeriodSeconds "
                "activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount "
                "automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace "
                "securityContext imagePullSecrets hostname subdomain affinity schedulerName tolerations hostAliases "
                "priorityClassName priority dnsConfig readinessGates runtimeClassName enableServiceLinks "
                "preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates "
                "resourceClaims resources", {"containers": "[]Container", "initContainers": "[]Container"}),
    "Container": ("name image command args workingDir ports envFrom env resources resizePolicy restartPolicy "
                  "volumeMounts volumeDevices livenessProbe readinessProbe startupProbe lifecycle "
                  "terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext stdin stdinOnce "
                  "tty", {"ports": "[]ContainerPort", "env": "[]EnvVar", "securityContext": "SecurityContext"}),
    "ContainerPort": ("name hostPort containerPort protocol hostIP", {}),
    "EnvVar": ("name value valueFrom", {}),
    "SecurityContext": ("capabilities privileged seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot "
                        "readOnlyRootFilesystem allowPrivilegeEscalation procMount seccompProfile appArmorProfile", {}),
    "ServiceSpec": ("ports selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP "
                    "loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort "
                    "publishNotReadyAddresses sessionAffinityConfig ipFamilies ipFamilyPolicy "
                    "allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution",
                    {"ports": "[]ServicePort"}),
    "ServicePort": ("name protocol appProtocol port targetPort nodePort", {}),
    "ServiceStatus": ("loadBalancer conditions", {}),
    "NamespaceSpec": ("finalizers", {}),
}


def _emit(value: Any, struct: str | None, indent: str, level: int) -> str:
    if struct and struct.startswith("[]") and isinstance(value, list) and value:
        pad, inner = "\n" + indent * level, "\n" + indent * (level + 1)
        return "[" + ",".join(inner + _emit(v, struct[2:], indent, level + 1) for v in value) + pad + "]"
    if struct is None or struct not in FIELDS or not isinstance(value, dict) or not value:
        return marshal(value, indent, level)  # scalars, lists, maps: Go's encoding, map keys sorted
    names, holds = FIELDS[struct]
    order = names.split()
    keys = [k for k in order if k in value] + sorted(k for k in value if k not in order)
    pad, inner = "\n" + indent * level, "\n" + indent * (level + 1)
    return "{" + ",".join(f"{inner}{marshal(k)}: {_emit(value[k], holds.get(k), indent, level + 1)}"
                          for k in keys) + pad + "}"


def to_typed_json(obj: dict) -> str:
    """``-o json`` of ``obj`` as kubectl prints the typed object it built (4-space indent)."""
    return _emit(obj, obj.get("kind"), "    ", 0) + "\n"
