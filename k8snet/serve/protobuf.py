"""Reading the protobuf bodies kubectl's typed clients send
(``Content-Type: application/vnd.kubernetes.protobuf``: ``kubectl create deployment``,
``create service``, ``create configmap``, ...), as apimachinery's protobuf serializer writes
them: the magic ``k8s\\x00``, then a ``runtime.Unknown`` holding the TypeMeta and the object's
bytes (apimachinery ``runtime/serializer/protobuf``).

The object is decoded with the field numbers of :mod:`.protobuf_schema` into the JSON shape
the JSON decoder would give: Go writes every non-pointer scalar even when zero, and an
omitted JSON field means the same zero value, so zero scalars (``""``, ``0``, ``false``) are
left out.  Responses stay JSON (every client also accepts it).
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from .protobuf_schema import MESSAGES

__all__ = ["MAGIC", "decode", "ProtobufError"]

MAGIC = b"k8s\x00"
_GROUPS = {"": "core", "apps": "apps", "networking.k8s.io": "networking", "policy": "policy",
           "discovery.k8s.io": "discovery"}
_FIELDS: dict[str, dict[int, tuple[str, str]]] = {}
#: Embedded Go structs (``json:",inline"``): their fields belong to the enclosing object.
_INLINE = frozenset({"handler", "ingressRuleValue", "localObjectReference", "persistentVolumeSource",
                     "volumeSource"})


class ProtobufError(ValueError):
    """The body is not a Kubernetes protobuf object this server can read."""


def _fields(message: str) -> dict[int, tuple[str, str]]:
    if message not in _FIELDS:
        words = MESSAGES[message].split()
        _FIELDS[message] = {int(words[i]): (words[i + 1], words[i + 2]) for i in range(0, len(words), 3)}
    return _FIELDS[message]


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _wire(data: bytes):
    """(field number, wire type, value) of each field: ints for varints, bytes otherwise."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        num, wtype = key >> 3, key & 7
        if wtype == 0:
            value, pos = _varint(data, pos)
        elif wtype == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wtype == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wtype == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wtype}")
        yield num, wtype, value


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _special(name: str, data: bytes):
    f = {num: v for num, _, v in _wire(data)}
    if name in ("meta.Time", "meta.MicroTime"):
        if not f.get(1) and not f.get(2):
            return None  # the zero Time: null in JSON, left out
        return datetime.fromtimestamp(_signed(f.get(1, 0)), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if name == "intstr.IntOrString":
        return f.get(3, b"").decode() if f.get(1, 0) == 1 else _signed(f.get(2, 0))
    if name == "resource.Quantity":
        return f.get(1, b"").decode()
    if name == "runtime.RawExtension":
        raw = f.get(1, b"")
        return json.loads(raw) if raw else None
    return None  # meta.Duration and the like: not met in what kubectl creates


def _value(typ: str, wtype: int, value):
    if typ == "s":
        return value.decode("utf-8")
    if typ == "i":
        return _signed(value)
    if typ == "b":
        return bool(value)
    if typ == "y":
        return base64.b64encode(value).decode()
    if typ.startswith("m:"):
        name = typ[2:]
        return message(name, value) if name in MESSAGES else _special(name, value)
    return None


def _zero(v) -> bool:
    return v is None or v == "" or v is False or (isinstance(v, int) and not isinstance(v, bool) and v == 0)


def message(name: str, data: bytes) -> dict:
    """The JSON-shaped object of message ``name`` encoded in ``data``."""
    fields = _fields(name)
    out: dict = {}
    for num, wtype, value in _wire(data):
        if num not in fields:
            continue  # status, managedFields, or a field newer than our table
        fname, typ = fields[num]
        if typ.startswith("map:"):
            entry = {n: v for n, _, v in _wire(value)}
            key = entry.get(1, b"").decode()
            out.setdefault(fname, {})[key] = _value(typ[4:], 2, entry.get(2, b"" if typ[4:] != "i" else 0))
        elif typ.startswith("*"):
            items = out.setdefault(fname, [])
            if wtype == 2 and typ[1:] in ("i", "b"):  # packed
                pos = 0
                while pos < len(value):
                    v, pos = _varint(value, pos)
                    items.append(_value(typ[1:], 0, v))
            else:
                items.append(_value(typ[1:], wtype, value))
        else:
            v = _value(typ, wtype, value)
            if fname in _INLINE and isinstance(v, dict):
                out.update(v)
            elif not _zero(v) or typ.startswith("m:") and v is not None:
                out[fname] = v
    return out


def decode(data: bytes) -> dict:
    """A Kubernetes protobuf body -> the object as JSON-shaped data (``apiVersion``/``kind`` set)."""
    if not data.startswith(MAGIC):
        raise ProtobufError("the body does not start with the Kubernetes protobuf magic number")
    unknown = {num: v for num, _, v in _wire(data[len(MAGIC):])}
    type_meta = {num: v.decode() for num, _, v in _wire(unknown.get(1, b""))}
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    group = api_version.rpartition("/")[0]
    name = f"{_GROUPS.get(group, group)}.{kind}"
    if name not in MESSAGES:
        raise ProtobufError(f"no protobuf decoding for {kind} in version {api_version!r}")
    obj = message(name, unknown.get(2, b""))
    return {"apiVersion": api_version, "kind": kind, **obj}
