"""kubectl auth can-i and auth whoami (k8snet/kubectl/auth.py, answered by
k8snet/apiserver/reviews.py: kubeadm's kubernetes-admin in kubeadm:cluster-admins).

Each row is (command, exit status, what kubectl v1.37.1 prints, upstream rule).  The expected
text was recorded from the real binary against the served cluster of
tests/kubectl/get_flags_cluster.py (stderr before stdout, as a terminal shows them, normalized by
tests/serve/crosscheck.normalize); tests/serve/test_kubectl_rows_real.py re-runs every row through
the real kubectl.
"""
from __future__ import annotations

import pytest

from k8snet.kubectl.commands import execute
from tests.kubectl.get_flags_cluster import build
from tests.serve.crosscheck import normalize

# (command line, exit status, what kubectl prints (normalized), upstream rule)
ROWS = [
    ('auth can-i create pods', 0,
     'yes',
     'cani.go RunAccessCheck: a SelfSubjectAccessReview; allowed prints yes'),
    ('auth can-i create pods -q', 0,
     '',
     'cani.go Complete: --quiet discards the output; the exit status answers'),
    ('auth can-i get pods -A', 0,
     'yes',
     'cani.go: -A asks without a namespace'),
    ('auth can-i get nodes', 0,
     "Warning: resource 'nodes' is not namespace scoped\n\nyes",
     'cani.go Validate: a cluster-scoped resource asked in a namespace warns (WarningPrinter: message, blank line)'),
    ('auth can-i get nodes -A', 0,
     'yes',
     'no namespace, no warning'),
    ('auth can-i frobnicate pods', 0,
     "Warning: verb 'frobnicate' is not a known verb\n\nyes",
     'cani.go resourceVerbs: an unknown verb warns and is still asked'),
    ('auth can-i get foos', 0,
     "Warning: the server doesn't have a resource type 'foos'\n\nyes",
     'cani.go resourceFor: a resource discovery does not know warns and is asked as typed'),
    ('auth can-i get /healthz', 0,
     'yes',
     'a path is a nonResourceAttributes review'),
    ('auth can-i post /healthz --subresource=x', 1,
     'error: --subresource can not be used with NonResourceURL',
     'cani.go Validate: --subresource with a NonResourceURL'),
    ('auth can-i get pods/web --subresource=log -n kube-system', 0,
     'yes',
     'resource/name and a subresource'),
    ("auth can-i '*' '*'", 0,
     'yes',
     "resourceFor: '*' is kept as is"),
    ('auth can-i get', 1,
     "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.",
     'cani.go Complete: two arguments'),
    ('auth can-i --list', 0,
     'Resources  Non-Resource URLs  Resource Names  Verbs\n*.*  []  []  [*]\n  [*]  []  [*]',
     "cani.go RunAccessList: the SelfSubjectRulesReview's rules, CombineResourceGroup *.*"),
    ('auth can-i --list --no-headers', 0,
     '*.*  []  []  [*]\n  [*]  []  [*]',
     'printAccess: --no-headers'),
    ('auth can-i --list -q', 1,
     "error: list option can't be specified with neither quiet, all-namespaces nor subresource options",
     'cani.go Validate: --list with --quiet'),
    ('auth can-i get pods --no-headers', 1,
     'error: --no-headers cannot be set without --list specified',
     'cani.go Validate: --no-headers needs --list'),
    ('auth whoami', 0,
     'ATTRIBUTE  VALUE\nUsername  kubernetes-admin\nGroups  [kubeadm:cluster-admins system:authenticated]',
     "whoami.go: ATTRIBUTE/VALUE table of the SelfSubjectReview's userInfo (kubeadm's kubernetes-admin)"),
    ('auth whoami -o yaml', 0,
     'apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata: {}\nstatus:\n  userInfo:\n  groups:\n  - kubeadm:cluster-admins\n  - system:authenticated\n  username: kubernetes-admin',
     'whoami.go: -o yaml of the review (keys sorted, empty metadata)'),
    ('auth whoami -o json', 0,
     '{\n  "kind": "SelfSubjectReview",\n  "apiVersion": "authentication.k8s.io/v1",\n  "metadata": {},\n  "status": {\n  "userInfo": {\n  "username": "kubernetes-admin",\n  "groups": [\n  "kubeadm:cluster-admins",\n  "system:authenticated"\n  ]\n  }\n  }\n}',
     'whoami.go: -o json of the typed review (struct field order, 4-space indent)'),
    ('auth foo', 1,
     'error: unknown command "foo"\nSee \'kubectl auth -h\' for help and examples',
     'cobra: an unknown sub-command of auth'),
]


@pytest.fixture(scope="module")
def cluster():
    return build()


@pytest.mark.parametrize("line, code, want, rule", ROWS, ids=[r[0] for r in ROWS])
def test_auth_prints_what_kubectl_prints(cluster, line, code, want, rule):
    printed = execute(cluster, line)
    assert (printed.exit_code, normalize(str(printed))) == (code, want), rule
