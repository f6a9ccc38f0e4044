"""Kubernetes DNS as a pod sees it: CoreDNS's answers, resolv.conf, nslookup, env vars.

    >>> from k8snet.dns import Zone, resolve
    >>> zone = Zone.from_objects(services, endpointslices, pods, namespaces, {"example.com": "93.184.216.34"})
    >>> resolve(zone, "web", pod=client_pod).answers
    [('web.default.svc.cluster.local.', 'A', '10.96.0.15')]

Modules, in the order a query flows:

- ``resolvconf``  the pod's /etc/resolv.conf (kubelet) and glibc's search-list walk
- ``records``     ``Zone``: CoreDNS with kubeadm's Corefile (kubernetes plugin, forward, loadbalance)
- ``parse``, ``objects``, ``reverse``  the kubernetes plugin's name parsing and object cache
- ``upstream``    the simulated internet's resolver behind ``forward .``
- ``nslookup``    busybox nslookup's output; ``envvars``  Service environment variables
- ``server``      ``serve()``: a real UDP+TCP DNS server for ``dig``
- ``types``       ``Record``, ``Reply``, ``DNSResult``
"""
from __future__ import annotations

from .envvars import service_env, service_env_map
from .nslookup import NslookupOutput, nslookup
from .records import Zone
from .resolvconf import NODE_RESOLV_CONF, ResolvConf, pod_resolv_conf, resolve, resolve_with
from .reverse import reverse_name
from .types import DNSResult, Record, Reply

__all__ = ["serve", "DNSServer", "Zone", "resolve", "resolve_with", "pod_resolv_conf", "ResolvConf",
           "NODE_RESOLV_CONF", "nslookup", "NslookupOutput", "service_env", "service_env_map",
           "reverse_name", "DNSResult", "Record", "Reply"]


def __getattr__(name: str):
    # The socket server is imported lazily (as k8snet.Cluster is): `import k8snet.dns` in a
    # browser, or for resolve() alone, must not pull in socketserver and threads.
    if name in ("serve", "DNSServer"):
        from . import server
        return getattr(server, name)
    raise AttributeError(f"module 'k8snet.dns' has no attribute {name!r}")
