"""The Service registry's allocation step, as ``pkg/registry/core/service/storage/alloc.go``
(Kubernetes v1.37) runs it in ``BeginCreate``/``BeginUpdate`` -- *before* the strategy
validates the object, so its errors come alone:

1. ``initIPFamilyFields``: ``ipFamilyPolicy`` defaulted, ``ValidateServiceClusterIPsRelatedFields``
   (a malformed ``clusterIP`` is refused here, before any address is taken), then the IP-family
   fields checked against the cluster's families (``--service-cluster-ip-range``: one CIDR,
   10.96.0.0/12 by default, or one per family on a dual-stack cluster); on a single-stack
   IPv4 cluster::

       spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services
       spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster
       spec.clusterIPs[0]: Invalid value: ["fd00::10"]: IPv6 is not configured on this cluster

   A dual-stack policy gets the other family appended (``PreferDualStack`` on a dual-stack
   cluster, ``RequireDualStack``), an update may add the secondary family (upgrade) or, with
   ``SingleStack``, drop it (downgrade);
2. ClusterIPs (``allocIPs``), one per family of ``ipFamilies``:
   ``spec.clusterIPs: Invalid value: [...]: failed to allocate IP ...``;
3. NodePorts (``initNodePorts``): the ports that share a port number share one nodePort (TCP and
   UDP 53 get the same one); a nodePort taken twice reads ``provided port is already allocated``;
4. the health-check nodePort (``allocHealthCheckNodePort``), whose failure is an internal error.

The allocators are changed in place; :meth:`Allocators.begin` snapshots them (and the seeded
generator) so a refused object leaves no trace, as upstream's transaction reverts.
"""
from __future__ import annotations

from typing import Any

from ..errors import FieldError, InternalError, ValidationError
from ..families import family_of
from .ipallocator import IPAllocator
from .portallocator import PortAllocator
from .validation.service import validate_cluster_ips_related_fields

__all__ = ["Allocators", "family_of", "needs_health_check", "needs_node_ports"]


def needs_health_check(spec: dict) -> bool:
    """apiservice.NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local."""
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def needs_node_ports(spec: dict) -> bool:
    """NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false."""
    t = spec.get("type")
    return t == "NodePort" or (t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True) is not False)


def _port_number(p: dict) -> int:
    v = p.get("port")
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _node_port(p: dict) -> int:
    v = p.get("nodePort")
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _ports(spec: dict) -> list[dict]:
    return [p for p in spec.get("ports") or [] if isinstance(p, dict)]


class Allocators:
    """The ClusterIP allocators (one per family: ``serviceIPAllocatorsByFamily``) and the
    NodePort allocator of one API server; ``families[0]`` is the default family."""

    def __init__(self, ips: IPAllocator, node_ports: PortAllocator, families: tuple[str, ...] = ("IPv4",),
                 by_family: dict[str, IPAllocator] | None = None):
        self.ips, self.node_ports, self.families = ips, node_ports, families
        self.by_family = by_family or {families[0]: ips}

    # -- transaction --------------------------------------------------------------
    def begin(self) -> tuple:
        """A snapshot to :meth:`revert` to if the object is refused later."""
        return (set(self.ips.used), set(self.node_ports.used), self.ips.rng.getstate(),
                self.node_ports.rng.getstate(), {f: set(a.used) for f, a in self.by_family.items()},
                {f: a.rng.getstate() for f, a in self.by_family.items()})

    def revert(self, snap: tuple) -> None:
        for f, a in self.by_family.items():
            a.used = set(snap[4][f])
            a.rng.setstate(snap[5][f])
        self.ips.used, self.node_ports.used = set(snap[0]), set(snap[1])
        self.ips.rng.setstate(snap[2])
        self.node_ports.rng.setstate(snap[3])

    def _allocator(self, ip: str) -> IPAllocator | None:
        return self.by_family.get(family_of(ip))

    # -- create / update ------------------------------------------------------------
    def allocate_create(self, svc: dict) -> None:
        """allocateCreate: IP family fields, ClusterIPs, NodePorts, health-check nodePort."""
        self._init_ip_family_fields(svc, None)
        spec = svc["spec"]
        self._alloc_cluster_ips(svc)
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            self._init_node_ports(svc)
        if needs_health_check(spec):
            self._alloc_health_check(svc)

    def allocate_update(self, svc: dict, old: dict) -> None:
        """allocateUpdate: families, ClusterIPs when leaving ExternalName or gaining the
        secondary family (updateClusterIPs), NodePorts not held before, the health-check
        nodePort when it becomes needed."""
        self._init_ip_family_fields(svc, old)
        spec, old_spec = svc["spec"], old.get("spec") or {}
        if old_spec.get("type") == "ExternalName" and spec.get("type") != "ExternalName":
            self._alloc_cluster_ips(svc)
        elif not _matching_prefer_dual_stack(spec, old_spec) and spec.get("type") != "ExternalName" \
                and (old_spec.get("clusterIPs") or [""])[0] != "None" \
                and len(old_spec.get("ipFamilies") or []) == 1 and len(spec.get("ipFamilies") or []) == 2:
            # CASE C, the upgrade to dual-stack: the secondary IP, asked for or allocated.
            cips = list(spec.get("clusterIPs") or [])
            if len(cips) < 2:
                cips.append("")
            spec["clusterIPs"] = cips
            cips[1] = self._take_ip(svc, spec["ipFamilies"][1], cips[1])
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            held = {_node_port(p) for p in _ports(old_spec)}
            taken: set[int] = set()
            for i, p in enumerate(_ports(spec)):
                np = _node_port(p)
                if not np and not needs_node_ports(spec):
                    continue
                if np:
                    if np not in held and np not in taken:
                        self._take_node_port(svc, i, np)
                        taken.add(np)
                else:
                    p["nodePort"] = self._next_node_port()
        if needs_health_check(spec) and not needs_health_check(old_spec):
            self._alloc_health_check(svc)

    def hold(self, svc: dict) -> None:
        """Mark what a stored Service holds as taken (idempotent: admission already took it,
        unless it was a dry run whose result is now stored)."""
        spec = svc.get("spec") or {}
        for ip in spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []):
            a = self._allocator(ip) if ip and ip != "None" else None
            if a is not None and a.contains(ip):
                a.allocate(ip)
        for np in {_node_port(p) for p in _ports(spec)} | {spec.get("healthCheckNodePort") or 0}:
            if np and self.node_ports.base <= np < self.node_ports.base + self.node_ports.size:
                self.node_ports.allocate(np)

    def release_replaced(self, new: dict, old: dict) -> None:
        """What an accepted update gives back: the ClusterIPs when it became ExternalName, the
        secondary ClusterIP when it went back to single-stack (CASE D), the nodePorts and
        health-check nodePort it no longer holds."""
        spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
        kept = set(spec.get("clusterIPs") or []) if spec.get("type") != "ExternalName" else set()
        for ip in old_spec.get("clusterIPs") or []:
            if ip and ip != "None" and ip not in kept and self._allocator(ip) is not None:
                self._allocator(ip).release(ip)
        now = {_node_port(p) for p in _ports(spec)} | {spec.get("healthCheckNodePort") or 0}
        before = {_node_port(p) for p in _ports(old_spec)} | {old_spec.get("healthCheckNodePort") or 0}
        for np in before - now - {0}:
            self.node_ports.release(np)

    def release(self, svc: dict) -> None:
        """A deleted Service gives back everything it held."""
        spec = svc.get("spec") or {}
        for ip in spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []):
            if ip and ip != "None" and self._allocator(ip) is not None:
                self._allocator(ip).release(ip)
        for p in _ports(spec):
            self.node_ports.release(_node_port(p) or None)
        self.node_ports.release(spec.get("healthCheckNodePort"))

    # -- the steps ----------------------------------------------------------------------
    def _invalid(self, svc: dict, errs: list[FieldError]):
        raise ValidationError("Service", (svc.get("metadata") or {}).get("name", ""), errs)

    def _init_ip_family_fields(self, svc: dict, old: dict | None) -> None:
        spec = svc["spec"]
        if spec.get("type") == "ExternalName":
            return
        old_spec = (old or {}).get("spec") or {}
        if old is not None and _matching_prefer_dual_stack(spec, old_spec):
            return  # no auto-upgrade or downgrade of a PreferDualStack Service left as it was
        headless_no_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
        if spec.get("ipFamilyPolicy") is None:
            spec["ipFamilyPolicy"] = old_spec.get("ipFamilyPolicy") or (
                "RequireDualStack" if headless_no_selector else "SingleStack")
        errs = validate_cluster_ips_related_fields(spec)  # the "loose pre-validation"
        if errs:
            self._invalid(svc, errs)
        policy, cips = spec["ipFamilyPolicy"], list(spec.get("clusterIPs") or [])
        fams = list(spec.get("ipFamilies") or [])
        if old is not None and policy == "SingleStack":
            # Setting SingleStack is clear intent: the secondary IP and family go.
            if cips == list(old_spec.get("clusterIPs") or []) and len(cips) > 1:
                cips = spec["clusterIPs"] = cips[:1]
            if fams == list(old_spec.get("ipFamilies") or []) and len(fams) > 1:
                fams = fams[:1]
        elif old is not None:
            # Anything but SingleStack must not drop what the Service has: say so.
            if cips and len(cips) < len(old_spec.get("clusterIPs") or []):
                errs.append(FieldError.invalid("spec.ipFamilyPolicy", policy,
                                               "must be 'SingleStack' to release the secondary cluster IP"))
            if fams and len(fams) < len(old_spec.get("ipFamilies") or []):
                errs.append(FieldError.invalid("spec.ipFamilyPolicy", policy,
                                               "must be 'SingleStack' to release the secondary IP family"))
        if policy == "SingleStack":
            if len(cips) == 2:
                errs.append(FieldError.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or "
                                               "'PreferDualStack' when multiple cluster IPs are specified"))
            if len(fams) == 2:
                errs.append(FieldError.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or "
                                               "'PreferDualStack' when multiple IP families are specified"))
        for i, ip in enumerate(cips):  # infer ipFamilies from clusterIPs
            if ip == "None":
                break
            if i >= len(fams):
                fam = family_of(ip)
                if fam not in self.families:
                    errs.append(FieldError.invalid(f"spec.clusterIPs[{i}]", cips, f"{fam} is not configured on this cluster"))
                else:
                    fams.append(fam)
        if errs:
            self._invalid(svc, errs)
        if headless_no_selector:
            # Headless and selectorless: any families are allowed, even on a single-stack cluster.
            fams = fams or [self.families[0]]
            if len(fams) < 2 and policy != "SingleStack":
                fams.append("IPv6" if fams[0] == "IPv4" else "IPv4")
            spec["ipFamilies"] = fams
            return
        if policy == "RequireDualStack" and len(self.families) < 2:
            errs.append(FieldError.invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for "
                                                                          "dual-stack services"))
        for i, fam in enumerate(fams):
            if fam not in self.families:
                errs.append(FieldError.invalid(f"spec.ipFamilies[{i}]", fam, "not configured on this cluster"))
        if errs:
            self._invalid(svc, errs)
        fams = fams or [self.families[0]]
        if policy != "SingleStack" and len(fams) == 1 and len(self.families) == 2:
            fams.append("IPv6" if fams[0] == "IPv4" else "IPv4")  # dual-stack asked, and possible
        spec["ipFamilies"] = fams

    def _alloc_cluster_ips(self, svc: dict) -> None:
        """allocClusterIPs: one IP per family of ``ipFamilies``, asked for or allocated."""
        spec = svc["spec"]
        if spec.get("type") == "ExternalName" or (spec.get("clusterIPs") or [""])[0] == "None":
            return
        cips = list(spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []))
        fams = spec.get("ipFamilies") or [self.families[0]]
        cips += [""] * (len(fams) - len(cips))
        spec["clusterIPs"] = cips
        for i, fam in enumerate(fams):
            cips[i] = self._take_ip(svc, fam, cips[i])
        spec["clusterIP"] = cips[0]

    def _take_ip(self, svc: dict, family: str, ip: str) -> str:
        """allocIPs for one family: the asked-for ``ip`` if free and in range, else the next."""
        a = self.by_family[family]
        if ip:
            e = a.check(ip, list(svc["spec"].get("clusterIPs") or [ip]))
            if e:
                self._invalid(svc, [e])
            a.allocate(ip)
            return ip
        try:
            return a.allocate_next()
        except RuntimeError as e:
            raise InternalError(f"failed to allocate a serviceIP: {e}") from None

    def _take_node_port(self, svc: dict, i: int, np: int) -> None:
        e = self.node_ports.check(np, f"spec.ports[{i}].nodePort")
        if e:
            self._invalid(svc, [e])
        self.node_ports.allocate(np)

    def _next_node_port(self) -> int:
        try:
            return self.node_ports.allocate_next()
        except RuntimeError as e:
            raise InternalError(f"failed to allocate a nodePort: {e}") from None

    def _init_node_ports(self, svc: dict) -> None:
        """initNodePorts: one nodePort per port *number*, asked for or allocated."""
        spec = svc["spec"]
        ports = _ports(spec)
        by_number: dict[int, int] = {}
        for i, p in enumerate(ports):
            np = _node_port(p)
            if not np and not needs_node_ports(spec):
                continue  # allocateLoadBalancerNodePorts: false -- only what was asked for
            number = _port_number(p)
            shared = by_number.get(number, 0)
            if not shared:
                asked = next((_node_port(q) for q in ports if _port_number(q) == number and _node_port(q)), 0)
                if asked:
                    self._take_node_port(svc, i, asked)
                    p["nodePort"] = by_number[number] = asked
                else:
                    p["nodePort"] = by_number[number] = self._next_node_port()
            elif np != shared:
                if not np:
                    p["nodePort"] = shared
                else:
                    self._take_node_port(svc, i, np)

    def _alloc_health_check(self, svc: dict) -> None:
        spec = svc["spec"]
        hc: Any = spec.get("healthCheckNodePort") or 0
        if hc:
            e = self.node_ports.check(hc, "spec.healthCheckNodePort")
            if e:
                raise InternalError(f"failed to allocate requested HealthCheck NodePort {hc}: {e.detail}")
            self.node_ports.allocate(hc)
        else:
            spec["healthCheckNodePort"] = self._next_node_port()


def _matching_prefer_dual_stack(spec: dict, old_spec: dict) -> bool:
    """isMatchingPreferDualStackClusterIPFields: both PreferDualStack, same type (one with
    ClusterIPs), same clusterIPs and ipFamilies -- nothing to upgrade or downgrade."""
    if spec.get("ipFamilyPolicy") is None or spec.get("type") != old_spec.get("type"):
        return False
    if spec.get("type") not in ("ClusterIP", "NodePort", "LoadBalancer"):
        return False
    if spec.get("ipFamilyPolicy") != "PreferDualStack" or old_spec.get("ipFamilyPolicy", "PreferDualStack") \
            != "PreferDualStack":
        return False
    return list(spec.get("clusterIPs") or []) == list(old_spec.get("clusterIPs") or []) \
        and list(spec.get("ipFamilies") or []) == list(old_spec.get("ipFamilies") or [])
