"""Status for Ingresses, GatewayClasses, Gateways and their routes (every route kind), and each Gateway's Service.

* ingress-nginx publishes its address into every Ingress it serves (``ADDRESS`` in
  ``kubectl get ingress``): its LoadBalancer Service's address on a cloud; with no cloud, the
  InternalIP of the node its pod runs on (hostPort 80/443, as minikube's addon reports it).
* The gateway addon provisions, like Envoy Gateway does, one LoadBalancer Service per Gateway
  (``k8snet-gateway-system/gw-<namespace>-<name>``, a port per listener port) and publishes
  that Service's address in the Gateway's ``status.addresses``.  No cloud, no address: the
  Gateway stays ``Programmed=False`` (AddressNotAssigned), as on a bare kind cluster.
* IP families: both Services are created as their projects create them -- ingress-nginx's
  manifest pins ``ipFamilies: [IPv4]`` (IPv6 on an IPv6-only cluster, see ``addons.py``), and
  Envoy Gateway (like kgateway) sets no ``ipFamilyPolicy`` unless an EnvoyProxy asks for
  ``ipFamily: DualStack`` -- so each is single-stack and carries one address: on a dual-stack
  cluster an IPv4 one, on an IPv6-primary or IPv6-only cluster (the Gateway) an IPv6 one, from
  whichever load balancer (cloud or MetalLB) serves that family.
* Conditions come from the routing engine; ``lastTransitionTime`` is kept while a condition's
  status and reason stay the same, as controllers do.
"""
from __future__ import annotations

import hashlib

from .. import clock, routing
from ..addons import GATEWAY_CONTROLLER, INGRESS_CONTROLLER, _GW_LABELS
from ..apiserver.store import clone

__all__ = ["RoutingStatus", "gateway_service_name"]

GW_NS = "k8snet-gateway-system"
NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
NS_LABEL = "gateway.networking.k8s.io/gateway-namespace"


def gateway_service_name(ns: str, name: str) -> str:
    base = f"gw-{ns}-{name}"
    if len(base) <= 63:
        return base
    return base[:54] + "-" + hashlib.sha256(base.encode()).hexdigest()[:8]


def _keep_times(old, new):
    """Copy lastTransitionTime from ``old`` conditions that did not change."""
    if isinstance(new, dict) and isinstance(old, dict):
        for k, v in new.items():
            if k == "conditions" and isinstance(v, list) and isinstance(old.get(k), list):
                before = {c.get("type"): c for c in old[k] if isinstance(c, dict)}
                for c in v:
                    o = before.get(c.get("type"))
                    if o and o.get("status") == c.get("status") and o.get("reason") == c.get("reason") \
                            and "lastTransitionTime" in o:
                        c["lastTransitionTime"] = o["lastTransitionTime"]
            elif k in old:
                _keep_times(old[k], v)
    elif isinstance(new, list) and isinstance(old, list):
        for o, n in zip(old, new):
            _keep_times(o, n)
    return new


class RoutingStatus:
    """The status-writing half of the Ingress and Gateway controllers."""

    def __init__(self, api, cloud: str | None):
        self.api, self.store, self.cloud = api, api.store, cloud

    def __call__(self) -> None:
        if self.store.count("Ingress"):
            self._ingresses()
        if self.store.count("GatewayClass") or self.store.count("Gateway"):
            self._gateways()

    def _write_status(self, obj: dict, status: dict) -> None:
        status = _keep_times(obj.get("status") or {}, status)
        if status != obj.get("status"):
            o2 = clone(obj)
            o2["status"] = status
            self.api.write(o2)

    # -- Ingress ------------------------------------------------------------------------
    def _ingress_address(self) -> list[dict]:
        svc = self.store.peek("Service", "ingress-nginx", "ingress-nginx-controller")
        if svc is None:
            return []
        lb = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if lb:
            return [{k: v for k, v in i.items() if k in ("ip", "hostname")} for i in lb]
        for pod in sorted(self.store.items("Pod", "ingress-nginx"), key=lambda p: p["metadata"]["name"]):
            node = self.store.peek("Node", "", pod["spec"].get("nodeName") or "")
            if node is not None and (pod.get("status") or {}).get("podIP"):
                ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
                return [{"ip": ip}]
        return []

    def _ingresses(self) -> None:
        classes = list(self.store.items("IngressClass"))
        ingresses = list(self.store.items("Ingress"))
        served = {(i["metadata"]["namespace"], i["metadata"]["name"])
                  for i in routing.served_ingresses(ingresses, classes, controller=INGRESS_CONTROLLER)}
        address = self._ingress_address()
        for ing in ingresses:
            key = (ing["metadata"]["namespace"], ing["metadata"]["name"])
            if key in served:
                self._write_status(ing, {"loadBalancer": {"ingress": address} if address else {}})

    # -- Gateway API ---------------------------------------------------------------------
    def _gateways(self) -> None:
        now = clock.rfc3339(self.api.now())
        for gc in list(self.store.items("GatewayClass")):
            st = routing.gatewayclass_status(gc, controller_name=GATEWAY_CONTROLLER, now=now)
            if st is not None:
                self._write_status(gc, st)
        classes = list(self.store.items("GatewayClass"))
        routes = [r for kind in routing.types.ROUTE_KINDS_ALL for r in self.store.items(kind)]
        namespaces = list(self.store.items("Namespace"))
        secrets = list(self.store.items("Secret"))
        grants = list(self.store.items("ReferenceGrant"))
        # each Gateway with the listeners of the ListenerSets it admits (routing/listenerset.py)
        listener_sets = list(self.store.items("ListenerSet"))
        gateways = routing.listenerset.effective_gateways(list(self.store.items("Gateway")), listener_sets, namespaces)
        wanted = set()
        for gw in gateways:
            if not routing.httproute.gateway_is_ours(gw, classes, GATEWAY_CONTROLLER):
                continue
            ns, name = gw["metadata"]["namespace"], gw["metadata"]["name"]
            svc_name = gateway_service_name(ns, name)
            wanted.add(svc_name)
            addresses = self._ensure_service(gw, svc_name)
            st = routing.gateway_status(gw, classes, routes, namespaces, controller_name=GATEWAY_CONTROLLER,
                                        addresses=tuple(addresses), secrets=secrets, reference_grants=grants, now=now)
            if st is not None:
                self._write_status(self.store.peek("Gateway", ns, name), st)
        for svc in list(self.store.items("Service", GW_NS)):
            if NAME_LABEL in (svc["metadata"].get("labels") or {}) and svc["metadata"]["name"] not in wanted:
                self.api.remove("Service", GW_NS, svc["metadata"]["name"])
        for ls in listener_sets:
            st = routing.listenerset.listenerset_status(ls, gateways, classes, routes, namespaces,
                                                        controller_name=GATEWAY_CONTROLLER, secrets=secrets,
                                                        grants=grants, now=now)
            if st is not None:
                self._write_status(ls, st)
        if self.store.count("BackendTLSPolicy"):
            self._backend_tls_policies(classes, routes, namespaces, gateways, now)
        if routes:
            services = list(self.store.items("Service"))
            for route in routes:
                st = routing.route_status(route, gateways, classes, services, grants, namespaces,
                                          controller_name=GATEWAY_CONTROLLER, secrets=secrets, now=now)
                others = [p for p in ((route.get("status") or {}).get("parents") or [])
                          if p.get("controllerName") != GATEWAY_CONTROLLER]
                self._write_status(route, {"parents": others + st["parents"]})

    def _backend_tls_policies(self, classes: list[dict], routes: list[dict], namespaces: list[dict],
                              gateways: list[dict], now: str) -> None:
        """status.ancestors of every BackendTLSPolicy (routing/backendtls.py); entries of other
        controllers are kept."""
        policies = list(self.store.items("BackendTLSPolicy"))
        states = routing.backendtls.evaluate_policies(policies, list(self.store.items("ConfigMap")))
        for p in policies:
            mine = routing.backendtls.backend_tls_policy_status(p, states, gateways, routes, namespaces, classes,
                                                                controller_name=GATEWAY_CONTROLLER, now=now)
            others = [a for a in ((p.get("status") or {}).get("ancestors") or [])
                      if a.get("controllerName") != GATEWAY_CONTROLLER]
            self._write_status(p, {"ancestors": others + mine})

    def _ensure_service(self, gw: dict, svc_name: str) -> list[str]:
        if self.store.peek("Namespace", "", GW_NS) is None:
            return []
        ports, seen = [], set()
        for l in gw["spec"].get("listeners") or []:
            proto = routing.listeners.transport(l.get("protocol"))  # a UDP listener needs a UDP port
            # A protocol we do not implement (an implementation-specific "example.com/fancy") is
            # not programmed: no port for it (its name would not even be a valid port name).
            if (l.get("port"), proto) in seen or l.get("protocol") not in routing.listeners.SUPPORTED_PROTOCOLS:
                continue
            seen.add((l["port"], proto))
            ports.append({"name": f"{l.get('protocol', 'HTTP').lower()}-{l['port']}", "port": l["port"],
                          "protocol": proto, "targetPort": l["port"]})
        live = self.store.peek("Service", GW_NS, svc_name)
        if not ports:  # nothing to expose (a Service needs a port)
            if live is not None:
                self.api.remove("Service", GW_NS, svc_name)
            return []
        want = {"type": "LoadBalancer", "selector": dict(_GW_LABELS), "ports": ports}
        if live is None:
            self.api.create({"apiVersion": "v1", "kind": "Service",
                             "metadata": {"name": svc_name, "namespace": GW_NS,
                                          "labels": {NAME_LABEL: gw["metadata"]["name"],
                                                     NS_LABEL: gw["metadata"]["namespace"],
                                                     "app.kubernetes.io/managed-by": "k8snet-gateway"}},
                             "spec": want})
        elif [{k: p.get(k) for k in ("name", "port", "protocol", "targetPort")} for p in live["spec"]["ports"]] != ports:
            s2 = clone(live)
            s2["spec"]["ports"] = ports
            self.api.update(s2)
        live = self.store.peek("Service", GW_NS, svc_name)
        lb = ((live.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        return [i.get("ip") or i.get("hostname") for i in lb if i.get("ip") or i.get("hostname")]
