"""Exercise 15's scenarios (notebook ``exercises/ex15_dns_policies.ipynb``): the cluster every
question starts from, and the pods the questions show (``AGENT``, ``BATCH``, ``DB0``) or run
(``VIP_SCENARIO``), as the learner reads them above each question."""
from __future__ import annotations

from .scenario import fresh_cluster

__all__ = ["SCENARIO", "AGENT", "BATCH", "DB0", "VIP_SCENARIO", "NAMES", "CLUSTER_ARGS"]

#: Every ex15 scenario cluster.
CLUSTER_ARGS = {"nodes": 3, "seed": 15}


#: Service ``web`` (nginx) in ``default``, Service ``redis`` in namespace ``cache``, a client pod.
SCENARIO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Namespace
metadata: {name: cache}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: busybox:1.36, command: [sleep, "infinity"]}]
"""


#: Pod ``agent`` as a node agent is first written: on the node's network, default dnsPolicy.
AGENT = """\
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  hostNetwork: true
  containers: [{name: agent, image: curlimages/curl, command: [sleep, "infinity"]}]
"""


def _cluster():
    c = fresh_cluster(SCENARIO, **CLUSTER_ARGS)
    c.advance(10)
    return c


BATCH = """\
apiVersion: v1
kind: Pod
metadata: {name: batch}
spec:
  dnsPolicy: None
  dnsConfig:
    nameservers: [10.96.0.10]
    searches: [jobs.svc.cluster.local, svc.cluster.local]
    options: [{name: ndots, value: "2"}]
  containers: [{name: c, image: busybox:1.36, command: [sleep, "infinity"]}]
"""


DB0 = """\
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  labels: {app: db}
spec:
  containers:
  - name: db
    image: nginx:1.27
    readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 120}
"""


NAMES = ("kubernetes.default.svc.cluster.local", "nope.default.svc.cluster.local", "example.com",
         "nope.example.com", "10.0.96.10.in-addr.arpa")


VIP_SCENARIO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: nginx:1.27, readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}}]
---
{apiVersion: v1, kind: Service, metadata: {name: db}, spec: {selector: {app: db}, ports: [{port: 80}]}}
---
{apiVersion: v1, kind: Service, metadata: {name: db-hl}, spec: {clusterIP: None, selector: {app: db}, ports: [{port: 80}]}}
---
{apiVersion: v1, kind: Pod, metadata: {name: client}, spec: {containers: [{name: c, image: "busybox:1.36"}]}}
"""
