"""Decoding errors: what the API server answers before validation even starts, when a field is
unknown or has the wrong JSON type (kubectl asks for strict field validation by default since
1.27, so unknown fields are errors, not warnings)::

    Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].targetport"
    Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32

kubectl prefixes these with ``Error from server (BadRequest): error when creating "svc.yaml": ``.
The unknown-field paths carry list indices; the type error's path does not (that is Go's
``encoding/json``).  A type error wins: it is the only one reported (the first met).  Fields
are met in sorted order, because kubectl turns YAML into JSON through a map.

Scope: the kinds k8snet serves.  The structs a networking course touches are declared field by
field below, *all* their fields (a test checks each against the Kubernetes 1.37 OpenAPI
schema), so a real field is never called unknown; the structs k8snet does not model (volumes,
affinity, security contexts, ...) are accepted whole (``any``).  Gateway API kinds use their
CRD schema (:mod:`.validation.gateway`); their type errors are validation errors, reported by
:func:`.validation.validate`.
"""
from __future__ import annotations

from typing import Any, Mapping

from .validation import CRD_KINDS, crd_schema

__all__ = ["unknown_fields", "type_errors", "decode_error", "strict_decoding_error", "without_nulls", "STRUCTS",
           "KINDS"]

# Each struct: its Go name and its JSON fields.  A field's type is one of
#   str i32 i64 bool intstr qty any map (map[string]string) []str
#   Name (another struct)  [Name] (a list of it)
#   ~Name (a struct k8snet does not model: it must be a JSON object, its fields are not checked)
# Written as "field:type" ("field" alone means a string).
_SPEC = {
    # metav1
    "ObjectMeta": "annotations:map creationTimestamp deletionGracePeriodSeconds:i64 deletionTimestamp "
                  "finalizers:[]str generateName generation:i64 labels:map managedFields:[~ManagedFieldsEntry] name namespace "
                  "ownerReferences:[~OwnerReference] resourceVersion selfLink uid",
    "LabelSelector": "matchExpressions:[LabelSelectorRequirement] matchLabels:map",
    "LabelSelectorRequirement": "key operator values:[]str",
    # core/v1
    "Namespace": "apiVersion kind metadata:ObjectMeta spec:NamespaceSpec status:~NamespaceStatus",
    "NamespaceSpec": "finalizers:[]str",
    "Node": "apiVersion kind metadata:ObjectMeta spec:NodeSpec status:~NodeStatus",
    "NodeSpec": "configSource:~NodeConfigSource externalID podCIDR podCIDRs:[]str podPreemptionPolicy:~NodePodPreemptionPolicy "
                "providerID taints:[~Taint] unschedulable:bool",
    "ConfigMap": "apiVersion binaryData:map data:map immutable:bool kind metadata:ObjectMeta",
    "PodDisruptionBudget": "apiVersion kind metadata:ObjectMeta spec:PodDisruptionBudgetSpec status:any",
    "PodDisruptionBudgetSpec": "maxUnavailable:intstr minAvailable:intstr selector:LabelSelector "
                               "unhealthyPodEvictionPolicy",
    "Secret": "apiVersion data:map immutable:bool kind metadata:ObjectMeta stringData:map type",
    "ServiceAccount": "apiVersion automountServiceAccountToken:bool imagePullSecrets:[~LocalObjectReference] kind "
                      "metadata:ObjectMeta secrets:[~ObjectReference]",
    # coordination/v1: the kubelet's node heartbeat (kube-node-lease)
    "Lease": "apiVersion kind metadata:ObjectMeta spec:LeaseSpec",
    "LeaseSpec": "acquireTime holderIdentity leaseDurationSeconds:i32 leaseTransitions:i32 preferredHolder "
                 "renewTime strategy",
    "Service": "apiVersion kind metadata:ObjectMeta spec:ServiceSpec status:~ServiceStatus",
    "ServiceSpec": "allocateLoadBalancerNodePorts:bool clusterIP clusterIPs:[]str externalIPs:[]str externalName "
                   "externalTrafficPolicy healthCheckNodePort:i32 internalTrafficPolicy ipFamilies:[]str "
                   "ipFamilyPolicy loadBalancerClass loadBalancerIP loadBalancerSourceRanges:[]str "
                   "ports:[ServicePort] publishNotReadyAddresses:bool selector:map sessionAffinity "
                   "sessionAffinityConfig:SessionAffinityConfig trafficDistribution type",
    "ServicePort": "appProtocol name nodePort:i32 port:i32 protocol targetPort:intstr",
    "SessionAffinityConfig": "clientIP:ClientIPConfig",
    "ClientIPConfig": "timeoutSeconds:i32",
    "Endpoints": "apiVersion kind metadata:ObjectMeta subsets:[EndpointSubset]",
    "EndpointSubset": "addresses:[EndpointAddress] notReadyAddresses:[EndpointAddress] ports:[CoreEndpointPort]",
    "EndpointAddress": "hostname ip nodeName targetRef:~ObjectReference",
    "CoreEndpointPort": "appProtocol name port:i32 protocol",
    "Pod": "apiVersion kind metadata:ObjectMeta spec:PodSpec status:~PodStatus",
    "PodTemplateSpec": "metadata:ObjectMeta spec:PodSpec",
    "PodSpec": "activeDeadlineSeconds:i64 affinity:~Affinity automountServiceAccountToken:bool containers:[Container] "
               "dnsConfig:PodDNSConfig dnsPolicy enableServiceLinks:bool ephemeralContainers:[~EphemeralContainer] hostAliases:[~HostAlias] "
               "evictionResponders:[~EvictionResponder] hostIPC:bool hostNetwork:bool hostPID:bool hostUsers:bool hostname "
               "hostnameOverride imagePullSecrets:[~LocalObjectReference] "
               "initContainers:[Container] nodeName nodeSelector:map os:~PodOS overhead:~ResourceList preemptionPolicy "
               "priority:i32 priorityClassName readinessGates:[~PodReadinessGate] resourceClaims:[~PodResourceClaim] resources:~ResourceRequirements restartPolicy "
               "runtimeClassName schedulerName schedulingGates:[~PodSchedulingGate] schedulingGroup:~PodSchedulingGroup securityContext:~PodSecurityContext serviceAccount "
               "serviceAccountName setHostnameAsFQDN:bool shareProcessNamespace:bool subdomain "
               "terminationGracePeriodSeconds:i64 tolerations:[~Toleration] topologySpreadConstraints:[~TopologySpreadConstraint] volumes:[~Volume]",
    "Container": "args:[]str command:[]str env:[EnvVar] envFrom:[~EnvFromSource] image imagePullPolicy lifecycle:~Lifecycle "
                 "livenessProbe:Probe name ports:[ContainerPort] readinessProbe:Probe resizePolicy:[~ContainerResizePolicy] "
                 "resources:~ResourceRequirements restartPolicy restartPolicyRules:[~ContainerRestartRule] securityContext:~SecurityContext startupProbe:Probe stdin:bool stdinOnce:bool "
                 "terminationMessagePath terminationMessagePolicy tty:bool volumeDevices:[~VolumeDevice] volumeMounts:[~VolumeMount] workingDir",
    "ContainerPort": "containerPort:i32 hostIP hostPort:i32 name protocol",
    "EnvVar": "name value valueFrom:~EnvVarSource",
    "Probe": "exec:ExecAction failureThreshold:i32 grpc:~GRPCAction httpGet:HTTPGetAction initialDelaySeconds:i32 "
             "periodSeconds:i32 successThreshold:i32 tcpSocket:TCPSocketAction terminationGracePeriodSeconds:i64 "
             "timeoutSeconds:i32",
    "ExecAction": "command:[]str",
    "HTTPGetAction": "host httpHeaders:[~HTTPHeader] path port:intstr protocol scheme",
    "TCPSocketAction": "host port:intstr",
    "PodDNSConfig": "nameservers:[]str options:[PodDNSConfigOption] searches:[]str",
    "PodDNSConfigOption": "name value",
    # apps/v1
    "Deployment": "apiVersion kind metadata:ObjectMeta spec:DeploymentSpec status:~DeploymentStatus",
    "DeploymentSpec": "minReadySeconds:i32 paused:bool progressDeadlineSeconds:i32 replicas:i32 "
                      "revisionHistoryLimit:i32 selector:LabelSelector strategy:DeploymentStrategy template:PodTemplateSpec",
    "DeploymentStrategy": "rollingUpdate:RollingUpdateDeployment type",
    "RollingUpdateDeployment": "maxSurge:intstr maxUnavailable:intstr",
    "ReplicaSet": "apiVersion kind metadata:ObjectMeta spec:ReplicaSetSpec status:~ReplicaSetStatus",
    "ReplicaSetSpec": "minReadySeconds:i32 replicas:i32 selector:LabelSelector template:PodTemplateSpec",
    "StatefulSet": "apiVersion kind metadata:ObjectMeta spec:StatefulSetSpec status:~StatefulSetStatus",
    "StatefulSetSpec": "minReadySeconds:i32 ordinals:~StatefulSetOrdinals persistentVolumeClaimRetentionPolicy:~StatefulSetPersistentVolumeClaimRetentionPolicy "
                       "podManagementPolicy replicas:i32 revisionHistoryLimit:i32 selector:LabelSelector serviceName "
                       "template:PodTemplateSpec updateStrategy:StatefulSetUpdateStrategy volumeClaimTemplates:[~PersistentVolumeClaim]",
    "StatefulSetUpdateStrategy": "rollingUpdate:~RollingUpdateStatefulSetStrategy type",
    "DaemonSet": "apiVersion kind metadata:ObjectMeta spec:DaemonSetSpec status:~DaemonSetStatus",
    "DaemonSetUpdateStrategy": "rollingUpdate:RollingUpdateDaemonSet type",
    "RollingUpdateDaemonSet": "maxSurge:intstr maxUnavailable:intstr",
    "DaemonSetSpec": "minReadySeconds:i32 revisionHistoryLimit:i32 selector:LabelSelector template:PodTemplateSpec "
                     "updateStrategy:DaemonSetUpdateStrategy",
    # discovery/v1
    "EndpointSlice": "addressType apiVersion endpoints:[Endpoint] kind metadata:ObjectMeta ports:[EndpointPort]",
    "Endpoint": "addresses:[]str conditions:EndpointConditions deprecatedTopology:map hints:EndpointHints hostname nodeName "
                "targetRef:~ObjectReference zone",
    "EndpointHints": "forNodes:[ForNode] forZones:[ForZone]",
    "ForNode": "name",
    "ForZone": "name",
    "EndpointConditions": "ready:bool serving:bool terminating:bool",
    "EndpointPort": "appProtocol name port:i32 protocol",
    # networking/v1
    "Ingress": "apiVersion kind metadata:ObjectMeta spec:IngressSpec status:~IngressStatus",
    "IngressSpec": "defaultBackend:IngressBackend ingressClassName rules:[IngressRule] tls:[IngressTLS]",
    "IngressRule": "host http:HTTPIngressRuleValue",
    "HTTPIngressRuleValue": "paths:[HTTPIngressPath]",
    "HTTPIngressPath": "backend:IngressBackend path pathType",
    "IngressBackend": "resource:~TypedLocalObjectReference service:IngressServiceBackend",
    "IngressServiceBackend": "name port:ServiceBackendPort",
    "ServiceBackendPort": "name number:i32",
    "IngressTLS": "hosts:[]str secretName",
    "IngressClass": "apiVersion kind metadata:ObjectMeta spec:IngressClassSpec",
    "IngressClassSpec": "controller parameters:IngressClassParametersReference",
    "IngressClassParametersReference": "apiGroup kind name namespace scope",
    "NetworkPolicy": "apiVersion kind metadata:ObjectMeta spec:NetworkPolicySpec",
    "NetworkPolicySpec": "egress:[NetworkPolicyEgressRule] ingress:[NetworkPolicyIngressRule] "
                         "podSelector:LabelSelector policyTypes:[]str",
    "NetworkPolicyIngressRule": "from:[NetworkPolicyPeer] ports:[NetworkPolicyPort]",
    "NetworkPolicyEgressRule": "ports:[NetworkPolicyPort] to:[NetworkPolicyPeer]",
    "NetworkPolicyPeer": "ipBlock:IPBlock namespaceSelector:LabelSelector podSelector:LabelSelector",
    "NetworkPolicyPort": "endPort:i32 port:intstr protocol",
    "IPBlock": "cidr except:[]str",
}

#: Go type names that differ from the key above (two structs named EndpointPort in Go).
_GO_NAME = {"CoreEndpointPort": "EndpointPort"}


def _parse(spec: str) -> dict[str, str]:
    out = {}
    for item in spec.split():
        name, _, typ = item.partition(":")
        out[name] = typ or "str"
    return out


#: The parsed structs: {struct: {json field: type}}.
STRUCTS: dict[str, dict[str, str]] = {name: _parse(spec) for name, spec in _SPEC.items()}
#: The kinds with a declared top-level struct.
KINDS = ("Namespace", "Node", "ConfigMap", "Secret", "ServiceAccount", "Service", "Endpoints", "Pod", "Deployment", "ReplicaSet",
         "StatefulSet", "DaemonSet", "EndpointSlice", "Ingress", "IngressClass", "NetworkPolicy",
         "PodDisruptionBudget", "Lease")
_API_VERSION = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
                "EndpointSlice": "discovery.k8s.io/v1", "Ingress": "networking.k8s.io/v1",
                "IngressClass": "networking.k8s.io/v1", "NetworkPolicy": "networking.k8s.io/v1",
                "PodDisruptionBudget": "policy/v1", "Lease": "coordination.k8s.io/v1"}

_SCALARS = {"str": "string", "i32": "int32", "i64": "int64", "bool": "bool"}


def _go_type(typ: str) -> str:
    if typ in _SCALARS:
        return _SCALARS[typ]
    if typ == "map":
        return "map[string]string"
    if typ == "[]str":
        return "[]string"
    if typ == "intstr":
        return "intstr.IntOrString"
    if typ.startswith("["):
        return "[]" + _go_type(typ[1:-1])
    return "v1." + _GO_NAME.get(typ.lstrip("~"), typ.lstrip("~"))


def _json_kind(v: Any) -> str:
    """How encoding/json names a JSON value in an UnmarshalTypeError."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(v), "object")


def _scalar_error(typ: str, v: Any) -> str | None:
    """The UnmarshalTypeError value for a wrong scalar, or None when ``v`` fits."""
    if v is None:
        return None  # null leaves the zero value
    if typ == "str":
        return None if isinstance(v, str) else _json_kind(v)
    if typ == "bool":
        return None if isinstance(v, bool) else _json_kind(v)
    if typ in ("i32", "i64"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return _json_kind(v)
        bits = 32 if typ == "i32" else 64
        if isinstance(v, float) or not -(2 ** (bits - 1)) <= v < 2 ** (bits - 1):
            return f"number {v}"
    return None


class _Decoder:
    """Walks an object like the API server's JSON decoder, collecting both kinds of error."""

    def __init__(self) -> None:
        self.unknown: list[str] = []
        self.type_errors: list[str] = []

    def type_error(self, value: str, struct: str, stack: list[str], typ: str) -> None:
        field = ".".join(stack)
        self.type_errors.append(f"json: cannot unmarshal {value} into Go struct field "
                                f"{_GO_NAME.get(struct, struct)}.{field} of type {_go_type(typ)}")

    def value(self, typ: str, v: Any, path: str, struct: str, stack: list[str]) -> None:
        if typ == "any" or v is None:
            return
        if typ in ("str", "bool", "i32", "i64"):
            bad = _scalar_error(typ, v)
            if bad:
                self.type_error(bad, struct, stack, typ)
        elif typ == "intstr":
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                # IntOrString.UnmarshalJSON decodes non-strings into an int32 itself.
                kind = f"number {v}" if isinstance(v, float) else _json_kind(v)
                self.type_errors.append(f"json: cannot unmarshal {kind} into Go value of type int32")
        elif typ == "map":
            if not isinstance(v, dict):
                self.type_error(_json_kind(v), struct, stack, typ)
                return
            for k in sorted(v):
                bad = _scalar_error("str", v[k])
                if bad:
                    self.type_error(bad, struct, stack, "str")
        elif typ.startswith("~"):
            if not isinstance(v, dict):
                self.type_error(_json_kind(v), struct, stack, typ)
        elif typ.startswith("["):
            if not isinstance(v, list):
                self.type_error(_json_kind(v), struct, stack, typ)
                return
            elem = "str" if typ == "[]str" else typ[1:-1]
            for i, item in enumerate(v):
                self.value(elem, item, f"{path}[{i}]", struct, stack)
        else:
            self.struct(typ, v, path, struct, stack)

    def struct(self, name: str, v: Any, path: str, parent: str, stack: list[str]) -> None:
        if not isinstance(v, dict):
            self.type_error(_json_kind(v), parent, stack, name)
            return
        fields = STRUCTS[name]
        for k in sorted(v):
            child = f"{path}.{k}" if path else k
            if k not in fields:
                self.unknown.append(child)
            else:
                self.value(fields[k], v[k], child, name, stack + [k])


def _decode(obj: Mapping) -> _Decoder:
    d = _Decoder()
    kind = obj.get("kind", "")
    if kind in KINDS:
        d.struct(kind, obj, "", kind, [])
    elif kind in CRD_KINDS:
        from .validation.crd import unknown_fields
        for k in sorted(obj):
            if k == "metadata":
                d.value("ObjectMeta", obj[k], "metadata", kind, ["metadata"])
            elif k == "spec":
                d.unknown += unknown_fields(crd_schema(kind).props["spec"], obj[k], "spec")
            elif k not in ("apiVersion", "kind", "status"):
                d.unknown.append(k)
    elif "metadata" in obj:  # any other kind: its ObjectMeta is still decoded by the same rules
        d.value("ObjectMeta", obj["metadata"], "metadata", kind, ["metadata"])
    return d


_ZERO = {"str": "", "i32": 0, "i64": 0, "bool": False, "intstr": 0, "map": {}}


def _zero(typ: str):
    """Go's zero value of a field type, as the JSON an omitted field reads back as."""
    if typ in _ZERO:
        return _ZERO[typ]
    if typ.startswith("[") or typ == "any":
        return None
    return {}  # a struct (modelled or not)


def _without_nulls(typ: str, v: Any) -> Any:
    if isinstance(v, dict) and typ.lstrip("~") in STRUCTS:
        fields = STRUCTS[typ.lstrip("~")]
        return {k: _without_nulls(fields.get(k, "any"), x) for k, x in v.items() if x is not None}
    if isinstance(v, list) and typ.startswith("[") and typ != "[]str":
        elem = typ[1:-1]
        return [_zero(elem) if x is None else _without_nulls(elem, x) for x in v]
    if isinstance(v, list) and typ == "[]str":
        return ["" if x is None else x for x in v]
    if isinstance(v, dict) and typ == "map":
        return {k: "" if x is None else x for k, x in v.items()}
    return v


def without_nulls(obj: Mapping) -> dict:
    """``obj`` as encoding/json leaves it in the Go struct and the API server writes it back:
    a ``null`` field keeps its zero value (left out, as an omitted field), a ``null`` element
    of a list of structs is the zero struct, of a list of strings the empty string
    (``"metadata": null`` is an empty ObjectMeta, ``ports: [null]`` one ServicePort{} that
    validation then refuses).  Kinds without a declared struct come back as they are."""
    kind = obj.get("kind", "")
    if kind not in KINDS:
        out = dict(obj)
        if out.get("metadata", 0) is None:
            out.pop("metadata")
        return out
    return _without_nulls(kind, obj)


def unknown_fields(obj: Mapping) -> list[str]:
    """The paths strict field validation rejects (``spec.replica``, ``spec.ports[0].targetport``),
    in the order the API server lists them."""
    return _decode(obj).unknown


def type_errors(obj: Mapping) -> list[str]:
    """Every ``json: cannot unmarshal ...`` message for ``obj`` (the API server shows the first)."""
    return _decode(obj).type_errors


def strict_decoding_error(paths: list[str]) -> str:
    """``strict decoding error: unknown field "a", unknown field "b"``."""
    return "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in paths)


def decode_error(obj: Mapping) -> str | None:
    """The API server's BadRequest text for ``obj``, or None when it decodes cleanly:
    ``Service in version "v1" cannot be handled as a Service: <reason>``."""
    d = _decode(obj)
    if not d.type_errors and not d.unknown:
        return None
    kind = obj.get("kind", "")
    version = str(obj.get("apiVersion") or _API_VERSION.get(kind, "v1")).rpartition("/")[2]
    reason = d.type_errors[0] if d.type_errors else strict_decoding_error(d.unknown)
    return f'{kind} in version "{version}" cannot be handled as a {kind}: {reason}'
