"""``apply``: kubectl's lines, idempotence, the 3-way merge, and bad input.

Rules: kubectl apply (docs: "Declarative Management of Kubernetes Objects Using
Configuration Files", section "How apply calculates differences and merges changes"),
apimachinery field.Error wording and kube-apiserver's Service/Deployment validation
(pkg/apis/core/validation ValidateService, pkg/apis/apps/validation ValidateDeploymentSpec).
"""
from __future__ import annotations

import pytest
import yaml

from k8snet import Cluster, ValidationError
from k8snet.errors import ManifestError

from .objects import deployment, service

WEB = yaml.safe_dump_all([deployment(replicas=None), service(type="NodePort")], sort_keys=False)


def _snapshot(c: Cluster) -> str:
    return c.kubectl("get all,endpointslices -A -o yaml")


@pytest.mark.parametrize("second, want", [
    pytest.param(WEB, ["deployment.apps/web unchanged", "service/web unchanged"], id="same-yaml-unchanged"),
    pytest.param(WEB.replace("nginx:1.27", "nginx:1.28"), ["deployment.apps/web configured", "service/web unchanged"],
                 id="image-change-configured"),
    pytest.param(WEB.replace("type: NodePort", "type: ClusterIP"),
                 ["deployment.apps/web unchanged", "service/web configured"], id="service-type-change"),
])
def test_apply_prints_kubectl_lines(second, want):
    c = Cluster(seed=0)
    assert c.apply(WEB) == ["deployment.apps/web created", "service/web created"]
    assert c.apply(second) == want


@pytest.mark.parametrize("source", [
    pytest.param(lambda tmp: WEB, id="yaml-text"),
    pytest.param(lambda tmp: list(yaml.safe_load_all(WEB)), id="list-of-dicts"),
    pytest.param(lambda tmp: (tmp / "web.yaml").write_text(WEB) and str(tmp / "web.yaml"), id="file-path"),
    pytest.param(lambda tmp: (tmp / "web.yaml").write_text(WEB) and str(tmp), id="folder"),
])
def test_apply_sources_and_twice_never_errors(tmp_path, source):
    c = Cluster(seed=0)
    src = source(tmp_path)
    assert c.apply(src) == ["deployment.apps/web created", "service/web created"]
    assert c.apply(src) == ["deployment.apps/web unchanged", "service/web unchanged"]


def test_allocated_node_port_survives_reapply():
    # The server-set nodePort is not in last-applied, so the 3-way merge keeps it.
    c = Cluster(seed=0)
    c.apply(WEB)
    port = c.get("svc", "web")["spec"]["ports"][0]["nodePort"]
    ip = c.get("svc", "web")["spec"]["clusterIP"]
    c.apply(WEB.replace("port: 80", "port: 80\n    name: http"))
    svc = c.get("svc", "web")
    assert (svc["spec"]["ports"][0]["nodePort"], svc["spec"]["clusterIP"]) == (port, ip)


def test_scale_then_reapply_without_replicas_keeps_the_scaled_count():
    # replicas is absent from the manifest (and from last-applied): apply leaves the live value.
    c = Cluster(seed=0)
    c.apply(WEB)
    c.kubectl("scale deployment web --replicas=5")
    assert c.apply(WEB) == ["deployment.apps/web unchanged", "service/web unchanged"]
    assert c.get("deploy", "web")["spec"]["replicas"] == 5


def test_reapply_with_replicas_resets_a_scaled_count():
    # The field *is* in the manifest: apply sets it back, as kubectl does.
    c = Cluster(seed=0)
    c.apply(deployment(replicas=2))
    c.kubectl("scale deployment web --replicas=5")
    assert c.apply(deployment(replicas=2)) == ["deployment.apps/web configured"]
    assert c.get("deploy", "web")["spec"]["replicas"] == 2


def test_field_removed_from_manifest_is_removed_live():
    # In last-applied but not in the new manifest: the merge deletes it.
    c = Cluster(seed=0)
    c.apply(service(sessionAffinity="ClientIP"))
    c.apply(service())
    assert c.get("svc", "web")["spec"]["sessionAffinity"] == "None"  # back to the default


# --- invalid objects ----------------------------------------------------------------------

def _svc(name="web", **spec):
    return service(name, **spec)


INVALID = [
    pytest.param(_svc(type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
                 'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in '
                 'the valid range. The range of valid ports is 30000-32767', id="nodePort-out-of-range"),
    pytest.param(_svc(type="NodePort", ports=[{"name": "a", "port": 80, "nodePort": 30080},
                                              {"name": "b", "port": 81, "nodePort": 30080}]),
                 # alloc.go initNodePorts: port 81 asks for the nodePort port 80 already took.
                 'The Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already '
                 'allocated', id="nodePort-taken-by-another-port-number"),
    pytest.param(_svc(ports=[{"port": 70000, "targetPort": 80}]),
                 'The Service "web" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, '
                 'inclusive', id="port-out-of-range"),
    pytest.param(_svc(ports=[{"port": 80}, {"port": 443}]),
                 'The Service "web" is invalid: \n* spec.ports[0].name: Required value\n'
                 '* spec.ports[1].name: Required value', id="multi-port-without-names"),
    pytest.param(_svc(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 443}]),
                 'The Service "web" is invalid: spec.ports[1].name: Duplicate value: "http"', id="duplicate-port-names"),
    pytest.param(_svc("Web_1"),
                 'The Service "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a DNS-1035 label must consist '
                 "of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an "
                 "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                 "'[a-z]([-a-z0-9]*[a-z0-9])?')", id="name-not-dns-1035"),
    pytest.param(_svc(type="ExternalName"),
                 'The Service "web" is invalid: spec.externalName: Required value', id="externalname-without-name"),
    pytest.param(_svc(type="NodePort", clusterIP="None"),
                 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' '
                 'for NodePort services', id="headless-nodeport"),
    pytest.param(_svc(type="Internal"),
                 'The Service "web" is invalid: spec.type: Unsupported value: "Internal": supported values: '
                 '"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"', id="unknown-type"),
    pytest.param(_svc(ports=[{"port": 80, "protocol": "HTTP"}]),
                 'The Service "web" is invalid: spec.ports[0].protocol: Unsupported value: "HTTP": supported values: '
                 '"SCTP", "TCP", "UDP"', id="invalid-protocol"),
    pytest.param(deployment(labels={"app": "web"}) | {"spec": {**deployment()["spec"], "template": {
        "metadata": {"labels": {"app": "other"}}, "spec": deployment()["spec"]["template"]["spec"]}}},
                 'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                 '{"app":"other"}: `selector` does not match template `labels`',
                 id="selector-does-not-match-template"),
]


@pytest.mark.parametrize("bad, message", INVALID)
def test_invalid_objects_are_refused_like_the_api_server(bad, message):
    c = Cluster(seed=0)
    before = _snapshot(c)
    with pytest.raises(ValidationError) as info:
        c.apply(bad)
    assert str(info.value) == message
    assert _snapshot(c) == before


def test_objects_before_the_bad_one_stay_applied_and_the_bad_one_leaks_nothing():
    c = Cluster(seed=0)
    bad = _svc("bad", type="NodePort", clusterIP="10.96.50.50",
               ports=[{"name": "a", "port": 80, "nodePort": 30500}, {"name": "b", "port": 81, "nodePort": 70000}])
    with pytest.raises(ValidationError) as info:
        c.apply([deployment(), _svc("good"), bad])
    assert info.value.applied == ["deployment.apps/web created", "service/good created"]
    assert c.store.peek("Service", "default", "bad") is None
    # Neither the clusterIP nor the valid nodePort of the refused Service stayed allocated.
    c.apply(_svc("again", type="NodePort", clusterIP="10.96.50.50", ports=[{"port": 80, "nodePort": 30500}]))
    spec = c.get("svc", "again")["spec"]
    assert (spec["clusterIP"], spec["ports"][0]["nodePort"]) == ("10.96.50.50", 30500)


def test_invalid_update_leaves_the_live_object_alone():
    c = Cluster(seed=0)
    c.apply(_svc(type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    before = _snapshot(c)
    with pytest.raises(ValidationError):
        c.apply(_svc(type="NodePort", ports=[{"port": 80, "nodePort": 40000}]))
    assert _snapshot(c) == before
    assert c.apply(_svc(type="NodePort", ports=[{"port": 80, "nodePort": 30080}])) == ["service/web unchanged"]


@pytest.mark.parametrize("text, words", [
    # kubectl: "error converting YAML to JSON: yaml: line N: ..."; we also name the document.
    pytest.param("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 80}]\n---\n"
                 "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n   bad: [\n",
                 ["yaml: line 11", "document 2"], id="second-document"),
    pytest.param("apiVersion: v1\nkind: Service\nmetadata:\n\tname: a\n", ["line 4", "document 1"], id="tab-indent"),
])
def test_broken_yaml_names_the_document_and_line(text, words):
    c = Cluster(seed=0)
    with pytest.raises(ManifestError) as info:
        c.apply(text)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("first, second, message", [
    # apps/validation ValidateDeploymentUpdate: spec.selector is immutable in apps/v1.
    pytest.param(deployment(), deployment(labels={"app": "web2"}),
                 'The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: '
                 'field is immutable', id="deployment-selector-immutable"),
    # storage.go normalizeClusterIPs makes clusterIPs follow clusterIP; ValidateServiceUpdate then
    # refuses the change.
    pytest.param(_svc(clusterIP="10.96.7.7"), _svc(clusterIP="10.96.7.8"),
                 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.7.8"]: '
                 'may not change once set', id="clusterip-may-not-change"),
    pytest.param(deployment(), deployment(replicas=-1),
                 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or '
                 'equal to 0', id="negative-replicas"),
])
def test_invalid_updates(first, second, message):
    c = Cluster(seed=0)
    c.apply(first)
    before = _snapshot(c)
    with pytest.raises(ValidationError) as info:
        c.apply(second)
    assert str(info.value) == message
    assert _snapshot(c) == before


@pytest.mark.parametrize("first", [
    pytest.param(_svc(), id="allocated-ip"),
    pytest.param(_svc(clusterIP="10.96.7.7"), id="asked-for-ip-dropped-from-manifest"),
])
def test_switching_to_externalname_drops_and_frees_the_cluster_ip(first):
    # strategy.go dropTypeDependentFields: clusterIP(s), ipFamilies and ipFamilyPolicy the user
    # left as they were are dropped when the type stops needing them; the IP is released.
    c = Cluster(seed=0)
    c.apply(first)
    ip = c.get("svc", "web")["spec"]["clusterIP"]
    assert c.apply(_svc(selector={}, ports=[{"port": 80}], type="ExternalName", externalName="db.example.com")) \
        == ["service/web configured"]
    spec = c.get("svc", "web")["spec"]
    assert not {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"} & set(spec)
    c.apply(_svc("reuse", clusterIP=ip))
    assert c.get("svc", "reuse")["spec"]["clusterIP"] == ip


def test_same_yaml_text_read_twice_gives_independent_objects():
    """manifest._parsed caches the parse of a document's text (widgets rebuild clusters from
    the same YAML on every redraw); what a caller gets is its own copy, so a change to one
    read object never shows in the next read (kubectl reads the file afresh each time)."""
    from k8snet import manifest
    first = manifest.load(WEB)
    first[0].obj["metadata"]["name"] = "changed"
    first[0].obj["spec"]["template"]["spec"]["containers"][0]["image"] = "changed"
    second = manifest.load(WEB)
    assert second[0].obj["metadata"]["name"] == "web"
    assert second[0].obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert second[0].obj is not first[0].obj
