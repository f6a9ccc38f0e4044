"""kubectl get's flags: --sort-by, --field-selector, --show-kind, -L, --ignore-not-found,
--chunk-size (k8snet/kubectl/get.py, sorter.py, apiserver/fields.py); describe --show-events,
delete --ignore-not-found, run's generator flags.

Each row is (command, exit status, what kubectl v1.37.1 prints, upstream rule).  The expected
text was recorded from the real binary against this very cluster served (cluster.serve()), with
wall-clock cells masked by tests/serve/crosscheck.normalize (AGE, column gaps); the recording
script is the loop in tests/serve/test_kubectl_rows_real.py, which re-runs every row through the real
kubectl whenever it is installed.
"""
from __future__ import annotations

import pytest

from k8snet.kubectl.commands import execute
from tests.kubectl.get_flags_cluster import build
from tests.serve.crosscheck import normalize

# (command line, exit status, what kubectl prints (normalized), upstream rule)
ROWS = [
    ('get pods --sort-by=.status.podIP', 0,
     'NAME  READY  STATUS  RESTARTS  AGE\nweb-678b8c8999-9xfk2  1/1  Running  0  AGE\nweb-678b8c8999-kdwrc  1/1  Running  0  AGE\napi-6bcdd669f6-kcwgm  1/1  Running  0  AGE\napi-6bcdd669f6-mw94h  1/1  Running  0  AGE\napi-6bcdd669f6-rgwfx  1/1  Running  0  AGE\nclient  1/1  Running  0  AGE',
     'sorter.go isLess: strings byte by byte (10.244.1.3 < 10.244.1.5)'),
    ('get pods --sort-by=.metadata.labels.app', 0,
     'NAME  READY  STATUS  RESTARTS  AGE\nclient  1/1  Running  0  AGE\napi-6bcdd669f6-kcwgm  1/1  Running  0  AGE\napi-6bcdd669f6-mw94h  1/1  Running  0  AGE\napi-6bcdd669f6-rgwfx  1/1  Running  0  AGE\nweb-678b8c8999-9xfk2  1/1  Running  0  AGE\nweb-678b8c8999-kdwrc  1/1  Running  0  AGE',
     'sorter.go TableSorter.Less: a row without the field sorts first'),
    ('get pods --sort-by=.spec.containers[0].image -o custom-columns=N:.metadata.name', 0,
     'N\nclient\napi-6bcdd669f6-kcwgm\napi-6bcdd669f6-mw94h\napi-6bcdd669f6-rgwfx\nweb-678b8c8999-9xfk2\nweb-678b8c8999-kdwrc',
     'get.go RuntimeSorter: non-Table printers sort the objects (SortObjects)'),
    ('get svc --sort-by=.spec.ports[0].port', 0,
     'NAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)  AGE\nweb  NodePort  10.96.204.31  <none>  80:30080/TCP  AGE\nkubernetes  ClusterIP  10.96.0.1  <none>  443/TCP  AGE',
     'sorter.go isLess: int64 values as numbers (80 < 443)'),
    ('get deploy --sort-by=.spec.replicas', 0,
     'NAME  READY  UP-TO-DATE  AVAILABLE  AGE\nweb  2/2  2  2  AGE\napi  3/3  3  3  AGE',
     'sorter.go isLess: numbers'),
    ('get pods -o name --sort-by=.status.podIP', 0,
     'pod/web-678b8c8999-9xfk2\npod/web-678b8c8999-kdwrc\npod/api-6bcdd669f6-kcwgm\npod/api-6bcdd669f6-mw94h\npod/api-6bcdd669f6-rgwfx\npod/client',
     'sorter.go SortObjects under -o name'),
    ('get deploy,svc --sort-by=.metadata.name -o name', 0,
     'deployment.apps/api\nservice/kubernetes\ndeployment.apps/web\nservice/web',
     "SortObjects sorts every type's objects together"),
    ('get pods --sort-by={.metadata.creationTimestamp} -o name', 0,
     'pod/api-6bcdd669f6-kcwgm\npod/api-6bcdd669f6-mw94h\npod/api-6bcdd669f6-rgwfx\npod/client\npod/web-678b8c8999-9xfk2\npod/web-678b8c8999-kdwrc',
     'timestamps compare as their RFC 3339 strings; ties keep their order (insertion sort)'),
    ('get pods --sort-by=..metadata.name --no-headers', 0,
     'api-6bcdd669f6-kcwgm  1/1  Running  0  AGE\napi-6bcdd669f6-mw94h  1/1  Running  0  AGE\napi-6bcdd669f6-rgwfx  1/1  Running  0  AGE\nclient  1/1  Running  0  AGE\nweb-678b8c8999-9xfk2  1/1  Running  0  AGE\nweb-678b8c8999-kdwrc  1/1  Running  0  AGE',
     "customcolumn.go RelaxedJSONPathExpression: '..x' is '{..x}' (recursive descent)"),
    ('get pods --sort-by=.foo', 0,
     'No resources found in default namespace.',
     "SortingPrinter's error is dropped (kubernetes/kubectl#1343): get.go prints 'No resources found'"),
    ('get pods --sort-by=.foo -o json', 1,
     'error: couldn\'t find any field with path "{.foo}" in the list of objects',
     "sorter.go SortObjects: couldn't find any field with path"),
    ('get pods --sort-by={.metadata.name', 0,
     'No resources found in default namespace.',
     'SortingPrinter: a path RelaxedJSONPathExpression refuses is parsed as is; the parse error is dropped'),
    ('get pods -o name --sort-by={.metadata.name', 1,
     "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
     "sorter.go SortObjects returns RelaxedJSONPathExpression's error"),
    ('get pods,svc --sort-by=.metadata.name', 1,
     'error: couldn\'t find any field with path "{.metadata.name}" in the list of objects',
     'get.go RuntimeSorter over several Tables: no field found in them'),
    ('get pod client web-678b8c8999-9xfk2 --sort-by=.metadata.name', 1,
     'error: couldn\'t find any field with path "{.metadata.name}" in the list of objects',
     'two names are two infos (two Tables): RuntimeSorter fails'),
    ('get pod web-678b8c8999-9xfk2 client --sort-by=.metadata.name -o name', 0,
     'pod/client\npod/web-678b8c8999-9xfk2',
     'named objects sorted by SortObjects'),
    ('get pods -l role=client --sort-by=.foo', 0,
     'NAME  READY  STATUS  RESTARTS  AGE\nclient  1/1  Running  0  AGE',
     'SortingPrinter sorts only a Table of more than one row'),
    ('get pods --field-selector=status.phase=Running,metadata.name!=client -o name', 0,
     'pod/api-6bcdd669f6-kcwgm\npod/api-6bcdd669f6-mw94h\npod/api-6bcdd669f6-rgwfx\npod/web-678b8c8999-9xfk2\npod/web-678b8c8999-kdwrc',
     "fields.ParseSelector: '=' and '!=' terms, all must hold"),
    ('get pods -A --field-selector=metadata.namespace=kube-system,spec.nodeName=node-1 -o name', 0,
     'pod/calico-node-6dndf\npod/coredns-6f6585b69c-wfpxc\npod/kube-proxy-j7qvz',
     'pod strategy.go PodToSelectableFields: spec.nodeName'),
    ('get svc -A --field-selector=spec.type=NodePort', 0,
     'NAMESPACE  NAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)  AGE\ndefault  web  NodePort  10.96.204.31  <none>  80:30080/TCP  AGE',
     'service strategy.go: spec.type is selectable'),
    ('get pods --field-selector=spec.foo=x', 1,
     'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=x": field label not supported: spec.foo',
     "the API server's 400 'field label not supported', wrapped by resource/selector.go"),
    ('get deploy --field-selector=spec.replicas=2 -l app=web', 1,
     'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector "app=web", field selector "spec.replicas=2": field label not supported: spec.replicas',
     'apps/v1 deployments select only metadata.name/namespace; the label selector is named in the message'),
    ('get pods --field-selector=status.phase', 1,
     'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "status.phase": invalid field selector: \'status.phase\': no operator found',
     'fields.ParseSelector: a term without an operator'),
    ('get pods --show-kind -l app=web', 0,
     'NAME  READY  STATUS  RESTARTS  AGE\npod/web-678b8c8999-9xfk2  1/1  Running  0  AGE\npod/web-678b8c8999-kdwrc  1/1  Running  0  AGE',
     'get.go: --show-kind prefixes names with the kind (tableprinter WithKind)'),
    ('get pods,svc --show-kind --no-headers -l app=web', 0,
     'pod/web-678b8c8999-9xfk2  1/1  Running  0  AGE\npod/web-678b8c8999-kdwrc  1/1  Running  0  AGE',
     'no headers, kind prefix; an empty list prints nothing'),
    ('get pods -L app -L role --no-headers', 0,
     'api-6bcdd669f6-kcwgm  1/1  Running  0  AGE  api\napi-6bcdd669f6-mw94h  1/1  Running  0  AGE  api\napi-6bcdd669f6-rgwfx  1/1  Running  0  AGE  api\nclient  1/1  Running  0  AGE  client\nweb-678b8c8999-9xfk2  1/1  Running  0  AGE  web\nweb-678b8c8999-kdwrc  1/1  Running  0  AGE  web',
     '-L is a StringSlice: repetitions append (pflag)'),
    ('get pods -L app,role -L tier -l role=client', 0,
     'NAME  READY  STATUS  RESTARTS  AGE  APP  ROLE  TIER\nclient  1/1  Running  0  AGE  client  a',
     '-L values are CSV, then appended'),
    ('get pods -l app=web --show-labels', 0,
     'NAME  READY  STATUS  RESTARTS  AGE  LABELS\nweb-678b8c8999-9xfk2  1/1  Running  0  AGE  app=web,pod-template-hash=678b8c8999\nweb-678b8c8999-kdwrc  1/1  Running  0  AGE  app=web,pod-template-hash=678b8c8999',
     'LABELS column'),
    ('get pod nope --ignore-not-found', 0,
     '',
     "get.go: r.IgnoreErrors(apierrors.IsNotFound); nothing written, no 'No resources found'"),
    ('get pod nope client --ignore-not-found', 0,
     'NAME  READY  STATUS  RESTARTS  AGE\nclient  1/1  Running  0  AGE',
     'the names that exist still print'),
    ('get pods -l x=y --ignore-not-found', 0,
     '',
     "get.go Run: IgnoreNotFound also drops the 'No resources found' line"),
    ('get pods -l x=y', 0,
     'No resources found in default namespace.',
     "get.go Run: 'No resources found in NS namespace.' when nothing was written"),
    ('get pods --chunk-size=1 -o name', 0,
     'pod/api-6bcdd669f6-kcwgm\npod/api-6bcdd669f6-mw94h\npod/api-6bcdd669f6-rgwfx\npod/client\npod/web-678b8c8999-9xfk2\npod/web-678b8c8999-kdwrc',
     '--chunk-size pages the list (limit/continue); the printed result is the same'),
    ('get pods --chunk-size=x', 1,
     'error: invalid argument "x" for "--chunk-size" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee \'kubectl get --help\' for usage.',
     'pflag int64Value.Set'),
    # other commands' flags implemented this round
    ('describe svc web --show-events=false', 0,
     'Name:  web\nNamespace:  default\nLabels:  <none>\nAnnotations:  <none>\nSelector:  app=web\nType:  NodePort\nIP Family Policy:  SingleStack\nIP Families:  IPv4\nIP:  10.96.204.31\nIPs:  10.96.204.31\nPort:  <unset>  80/TCP\nTargetPort:  80/TCP\nNodePort:  <unset>  30080/TCP\nEndpoints:  10.244.1.3:80,10.244.1.4:80\nSession Affinity:  None\nExternal Traffic Policy:  Cluster\nInternal Traffic Policy:  Cluster',
     'describe.go DescriberSettings.ShowEvents=false: no Events section'),
    ('delete pod nope --ignore-not-found', 0,
     '',
     'delete.go: r.IgnoreErrors(errors.IsNotFound): nothing printed, exit 0'),
    ('delete pod nope', 1,
     'Error from server (NotFound): pods "nope" not found',
     "without it: the API server's NotFound"),
    ('run p1 --image=nginx --image-pull-policy=Always --privileged --env=A=1,B=2 --env=C=3 --annotations=a=1 --dry-run=client -o yaml', 0,
     'apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n  a: "1"\n  labels:\n  run: p1\n  name: p1\nspec:\n  containers:\n  - env:\n  - name: A\n  value: 1,B=2\n  - name: C\n  value: "3"\n  image: nginx\n  imagePullPolicy: Always\n  name: p1\n  resources: {}\n  securityContext:\n  privileged: true\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}',
     'run.go generator: imagePullPolicy, securityContext.privileged, each --env/--annotations whole (StringArray); no namespace without -n'),
    ('run p1 --image=nginx -n kube-system --dry-run=client -o yaml', 0,
     'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n  run: p1\n  name: p1\n  namespace: kube-system\nspec:\n  containers:\n  - image: nginx\n  name: p1\n  resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}',
     'EnforceNamespace: an explicit -n is written in'),
    ('create deployment dd --image=nginx,busybox --image=redis --dry-run=client -o name', 0,
     'deployment.apps/dd',
     '-o name of the object kubectl would send'),
    ('run tmpx --rm --image=busybox --restart=Never -- hostname', 1,
     'error: --rm should only be used for attached containers',
     'run.go Validate: --rm needs an attached container (-i or --attach)'),
]


@pytest.fixture(scope="module")
def cluster():
    return build()


@pytest.mark.parametrize("line, code, want, rule", ROWS, ids=[r[0] for r in ROWS])
def test_get_flags_print_what_kubectl_prints(cluster, line, code, want, rule):
    printed = execute(cluster, line)
    assert (printed.exit_code, normalize(str(printed))) == (code, want), rule
