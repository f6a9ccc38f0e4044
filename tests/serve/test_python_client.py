"""The official ``kubernetes`` Python client uses the served cluster unchanged: it lists,
creates, patches and watches (client ``CoreV1Api``/``AppsV1Api`` and ``watch.Watch``, the
same REST calls client-go makes)."""
from __future__ import annotations

import threading

import pytest

kubernetes = pytest.importorskip("kubernetes")


@pytest.fixture(scope="module")
def api_client(served):
    from kubernetes import client, config
    cfg = client.Configuration()
    config.load_kube_config(config_file=served.kubeconfig, client_configuration=cfg)
    with client.ApiClient(cfg) as api:
        yield api


def test_list_pods_and_services(api_client):
    from kubernetes import client
    core = client.CoreV1Api(api_client)
    pods = core.list_namespaced_pod("default", label_selector="app=web")
    assert len(pods.items) >= 2 and all(p.status.phase == "Running" for p in pods.items)
    names = [s.metadata.name for s in core.list_service_for_all_namespaces().items]
    assert {"kubernetes", "kube-dns", "web"} <= set(names)


def test_create_patch_and_read_back(served, api_client):
    from kubernetes import client
    core = client.CoreV1Api(api_client)
    body = client.V1Service(metadata=client.V1ObjectMeta(name="pyclient"),
                            spec=client.V1ServiceSpec(selector={"app": "web"},
                                                      ports=[client.V1ServicePort(port=8080, target_port=80)]))
    created = core.create_namespaced_service("default", body)
    assert created.spec.cluster_ip.startswith("10.")
    # the client sends a JSON merge patch... and the notebook sees the change.
    core.patch_namespaced_service("pyclient", "default", {"metadata": {"labels": {"from": "python"}}})
    assert served.cluster.get("svc", "pyclient")["metadata"]["labels"] == {"from": "python"}
    apps = client.AppsV1Api(api_client)
    scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 2}})
    assert scale.spec.replicas == 2
    core.delete_namespaced_service("pyclient", "default")
    with pytest.raises(client.exceptions.ApiException) as info:
        core.read_namespaced_service("pyclient", "default")
    assert info.value.status == 404


def test_watch_delivers_a_change(served, api_client):
    from kubernetes import client, watch
    core = client.CoreV1Api(api_client)
    rv = core.list_namespaced_config_map("default").metadata.resource_version
    events = []
    w = watch.Watch()

    def consume():
        for ev in w.stream(core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=120):
            events.append((ev["type"], ev["object"].metadata.name))
            w.stop()

    t = threading.Thread(target=consume)
    t.start()
    served.cluster.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "seen"},
                          "data": {"k": "v"}})
    t.join(timeout=150)
    assert events == [("ADDED", "seen")]
