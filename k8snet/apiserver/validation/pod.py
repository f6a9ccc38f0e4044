"""Pod and pod-template validation: the parts of ``ValidatePodSpec`` (``pkg/apis/core/validation/
validation.go``, Kubernetes 1.33) a networking course meets: containers, ports, probes,
restart/DNS policy, hostname/subdomain, dnsConfig, nodeSelector.

Volumes, resources, security contexts, affinity and the other scheduling fields are accepted
without checks; k8snet does not model them.
"""
from __future__ import annotations

from typing import Mapping

from ...errors import FieldError
from .common import (PROTOCOLS, is_dns1123_subdomain_with_underscore, is_valid_ip,
                     is_valid_port_name, is_valid_port_num, name_is_dns_subdomain,
                     validate_annotations, validate_dns1123_label, validate_labels,
                     validate_nonnegative, validate_object_meta)

__all__ = ["validate_pod_spec", "validate_pod_template_spec", "validate_pod", "validate_pod_update",
           "validate_port_num_or_name"]

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]


def validate_port_num_or_name(port, field: str) -> list[FieldError]:
    """ValidatePortNumOrName: a number 1-65535 or an IANA_SVC_NAME."""
    if isinstance(port, str):
        return [FieldError.invalid(field, port, m) for m in is_valid_port_name(port)]
    return [FieldError.invalid(field, port or 0, m) for m in is_valid_port_num(port or 0)]


def _validate_container_ports(ports: list, path: str) -> list[FieldError]:
    """validateContainerPorts: container port names are IANA_SVC_NAMEs, unique per container."""
    errs: list[FieldError] = []
    names: set = set()
    for i, p in enumerate(ports or []):
        ip = f"{path}[{i}]"
        name = p.get("name") or ""
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [FieldError.invalid(f"{ip}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(FieldError.duplicate(f"{ip}.name", name))
            else:
                names.add(name)
        cp = p.get("containerPort") or 0
        if cp == 0:
            errs.append(FieldError.required(f"{ip}.containerPort"))
        else:
            errs += [FieldError.invalid(f"{ip}.containerPort", cp, m) for m in is_valid_port_num(cp)]
        hp = p.get("hostPort") or 0
        if hp:
            errs += [FieldError.invalid(f"{ip}.hostPort", hp, m) for m in is_valid_port_num(hp)]
        proto = p.get("protocol") or ""
        if not proto:
            errs.append(FieldError.required(f"{ip}.protocol"))
        elif proto not in PROTOCOLS:
            errs.append(FieldError.not_supported(f"{ip}.protocol", proto, PROTOCOLS))
    return errs


def _validate_handler(h: Mapping, path: str) -> list[FieldError]:
    """validateHandler: exactly one of exec / httpGet / tcpSocket / grpc."""
    errs: list[FieldError] = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc"):
        if h.get(kind) is None:
            continue
        if count:
            errs.append(FieldError.forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        count += 1
        action, ap = h[kind], f"{path}.{kind}"
        if kind == "exec" and not action.get("command"):
            errs.append(FieldError.required(f"{ap}.command"))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(FieldError.required(f"{ap}.path"))
            errs += validate_port_num_or_name(action.get("port", 0), f"{ap}.port")
            scheme = action.get("scheme") or ""
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(FieldError.not_supported(f"{ap}.scheme", scheme, ["HTTP", "HTTPS"]))
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(action.get("port", 0), f"{ap}.port")
        elif kind == "grpc":
            port = action.get("port", 0)
            errs += [FieldError.invalid(f"{ap}.port", port, m) for m in is_valid_port_num(port)]
    if count == 0:
        errs.append(FieldError.required(path, "must specify a handler type"))
    return errs


def _validate_lifecycle(lifecycle: Mapping | None, path: str, grace) -> list[FieldError]:
    """validateLifecycle / validateLifecycleHandler: one of exec, httpGet, tcpSocket, sleep per
    hook; validateSleepAction (PodLifecycleSleepActionAllowZero, GA): 0 to the grace period."""
    errs: list[FieldError] = []
    for hook in ("postStart", "preStop"):
        h = (lifecycle or {}).get(hook)
        if h is None:
            continue
        hp = f"{path}.{hook}"
        sleep = h.get("sleep")
        others = {k: v for k, v in h.items() if k != "sleep"}
        if sleep is not None and any(others.get(k) is not None for k in ("exec", "httpGet", "tcpSocket")):
            errs += _validate_handler(others, hp) if "tcpSocket" not in others else []
            errs.append(FieldError.forbidden(f"{hp}.sleep", "may not specify more than 1 handler type"))
            continue
        if sleep is not None:
            secs = (sleep or {}).get("seconds", 0)
            if isinstance(grace, int) and (secs < 0 or secs > grace):
                errs.append(FieldError.invalid(f"{hp}.sleep", secs, "must be non-negative and less than "
                                               f"terminationGracePeriodSeconds ({grace})"))
            continue
        if others.get("tcpSocket") is not None:  # deprecated but accepted (never run)
            errs += validate_port_num_or_name(others["tcpSocket"].get("port", 0), f"{hp}.tcpSocket.port")
            continue
        errs += _validate_handler(others, hp)
    return errs


def _validate_probe(probe: Mapping | None, path: str, liveness: bool) -> list[FieldError]:
    """validateProbe + validateLivenessProbe / validateReadinessProbe."""
    if probe is None:
        return []
    errs = _validate_handler(probe, path)
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs += validate_nonnegative(probe.get(f, 0), f"{path}.{f}")
    if liveness and probe.get("successThreshold", 1) != 1:
        errs.append(FieldError.invalid(f"{path}.successThreshold", probe["successThreshold"], "must be 1"))
    return errs


def _validate_containers(containers: list | None, path: str) -> list[FieldError]:
    """validateContainers + validateContainerCommon."""
    if not containers:
        return [FieldError.required(path)]
    errs: list[FieldError] = []
    names: set = set()
    host_ports: set = set()
    for i, c in enumerate(containers):
        cp = f"{path}[{i}]"
        name = c.get("name") or ""
        if not name:
            errs.append(FieldError.required(f"{cp}.name"))
        else:
            errs += validate_dns1123_label(name, f"{cp}.name")
        if not c.get("image"):
            errs.append(FieldError.required(f"{cp}.image"))
        tmp = c.get("terminationMessagePolicy") or ""
        if not tmp:
            errs.append(FieldError.required(f"{cp}.terminationMessagePolicy"))
        elif tmp not in ("File", "FallbackToLogsOnError"):
            errs.append(FieldError.not_supported(f"{cp}.terminationMessagePolicy", tmp, ["File", "FallbackToLogsOnError"]))
        errs += _validate_container_ports(c.get("ports"), f"{cp}.ports")
        for j, env in enumerate(c.get("env") or []):
            if not env.get("name"):
                errs.append(FieldError.required(f"{cp}.env[{j}].name"))
        pull = c.get("imagePullPolicy") or ""
        if not pull:
            errs.append(FieldError.required(f"{cp}.imagePullPolicy"))
        elif pull not in _PULL_POLICIES:
            errs.append(FieldError.not_supported(f"{cp}.imagePullPolicy", pull, _PULL_POLICIES))
        if name in names:
            errs.append(FieldError.duplicate(f"{cp}.name", name))
        names.add(name)
        errs += _validate_probe(c.get("livenessProbe"), f"{cp}.livenessProbe", liveness=True)
        errs += _validate_probe(c.get("readinessProbe"), f"{cp}.readinessProbe", liveness=False)
        errs += _validate_probe(c.get("startupProbe"), f"{cp}.startupProbe", liveness=True)
    # checkHostPortConflicts: one hostIP/protocol/hostPort per pod.
    for i, c in enumerate(containers):
        for j, p in enumerate(c.get("ports") or []):
            hp = p.get("hostPort") or 0
            if not hp:
                continue
            key = f"{p.get('hostIP', '')}/{p.get('protocol', '')}/{hp}"
            if key in host_ports:
                errs.append(FieldError.duplicate(f"{path}[{i}].ports[{j}].hostPort", key))
            host_ports.add(key)
    return errs


def validate_pod_spec(spec: Mapping | None, path: str) -> list[FieldError]:
    """ValidatePodSpec (the fields listed in the module docstring), in upstream's order."""
    spec = spec or {}
    errs = _validate_containers(spec.get("containers"), f"{path}.containers")
    grace = spec.get("terminationGracePeriodSeconds")
    for i, c in enumerate(spec.get("containers") or []):
        if isinstance(c, Mapping) and c.get("lifecycle"):
            errs += _validate_lifecycle(c["lifecycle"], f"{path}.containers[{i}].lifecycle", grace)
    host_net = bool(spec.get("hostNetwork"))
    if host_net:  # validatePodHostNetworkDeps (hostPort 0 is allowed in templates only)
        for i, c in enumerate(spec.get("containers") or []):
            for j, p in enumerate(c.get("ports") or []):
                hp, cp = p.get("hostPort") or 0, p.get("containerPort") or 0
                if hp and hp != cp:
                    errs.append(FieldError.invalid(f"{path}.containers[{i}].ports[{j}].hostPort", hp,
                                                   "must match `containerPort` when `hostNetwork` is true"))
    rp = spec.get("restartPolicy") or ""
    if not rp:
        errs.append(FieldError.required(f"{path}.restartPolicy"))
    elif rp not in _RESTART_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.restartPolicy", rp, _RESTART_POLICIES))
    dp = spec.get("dnsPolicy") or ""
    if not dp:
        errs.append(FieldError.required(f"{path}.dnsPolicy"))
    elif dp not in _DNS_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.dnsPolicy", dp, _DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    errs += _validate_dns_config(spec.get("dnsConfig"), dp, f"{path}.dnsConfig")
    for f in ("serviceAccountName", "nodeName"):
        v = spec.get(f) or ""
        if v:
            errs += [FieldError.invalid(f"{path}.{f}", v, m) for m in name_is_dns_subdomain(v)]
    for f in ("hostname", "subdomain"):
        if spec.get(f):
            errs += validate_dns1123_label(spec[f], f"{path}.{f}")
    return errs


def _validate_dns_config(cfg: Mapping | None, policy: str, path: str) -> list[FieldError]:
    """validatePodDNSConfig."""
    if policy == "None":
        if cfg is None:
            return [FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not cfg.get("nameservers"):
            return [FieldError.required(f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    if cfg is None:
        return []
    errs: list[FieldError] = []
    servers = cfg.get("nameservers") or []
    if len(servers) > 3:
        errs.append(FieldError.invalid(f"{path}.nameservers", servers, "must not have more than 3 nameservers"))
    for i, ns in enumerate(servers):
        errs += is_valid_ip(f"{path}.nameservers[{i}]", ns)
    searches = cfg.get("searches") or []
    if len(searches) > 32:
        errs.append(FieldError.invalid(f"{path}.searches", searches, "must not have more than 32 search paths"))
    for i, s in enumerate(searches):
        # RelaxedDNSSearchValidation is on by default in 1.33: "." and "_srv"-style labels pass.
        if s != ".":
            s = s.removesuffix(".")
            errs += [FieldError.invalid(f"{path}.searches[{i}]", s, m)
                     for m in is_dns1123_subdomain_with_underscore(s)]
    for i, opt in enumerate(cfg.get("options") or []):
        if not opt.get("name"):
            errs.append(FieldError.required(f"{path}.options[{i}]", "must not be empty"))
    return errs


def validate_pod_template_spec(template: Mapping | None, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec: labels, annotations and the pod spec of a template."""
    template = template or {}
    meta = template.get("metadata") or {}
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    return errs + validate_pod_spec(template.get("spec"), f"{path}.spec")


def validate_pod(pod: Mapping) -> list[FieldError]:
    """ValidatePodCreate: metadata (name a DNS-1123 subdomain) and spec."""
    errs = validate_object_meta(pod.get("metadata"), True, name_is_dns_subdomain)
    return errs + validate_pod_spec(pod.get("spec"), "spec")


_POD_UPDATE_MSG = ("pod updates may not change fields other than `spec.containers[*].image`,"
                   "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                   "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                   "(allow it to be set to 1 if it was previously negative)")


def validate_pod_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidatePodUpdate: only images (and a few scheduling fields) may change.

    Upstream appends a ``cmp.Diff`` of the two specs to this message; k8snet prints the
    sentence without the diff."""
    errs = validate_pod(new)
    ns, os_ = dict(new.get("spec") or {}), dict(old.get("spec") or {})
    for spec in (ns, os_):
        spec["containers"] = [{k: v for k, v in c.items() if k != "image"} for c in spec.get("containers") or []]
        for f in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
            spec.pop(f, None)
    if ns != os_:
        errs.append(FieldError.forbidden("spec", _POD_UPDATE_MSG))
    return errs
