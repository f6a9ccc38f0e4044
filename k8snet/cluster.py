"""The ``Cluster``: one simulated Kubernetes cluster, wired from the package's stages.

Data flows ``manifest -> apiserver -> controllers -> engines (proxy, dns, routing, netpol)
-> datapath``; this class only connects them and keeps the simulated clock.  See
docs/API.md for the public surface and docs/ARCHITECTURE.md for the rest.
"""
from __future__ import annotations

import functools
import inspect
import random
import threading
from typing import Any, Iterable

from . import bootstrap, clock, manifest
from .apiserver.server import APIServer
from .apiserver.store import clone
from .controllers.kubelet import IPAM
from .controllers.manager import Manager
from .clusterargs import check_arguments as _check_arguments, choice as _choice, names as _names, \
    pod_network as _pod_network, zones as _zones
from .cluster_traffic import ClusterTraffic
from .cluster_views import ClusterViews
from .errors import K8sNetError, NotFoundError, UsageError, ValidationError, require

__all__ = ["Cluster", "CNIS", "PROXY_MODES", "IPVS_SCHEDULERS", "ADDONS"]

CNIS = ("calico", "cilium", "weave", "flannel", "kindnet")
PROXY_MODES = ("iptables", "nftables", "ipvs")
IPVS_SCHEDULERS = ("rr", "lc", "sh")
ADDONS = ("ingress-nginx", "gateway", "metallb", "aws-load-balancer-controller")
CLOUDS = (None, "aws", "gcp", "azure")
#: advance() moves the clock at most this far at once: timestamps stay RFC 3339 years (< 9999).
_MAX_ADVANCE = 100 * 365 * 86400


class Cluster(ClusterViews, ClusterTraffic):
    """A Kubernetes cluster simulated in-process (see the contract for every method).

    ``nodes=N`` is N nodes in all (or a list of their names): the first, ``node-1``, is the
    control plane kubeadm initialised, the others are workers that joined it.  As with kubeadm
    and kind, the control plane is labelled ``node-role.kubernetes.io/control-plane`` and, when
    there is at least one worker, tainted ``node-role.kubernetes.io/control-plane:NoSchedule``:
    workloads then run on the workers only (CoreDNS and the node agents tolerate the taint).
    A one-node cluster is untainted and runs everything, as minikube and a one-node kind do.
    So ``Cluster(nodes=3)`` is a control plane and two workers.
    """

    def __init__(self, nodes: int | list[str] = 2, *, cni: str = "calico", proxy_mode: str = "iptables",
                 ipvs_scheduler: str = "rr", cloud: str | None = None, addons: Iterable[str] = (), seed: int = 0,
                 pod_cidr: str = bootstrap.POD_CIDR, node_cidr_mask_size: int = bootstrap.NODE_CIDR_MASK_SIZE,
                 ip_families: tuple[str, ...] = ("IPv4",), zones: list | dict | None = None):
        _check_arguments(nodes, addons, seed)
        from .families import check_ip_families, cluster_families
        self.ip_families = check_ip_families(ip_families)
        _choice("cni", cni, CNIS)
        _choice("proxy_mode", proxy_mode, PROXY_MODES)
        _choice("ipvs_scheduler", ipvs_scheduler, IPVS_SCHEDULERS)
        _choice("cloud", cloud, CLOUDS)
        addons = list(addons)
        for a in addons:
            _choice("addon", a, ADDONS)
        if isinstance(nodes, int):
            if not 1 <= nodes <= 5000:
                raise UsageError(f"nodes={nodes} is not supported: a cluster has 1 to 5000 nodes")
            names = [f"node-{i}" for i in range(1, nodes + 1)]
        else:
            names = list(nodes)
            if not names or len(set(names)) != len(names):
                raise UsageError("nodes must be a count or a list of distinct node names")
        if "IPv4" in self.ip_families:
            self.pod_cidr = _pod_network(pod_cidr, node_cidr_mask_size, len(names))
        elif (pod_cidr, node_cidr_mask_size) != (bootstrap.POD_CIDR, bootstrap.NODE_CIDR_MASK_SIZE):
            raise UsageError("pod_cidr= and node_cidr_mask_size= set the IPv4 pod network: an IPv6 cluster uses "
                             "kind's fd00:10:244::/56 with a /64 per node")
        else:
            self.pod_cidr = pod_cidr
        self._node_zones = _zones(zones, names)
        self.node_cidr_mask_size = node_cidr_mask_size
        #: One ``families.Family`` per IP family, primary first (pod, Service and node ranges).
        self.families = cluster_families(self.ip_families, self.pod_cidr, node_cidr_mask_size)
        if "IPv6" in self.ip_families and len(names) > 256:
            raise UsageError(f"nodes={len(names)} is not supported: the pod CIDR fd00:10:244::/56 holds 256 node "
                             "ranges of /64")
        self.cni, self.proxy_mode, self.ipvs_scheduler, self.cloud, self.seed = cni, proxy_mode, ipvs_scheduler, cloud, seed
        self.rng = random.Random(seed)
        # Separate streams so that, e.g., a DNS query does not shift which pod names come next.
        self.dns_rng = random.Random(f"{seed}/dns")
        self.lb_rng = random.Random(f"{seed}/lb")
        # One lock for the cluster: every public method takes it, and so does the API server
        # that serve() starts, so a notebook and concurrent kubectl processes never interleave.
        self.lock = threading.RLock()
        self.clock = clock.Clock()
        self.api = APIServer(rng=self.rng, now=lambda: self.clock.now,
                             service_cidrs={f.name: f.service_cidr for f in self.families})
        self.store = self.api.store
        self.controllers = Manager(self.api, cloud=cloud)
        from .controllers.routing import RoutingStatus
        self.controllers.extra.append(RoutingStatus(self.api, cloud))
        from .apiserver import garbagecollector
        # The garbage collector finishes foreground deletions once the controllers settle.
        self.controllers.extra.append(lambda: garbagecollector.sync(self.api))
        from .kubeproxy import KubeProxies
        self.kube_proxy = KubeProxies(self.store, mode=proxy_mode, ipvs_scheduler=ipvs_scheduler,
                                      families=self.families)
        from .propagation import Propagation
        self.propagation = Propagation(seed, lambda: self._now)
        self.kube_proxy.propagation = self.propagation
        self.store.watch(lambda verb, kind, old, new: self.propagation.on_slice(old, new), kinds=("EndpointSlice",))
        self.external_hosts: dict[str, str] = {}
        self.addons: list[str] = []
        self._bootstrap(names)
        for a in addons:
            self.enable_addon(a)
        from .magics import set_current
        set_current(self)

    # -- set-up ---------------------------------------------------------------
    def _bootstrap(self, names: list[str]) -> None:
        for ns in bootstrap.NAMESPACES:
            self.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        ranges = [f.node_cidrs() for f in self.families]
        for i, name in enumerate(names):
            cidrs = [next(r) for r in ranges]
            node = bootstrap.node_object(name, i, clock.rfc3339(self.clock.now), cidrs, nodes=len(names),
                                         families=self.families, zone=self._node_zones.get(name))
            self.api.write(node)
            self.controllers.ipam[name] = IPAM(*node["spec"]["podCIDRs"])
            self.controllers.kubelet_up[name] = True
        # kubeadm's kube-proxy ConfigMap; its uid from a stream of its own, so every other
        # object keeps the uid (and the cloud load-balancer names derived from it) it had.
        # clusterCIDR is kubeadm's podSubnet (both families on a dual-stack cluster); the API
        # server's address is the primary family's advertise address.
        first = self.families[0].node_ip(0)
        server = f"https://{'[' + first + ']' if ':' in first else first}:{bootstrap.API_SERVER_PORT}"
        # kubeadm init's upload-config and bootstrap-token phases, then its kube-proxy addon
        from .kubeadmconfig import kube_proxy_config_map, kubeadm_config_maps
        for obj in kubeadm_config_maps(server, ",".join(f.pod_cidr for f in self.families),
                                       ",".join(f.service_cidr for f in self.families), self.families[0].dns_ip):
            self.api.write(obj)
        cm = kube_proxy_config_map(
            self.proxy_mode, ",".join(f.pod_cidr for f in self.families), server, self.ipvs_scheduler)
        import uuid
        cm["metadata"].update(uid=str(uuid.UUID(int=random.Random(f"{self.seed}/kube-proxy").getrandbits(128),
                                                version=4)), creationTimestamp=clock.rfc3339(self.clock.now))
        self.api.write(cm)
        for obj in bootstrap.node_agents(self.cni):  # the CNI's account comes stored, with its uid fixed
            self.api.write(obj) if obj["kind"] == "ServiceAccount" else self.api.apply(obj)
        primary = self.families[0]
        first_ip = primary.node_ip(0)
        # kubeadm (apiclient.CreateOrUpdate*) and the API server's own controllers create these
        # through the API, not with kubectl apply: no last-applied-configuration annotation.
        for obj in bootstrap.system_objects(first_ip, primary):
            written = obj["kind"] in ("Endpoints", "EndpointSlice", "ConfigMap", "ServiceAccount")
            self.api.write(obj) if written else self.api.create(obj)
        self.controllers.run()
        # CoreDNS's readiness probe (kubeadm's manifest, initialDelaySeconds 0) runs now: the
        # cluster is handed over with its DNS Ready, as kubeadm init waits for the control plane.
        self.controllers.advance_to(self.clock.now, self.clock.set)

    def enable_addon(self, name: str) -> list[str]:
        """Install an addon (``minikube addons enable``): ``ingress-nginx``, ``gateway``, ``metallb``
        (bare metal) or ``aws-load-balancer-controller`` (``cloud="aws"``)."""
        _choice("addon", name, ADDONS)
        if name in self.addons:
            return []
        from . import addons
        lines = addons.install(self, name)
        self.addons.append(name)
        self.controllers.run()
        return lines

    # -- time -----------------------------------------------------------------
    @property
    def now(self) -> float:
        """Simulated seconds since the cluster was created."""
        return self.clock.now

    @property
    def _now(self) -> float:
        return self.clock.now

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward, firing what falls due (probes, evictions, rollouts).
        While served, the clock then goes on following wall time from the new instant."""
        require("advance()", "seconds", seconds, (int, float), "a number of seconds")
        if not seconds >= 0:  # NaN too
            raise UsageError(f"advance({seconds}): the clock only moves forward")
        if seconds > _MAX_ADVANCE:
            raise UsageError(f"advance({seconds}): the simulated clock moves at most {_MAX_ADVANCE:.0f} seconds "
                             "(about 100 years) at a time")
        self.clock.jump(seconds)
        self.controllers.advance_to(max(self.clock.now + seconds, self.clock.due()), self.clock.set)

    def catch_up(self) -> None:
        """While served: move the clock to wall time, firing what fell due (the server's loop
        calls this); a cluster not served does not move."""
        due = self.clock.due()
        if due > self.clock.now:
            self.controllers.advance_to(due, self.clock.set)

    def serve(self, host: str = "127.0.0.1", port: int = 0, *, kubeconfig: str | None = None):
        """Serve this cluster to real tools: a Kubernetes API server for kubectl and the
        ``kubernetes`` client, NodePorts on ``127.0.0.1:<nodePort>``, and its DNS server.
        Returns the running server (``.url``, ``.kubeconfig``, ``.dns_port``, ``.stop()``);
        see docs/serve.md.  While served, the clock follows wall time."""
        from .serve import serve
        require("serve()", "host", host, (str,), "a loopback address such as 127.0.0.1")
        require("serve()", "port", port, (int,), "a port number (0 picks a free one)")
        if not 0 <= port <= 65535:
            raise UsageError(f"serve(): port must be 0 to 65535 (0 picks a free one); got {port}")
        if kubeconfig is not None:
            require("serve()", "kubeconfig", kubeconfig, (str,), "a file path, or None for a temporary file")
        return serve(self, host, port, kubeconfig=kubeconfig)

    # -- changing it -------------------------------------------------------------
    def apply(self, source: Any) -> list[str]:
        """``kubectl apply -f``: the lines kubectl prints.  Invalid objects raise after the
        valid ones around them were applied, as kubectl goes on past an error."""
        docs = manifest.load(source)
        lines, failures = [], []
        for doc in docs:
            try:
                verb, obj = self.api.apply(doc.obj)
            except K8sNetError as e:  # kubectl goes on with the next object and reports at the end
                failures.append(e)
                continue
            res = self.api.resource_for(obj)
            lines.append(f"{res.ref_name}/{obj['metadata']['name']} {verb}")
            self.controllers.run()
        if failures:
            first = failures[0]
            first.applied = lines
            first.other_errors = failures[1:]
            raise first
        return lines

    def create(self, source: Any) -> list[str]:
        """``kubectl create -f``: like apply, but an existing name is an error."""
        lines = []
        for doc in manifest.load(source):
            obj = self.api.create(doc.obj)
            lines.append(f"{self.api.resource_for(obj).ref_name}/{obj['metadata']['name']} created")
            self.controllers.run()
        return lines

    def delete(self, ref: str, namespace: str = "default", *, grace_period: int | None = None,
               propagation_policy: str | None = None) -> str:
        """``kubectl delete TYPE/NAME``: e.g. ``pod/web-7c9f8d-x2kqp``, ``svc/web``.  A pod is
        deleted gracefully: it stays ``Terminating`` while its kubelet runs the preStop hook
        and stops it (``grace_period`` overrides its terminationGracePeriodSeconds; 0 removes
        it at once, as ``--force --grace-period=0``).  ``propagation_policy`` is
        ``"Background"`` (the default: dependents are garbage-collected after the object),
        ``"Foreground"`` (the object stays until its dependents are gone) or ``"Orphan"`` (the
        dependents stay), as ``kubectl delete --cascade`` (apiserver/garbagecollector.py).
        Unlike kubectl, this returns at once."""
        from .apiserver import garbagecollector, resources
        require("delete()", "ref", ref, (str,), "TYPE/NAME text such as 'svc/web'")
        require("delete()", "namespace", namespace, (str,), "a namespace name")
        kind_text, _, name = ref.partition("/")
        if not name:
            raise UsageError(f'error: arguments in resource/name form must have a single resource and name: "{ref}"')
        res = resources.lookup(kind_text)
        ns = namespace if res.namespaced else ""
        obj = self.store.peek(res.kind, ns, name)
        if obj is None:
            raise NotFoundError(f'Error from server (NotFound): {res.qualified} "{name}" not found')
        if grace_period is not None and (isinstance(grace_period, bool) or not isinstance(grace_period, int)):
            raise UsageError(f"delete(grace_period={grace_period!r}): give a whole number of seconds")
        garbagecollector.check_policy(propagation_policy)
        if res.kind == "Namespace":
            if name in bootstrap.NAMESPACES:
                raise K8sNetError(f'Error from server (Forbidden): namespaces "{name}" is forbidden: '
                                  f'this namespace may not be deleted')
            for r in resources.RESOURCES:
                if r.namespaced:
                    for o in list(self.store.items(r.kind, name)):
                        if r.kind == "Pod":
                            self.store.remove("Pod", name, o["metadata"]["name"])
                        else:
                            self.api.remove(r.kind, name, o["metadata"]["name"])
            self.api.remove("Namespace", "", name)
        else:
            garbagecollector.delete(self.api, res.kind, ns, name, propagation_policy, grace_period)
        self.controllers.run()
        # kubectl 1.33+ names the namespace: `service "api" deleted from default namespace`.
        verb = "force deleted" if grace_period == 0 else "deleted"  # delete.go PrintObj
        return f'{res.ref_name} "{name}" {verb}' + (f" from {ns} namespace" if ns else "")

    def add_external_host(self, name: str, address: str) -> None:
        """Declare a host of the simulated internet: upstream DNS answers ``name`` with ``address``."""
        import ipaddress
        require("add_external_host()", "name", name, (str,), "a host name")
        require("add_external_host()", "address", address, (str,), "an IPv4 address")
        if not name.strip(".").strip():
            raise UsageError("add_external_host(): give a host name such as 'api.example.com'")
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            raise UsageError(f"add_external_host: {address!r} is not an IPv4 address") from None
        self.external_hosts[name.rstrip(".").lower()] = address

    # -- nodes and components ---------------------------------------------------------
    def fail_node(self, name: str) -> None:
        """Power off a node: NotReady after 50 s, its pods evicted and recreated after 300 s more."""
        self._node(name)
        self.controllers.fail_node(name)
        self.controllers.run()

    def recover_node(self, name: str) -> None:
        """Bring a failed node back."""
        self._node(name)
        self.controllers.recover_node(name)
        self.controllers.run()

    def _node(self, name: str) -> dict:
        node = self.store.peek("Node", "", name)
        if node is None:
            raise NotFoundError(f'Error from server (NotFound): nodes "{name}" not found')
        return node

    # -- reading ------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str = "default") -> dict:
        """The stored object as the API server returns it (a copy)."""
        from .apiserver import resources
        require("get()", "kind", kind, (str,), "a kind or resource name, e.g. 'svc'")
        require("get()", "name", name, (str,), "an object name")
        require("get()", "namespace", namespace, (str,), "a namespace name")
        res = resources.lookup(kind)
        obj = self.store.get(res.kind, namespace if res.namespaced else "", name)
        if obj is None:
            raise NotFoundError(f'Error from server (NotFound): {res.qualified} "{name}" not found')
        return obj

    def list(self, kind: str, namespace: str | None = "default") -> list[dict]:
        """Objects of a kind (``namespace=None``: all namespaces), sorted like the API server."""
        from .apiserver import resources
        require("list()", "kind", kind, (str,), "a kind or resource name, e.g. 'pods'")
        if namespace is not None:
            require("list()", "namespace", namespace, (str,), "a namespace name, or None for all")
        res = resources.lookup(kind)
        return self.store.list(res.kind, namespace if res.namespaced else None)

    def kubectl(self, command_line: str) -> str:
        """Run a kubectl command line and return what kubectl prints."""
        from .kubectl.commands import run
        require("kubectl()", "command_line", command_line, (str,), "a command line")
        return run(self, command_line)

    def __repr__(self) -> str:
        nodes = self.store.count("Node")
        fams = "" if self.ip_families == ("IPv4",) else f" ip_families={','.join(self.ip_families)}"
        return (f"<Cluster nodes={nodes} cni={self.cni} proxy_mode={self.proxy_mode} "
                f"cloud={self.cloud} seed={self.seed}{fams}>")

    # -- pictures ------------------------------------------------------------------------
    def graph(self, *, namespaces: Iterable[str] | None = None, show_system: bool = False):
        """The cluster's topology as a ``graphviz.Digraph``: entry points, Services and their
        endpoints, each node's pods (see ``k8snet.render.graphviz.cluster_graph``)."""
        from .render.graphviz import cluster_graph
        namespaces = _names("graph()", "namespaces", namespaces)
        return cluster_graph(self, namespaces=namespaces, show_system=show_system)

    # -- troubleshooting -------------------------------------------------------------------
    def diagnose(self, ref, namespace: str = "default"):
        """Why a Service (``"svc/web"``) or a failed request (a ``Response``) does not work:
        a list of ``Finding`` (what was seen, why, the fix, the kubectl command that shows it)."""
        from . import diagnose
        require("diagnose()", "namespace", namespace, (str,), "a namespace name")
        return diagnose.diagnose(self, ref, namespace)


def _locked(fn):
    @functools.wraps(fn)
    def call(self, *args, **kwargs):
        with self.lock:
            return fn(self, *args, **kwargs)
    return call


# Every public method runs under the cluster's lock (serve() starts the thread that takes it).
for _name in dir(Cluster):
    _fn = inspect.getattr_static(Cluster, _name)
    if not _name.startswith("_") and inspect.isfunction(_fn) and _name != "serve":
        setattr(Cluster, _name, _locked(_fn))
