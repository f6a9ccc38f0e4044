"""Pod and apps/v1 validation rows (pkg/apis/core/validation/validation.go ValidatePodSpec,
pkg/apis/apps/validation/validation.go, pkg/registry/apps/*/strategy.go; Kubernetes 1.33)."""
from __future__ import annotations

import pytest

from .objects import container, errors_of, pod, template, with_changes, workload
from .test_validation_service import DNS1123_LABEL

DNS1123_SUB = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
               "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
               "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
C0 = "spec.containers[0]"
T0 = "spec.template.spec.containers[0]"

POD_ROWS = [
    ("valid", pod(), [], "ValidatePodCreate"),
    ("name-uppercase", {**pod(), "metadata": {"name": "Web", "namespace": "default"}},
     [f'metadata.name: Invalid value: "Web": {DNS1123_SUB}'], "ValidatePodName = NameIsDNSSubdomain"),
    ("namespace-missing", {**pod(), "metadata": {"name": "web"}}, ["metadata.namespace: Required value"],
     "ValidateObjectMetaAccessor: requiresNamespace"),
    ("containers-required", pod(containers=[]), ["spec.containers: Required value"], "validateContainers"),
    ("container-name-required", pod(containers=[{"image": "nginx"}]), [f"{C0}.name: Required value"],
     "validateContainerCommon"),
    ("container-image-required", pod(containers=[{"name": "web"}]), [f"{C0}.image: Required value"],
     "validateContainerCommon"),
    ("container-name-invalid", pod(containers=[container("Web")]), [f'{C0}.name: Invalid value: "Web": {DNS1123_LABEL}'],
     "validateContainerCommon: ValidateDNS1123Label"),
    ("container-name-duplicate", pod(containers=[container(), container()]),
     ['spec.containers[1].name: Duplicate value: "web"'], "validateContainers: allNames"),
    ("container-port-zero", pod(containers=[container(ports=[{"containerPort": 0}])]),
     [f"{C0}.ports[0].containerPort: Required value"], "validateContainerPorts"),
    ("container-port-range", pod(containers=[container(ports=[{"containerPort": 80800}])]),
     [f"{C0}.ports[0].containerPort: Invalid value: 80800: must be between 1 and 65535, inclusive"],
     "validateContainerPorts: IsValidPortNum"),
    ("container-port-name-long", pod(containers=[container(ports=[{"name": "http-metrics-port", "containerPort": 9090}])]),
     [f'{C0}.ports[0].name: Invalid value: "http-metrics-port": must be no more than 15 characters'],
     "validateContainerPorts: IsValidPortName"),
    ("container-port-name-duplicate", pod(containers=[container(ports=[{"name": "http", "containerPort": 80},
                                                                       {"name": "http", "containerPort": 8080}])]),
     [f'{C0}.ports[1].name: Duplicate value: "http"'], "validateContainerPorts: allNames"),
    ("container-port-protocol", pod(containers=[container(ports=[{"containerPort": 80, "protocol": "HTTP"}])]),
     [f'{C0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
     "validateContainerPorts: supportedPortProtocols"),
    ("restart-policy", pod(restartPolicy="Sometimes"),
     ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
     "validateRestartPolicy"),
    ("dns-policy", pod(dnsPolicy="ClusterFirstt"),
     ['spec.dnsPolicy: Unsupported value: "ClusterFirstt": supported values: '
      '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'], "validateDNSPolicy"),
    ("dns-none-needs-config", pod(dnsPolicy="None"),
     ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"], "validatePodDNSConfig"),
    ("dns-config-bad-nameserver", pod(dnsConfig={"nameservers": ["1.1.1"]}),
     ['spec.dnsConfig.nameservers[0]: Invalid value: "1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
     "validatePodDNSConfig -> IsValidIP"),
    ("hostname-invalid", pod(hostname="web_1"), [f'spec.hostname: Invalid value: "web_1": {DNS1123_LABEL}'],
     "ValidatePodSpec: ValidateDNS1123Label(hostname)"),
    ("probe-without-handler", pod(containers=[container(livenessProbe={"periodSeconds": 5})]),
     [f"{C0}.livenessProbe: Required value: must specify a handler type"], "validateHandler"),
    ("probe-named-port-invalid", pod(containers=[container(readinessProbe={"httpGet": {"port": "http_port"}})]),
     [f'{C0}.readinessProbe.httpGet.port: Invalid value: "http_port": must contain only alpha-numeric '
      "characters (a-z, 0-9), and hyphens (-)"], "validateHTTPGetAction -> ValidatePortNumOrName"),
    ("probe-two-handlers", pod(containers=[container(readinessProbe={"tcpSocket": {"port": 80}, "exec": {"command": ["true"]}})]),
     [f"{C0}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"], "validateHandler"),
    ("liveness-success-threshold", pod(containers=[container(livenessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2})]),
     [f"{C0}.livenessProbe.successThreshold: Invalid value: 2: must be 1"], "validateLivenessProbe"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in POD_ROWS], ids=[r[0] for r in POD_ROWS])
def test_validate_pod(obj, want, rule):
    assert errors_of(obj) == want, rule


MISMATCH = ('spec.template.metadata.labels: Invalid value: {"app":"web"}: '
            "`selector` does not match template `labels`")
APPS_ROWS = [
    ("deploy-valid", workload(), [], "ValidateDeployment"),
    ("deploy-no-selector", workload(selector=None), ["spec.selector: Required value", MISMATCH],
     "ValidateDeploymentSpec: a nil selector is labels.Nothing(), so the template check fails too"),
    ("deploy-selector-mismatch", workload(selector={"matchLabels": {"app": "frontend"}}), [MISMATCH],
     "ValidatePodTemplateSpecForReplicaSet"),
    ("deploy-template-no-labels", workload(template=template(labels={})),
     ["spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`"],
     "ValidatePodTemplateSpecForReplicaSet"),
    ("deploy-empty-selector", workload(selector={}),
     ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"],
     "ValidateDeploymentSpec: empty selector"),
    ("deploy-bad-operator", workload(selector={"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}),
     ['spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
      'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Equals","values":["web"]}]}: '
      'invalid label selector'],
     "ValidateLabelSelector + LabelSelectorAsSelector error"),
    ("deploy-in-without-values", workload(selector={"matchExpressions": [{"key": "app", "operator": "In"}]}),
     ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In"}]}: invalid label selector'], "ValidateLabelSelectorRequirement"),
    ("deploy-negative-replicas", workload(replicas=-1),
     ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"], "ValidateNonnegativeField(replicas)"),
    ("deploy-surge-and-unavailable-zero", workload(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: '
      "may not be 0 when `maxSurge` is 0"], "ValidateRollingUpdateDeployment"),
    ("deploy-unavailable-over-100", workload(strategy={"rollingUpdate": {"maxUnavailable": "110%"}}),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": '
      "must not be greater than 100%"], "IsNotMoreThan100Percent"),
    ("deploy-surge-not-percent", workload(strategy={"rollingUpdate": {"maxSurge": "25"}}),
     ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "25": '
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
      "regex used for validation is '[0-9]+%')"], "ValidatePositiveIntOrPercent -> IsValidPercent"),
    ("deploy-strategy-type", workload(strategy={"type": "Rolling"}),
     ['spec.strategy: Unsupported value: {"Type":"Rolling","RollingUpdate":null}: '
      'supported values: "Recreate", "RollingUpdate"'],
     "ValidateDeploymentStrategy"),
    ("deploy-recreate-with-rolling", workload(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}),
     ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
     "ValidateDeploymentStrategy"),
    ("deploy-image-required", workload(template=template(containers=[{"name": "web"}])),
     [f"{T0}.image: Required value"], "ValidatePodTemplateSpec -> validateContainerCommon"),
    ("deploy-container-port", workload(template=template(containers=[container(ports=[{"containerPort": 70000}])])),
     [f"{T0}.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
     "validateContainerPorts in a template"),
    ("deploy-restart-never", workload(template={**template(), "spec": {**template()["spec"], "restartPolicy": "Never"}}),
     ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
     "ValidatePodTemplateSpecForReplicaSet: RestartPolicyAlways"),
    ("deploy-progress-deadline", workload(minReadySeconds=600),
     ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"],
     "ValidateDeploymentSpec: progressDeadlineSeconds > minReadySeconds"),
    ("replicaset-mismatch", workload("ReplicaSet", selector={"matchLabels": {"app": "x"}}), [MISMATCH],
     "ValidateReplicaSetSpec"),
    ("statefulset-valid", workload("StatefulSet"), [], "ValidateStatefulSet"),
    ("statefulset-name-dots", workload("StatefulSet", "web.v1"),
     ['metadata.name: Invalid value: "web.v1": must not contain dots'],
     "ValidateStatefulSetName = NameIsDNSLabel"),
    ("statefulset-pod-management", workload("StatefulSet", podManagementPolicy="Random"),
     ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"],
     "ValidateStatefulSetSpec"),
    ("statefulset-empty-selector", workload("StatefulSet", selector={"matchLabels": {}}),
     ["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"],
     "ValidateStatefulSetSpec"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in APPS_ROWS], ids=[r[0] for r in APPS_ROWS])
def test_validate_apps(obj, want, rule):
    if obj["spec"].get("selector", 0) is None:
        del obj["spec"]["selector"]
    assert errors_of(obj) == want, rule


DEPLOY = workload()
STS = workload("StatefulSet")
UPDATE_ROWS = [
    ("deploy-scale-ok", DEPLOY, with_changes(DEPLOY, replicas=5), [], "ValidateDeploymentUpdate"),
    ("deploy-selector-immutable", DEPLOY,
     with_changes(DEPLOY, selector={"matchLabels": {"app": "web2"}}, template=template(labels={"app": "web2"})),
     ['spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable'],
     "deployment strategy ValidateUpdate: ValidateImmutableField(selector), apps/v1"),
    ("statefulset-service-name", STS, with_changes(STS, serviceName="other"),
     ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
      "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"],
     "ValidateStatefulSetUpdate"),
    ("pod-image-change-ok", pod(), {**pod(), "spec": {"containers": [container(image="nginx:1.28", ports=[{"containerPort": 80}])]}},
     [], "ValidatePodUpdate: images may change"),
]


@pytest.mark.parametrize("old,new,want,rule", [r[1:] for r in UPDATE_ROWS], ids=[r[0] for r in UPDATE_ROWS])
def test_validate_workload_update(old, new, want, rule):
    assert errors_of(new, old) == want, rule


def test_pod_update_forbids_port_change():
    """ValidatePodUpdate: any other change is Forbidden (upstream appends a spec diff, k8snet does not)."""
    new = pod(containers=[container(ports=[{"containerPort": 8080}])])
    errs = errors_of(new, pod())
    assert len(errs) == 1 and errs[0].startswith("spec: Forbidden: pod updates may not change fields other than "
                                                 "`spec.containers[*].image`,`spec.initContainers[*].image`")
