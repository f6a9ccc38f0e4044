"""Commands that change the cluster, row by row: kubectl delete --cascade, -o name and what a
delete of nothing prints (k8snet/kubectl/delete.py) with the garbage collection the cascading
strategy asks for (k8snet/apiserver/garbagecollector.py); kubectl run --expose (generators.py);
kubectl logs --since, --since-time, --tail (logs.py, gotime.py), whose rows need a log written at a
known time (the cluster ``logged``); get and describe -f and names not found (get.py).  ``{MANIFESTS}``
in a line is tests/manifests/kubectl.

Each row is (cluster, command lines, what kubectl v1.37.1 prints for each (exit status,
normalized text), upstream rule).  The texts were recorded from the real binary against the
same cluster served (cluster.serve()); tests/serve/test_kubectl_change_rows_real.py re-runs every
row through the real kubectl whenever it is installed.  Each row starts from a fresh cluster.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from k8snet import Cluster, ValidationError
from k8snet.kubectl.commands import execute
from tests.serve.crosscheck import normalize

#: A Deployment whose pods take 20 s to stop (a preStop sleep): its foreground deletion is seen.
SLOW = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: slow, labels: {app: slow}}
spec:
  replicas: 2
  selector: {matchLabels: {app: slow}}
  template:
    metadata: {labels: {app: slow}}
    spec:
      containers:
      - {name: app, image: nginx, lifecycle: {preStop: {sleep: {seconds: 20}}}}
"""


def web() -> Cluster:
    """``web``: an nginx Deployment of 2 pods, 30 s old."""
    cluster = Cluster(seed=7)
    cluster.kubectl("create deployment web --image=nginx --replicas=2")
    cluster.advance(30)
    return cluster


def web_svc() -> Cluster:
    """``web`` exposed on port 80 (``kubectl expose deploy web --port=80``)."""
    cluster = web()
    cluster.kubectl("expose deploy web --port=80")
    return cluster


def slow() -> Cluster:
    """``slow`` (SLOW) next to ``web``, 30 s old."""
    cluster = web()
    cluster.apply(SLOW)
    cluster.advance(30)
    return cluster


def logged() -> Cluster:
    """``web`` (1 pod) exposed; a client's wget at 25 s writes the access line; now is 30 s."""
    cluster = Cluster(seed=7)
    cluster.kubectl("create deployment web --image=nginx --replicas=1")
    cluster.kubectl("expose deploy web --port=80")
    cluster.advance(20)
    cluster.kubectl("run client --image=busybox -- sleep 3600")
    cluster.advance(5)
    cluster.kubectl("exec client -- wget -qO- http://web")
    cluster.advance(5)
    return cluster


#: Where the rows' -f manifests are (``{MANIFESTS}`` in a line).
MANIFESTS = str(Path(__file__).resolve().parent.parent / "manifests" / "kubectl")
WEB_AND_NOPE = "{MANIFESTS}/web-and-nope.yaml"


def line_of(text: str) -> str:
    """A row's command line with the manifests' folder filled in."""
    return text.replace("{MANIFESTS}", MANIFESTS)


SETUPS = {"web": web, "web-svc": web_svc, "slow": slow, "logged": logged}
OWNERS = "get rs,pods -o custom-columns=NAME:.metadata.name,OWNER:.metadata.ownerReferences[*].kind"
DELETING = ("get deploy,rs -o custom-columns=NAME:.metadata.name,FINALIZERS:.metadata.finalizers,"
            "GRACE:.metadata.deletionGracePeriodSeconds,GENERATION:.metadata.generation")

# (cluster, command lines, [(exit status, what kubectl prints)], upstream rule)
ROWS = [
    ("web", ["delete deploy web --cascade=orphan", OWNERS],
     [(0, 'deployment.apps "web" deleted from default namespace'), (0, 'NAME  OWNER\nweb-7957885594  <none>\nweb-7957885594-9xfk2  ReplicaSet\nweb-7957885594-kdwrc  ReplicaSet')],
     "store.go deletionFinalizersForGarbageCollection adds orphan; garbagecollector.go orphanDependents drops "
     "the owner's reference from each dependent, then the owner goes"),
    ("web", ["delete deploy web --cascade=background", "get deploy,rs,pods"],
     [(0, 'deployment.apps "web" deleted from default namespace'), (0, 'No resources found in default namespace.')],
     "background: the owner goes at once, the GC deletes its dependents after it (attemptToDeleteItem, dangling)"),
    ("web", ["delete deploy web --cascade=foreground", "get deploy,rs,pods"],
     [(0, 'deployment.apps "web" deleted from default namespace'), (0, 'No resources found in default namespace.')],
     "foreground: kubectl waits (cmdwait IsDeleted) until the owner is gone, after its dependents"),
    ("slow", ["delete deploy slow --cascade=foreground --wait=false", DELETING, "get pods -l app=slow"],
     [(0, 'deployment.apps "slow" deleted from default namespace'), (0, 'NAME  FINALIZERS  GRACE  GENERATION\nslow  [foregroundDeletion]  0  2\nweb  <none>  <none>  1\nslow-bd45bcc5  [foregroundDeletion]  0  2\nweb-7957885594  <none>  <none>  1'), (0, 'NAME  READY  STATUS  RESTARTS  AGE\nslow-bd45bcc5-ckcwg  1/1  Terminating  0  AGE\nslow-bd45bcc5-mrgwf  1/1  Terminating  0  AGE')],
     "store.go markAsDeleting (deletionTimestamp now, deletionGracePeriodSeconds 0, generation + 1) with "
     "foregroundDeletion; attemptToDeleteItem deletes a dependent with dependents in the foreground too"),
    ("slow", ["delete deploy slow --cascade=foreground --wait=false", "delete deploy slow --wait=false",
              "get deploy,rs -l app=slow"],
     [(0, 'deployment.apps "slow" deleted from default namespace'), (0, 'deployment.apps "slow" deleted from default namespace'), (0, 'No resources found in default namespace.')],
     "deletionFinalizersForGarbageCollection: a background delete removes foregroundDeletion, so the owner goes now"),
    ("web", ["delete deploy web --cascade=bogus", "get deploy -o name"],
     [(1, 'error: invalid cascade value (bogus). Must be "background", "foreground", or "orphan"'), (0, 'deployment.apps/web')],
     "delete_flags.go parseCascadingFlag: invalid cascade value, nothing deleted"),
    ("web", ["delete deploy web --cascade=false --wait=false", "get rs -o name"],
     [(0, 'warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\ndeployment.apps "web" deleted from default namespace'), (0, 'replicaset.apps/web-7957885594')],
     "parseCascadingFlag: a boolean is deprecated; false is orphan"),
    ("web", ["delete deploy web --cascade=TRUE --wait=false", "get rs"],
     [(0, 'warning: --cascade=TRUE is deprecated (boolean value) and can be replaced with --cascade=background.\ndeployment.apps "web" deleted from default namespace'), (0, 'No resources found in default namespace.')],
     "parseCascadingFlag: strconv.ParseBool reads TRUE; true is background"),
    ("web", ["delete deploy web --cascade -o name"],
     [(0, 'deployment.apps/web')],
     "--cascade alone is its NoOptDefVal background; delete.go PrintObj -o name prints kind.group/name"),
    ("web", ["delete pods --all -n kube-public", "delete svc -l app=nope"],
     [(0, 'No resources found'), (0, 'No resources found')],
     "delete.go DeleteResult: found == 0 prints No resources found (--all and -l ignore NotFound)"),
    ("web", ["delete deploy web -o yaml"],
     [(1, "error: unexpected -o output mode: yaml. We only support '-o name'")],
     "delete.go Validate: only -o name"),
    ("web-svc", ["run a3 --image=nginx --port=8080 --expose -o name",
                 "get svc a3 -o custom-columns=TYPE:.spec.type,PORTS:.spec.ports,SELECTOR:.spec.selector,LABELS:.metadata.labels",
                 "get endpointslices -l kubernetes.io/service-name=a3 -o custom-columns=PORT:.ports[0].port,POD:.endpoints[*].targetRef.name"],
     [(0, 'pod/a3\nservice/a3'), (0, 'TYPE  PORTS  SELECTOR  LABELS\nClusterIP  [map[port:8080 protocol:TCP targetPort:8080]]  map[run:a3]  <none>'), (0, 'PORT  POD\n8080  a3')],
     "run.go createService: named as the pod, selector = the pod's labels (run=NAME), port = targetPort, no "
     "labels of its own; the API server defaults ClusterIP; PrintObj prints each created object"),
    ("web", ["run a2 --image=nginx --port=8080 --expose -l app=a2,tier=x --dry-run=client -o yaml",
             "run a3 --image=nginx --port=80 --expose --dry-run=client"], [(0, 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n  app: a2\n  tier: x\n  name: a2\nspec:\n  containers:\n  - image: nginx\n  name: a2\n  ports:\n  - containerPort: 8080\n  resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  labels:\n  app: a2\n  tier: x\n  name: a2\nspec:\n  ports:\n  - port: 8080\n  protocol: TCP\n  targetPort: 8080\n  selector:\n  app: a2\n  tier: x\nstatus:\n  loadBalancer: {}'), (0, 'pod/a3 created (dry run)\nservice/a3 created (dry run)')],
     "run.go createService: --labels are the Service's labels and selector; YAMLPrinter puts --- between documents"),
    ("web-svc", ["run web --image=nginx --port=80 --expose", "get pod web -o name"], [(1, 'pod/web created\nError from server (AlreadyExists): services "web" already exists'), (0, 'pod/web')],
     "run.go Run: the pod is made and printed; the Service's error is returned after (utilerrors.NewAggregate)"),
    ("web", ["run a1 --image=nginx --expose", "run a1 --image=nginx --expose --port=abc",
             "run a1 --image=nginx --expose --port=", "run a1 --expose --port=80", "get pods,svc -l run=a1"], [(1, 'error: --port must be set when exposing a service'), (1, 'error: --port must be a number'), (1, 'error: --port must be set when exposing a service'), (1, 'error: required flag(s) "image" not set'), (0, 'No resources found in default namespace.')],
     "run.go Validate: --port must be set when exposing, --port must be a number (after the required --image)"),
    ("logged", ["logs deploy/web --since=10s", "logs deploy/web --since=10s --tail=0",
                "logs -l app=web --since=1h --tail=2"], [(0, '10.244.1.4 - - [01/Jan/2025:00:00:25 +0000] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"'), (0, ''), (0, '2025/01/01 00:00:00 [notice] 1#1: start worker process 32\n10.244.1.4 - - [01/Jan/2025:00:00:25 +0000] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"')],
     "logs.go ToLogOptions sinceSeconds; kuberuntime/logs ReadLogs keeps lines at or after now - sinceSeconds, "
     "within the --tail lines (-l defaults --tail to 10)"),
    ("logged", ["logs deploy/web --since-time=2099-01-01T00:00:00Z",
                "logs deploy/web --since-time=2020-01-01T00:00:00.5+01:00 --tail=1"], [(0, ''), (0, '10.244.1.4 - - [01/Jan/2025:00:00:25 +0000] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"')],
     "logs.go sinceTime (util.ParseRFC3339: a fraction and an offset are accepted); ReadLogs' cutoff"),
    ("logged", ["logs deploy/web --since=-5s", "logs deploy/web --since=0.4s", "logs deploy/web --tail=-2",
                "logs deploy/web --since=1h --since-time=2024-01-01T00:00:00Z"], [(1, 'error: --since must be greater than 0'), (1, 'The PodLogOptions "web-7957885594-kdwrc" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'), (1, 'error: --tail must be greater than or equal to -1'), (1, 'error: at most one of `sinceTime` or `sinceSeconds` may be specified')],
     "logs.go Validate (--since > 0, --tail >= -1, one of since/since-time); Round(time.Second) makes 0.4s "
     "sinceSeconds=0, which ValidatePodLogOptions refuses (422)"),
    ("logged", ["logs deploy/web --since-time=yesterday", "logs deploy/web --since-time=2024-01-01",
                "logs deploy/web --since-time=2024-01-01T00:00:00", "logs deploy/web --since-time=2024-1-01T00:00:00Z",
                "logs deploy/web --since-time=2024-01-01T00:00:00+0100"], [(1, 'error: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'), (1, 'error: parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'), (1, 'error: parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'), (1, 'error: parsing time "2024-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01"'), (1, 'error: parsing time "2024-01-01T00:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00"')],
     "time/format.go parse: cannot parse REST as ELEM, against the RFC 3339 layout"),
    ("logged", ["logs deploy/web --since-time=2024-13-01T00:00:00Z", "logs deploy/web --since-time=2024-01-01T25:00:00Z",
                "logs deploy/web --since-time=2020-02-30T00:00:00Z", "logs deploy/web --since-time=2024-01-01T00:00:00Zjunk"],
     [(1, 'error: parsing time "2024-13-01T00:00:00Z": month out of range'), (1, 'error: parsing time "2024-01-01T25:00:00Z": hour out of range'), (1, 'error: parsing time "2020-02-30T00:00:00Z": day out of range'), (1, 'error: parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"')], "time/format.go parse: month/hour out of range at once, the day last (daysIn), extra text"),
    ("web-svc", ["get -f " + WEB_AND_NOPE, "get -f " + WEB_AND_NOPE + " -o name",
                 "get -f " + WEB_AND_NOPE + " -o custom-columns=N:.metadata.name",
                 "get -f " + WEB_AND_NOPE + " -n kube-system", "get -f " + WEB_AND_NOPE + " svc"], [(1, 'NAME  READY  UP-TO-DATE  AVAILABLE  AGE\ndeployment.apps/web  2/2  2  2  AGE\n\nNAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)  AGE\nservice/web  ClusterIP  10.96.204.31  <none>  80/TCP  AGE\nError from server (NotFound): services "nope" not found'), (1, 'Error from server (NotFound): services "nope" not found'), (1, 'Error from server (NotFound): services "nope" not found'), (1, 'Error from server (NotFound): deployments.apps "web" not found\nError from server (NotFound): services "web" not found\nError from server (NotFound): services "nope" not found'), (1, 'error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well')],
     "resource builder FilenameParam: the manifests' objects fetched by name, in file order, a table per kind "
     "with kind/ prefixes, any other output only the errors when one is missing (Latest); ContinueOnError: NotFound after; no resource arguments with -f"),
    ("web-svc", ["get pods nope web-7957885594-9xfk2", "get svc nope web -o jsonpath={.kind}", "get pods nope -o name",
                 "get svc nope -o jsonpath={.kind}", "get svc nope web -o name"], [(1, 'NAME  READY  STATUS  RESTARTS  AGE\nweb-7957885594-9xfk2  1/1  Running  0  AGE\nError from server (NotFound): pods "nope" not found'), (1, 'ListError from server (NotFound): services "nope" not found'), (1, 'Error from server (NotFound): pods "nope" not found'), (1, 'Error from server (NotFound): services "nope" not found'), (1, 'service/web\nError from server (NotFound): services "nope" not found')],
     "get.go Run: ContinueOnError prints what was found, then each NotFound (exit status 1)"),
    ("web-svc", ["describe svc nope web", "describe svc web kubernetes nope", "describe svc nope"], [(1, 'Name:  web\nNamespace:  default\nLabels:  app=web\nAnnotations:  <none>\nSelector:  app=web\nType:  ClusterIP\nIP Family Policy:  SingleStack\nIP Families:  IPv4\nIP:  10.96.204.31\nIPs:  10.96.204.31\nPort:  <unset>  80/TCP\nTargetPort:  80/TCP\nEndpoints:  10.244.1.3:80,10.244.1.4:80\nSession Affinity:  None\nInternal Traffic Policy:  Cluster\nError from server (NotFound): services "nope" not found'), (1, 'Name:  web\nNamespace:  default\nLabels:  app=web\nAnnotations:  <none>\nSelector:  app=web\nType:  ClusterIP\nIP Family Policy:  SingleStack\nIP Families:  IPv4\nIP:  10.96.204.31\nIPs:  10.96.204.31\nPort:  <unset>  80/TCP\nTargetPort:  80/TCP\nEndpoints:  10.244.1.3:80,10.244.1.4:80\nSession Affinity:  None\nInternal Traffic Policy:  Cluster\n\n\nName:  kubernetes\nNamespace:  default\nLabels:  component=apiserver\n  provider=kubernetes\nAnnotations:  <none>\nSelector:  <none>\nType:  ClusterIP\nIP Family Policy:  SingleStack\nIP Families:  IPv4\nIP:  10.96.0.1\nIPs:  10.96.0.1\nPort:  https  443/TCP\nTargetPort:  6443/TCP\nEndpoints:  172.18.0.2:6443\nSession Affinity:  None\nInternal Traffic Policy:  Cluster\nError from server (NotFound): services "nope" not found'), (1, 'Error from server (NotFound): services "nope" not found')],
     "describe.go Run: what was found (no Events lookup for several), then each NotFound"),
    ("web-svc", ["delete pod nope --dry-run=client", "delete pod nope --dry-run=server", "delete svc web --dry-run=server",
                 "delete svc web --dry-run=client -o name", "delete ns nope --dry-run=client", "get svc web -o name"],
     [(0, 'pod "nope" deleted from default namespace (dry run)'), (1, 'Error from server (NotFound): pods "nope" not found'), (0, 'service "web" deleted from default namespace (server dry run)'), (0, 'service/web'), (0, 'namespace "nope" deleted (dry run)'), (0, 'service/web')], "delete.go DeleteResult: a client dry run prints without asking the server; a server dry run asks "
           "(NotFound), PrintObj adds (dry run) / (server dry run); nothing is deleted"),
    ("web-svc", ["delete pods --all --dry-run=client --force --grace-period=0",
                 "delete pods -l app=web -A --dry-run=client",
                 "delete pods --field-selector=status.phase=Running --dry-run=server"], [(0, 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod "web-7957885594-9xfk2" force deleted from default namespace (dry run)\npod "web-7957885594-kdwrc" force deleted from default namespace (dry run)'), (0, 'pod "web-7957885594-9xfk2" deleted from default namespace (dry run)\npod "web-7957885594-kdwrc" deleted from default namespace (dry run)'), (0, 'pod "web-7957885594-9xfk2" deleted from default namespace (server dry run)\npod "web-7957885594-kdwrc" deleted from default namespace (server dry run)')],
     "delete.go: force deleted after the Immediate deletion warning; -A lists every namespace; --field-selector "
     "picks the objects (registry field selectors)"),
    ("web-svc", ["delete pods --all --field-selector=status.phase=Running", "delete pods --field-selector=bogus=x",
                 "delete pods -A --field-selector=spec.nodeName=node-9"], [(1, "error: setting 'all' parameter but found a non empty selector."), (1, 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "bogus=x": field label not supported: bogus'), (0, 'No resources found')],
     "resource builder SelectAllParam: not with a selector; the list's 400 for an unknown field; found == 0"),
    ("web-svc", ["delete svc web nope --wait=false", "get svc -o name"], [(1, 'service "web" deleted from default namespace\nError from server (NotFound): services "nope" not found'), (0, 'service/kubernetes')],
     "delete.go DeleteResult: ContinueOnError deletes what it finds, then the NotFound (exit status 1)"),
    ("web", ["create deployment x --image=nginx --port=80 --replicas=2 --dry-run=client -o json",
             "create namespace n1 --dry-run=client -o json",
             "run a --image=nginx --env=A=b --labels=x=y --annotations=k=v --privileged --image-pull-policy=Always "
             "--restart=Never --command --port=80 --dry-run=client -o json -- sh -c x"], [(0, '{\n  "kind": "Deployment",\n  "apiVersion": "apps/v1",\n  "metadata": {\n  "name": "x",\n  "labels": {\n  "app": "x"\n  }\n  },\n  "spec": {\n  "replicas": 2,\n  "selector": {\n  "matchLabels": {\n  "app": "x"\n  }\n  },\n  "template": {\n  "metadata": {\n  "labels": {\n  "app": "x"\n  }\n  },\n  "spec": {\n  "containers": [\n  {\n  "name": "nginx",\n  "image": "nginx",\n  "ports": [\n  {\n  "containerPort": 80\n  }\n  ],\n  "resources": {}\n  }\n  ]\n  }\n  },\n  "strategy": {}\n  },\n  "status": {}\n}'), (0, '{\n  "kind": "Namespace",\n  "apiVersion": "v1",\n  "metadata": {\n  "name": "n1"\n  },\n  "spec": {},\n  "status": {}\n}'), (0, '{\n  "kind": "Pod",\n  "apiVersion": "v1",\n  "metadata": {\n  "name": "a",\n  "labels": {\n  "x": "y"\n  },\n  "annotations": {\n  "k": "v"\n  }\n  },\n  "spec": {\n  "containers": [\n  {\n  "name": "a",\n  "image": "nginx",\n  "command": [\n  "sh",\n  "-c",\n  "x"\n  ],\n  "ports": [\n  {\n  "containerPort": 80\n  }\n  ],\n  "env": [\n  {\n  "name": "A",\n  "value": "b"\n  }\n  ],\n  "resources": {},\n  "imagePullPolicy": "Always",\n  "securityContext": {\n  "privileged": true\n  }\n  }\n  ],\n  "restartPolicy": "Never",\n  "dnsPolicy": "ClusterFirst"\n  },\n  "status": {}\n}')],
     "printers JSONPrinter of the typed object kubectl built: fields in Go declaration order (apps/v1 and core/v1 "
     "types.go, meta/v1 ObjectMeta), map keys sorted"),
    ("web", ["expose deploy web --port=80 --name=w3 --selector=app=web,tier=x --labels=a=b --session-affinity=ClientIP "
             "--cluster-ip=10.96.0.77 --external-ip=1.2.3.4 --load-balancer-ip=5.6.7.8 --type=LoadBalancer "
             "--target-port=8080 --protocol=UDP --dry-run=client -o json",
             "run b --image=nginx --port=80 --expose --dry-run=client -o json"], [(0, '{\n  "kind": "Service",\n  "apiVersion": "v1",\n  "metadata": {\n  "name": "w3",\n  "labels": {\n  "a": "b"\n  }\n  },\n  "spec": {\n  "ports": [\n  {\n  "protocol": "UDP",\n  "port": 80,\n  "targetPort": 8080\n  }\n  ],\n  "selector": {\n  "app": "web",\n  "tier": "x"\n  },\n  "clusterIP": "10.96.0.77",\n  "type": "LoadBalancer",\n  "externalIPs": [\n  "1.2.3.4"\n  ],\n  "sessionAffinity": "ClientIP",\n  "loadBalancerIP": "5.6.7.8"\n  },\n  "status": {\n  "loadBalancer": {}\n  }\n}'), (0, '{\n  "kind": "Pod",\n  "apiVersion": "v1",\n  "metadata": {\n  "name": "b",\n  "labels": {\n  "run": "b"\n  }\n  },\n  "spec": {\n  "containers": [\n  {\n  "name": "b",\n  "image": "nginx",\n  "ports": [\n  {\n  "containerPort": 80\n  }\n  ],\n  "resources": {}\n  }\n  ],\n  "restartPolicy": "Always",\n  "dnsPolicy": "ClusterFirst"\n  },\n  "status": {}\n}\n{\n  "kind": "Service",\n  "apiVersion": "v1",\n  "metadata": {\n  "name": "b"\n  },\n  "spec": {\n  "ports": [\n  {\n  "protocol": "TCP",\n  "port": 80,\n  "targetPort": 80\n  }\n  ],\n  "selector": {\n  "run": "b"\n  }\n  },\n  "status": {\n  "loadBalancer": {}\n  }\n}')],
     "core/v1 ServiceSpec and ServicePort declaration order (ports, selector, clusterIP, type, externalIPs, "
     "sessionAffinity, loadBalancerIP; protocol, port, targetPort)"),
    ("web", ["create deployment y --image=nginx --image=busybox --dry-run=client -o json -- sleep 1"], [(1, 'error: cannot specify multiple --image options and command')],
     "create_deployment.go Validate: several images and a command"),
    ("web", ["delete pods --all -l app=web"],
     [(1, "error: setting 'all' parameter but found a non empty selector.")],
     "resource builder: setting 'all' parameter but found a non empty selector"),
]


@pytest.mark.parametrize("setup, lines, want, rule", ROWS, ids=[" ; ".join(r[1]) for r in ROWS])
def test_delete_prints_and_collects_what_kubectl_and_the_gc_do(setup, lines, want, rule):
    cluster = SETUPS[setup]()
    got = [(p.exit_code, normalize(str(p))) for p in (execute(cluster, line_of(line)) for line in lines)]
    assert got == want, rule


# (seconds after a foreground delete of slow, what is left), processDeletingDependentsItem: the
# pods stop after their 20 s preStop sleep, then the ReplicaSet goes, then the Deployment.
FOREGROUND_STEPS = [
    (0, ["Deployment/slow", "Pod/2", "ReplicaSet/slow-bd45bcc5"]),
    (19, ["Deployment/slow", "Pod/2", "ReplicaSet/slow-bd45bcc5"]),
    (21, []),
]


@pytest.mark.parametrize("after, left", FOREGROUND_STEPS, ids=[str(s[0]) for s in FOREGROUND_STEPS])
def test_a_foreground_owner_stays_until_its_blocking_dependents_are_gone(after, left):
    cluster = slow()
    cluster.delete("deploy/slow", propagation_policy="Foreground")
    cluster.advance(after)
    objs = [o for kind in ("Deployment", "ReplicaSet") for o in cluster.store.items(kind, "default")
            if o["metadata"]["name"].startswith("slow")]
    pods = [p for p in cluster.store.items("Pod", "default") if p["metadata"]["name"].startswith("slow")]
    got = sorted(f"{o['kind']}/{o['metadata']['name']}" for o in objs) + ([f"Pod/{len(pods)}"] if pods else [])
    assert sorted(got) == left, "garbagecollector.go processDeletingDependentsItem"


# (propagation_policy, the error), apimachinery ValidateDeleteOptions (field.NotSupported).
BAD_POLICIES = [
    ("foreground", 'The DeleteOptions "" is invalid: propagationPolicy: Unsupported value: "foreground": '
                   'supported values: "Foreground", "Background", "Orphan", "nil"'),
    ("", 'The DeleteOptions "" is invalid: propagationPolicy: Unsupported value: "": '
         'supported values: "Foreground", "Background", "Orphan", "nil"'),
]


@pytest.mark.parametrize("policy, message", BAD_POLICIES, ids=[repr(p) for p, _ in BAD_POLICIES])
def test_a_bad_propagation_policy_is_refused_before_anything_changes(policy, message):
    cluster = web()
    before = cluster.store.version
    with pytest.raises(ValidationError) as e:
        cluster.delete("deploy/web", propagation_policy=policy)
    assert (str(e.value), cluster.store.version) == (message, before)
