"""ServiceAccounts: the kind, the serviceaccounts controller, the controller manager's accounts,
kubeadm's accounts, and the ServiceAccount admission plugin on pods.  Each row names the
upstream rule it checks."""
from __future__ import annotations

import pytest

from k8snet import Cluster, ValidationError
from k8snet.apiserver import serviceaccount as plugin
from k8snet.controllers.serviceaccounts import CONTROLLER_SERVICE_ACCOUNTS
from k8snet.errors import K8sNetError


def _pod(name="p", **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def _names(c, ns):
    return sorted(sa["metadata"]["name"] for sa in c.store.items("ServiceAccount", ns))


@pytest.fixture(scope="module")
def cluster():
    return Cluster(nodes=2)


# -- what a new cluster holds -----------------------------------------------------------------
ACCOUNT_ROWS = [
    # (upstream rule, namespace, account that must exist)
    ("serviceaccounts_controller.go syncNamespace: default in default", "default", "default"),
    ("serviceaccounts_controller.go syncNamespace: default in kube-public", "kube-public", "default"),
    ("serviceaccounts_controller.go syncNamespace: default in kube-node-lease", "kube-node-lease", "default"),
    ("serviceaccounts_controller.go syncNamespace: default in kube-system", "kube-system", "default"),
    ("kubeadm addons/dns createCoreDNSAddon: the coredns account", "kube-system", "coredns"),
    ("kubeadm addons/proxy EnsureProxyAddon: the kube-proxy account", "kube-system", "kube-proxy"),
    ("bootstrappolicy controller_policy.go: replicaset-controller", "kube-system", "replicaset-controller"),
    ("bootstrappolicy controller_policy.go: root-ca-cert-publisher", "kube-system", "root-ca-cert-publisher"),
    ("kubeadm --controllers=*,bootstrapsigner,tokencleaner: bootstrap-signer", "kube-system", "bootstrap-signer"),
    ("kubeadm --controllers=*,bootstrapsigner,tokencleaner: token-cleaner", "kube-system", "token-cleaner"),
    ("calico.yaml: the calico-node DaemonSet's account", "kube-system", "calico-node"),
]


CNI_ROWS = [
    # (the CNI manifest's rule, cni, namespace, account)
    ("calico.yaml serviceAccountName", "calico", "kube-system", "calico-node"),
    ("cilium chart serviceAccountName", "cilium", "kube-system", "cilium"),
    ("kube-flannel.yml serviceAccountName", "flannel", "kube-flannel", "flannel"),
    ("weave-daemonset-k8s.yaml serviceAccountName", "weave", "kube-system", "weave-net"),
    ("kindnet.yaml serviceAccountName", "kindnet", "kube-system", "kindnet"),
]


@pytest.mark.parametrize("rule,cni,ns,account", CNI_ROWS, ids=[r[0] for r in CNI_ROWS])
def test_cni_agent_runs_as_its_account(rule, cni, ns, account):
    c = Cluster(nodes=1, cni=cni)
    assert c.store.peek("ServiceAccount", ns, account) is not None, rule
    agents = [p for p in c.store.items("Pod", ns) if p["spec"].get("hostNetwork")
              and not p["metadata"]["name"].startswith("kube-proxy-")]
    assert agents and {p["spec"]["serviceAccountName"] for p in agents} == {account}, rule


@pytest.mark.parametrize("rule,ns,name", ACCOUNT_ROWS, ids=[r[0] for r in ACCOUNT_ROWS])
def test_new_cluster_accounts(cluster, rule, ns, name):
    assert cluster.store.peek("ServiceAccount", ns, name) is not None, rule


def test_kube_system_holds_exactly_the_listed_accounts(cluster):
    """The controller accounts, kubeadm's two, the CNI agent's and default; no cloud controller's
    (service-controller, route-controller need --cloud-provider)."""
    want = sorted({*CONTROLLER_SERVICE_ACCOUNTS, "coredns", "kube-proxy", "default", "calico-node"})
    assert _names(cluster, "kube-system") == want
    assert "service-controller" not in want and "route-controller" not in want


def test_get_sa_columns(cluster):
    """printers.go printServiceAccount: NAME SECRETS AGE, SECRETS = len(secrets)."""
    assert cluster.kubectl("get sa").splitlines() == ["NAME      SECRETS   AGE", "default   0         0s"]


# -- the serviceaccounts controller -------------------------------------------------------------
CONTROLLER_ROWS = [
    ("serviceAccountDeleted requeues the namespace: default comes back", "delete", "default", ["default"]),
    ("namespaceAdded: a new namespace gets default", "namespace", "team-a", ["default"]),
    ("only default is managed: another deleted account stays gone", "other", "default", ["default"]),
]


@pytest.mark.parametrize("rule,action,ns,want", CONTROLLER_ROWS, ids=[r[0] for r in CONTROLLER_ROWS])
def test_serviceaccounts_controller(rule, action, ns, want):
    c = Cluster(nodes=1)
    if action == "delete":
        c.delete("sa/default", "default")
    elif action == "namespace":
        c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    else:
        c.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"}})
        c.delete("sa/robot", "default")
    assert _names(c, ns) == want, rule


# -- validation and decoding -------------------------------------------------------------------
INVALID_ROWS = [
    ("ValidateServiceAccountName = NameIsDNSSubdomain", {"metadata": {"name": "Bad_Name"}},
     'The ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 '
     "subdomain must consist of"),
    ("strict decoding: automountServiceAccountToken is a bool", {"metadata": {"name": "a"}, "automountServiceAccountToken": "yes"},
     "cannot unmarshal string into Go struct field ServiceAccount.automountServiceAccountToken of type bool"),
    ("strict decoding: unknown field", {"metadata": {"name": "a"}, "spec": {}},
     'strict decoding error: unknown field "spec"'),
]


@pytest.mark.parametrize("rule,body,want", INVALID_ROWS, ids=[r[0] for r in INVALID_ROWS])
def test_invalid_service_accounts(rule, body, want):
    c = Cluster(nodes=1)
    before = _names(c, "default")
    with pytest.raises(ValidationError) as e:
        c.apply({"apiVersion": "v1", "kind": "ServiceAccount", **body})
    assert want in str(e.value), rule
    assert _names(c, "default") == before  # nothing half-changed


# -- the admission plugin on pods -----------------------------------------------------------------
def _created(c, pod):
    c.apply(pod)
    return c.store.peek("Pod", "default", pod["metadata"]["name"])


def test_token_volume_source():
    """admission.go TokenVolumeSource: token (3607 s, WarnOnlyBoundTokenExpirationSeconds), the
    kube-root-ca.crt ConfigMap's ca.crt, the namespace from the downward API, defaultMode 420."""
    src = plugin.token_volume_source()
    assert src["defaultMode"] == 420
    assert src["sources"][0] == {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    assert src["sources"][1]["configMap"] == {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}
    assert src["sources"][2]["downwardAPI"]["items"][0]["fieldRef"] == {"apiVersion": "v1", "fieldPath": "metadata.namespace"}


ADMIT_ROWS = [
    # (rule, pod spec extras, mounted?, service account name)
    ("Admit: serviceAccountName defaults to default and the token is mounted", {}, True, "default"),
    ("shouldAutomount: the pod's false wins", {"automountServiceAccountToken": False}, False, "default"),
    ("Convert_v1_PodSpec_To_core_PodSpec: the deprecated serviceAccount names the account",
     {"serviceAccount": "default"}, True, "default"),
]


@pytest.mark.parametrize("rule,spec,mounted,account", ADMIT_ROWS, ids=[r[0] for r in ADMIT_ROWS])
def test_admission_mounts(rule, spec, mounted, account):
    c = Cluster(nodes=1)
    pod = _created(c, _pod(**spec))
    assert pod["spec"]["serviceAccountName"] == account and pod["spec"]["serviceAccount"] == account, rule
    vols = [v for v in pod["spec"].get("volumes") or [] if v["name"].startswith("kube-api-access-")]
    mounts = pod["spec"]["containers"][0].get("volumeMounts") or []
    assert bool(vols) == mounted and bool(mounts) == mounted, rule
    if mounted:
        assert len(vols[0]["name"]) == len("kube-api-access-") + 5
        assert vols[0]["projected"] == plugin.token_volume_source()
        assert mounts == [{"name": vols[0]["name"], "readOnly": True,
                           "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]


def test_account_false_and_image_pull_secrets():
    """shouldAutomount: the account's false applies when the pod says nothing; a pod without
    imagePullSecrets takes the account's (Admit)."""
    c = Cluster(nodes=1)
    c.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "quiet"},
             "automountServiceAccountToken": False, "imagePullSecrets": [{"name": "regcred"}]})
    pod = _created(c, _pod(serviceAccountName="quiet"))
    assert "volumes" not in pod["spec"] and "volumeMounts" not in pod["spec"]["containers"][0]
    assert pod["spec"]["imagePullSecrets"] == [{"name": "regcred"}]


def test_existing_mount_at_the_token_path_is_kept():
    """mountServiceAccountToken: an existing mount at the default path prevents the token's."""
    c = Cluster(nodes=1)
    pod = _pod(volumes=[{"name": "mine", "emptyDir": {}}])
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "mine", "mountPath": plugin.DEFAULT_API_TOKEN_MOUNT_PATH}]
    pod = _created(c, pod)
    assert [v["name"] for v in pod["spec"]["volumes"]] == ["mine"]


def test_missing_account_is_forbidden_and_nothing_changes():
    """Admit: admission.NewForbidden(error looking up service account NS/NAME: serviceaccount "NAME" not found)."""
    c = Cluster(nodes=1)
    with pytest.raises(K8sNetError) as e:
        c.apply(_pod("x", serviceAccountName="ghost"))
    assert str(e.value) == ('pods "x" is forbidden: error looking up service account default/ghost: '
                            'serviceaccount "ghost" not found')
    assert c.store.peek("Pod", "default", "x") is None


FAILED_CREATE_ROWS = [
    ("controller_utils.go createPods: Error creating (ReplicaSet, generateName prefix)", "Deployment",
     'Error creating: pods "{rs}-" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found'),
    ("stateful_pod_control.go recordPodEvent: create Pod ... failed error", "StatefulSet",
     'create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: error looking up service account '
     'default/ghost: serviceaccount "ghost" not found'),
]


@pytest.mark.parametrize("rule,kind,message", FAILED_CREATE_ROWS, ids=[r[0] for r in FAILED_CREATE_ROWS])
def test_controller_failed_create(rule, kind, message):
    c = Cluster(nodes=1)
    labels = {"app": "web"}
    spec = {"replicas": 2, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"serviceAccountName": "ghost", "containers": [{"name": "c", "image": "nginx"}]}}}
    if kind == "StatefulSet":
        spec["serviceName"] = "web"
    c.apply({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web"}, "spec": spec})
    assert not list(c.store.items("Pod", "default"))
    warnings = [e for e in c.store.items("Event", "default") if e["reason"] == "FailedCreate"]
    assert len(warnings) == 1 and warnings[0]["type"] == "Warning", rule
    rs = next(iter(c.store.items("ReplicaSet", "default")), None)
    assert warnings[0]["message"] == message.format(rs=rs["metadata"]["name"] if rs else ""), rule
    if kind == "Deployment":
        # replica_set_utils.go calculateStatus: ReplicaFailure/FailedCreate with the error;
        # deployment sync.go getReplicaFailures copies it onto the Deployment.
        cond = rs["status"]["conditions"][0]
        assert (cond["type"], cond["status"], cond["reason"]) == ("ReplicaFailure", "True", "FailedCreate")
        assert "Error creating: " + cond["message"] == warnings[0]["message"]
        d = c.store.peek("Deployment", "default", "web")
        assert [x["reason"] for x in d["status"]["conditions"] if x["type"] == "ReplicaFailure"] == ["FailedCreate"]
    # The controller's requeue retries: once the account exists, the pods are made, the condition goes.
    c.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "ghost"}})
    assert len(list(c.store.items("Pod", "default"))) == 2
    for obj in [*c.store.items("ReplicaSet", "default"), *c.store.items("Deployment", "default")]:
        assert all(x["type"] != "ReplicaFailure" for x in (obj.get("status") or {}).get("conditions") or [])


def test_volume_names_are_seeded():
    """Names with random suffixes come from the cluster's seed: same seed, same names."""
    names = []
    for _ in range(2):
        c = Cluster(nodes=1, seed=7)
        names.append(_created(c, _pod())["spec"]["volumes"][0]["name"])
    assert names[0] == names[1]


def test_describe_sa_as_kubectl_v1_37(cluster):
    """kubectl describe.go describeServiceAccount (v1.37: only Image pull secrets remains)."""
    assert cluster.kubectl("describe sa default") == (
        "Name:                default\nNamespace:           default\nLabels:              <none>\n"
        "Annotations:         <none>\nImage pull secrets:  <none>\nEvents:              <none>\n")
