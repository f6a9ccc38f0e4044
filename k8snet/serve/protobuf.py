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

__all__ = ["MAGIC", "decode", "ProtobufError", "UnrecognizedBody", "NoProtobufSchema"]

MAGIC = b"k8s\x00"
_GROUPS = {"": "core", "apps": "apps", "networking.k8s.io": "networking", "policy": "policy",
           "discovery.k8s.io": "discovery", "authorization.k8s.io": "authorization",
           "authentication.k8s.io": "authentication"}
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


# gogo-protobuf's generated Unmarshal errors (apimachinery runtime/generated.pb.go).
_EOF = "unexpected EOF"  # io.ErrUnexpectedEOF
_OVERFLOW = "proto: integer overflow"  # ErrIntOverflowGenerated
_NEGATIVE = "proto: negative length found during unmarshaling"  # ErrInvalidLengthGenerated


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if shift >= 64:
            raise ProtobufError(_OVERFLOW)
        if pos >= len(data):
            raise ProtobufError(_EOF)
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result & ((1 << 64) - 1), pos
        shift += 7


def _wire(data: bytes, message_name: str = "Unknown"):
    """(field number, wire type, value) of each field: ints for varints, bytes otherwise;
    malformed input raises what gogo's Unmarshal returns."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        num, wtype = key >> 3, key & 7
        if wtype == 4:
            raise ProtobufError(f"proto: {message_name}: wiretype end group for non-group")
        if num <= 0 or num >= 1 << 31:
            raise ProtobufError(f"proto: {message_name}: illegal tag {num if num < 1 << 31 else num - (1 << 32)} "
                                f"(wire type {key})")
        if wtype == 0:
            value, pos = _varint(data, pos)
        elif wtype == 2:
            size, pos = _varint(data, pos)
            if size >= 1 << 63:
                raise ProtobufError(_NEGATIVE)
            if pos + size > len(data):
                raise ProtobufError(_EOF)
            value, pos = data[pos:pos + size], pos + size
        elif wtype in (1, 5):
            width = 8 if wtype == 1 else 4
            if pos + width > len(data):
                raise ProtobufError(_EOF)
            value, pos = data[pos:pos + width], pos + width
        else:  # start group (3) and 6, 7: nothing the Kubernetes messages use
            raise ProtobufError(f"proto: illegal wireType {wtype}")
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


#: The wire type each schema type is written with (varints 0, everything else length-delimited).
def _wants(typ: str) -> int:
    return 0 if typ in ("i", "b") else 2


def _value(typ: str, wtype: int, value, field: str = ""):
    if wtype != _wants(typ):
        raise ProtobufError(f"proto: wrong wireType = {wtype} for field {field[:1].upper() + field[1:]}")
    if typ == "s":
        return value.decode("utf-8", errors="replace")  # a Go string holds any bytes; JSON replaces them
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
    for num, wtype, value in _wire(data, name.partition(".")[2]):
        if num not in fields:
            continue  # status, managedFields, or a field newer than our table
        fname, typ = fields[num]
        if typ.startswith("map:"):
            if wtype != 2:
                raise ProtobufError(f"proto: wrong wireType = {wtype} for field {fname[:1].upper() + fname[1:]}")
            entry = {n: (w, v) for n, w, v in _wire(value)}
            kw, key = entry.get(1, (2, b""))
            vw, val = entry.get(2, (_wants(typ[4:]), b"" if _wants(typ[4:]) == 2 else 0))
            out.setdefault(fname, {})[_value("s", kw, key, fname)] = _value(typ[4:], vw, val, fname)
        elif typ.startswith("*"):
            items = out.setdefault(fname, [])
            if wtype == 2 and typ[1:] in ("i", "b"):  # packed
                pos = 0
                while pos < len(value):
                    v, pos = _varint(value, pos)
                    items.append(_value(typ[1:], 0, v, fname))
            else:
                items.append(_value(typ[1:], wtype, value, fname))
        else:
            v = _value(typ, wtype, value, fname)
            if fname in _INLINE and isinstance(v, dict):
                out.update(v)
            elif not _zero(v) or typ.startswith("m:") and v is not None:
                out[fname] = v
    return out


class UnrecognizedBody(ProtobufError):
    """The body could not be read as a ``runtime.Unknown`` (no kind known): the handler words it
    as transformDecodeError does without a kind."""


def _unknown(data: bytes) -> tuple[str, str, bytes]:
    """runtime.Unknown.Unmarshal: (apiVersion, kind, raw) of the envelope."""
    type_meta, raw = b"", b""
    for num, wtype, value in _wire(data, "Unknown"):
        name = {1: "TypeMeta", 2: "Raw", 3: "ContentEncoding", 4: "ContentType"}.get(num)
        if name is not None and wtype != 2:
            raise ProtobufError(f"proto: wrong wireType = {wtype} for field {name}")
        if num == 1:
            type_meta = value
        elif num == 2:
            raw = value
    api_version = kind = ""
    for num, wtype, value in _wire(type_meta, "TypeMeta"):
        name = {1: "APIVersion", 2: "Kind"}.get(num)
        if name is not None and wtype != 2:
            raise ProtobufError(f"proto: wrong wireType = {wtype} for field {name}")
        if num == 1:
            api_version = value.decode("utf-8", errors="replace")
        elif num == 2:
            kind = value.decode("utf-8", errors="replace")
    return api_version, kind, raw


def decode(data: bytes, default_api_version: str = "", default_kind: str = "") -> dict:
    """A Kubernetes protobuf body -> the object as JSON-shaped data (``apiVersion``/``kind`` set,
    defaulted from the URL's as the serializer's copyKindDefaults does).

    Raises :class:`UnrecognizedBody` when the envelope cannot be read (apimachinery
    ``protobuf.Serializer.Decode``'s own errors), :class:`ProtobufError` when the object inside it
    cannot, and :class:`NoProtobufSchema` for a kind that has no protobuf form here."""
    if not data:
        raise UnrecognizedBody("empty data")
    if not data.startswith(MAGIC):
        raise UnrecognizedBody("provided data does not appear to be a protobuf message, expected prefix "
                               "[" + " ".join(str(b) for b in MAGIC) + "]")
    if data == MAGIC:
        raise UnrecognizedBody("empty body")
    try:
        api_version, kind, raw = _unknown(data[len(MAGIC):])
    except ProtobufError as e:
        raise UnrecognizedBody(str(e)) from None
    if api_version.count("/") > 1:  # FromAPIVersionAndKind: an unparsable group/version is dropped
        api_version = ""
    api_version = api_version or default_api_version  # copyKindDefaults
    kind = kind or default_kind
    group = api_version.rpartition("/")[0]
    name = f"{_GROUPS.get(group, group)}.{kind}"
    if name not in MESSAGES:
        raise NoProtobufSchema(api_version, kind)
    try:
        obj = message(name, raw)
    except ProtobufError as e:  # the object's bytes: transformDecodeError names the kind and version
        e.kind, e.version = kind, api_version.rpartition("/")[2]
        raise
    return {"apiVersion": api_version, "kind": kind, **obj}


class NoProtobufSchema(ProtobufError):
    """A kind without a protobuf form here (custom resources have none upstream either)."""

    def __init__(self, api_version: str, kind: str):
        super().__init__(f"no protobuf decoding for {kind} in version {api_version!r}")
        self.api_version, self.kind = api_version, kind
