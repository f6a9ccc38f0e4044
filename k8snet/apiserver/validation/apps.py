"""``apps/v1`` validation: Deployment, ReplicaSet, StatefulSet, DaemonSet, ported from
``pkg/apis/apps/validation/validation.go`` (Kubernetes 1.33).

The selector-immutability check is not in validation.go: the apps/v1 registry strategies
(``pkg/registry/apps/*/strategy.go`` ``ValidateUpdate``) add it after the rest, which is why
it prints last::

    spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"},
    MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
"""
from __future__ import annotations

import re
from typing import Mapping

from ...errors import ErrorType, FieldError
from ...labels import from_label_selector
from ...errors import go_json
from .common import (go_error, go_int_or_string, go_label_selector, go_string_map, go_struct,
                     is_valid_percent, name_is_dns_label, name_is_dns_subdomain,
                     validate_annotations, validate_immutable, validate_label_selector,
                     validate_labels, validate_nonnegative, validate_object_meta)
from .pod import validate_pod_template_spec

__all__ = ["validate_deployment", "validate_replica_set", "validate_stateful_set",
           "validate_daemon_set", "validate_apps_update"]


def _check_selector(sel: Mapping | None, kind_word: str, path: str) -> tuple[list[FieldError], str]:
    """The selector checks of the spec validators.  Returns the errors and what
    metav1.LabelSelectorAsSelector makes of it: ``"nothing"`` (nil: matches no labels, so the
    template check below also fails, as upstream), ``"everything"`` ({}), ``"invalid"`` (it
    errors: the template is then not validated at all) or ``"ok"``."""
    if sel is None:
        return [FieldError.required(path)], "nothing"
    errs = validate_label_selector(sel, path)
    if not (sel.get("matchLabels") or sel.get("matchExpressions")):
        errs.append(go_error(ErrorType.INVALID, path, go_label_selector(sel),
                             f"empty selector is invalid for {kind_word}"))
        return errs, "everything"
    return errs, ("invalid" if errs else "ok")


def _template_matches(sel: Mapping | None, template: Mapping, path: str) -> list[FieldError]:
    """`selector` does not match template `labels` (ValidatePodTemplateSpecForReplicaSet)."""
    labels = (template.get("metadata") or {}).get("labels")
    if from_label_selector(sel).matches(labels or {}):
        return []
    return [go_error(ErrorType.INVALID, f"{path}.metadata.labels", go_string_map(labels),
                     "`selector` does not match template `labels`")]


def _selector_and_template(spec: Mapping, kind_word: str, template_kind: str) -> list[FieldError]:
    """ValidateDeploymentSpec / ValidateReplicaSetSpec: selector, then the template checks."""
    sel = spec.get("selector")
    errs, state = _check_selector(sel, kind_word, "spec.selector")
    if state == "invalid":
        return errs + [go_error(ErrorType.INVALID, "spec.selector", go_label_selector(sel), "invalid label selector")]
    template = spec.get("template") or {}
    if state != "everything":
        errs += _template_matches(sel, template, "spec.template")
    errs += validate_pod_template_spec(template, "spec.template")
    tspec = template.get("spec") or {}
    if tspec.get("restartPolicy") != "Always":
        errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", tspec.get("restartPolicy") or "", ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds",
                                         f"activeDeadlineSeconds in {template_kind} is not Supported"))
    return errs


def _int_or_percent(v) -> int:
    """getIntOrPercentValue: "25%" -> 25, 3 -> 3; another string goes through
    IntOrString.IntValue, i.e. strconv.Atoi ("25" -> 25, "abc" -> 0)."""
    if isinstance(v, str):
        m = re.fullmatch(r"([0-9]+)%", v)
        if m:
            return int(m.group(1))
        return int(v) if re.fullmatch(r"[+-]?[0-9]+", v) else 0
    return int(v or 0)


def _positive_int_or_percent(v, path: str) -> list[FieldError]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(v, str):
        return [go_error(ErrorType.INVALID, path, go_int_or_string(v), m) for m in is_valid_percent(v)]
    return validate_nonnegative(int(v or 0), path)


def _not_more_than_100(v, path: str) -> list[FieldError]:
    """IsNotMoreThan100Percent."""
    if isinstance(v, str) and not is_valid_percent(v) and _int_or_percent(v) > 100:
        return [go_error(ErrorType.INVALID, path, go_int_or_string(v), "must not be greater than 100%")]
    return []


def _validate_strategy(strategy: Mapping, path: str) -> list[FieldError]:
    """ValidateDeploymentStrategy + ValidateRollingUpdateDeployment."""
    t = strategy.get("type") or ""
    ru = strategy.get("rollingUpdate")
    if t == "Recreate":
        if ru is not None:
            return [FieldError.forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if t == "RollingUpdate":
        if ru is None:
            return [FieldError.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        rp = f"{path}.rollingUpdate"
        mu, ms = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
        errs = _positive_int_or_percent(mu, f"{rp}.maxUnavailable") + _positive_int_or_percent(ms, f"{rp}.maxSurge")
        if _int_or_percent(mu) == 0 and _int_or_percent(ms) == 0:
            errs.append(go_error(ErrorType.INVALID, f"{rp}.maxUnavailable", go_int_or_string(mu),
                                 "may not be 0 when `maxSurge` is 0"))
        return errs + _not_more_than_100(mu, f"{rp}.maxUnavailable")
    # NotSupported's value is the whole internal apps.DeploymentStrategy, as JSON.
    text = go_struct(("Type", t), ("RollingUpdate", None if ru is None else {
        "MaxUnavailable": _intstr(ru.get("maxUnavailable")), "MaxSurge": _intstr(ru.get("maxSurge"))}))
    return [go_error(ErrorType.NOT_SUPPORTED, path, text, 'supported values: "Recreate", "RollingUpdate"')]


def validate_deployment(d: Mapping) -> list[FieldError]:
    """ValidateDeployment: metadata, then ValidateDeploymentSpec."""
    errs = validate_object_meta(d.get("metadata"), True, name_is_dns_subdomain)
    spec = d.get("spec") or {}
    errs += validate_nonnegative(spec.get("replicas", 0), "spec.replicas")
    # ValidatePodTemplateSpecForReplicaSet serves Deployments too, hence "in ReplicaSet".
    errs += _selector_and_template(spec, "deployment", "ReplicaSet")
    errs += _validate_strategy(spec.get("strategy") or {}, "spec.strategy")
    errs += validate_nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        errs += validate_nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
    pds = spec.get("progressDeadlineSeconds")
    if pds is not None:
        errs += validate_nonnegative(pds, "spec.progressDeadlineSeconds")
        if pds <= spec.get("minReadySeconds", 0):
            errs.append(FieldError.invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return errs


def validate_replica_set(rs: Mapping) -> list[FieldError]:
    """ValidateReplicaSet (its empty-selector message really says "deployment")."""
    errs = validate_object_meta(rs.get("metadata"), True, name_is_dns_subdomain)
    spec = rs.get("spec") or {}
    errs += validate_nonnegative(spec.get("replicas", 0), "spec.replicas")
    errs += validate_nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds")
    return errs + _selector_and_template(spec, "deployment", "ReplicaSet")


# %#v prints a non-nil pointer nested in a struct as its address, which differs on every
# run of the real API server; k8snet prints a fixed stand-in address.
def _intstr(v: Any) -> Any:
    # intstr.IntOrString's MarshalJSON: the zero value is 0.
    return v if isinstance(v, str) else int(v or 0)


def _go_sts_rolling_update(ru: Mapping | None) -> dict | None:
    # The internal apps.RollingUpdateStatefulSetStrategy (Partition, MaxUnavailable *IntOrString).
    if ru is None:
        return None
    mu = ru.get("maxUnavailable")
    return {"Partition": int(ru.get("partition") or 0), "MaxUnavailable": None if mu is None else _intstr(mu)}


def validate_stateful_set(sts: Mapping) -> list[FieldError]:
    """ValidateStatefulSet: a DNS-1123 *label* name (pods are named <name>-<ordinal>).

    Upstream validates only the template's labels and annotations here, not its pod spec."""
    errs = validate_object_meta(sts.get("metadata"), True, name_is_dns_label)
    spec = sts.get("spec") or {}
    pmp = spec.get("podManagementPolicy") or ""
    if not pmp:
        errs.append(FieldError.required("spec.podManagementPolicy"))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(FieldError.invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    us = spec.get("updateStrategy") or {}
    ut = us.get("type") or ""
    if not ut:
        errs.append(FieldError.required("spec.updateStrategy"))
    elif ut == "OnDelete" and us.get("rollingUpdate") is not None:
        errs.append(go_error(ErrorType.INVALID, "spec.updateStrategy.rollingUpdate",
                             go_json(_go_sts_rolling_update(us["rollingUpdate"]), sort_keys=False),
                             "only allowed for updateStrategy 'RollingUpdate'"))
    elif ut == "RollingUpdate" and us.get("rollingUpdate") is not None:
        errs += validate_nonnegative(us["rollingUpdate"].get("partition", 0), "spec.updateStrategy.rollingUpdate.partition")
    elif ut not in ("OnDelete", "RollingUpdate"):
        ru = us.get("rollingUpdate")
        text = go_struct(("Type", ut), ("RollingUpdate", _go_sts_rolling_update(ru)))
        errs.append(go_error(ErrorType.INVALID, "spec.updateStrategy", text, "must be 'RollingUpdate' or 'OnDelete'"))
    errs += validate_nonnegative(spec.get("replicas", 0), "spec.replicas")
    errs += validate_nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds")
    sel = spec.get("selector")
    sel_errs, state = _check_selector(sel, "statefulset", "spec.selector")
    errs += sel_errs
    template = spec.get("template") or {}
    if state == "invalid":
        errs.append(go_error(ErrorType.INVALID, "spec.selector", go_label_selector(sel), ""))
    else:
        if state != "everything":
            errs += _template_matches(sel, template, "spec.template")
        meta = template.get("metadata") or {}
        errs += validate_labels(meta.get("labels"), "spec.template.labels")
        errs += validate_annotations(meta.get("annotations"), "spec.template.annotations")
    tspec = template.get("spec") or {}
    if tspec.get("restartPolicy") != "Always":
        errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", tspec.get("restartPolicy") or "", ["Always"]))
    return errs


def validate_daemon_set(ds: Mapping) -> list[FieldError]:
    """ValidateDaemonSet (selector, template, update strategy)."""
    errs = validate_object_meta(ds.get("metadata"), True, name_is_dns_subdomain)
    spec = ds.get("spec") or {}
    sel = spec.get("selector")
    errs += validate_label_selector(sel, "spec.selector")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels")
    if not from_label_selector(sel).matches(labels or {}):
        errs.append(go_error(ErrorType.INVALID, "spec.template.metadata.labels", go_string_map(labels),
                             "`selector` does not match template `labels`"))
    if sel is not None and not (sel.get("matchLabels") or sel.get("matchExpressions")):
        errs.append(go_error(ErrorType.INVALID, "spec.selector", go_label_selector(sel), "empty selector is invalid for daemonset"))
    errs += validate_pod_template_spec(template, "spec.template")
    if (template.get("spec") or {}).get("restartPolicy") != "Always":
        errs.append(FieldError.not_supported("spec.template.spec.restartPolicy",
                                             (template.get("spec") or {}).get("restartPolicy") or "", ["Always"]))
    return errs


_STS_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy",
                  "persistentVolumeClaimRetentionPolicy", "minReadySeconds")


def validate_pod_disruption_budget(pdb: Mapping) -> list[FieldError]:
    """ValidatePodDisruptionBudget (pkg/apis/policy/validation): not both minAvailable and
    maxUnavailable; each a positive int or a percentage up to 100%; the selector; the
    unhealthyPodEvictionPolicy."""
    errs = validate_object_meta(pdb.get("metadata"), True, name_is_dns_subdomain)
    spec = pdb.get("spec") or {}
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        errs.append(FieldError.invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"))
    for f in ("minAvailable", "maxUnavailable"):
        if spec.get(f) is not None:
            errs += _positive_int_or_percent(spec[f], f"spec.{f}") + _not_more_than_100(spec[f], f"spec.{f}")
    errs += validate_label_selector(spec.get("selector"), "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("IfHealthyBudget", "AlwaysAllow"):
        errs.append(FieldError.not_supported("spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"]))
    return errs


def validate_apps_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """The update checks of the apps kinds: the selector never changes (apps/v1 strategies);
    a StatefulSet may change only replicas, ordinals, template, updateStrategy,
    persistentVolumeClaimRetentionPolicy and minReadySeconds."""
    kind = new.get("kind")
    ns, os_ = new.get("spec") or {}, old.get("spec") or {}
    if kind == "StatefulSet":
        errs = validate_stateful_set_update_spec(new)
        a = {k: v for k, v in ns.items() if k not in _STS_UPDATABLE}
        b = {k: v for k, v in os_.items() if k not in _STS_UPDATABLE}
        if a != b:
            errs.append(FieldError.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', "
                                             "'ordinals', 'template', 'updateStrategy', "
                                             "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
        return errs
    errs = {"Deployment": validate_deployment, "ReplicaSet": validate_replica_set,
            "DaemonSet": validate_daemon_set}[kind](new)
    return errs + validate_immutable(ns.get("selector"), os_.get("selector"), "spec.selector",
                                     go_label_selector(ns.get("selector")))


def validate_stateful_set_update_spec(new: Mapping) -> list[FieldError]:
    """ValidateStatefulSetUpdate re-validates the spec but not the name."""
    errs = validate_stateful_set(new)
    return [e for e in errs if not e.field.startswith("metadata.name")]
