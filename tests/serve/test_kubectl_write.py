"""The real kubectl changes the served cluster: apply, scale, label, delete, and watches.

Rows name the kubectl command whose client code runs (kubectl ``apply.go`` three-way patch,
``scale.go`` on the scale subresource, ``label.go``, ``get.go`` watch, ``rollout_status.go``)
and what our server must answer (apiserver ``handlers/patch.go``, ``create.go``, ...).
"""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from .conftest import WEB



def _yaml(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: nginx, ports: [{containerPort: 80}]}]}
"""


def test_apply_creates_configures_and_leaves_unchanged(kubectl, tmp_path):
    # kubectl apply.go: POST when missing; a strategic-merge PATCH when the three-way diff
    # is not empty ("configured"); no request at all when it is ("unchanged").
    one = _yaml(tmp_path, "one.yaml", APP.replace("REPLICAS", "1"))
    two = _yaml(tmp_path, "two.yaml", APP.replace("REPLICAS", "2"))
    rows = [(one, "deployment.apps/api created\n"), (one, "deployment.apps/api unchanged\n"),
            (two, "deployment.apps/api configured\n")]
    for path, want in rows:
        code, out, err = kubectl(f"apply -f {path}")
        assert (code, out) == (0, want), err
    code, out, err = kubectl("get deploy api -o jsonpath={.spec.replicas}")
    assert out == "2"


@pytest.mark.parametrize("manifest, want", [
    # validation/service.go ValidateServicePort via the 422 Invalid Status's causes.
    ("""
     apiVersion: v1
     kind: Service
     metadata: {name: bad-port}
     spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 80}]}
     """,
     'The Service "bad-port" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the '
     'valid range. The range of valid ports is 30000-32767'),
    # strict field validation (fieldValidation=Strict, kubectl's default): 400 BadRequest.
    ("""
     apiVersion: v1
     kind: Service
     metadata: {name: typo}
     spec: {selector: {app: web}, ports: [{port: 80, targetport: 80}]}
     """,
     'Error from server (BadRequest): error when creating "FILE": Service in version "v1" cannot be handled as a '
     'Service: strict decoding error: unknown field "spec.ports[0].targetport"'),
])
def test_apply_of_an_invalid_object_prints_the_api_servers_words(served, kubectl, tmp_path, manifest, want):
    path = _yaml(tmp_path, "bad.yaml", manifest)
    before = served.cluster.store.version
    code, out, err = kubectl(f"apply -f {path}")
    assert code == 1
    assert err.strip() == want.replace("FILE", path)
    assert served.cluster.store.version == before  # nothing changed


def test_scale_label_describe_delete(served, kubectl):
    assert kubectl("scale deploy web --replicas=3")[1] == "deployment.apps/web scaled\n"  # scale subresource
    assert served.cluster.get("deploy", "web")["spec"]["replicas"] == 3
    assert kubectl("label svc web tier=front")[1] == "service/web labeled\n"             # merge patch
    assert served.cluster.get("svc", "web")["metadata"]["labels"] == {"tier": "front"}
    code, out, err = kubectl("describe svc web")
    assert code == 0 and "Selector:                 app=web" in out and "NodePort:" in out, err
    assert kubectl("scale deploy web --replicas=2")[0] == 0


def test_delete_then_get_is_not_found(served, kubectl, tmp_path):
    path = _yaml(tmp_path, "gone.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: gone}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        """)
    assert kubectl(f"apply -f {path}")[0] == 0
    assert kubectl("delete svc gone")[1] == 'service "gone" deleted from default namespace\n'
    code, out, err = kubectl("get svc gone")
    assert (code, err.strip()) == (1, 'Error from server (NotFound): services "gone" not found')


def test_get_watch_sees_a_change_made_in_the_notebook(served, kubectl):
    # get.go watch: the Table rows of the list, then one row per event from the watch cache.
    proc = subprocess.Popen([kubectl.bin, "get", "svc", "-w", "--output-watch-events"], env=kubectl.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.split()[:2] == ["EVENT", "NAME"]
        seen = [proc.stdout.readline() for _ in range(2)]  # kubernetes, web
        served.cluster.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "watched"},
                              "spec": {"selector": {"app": "web"}, "ports": [{"port": 8080}]}})
        line = ""
        for _ in range(10):
            line = proc.stdout.readline()
            if "watched" in line:
                break
        assert line.split()[:2] == ["ADDED", "watched"], seen + [line]
    finally:
        proc.kill()
        proc.wait(timeout=60)
        served.cluster.delete("svc/watched")


def test_rollout_status_waits_for_the_rollout(served, kubectl):
    # rollout_status.go: watches the Deployment until updatedReplicas == replicas, all available.
    # The served clock follows wall time, so readiness arrives without advance().
    deployment = WEB.split("---")[0].replace("image: nginx", "image: nginx:1.27")
    served.cluster.apply(deployment)  # a new ReplicaSet rolls out
    code, out, err = kubectl("rollout status deployment/web --timeout=120s", timeout=180)
    assert (code, out) == (0, 'deployment "web" successfully rolled out\n'), err


def test_explain_reads_the_openapi_v3_document(kubectl):
    # kubectl explain (openapi v3 template): the schema named by x-kubernetes-group-version-kind.
    code, out, err = kubectl("explain svc.spec.ports")
    assert code == 0, err
    assert out.startswith("KIND:       Service\nVERSION:    v1\n\nFIELD: ports <[]ServicePort>")
    # typeGuess: a $ref to a non-object schema (IntOrString is type string) prints its type.
    for field in ("nodePort\t<integer>", "port\t<integer>", "targetPort\t<string>"):
        assert field in out


def test_server_side_apply(served, kubectl, tmp_path):
    # apply --server-side: PATCH application/apply-patch+yaml with fieldManager=kubectl.
    path = _yaml(tmp_path, "ssa.yaml", APP.replace("REPLICAS", "1").replace(": api", ": ssa"))
    assert kubectl(f"apply --server-side -f {path}")[1] == "deployment.apps/ssa serverside-applied\n"
    path2 = _yaml(tmp_path, "ssa2.yaml", APP.replace("REPLICAS", "2").replace(": api", ": ssa"))
    assert kubectl(f"apply --server-side -f {path2}")[0] == 0
    assert served.cluster.get("deploy", "ssa")["spec"]["replicas"] == 2


def test_cluster_info_names_the_control_plane_and_coredns(served, kubectl):
    code, out, err = kubectl("cluster-info")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Kubernetes control plane is running at {served.url}"
    assert lines[1] == (f"CoreDNS is running at {served.url}/api/v1/namespaces/kube-system/services/"
                        f"kube-dns:dns/proxy")


@pytest.mark.parametrize("flag, code, want_err, kept", [
    # kubectl --validate maps to ?fieldValidation= (Strict, Warn, Ignore); the server decides.
    ("--validate=strict", 1, 'strict decoding error: unknown field "spec.ports[0].targetport"', False),
    ("--validate=warn", 0, 'Warning: unknown field "spec.ports[0].targetport"', True),
    ("--validate=false", 0, "", True),
])
def test_field_validation_directives(served, kubectl, tmp_path, flag, code, want_err, kept):
    name = "fv-" + flag.split("=")[1]
    path = _yaml(tmp_path, "fv.yaml", f"""
        apiVersion: v1
        kind: Service
        metadata: {{name: {name}}}
        spec: {{selector: {{app: web}}, ports: [{{port: 80, targetport: 80}}]}}
        """)
    got_code, out, err = kubectl(f"apply {flag} -f {path}")
    assert got_code == code
    assert want_err in err
    if kept:  # the unknown field was dropped, the object stored
        assert served.cluster.get("svc", name)["spec"]["ports"][0] == \
            {"port": 80, "protocol": "TCP", "targetPort": 80}
        served.cluster.delete(f"svc/{name}")


def test_ten_kubectl_processes_at_once_all_land(served, kubectl, tmp_path):
    # One lock: concurrent writers never interleave inside the cluster.
    procs = []
    for i in range(10):
        path = _yaml(tmp_path, f"c{i}.yaml", f"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {{name: concurrent-{i}}}
            data: {{i: "{i}"}}
            """)
        procs.append(subprocess.Popen([kubectl.bin, "apply", "-f", path], env=kubectl.env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 10, outs
    names = {c["metadata"]["name"] for c in served.cluster.list("cm")}
    assert {f"concurrent-{i}" for i in range(10)} <= names


@pytest.mark.parametrize("command, want, check", [
    # kubectl's typed clients POST protobuf bodies (apimachinery runtime/serializer/protobuf).
    ("create deployment pb --image=nginx --port=80 --replicas=2", "deployment.apps/pb created\n",
     lambda c: c.get("deploy", "pb")["spec"]["template"]["spec"]["containers"][0]["ports"] ==
     [{"containerPort": 80, "protocol": "TCP"}] and c.get("deploy", "pb")["spec"]["replicas"] == 2),
    ("create configmap pb --from-literal=a=b", "configmap/pb created\n",
     lambda c: c.get("cm", "pb")["data"] == {"a": "b"}),
    ("create service clusterip pb --tcp=80:8080", "service/pb created\n",
     lambda c: c.get("svc", "pb")["spec"]["ports"][0]["targetPort"] == 8080),
    ("create ingress pb --rule=pb.example/=pb:80", "ingress.networking.k8s.io/pb created\n",  # inline IngressRuleValue
     lambda c: c.get("ing", "pb")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "pb"),
])
def test_kubectl_create_sends_protobuf_and_the_server_reads_it(served, kubectl, command, want, check):
    code, out, err = kubectl(command)
    assert (code, out) == (0, want), err
    assert check(served.cluster)
