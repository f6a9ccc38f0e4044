"""What every verb handler shares (apiserver ``pkg/endpoints/handlers/rest.go``): reading a
request body in the formats the server accepts, the namespace rules, finding the live
object, and writing objects the way the registry does (a failed write changes nothing).
"""
from __future__ import annotations

import contextvars
import json
import re
from typing import Any

import yaml

from ...apiserver.store import clone
from .. import status as st
from ..registry import Served
from ..requestinfo import RequestInfo

__all__ = ["decode_body", "live", "check_namespace", "settle", "dry_run", "strip_list_item", "JSON_TYPES",
           "field_validation", "WARNINGS"]

#: The warnings of the request being served (``Warning: 299 - "..."`` headers), per request.
WARNINGS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("k8snet_serve_warnings", default=None)
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

JSON_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")


def decode_body(raw: bytes, content_type: str, allowed: tuple[str, ...] = JSON_TYPES,
                served: Served | None = None) -> Any:
    """The request body as JSON-shaped data, or a 415/400 Status error as kube-apiserver words it."""
    media = content_type.split(";")[0].strip().lower()
    if media not in allowed:
        raise st.StatusError(st.unsupported_media_type(content_type))
    if media == "application/vnd.kubernetes.protobuf":  # kubectl's typed clients (create deployment, ...)
        return _decode_protobuf(raw, content_type, served)
    text = raw.decode("utf-8", errors="replace")
    try:
        if media.endswith("yaml"):
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except (ValueError, yaml.YAMLError) as e:
        detail = str(e).split("\n")[0]
        raise st.StatusError(st.bad_request(f"couldn't get version/kind; json parse error: {detail}")) from None
    return data


def _summary(data: bytes, limit: int = 30) -> str:
    """handlers/rest.go summarizeData: the first bytes, as text for JSON, else in hex."""
    if not data:
        return "<empty>"
    shown = data[:limit].decode("utf-8", errors="replace") if data[:1] == b"{" else data[:limit].hex()
    return shown + (" ..." if len(data) > limit else "")


def _decode_protobuf(raw: bytes, content_type: str, served: Served | None) -> dict:
    """protobuf.Serializer.Decode, its errors worded by handlers/rest.go transformDecodeError:
    without a kind "the object provided is unrecognized (must be of type X): ...", with one
    "K in version "v" cannot be handled as a X: ..."."""
    from ...serve import registry
    from ..protobuf import NoProtobufSchema, ProtobufError, UnrecognizedBody, decode
    want = served.kind if served is not None else "Object"
    try:
        return decode(raw, served.group_version if served else "", served.kind if served else "")
    except UnrecognizedBody as e:
        raise st.StatusError(st.bad_request(
            f"the object provided is unrecognized (must be of type {want}): {e} ({_summary(raw)})")) from None
    except NoProtobufSchema as e:
        if served is not None and e.kind == served.kind and served.group in registry.CRD_GROUPS:
            # Custom resources are served as JSON and YAML only (no protobuf serializer).
            raise st.StatusError(st.unsupported_media_type(content_type, ("application/json", "application/yaml")))
        if served is not None and e.kind != served.kind:
            return {"apiVersion": e.api_version, "kind": e.kind}  # check_object: the kinds do not match
        raise st.StatusError(st.bad_request(f"k8snet reads protobuf bodies of the kinds kubectl's generators send; "
                                            f"send this {e.kind} as JSON")) from None
    except ProtobufError as e:
        kind, version = getattr(e, "kind", want), getattr(e, "version", "")
        raise st.StatusError(st.bad_request(f'{kind} in version "{version}" cannot be handled as a {want}: {e}')) from None


def check_object(data: Any, served: Served, info: RequestInfo, query=None) -> dict:
    """A body for create/update: an object of the URL's kind, in the URL's namespace; kind and
    apiVersion default from the URL (the decoder's defaulting GVK)."""
    if not isinstance(data, dict):
        raise st.StatusError(st.bad_request("Object 'Kind' is missing in '" + json.dumps(data)[:200] + "'"))
    obj = clone(data)
    obj.setdefault("apiVersion", served.group_version)
    obj.setdefault("kind", served.kind)
    if obj["kind"] != served.kind:
        raise st.StatusError(st.bad_request(
            f'the kind in the data ({obj["kind"]}) does not match the expected kind ({served.kind})'))
    if obj["apiVersion"] != served.group_version:
        raise st.StatusError(st.bad_request(
            f'the API version in the data ({obj["apiVersion"]}) does not match the expected API version '
            f'({served.group_version})'))
    # Stored objects carry the resource's storage version (ReferenceGrant v1beta1 and v1 alike).
    obj["apiVersion"] = served.resource.api_version
    meta = obj.get("metadata")
    if meta is None:
        meta = obj["metadata"] = {}
    if not isinstance(meta, dict):
        raise st.StatusError(st.bad_request(f'{served.kind} in version "{served.version}" cannot be handled as a '
                                            f'{served.kind}: json: cannot unmarshal {type(meta).__name__} into '
                                            f'Go struct field {served.kind}.metadata of type v1.ObjectMeta'))
    check_namespace(meta, served, info)
    if info.name and meta.get("name") and meta["name"] != info.name:
        raise st.StatusError(st.bad_request("the name of the object "
                                            f"({meta['name']}) does not match the name on the URL ({info.name})"))
    if info.name:
        meta.setdefault("name", info.name)
    if query is not None:
        field_validation(obj, query)
    return obj


def check_namespace(meta: dict, served: Served, info: RequestInfo) -> None:
    """rest.go: the object's namespace must match the URL's (an empty one takes the URL's)."""
    if not served.namespaced:
        meta.pop("namespace", None)
        return
    ns = meta.get("namespace")
    if ns and info.namespace and ns != info.namespace:
        raise st.StatusError(st.bad_request("the namespace of the provided object does not match the namespace "
                                            "sent on the request"))
    if info.namespace:
        meta["namespace"] = info.namespace
    elif not ns:
        raise st.StatusError(st.bad_request("the namespace of the object is missing"))


def live(cluster, served: Served, info: RequestInfo) -> dict:
    """The stored object the URL names (do not mutate), or a 404 Status error."""
    obj = cluster.store.peek(served.kind, info.namespace if served.namespaced else "", info.name)
    if obj is None:
        raise st.StatusError(st.not_found(served.qualified, info.name))
    return obj


def dry_run(query) -> bool:
    """``?dryRun=All``: admit the object, store nothing."""
    values = query.getall("dryRun", []) if hasattr(query, "getall") else [query.get("dryRun")]
    if any(v and v != "All" for v in values):
        raise st.StatusError(st.bad_request(f"Invalid dryRun value: {values[0]} (supported: All)"))
    return "All" in values


def settle(cluster) -> None:
    """After a write: let the controllers react, as the real ones would in the next instants."""
    cluster.controllers.run()


def strip_list_item(obj: dict, served: Served) -> dict:
    """A typed list's items carry no kind/apiVersion (CRD lists, being unstructured, keep them)."""
    if served.group == "gateway.networking.k8s.io":
        return obj
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def _drop(obj: Any, path: str) -> None:
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(path)]
    cur = obj
    for i, (key, index) in enumerate(steps):
        last = i == len(steps) - 1
        if index is not None:
            if not isinstance(cur, list) or int(index) >= len(cur):
                return
            cur = cur[int(index)]
        elif isinstance(cur, dict) and key in cur:
            if last:
                del cur[key]
                return
            cur = cur[key]
        else:
            return


def field_validation(obj: dict, query) -> None:
    """``?fieldValidation=``: ``Strict`` (kubectl's default) leaves unknown fields for the
    strict decoder to refuse (400); ``Warn`` (the server's default when the parameter is
    missing: handlers/rest.go ``fieldValidation``) drops them with a warning each; ``Ignore``
    drops them silently.  Type errors are refused whatever the directive."""
    directive = query.get("fieldValidation") or "Warn"
    if directive not in ("Strict", "Warn", "Ignore"):
        raise st.StatusError(st.bad_request(f"fieldValidation must be one of Ignore, Warn, Strict; "
                                            f"got {directive}"))
    if directive == "Strict":
        return
    from ...apiserver.schema import unknown_fields
    unknown = unknown_fields(obj)
    for path in reversed(unknown):  # deepest and last first: list indices stay valid
        _drop(obj, path)
    warnings = WARNINGS.get()
    if directive == "Warn" and warnings is not None:
        warnings.extend(f'unknown field "{p}"' for p in unknown)
