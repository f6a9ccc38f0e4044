"""Service environment variables (pkg/kubelet/envvars FromServices, kubelet_pods.go
getServiceEnvVarMap)."""
from __future__ import annotations

import pytest

from dnsworld import SERVICES, external_name, pod, service
from goldens import assert_golden
from k8snet.dns import service_env
from k8snet.dns.envvars import make_env_variable_name

KUBERNETES = [
    "KUBERNETES_PORT=tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
    "KUBERNETES_PORT_443_TCP_PORT=443",
    "KUBERNETES_PORT_443_TCP_PROTO=tcp",
    "KUBERNETES_SERVICE_HOST=10.96.0.1",
    "KUBERNETES_SERVICE_PORT=443",
    "KUBERNETES_SERVICE_PORT_HTTPS=443",
]


def names(lines):
    return sorted({line.split("=", 1)[0].split("_SERVICE_")[0].split("_PORT")[0] for line in lines})


# (id, pod, services, expected service prefixes, rule)
ROWS = [
    ("own-namespace-plus-master", pod("c"), SERVICES, ["DUAL", "KUBERNETES", "WEB"],
     "getServiceEnvVarMap: pod namespace + default/kubernetes; headless/ExternalName skipped (IsServiceIPSet)"),
    ("other-namespace", pod("c", "prod"), SERVICES, ["KUBERNETES", "WEB"],
     "getServiceEnvVarMap: only the pod's namespace, plus master services"),
    ("enableServiceLinks-false", pod("c", enableServiceLinks=False), SERVICES, ["KUBERNETES"],
     "getServiceEnvVarMap: master services even if enableServiceLinks is false"),
    ("created-after-the-pod", pod("c", created="2025-01-01T00:01:00Z"),
     SERVICES + [service("late", cluster_ip="10.96.0.99", created="2025-01-01T00:05:00Z")],
     ["DUAL", "KUBERNETES", "WEB"], "kubelet_pods.go makeEnvironmentVariables: computed at container start"),
    ("created-before-the-pod", pod("c", created="2025-01-01T00:10:00Z"),
     [s for s in SERVICES if s["metadata"]["name"] == "kubernetes"]
     + [service("late", cluster_ip="10.96.0.99", created="2025-01-01T00:05:00Z")],
     ["KUBERNETES", "LATE"], "the Service existed when the container started"),
    ("externalname-skipped", pod("c"), [external_name("ext", "example.com")], [],
     "v1helper.IsServiceIPSet: no ClusterIP"),
]


@pytest.mark.parametrize("client,services,expected,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_which_services(client, services, expected, rule):
    assert names(service_env(client, services)) == expected, rule


def test_kubernetes_service_vars_exact():
    """envvars.go FromServices + makeLinkVariables for default/kubernetes (https 443/TCP)."""
    assert service_env(pod("c", enableServiceLinks=False), SERVICES) == KUBERNETES


def test_multi_port_service_golden():
    """envvars.go: first port gets _SERVICE_PORT and _PORT; each named port _SERVICE_PORT_<NAME>;
    every port its _PORT_<n>_<PROTO>{,_PROTO,_PORT,_ADDR}.  Sorted like `env | sort`."""
    svc = service("my-web.api", cluster_ip="10.96.0.44",
                  ports=(("http", 80, "TCP"), ("dns-udp", 53, "UDP"), ("metrics", 9090, "TCP")))
    assert_golden("envvars_multi_port.txt", "\n".join(service_env(pod("c"), [svc])) + "\n")


@pytest.mark.parametrize("name,env", [("web", "WEB"), ("my-web", "MY_WEB"), ("a.b-c", "A_B_C"), ("3d", "_3D")],
                         ids=["plain", "dash", "dot-and-dash", "leading-digit"])
def test_make_env_variable_name(name, env):
    """envvars.go makeEnvVariableName."""
    assert make_env_variable_name(name) == env


def test_service_in_pod_namespace_named_kubernetes():
    """getServiceEnvVarMap: the master service is only added "if not exists" while a same-named
    Service of the pod's namespace overwrites, so the winner depends on the lister's (Go map)
    order.  k8snet walks Services sorted by namespace: default/kubernetes first, then the pod's
    own one replaces it, the same way on every run."""
    own = service("kubernetes", "prod", cluster_ip="10.96.0.77")
    env = service_env(pod("c", "prod"), [own] + SERVICES[:1])
    assert "KUBERNETES_SERVICE_HOST=10.96.0.77" in env
    assert env == service_env(pod("c", "prod"), SERVICES[:1] + [own])
