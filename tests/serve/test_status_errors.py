"""Every failure is a Status object with kube-apiserver's reason, code and words
(apimachinery ``pkg/api/errors``; apiserver ``handlers/rest.go`` and ``responsewriters``),
never a traceback, and a failed write leaves the cluster unchanged."""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
       "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}


def _call(served, method, path, body=None, content_type="application/json", token=True):
    ctx = ssl.create_default_context(cadata=served.certificates.ca_pem.decode())
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(served.url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {served.ctx.token}")
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _pb(envelope: bytes) -> bytes:
    """A protobuf body: apimachinery's magic prefix, then the runtime.Unknown bytes given."""
    return b"k8s\x00" + envelope


def _ld(field: int, data: bytes) -> bytes:
    """One length-delimited protobuf field (lengths under 128 here)."""
    return bytes([field << 3 | 2, len(data)]) + data


_TYPEMETA = _ld(1, _ld(1, b"v1") + _ld(2, b"Service"))
PB = "application/vnd.kubernetes.protobuf"
UNRECOGNIZED = "the object provided is unrecognized (must be of type Service): "


def _stale():
    return dict(SVC, metadata={"name": "web", "resourceVersion": "1"})


ROWS = [
    # (what, method, path, body, content type, token, code, reason, message)
    ("no token: authentication filter", "GET", "/api/v1/pods", None, None, False, 401, "Unauthorized",
     "Unauthorized"),
    ("missing object: errors.NewNotFound", "GET", "/api/v1/namespaces/default/services/nope", None, None, True,
     404, "NotFound", 'services "nope" not found'),
    ("missing object in a named group", "GET", "/apis/apps/v1/namespaces/default/deployments/nope", None, None,
     True, 404, "NotFound", 'deployments.apps "nope" not found'),
    ("unknown resource: the mux's 404", "GET", "/api/v1/namespaces/default/widgets", None, None, True, 404,
     "NotFound", "the server could not find the requested resource"),
    ("unknown group", "GET", "/apis/example.com/v1/things", None, None, True, 404, "NotFound",
     "the server could not find the requested resource"),
    ("malformed JSON body: decoder error", "POST", "/api/v1/namespaces/default/services", b"{not json", None, True,
     400, "BadRequest", None),
    ("wrong content type: negotiation", "POST", "/api/v1/namespaces/default/services", b"<svc/>", "text/xml", True,
     415, "UnsupportedMediaType", None),
    ("kind does not match the URL", "POST", "/api/v1/namespaces/default/services",
     dict(SVC, kind="Pod"), None, True, 400, "BadRequest", None),
    ("namespace does not match the URL: rest.go", "POST", "/api/v1/namespaces/default/services",
     dict(SVC, metadata={"name": "x", "namespace": "kube-system"}), None, True, 400, "BadRequest",
     "the namespace of the provided object does not match the namespace sent on the request"),
    ("invalid object: errors.NewInvalid", "POST", "/api/v1/namespaces/default/services",
     dict(SVC, metadata={"name": "bad"}, spec={"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]}),
     None, True, 422, "Invalid",
     'Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid '
     'range. The range of valid ports is 30000-32767'),
    ("unknown field: strict decoding", "POST", "/api/v1/namespaces/default/services?fieldValidation=Strict",
     dict(SVC, metadata={"name": "typo"}, spec={"ports": [{"port": 80, "targetport": 80}]}), None, True, 400,
     "BadRequest", 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown '
                   'field "spec.ports[0].targetport"'),
    ("name taken: errors.NewAlreadyExists", "POST", "/api/v1/namespaces/default/services", SVC, None, True, 409,
     "AlreadyExists", 'services "web" already exists'),
    ("stale resourceVersion: errors.NewConflict", "PUT", "/api/v1/namespaces/default/services/web", _stale(),
     None, True, 409, "Conflict",
     'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes '
     'to the latest version and try again'),
    ("read-only resource: errors.NewMethodNotSupported", "POST", "/apis/events.k8s.io/v1/namespaces/default/events",
     {"metadata": {"name": "e"}}, None, True, 405, "MethodNotAllowed", None),
    ("patch of an unknown patch type", "PATCH", "/api/v1/namespaces/default/services/web", {}, "text/plain", True,
     415, "UnsupportedMediaType", None),
    ("JSON patch test that fails", "PATCH", "/api/v1/namespaces/default/services/web",
     [{"op": "test", "path": "/spec/type", "value": "LoadBalancer"}], "application/json-patch+json", True, 422,
     "Invalid", None),
    ("a protobuf body that is not one", "POST", "/api/v1/namespaces/default/services", b"k8s\x00\xff",
     PB, True, 400, "BadRequest", UNRECOGNIZED + "unexpected EOF (6b387300ff)"),
    # protobuf.Serializer.Decode: runtime.Unknown's gogo Unmarshal errors, worded by
    # handlers/rest.go transformDecodeError (no kind yet: "unrecognized", with summarizeData's hex)
    ("protobuf TypeMeta sent as a varint", "POST", "/api/v1/namespaces/default/services", _pb(b"\x08\x01"),
     PB, True, 400, "BadRequest", UNRECOGNIZED + "proto: wrong wireType = 0 for field TypeMeta (6b3873000801)"),
    ("protobuf TypeMeta.Kind sent as a varint", "POST", "/api/v1/namespaces/default/services",
     _pb(_ld(1, b"\x10\x05")), PB, True, 400, "BadRequest",
     UNRECOGNIZED + "proto: wrong wireType = 0 for field Kind (6b3873000a021005)"),
    ("protobuf TypeMeta longer than the body", "POST", "/api/v1/namespaces/default/services", _pb(b"\x0a\x05ab"),
     PB, True, 400, "BadRequest", UNRECOGNIZED + "unexpected EOF (6b3873000a056162)"),
    ("protobuf field number 0", "POST", "/api/v1/namespaces/default/services", _pb(b"\x00"),
     PB, True, 400, "BadRequest", UNRECOGNIZED + "proto: Unknown: illegal tag 0 (wire type 0) (6b38730000)"),
    ("JSON sent as protobuf: Serializer.Decode's prefix check", "POST", "/api/v1/namespaces/default/services",
     b"{}", PB, True, 400, "BadRequest",
     UNRECOGNIZED + "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({})"),
    ("protobuf magic and nothing else", "POST", "/api/v1/namespaces/default/services", b"k8s\x00", PB, True, 400,
     "BadRequest", UNRECOGNIZED + "empty body (6b387300)"),
    ("protobuf object bytes cut short: the kind is known", "POST", "/api/v1/namespaces/default/services",
     _pb(_TYPEMETA + _ld(2, b"\x0a\x05")), PB, True, 400, "BadRequest",
     'Service in version "v1" cannot be handled as a Service: unexpected EOF'),
    ("a system namespace cannot go", "DELETE", "/api/v1/namespaces/kube-system", None, None, True, 403, "Forbidden",
     'namespaces "kube-system" is forbidden: this namespace may not be deleted'),
]


@pytest.mark.parametrize("what, method, path, body, ctype, token, code, reason, message", ROWS,
                         ids=[r[0] for r in ROWS])
def test_errors_are_status_objects(served, what, method, path, body, ctype, token, code, reason, message):
    before = served.cluster.store.version
    got_code, got = _call(served, method, path, body, ctype or "application/json", token)
    assert (got_code, got["kind"], got["status"], got["reason"], got["code"]) == \
        (code, "Status", "Failure", reason, code), got
    if message is not None:
        assert got["message"] == message
    assert "Traceback" not in got["message"]
    assert served.cluster.store.version == before  # a failed request changes nothing


def test_invalid_status_lists_each_field_error_as_a_cause(served):
    body = dict(SVC, metadata={"name": "two"}, spec={"type": "NodePort",
                                                    "ports": [{"port": 0}, {"port": 80, "nodePort": 1}]})
    code, got = _call(served, "POST", "/api/v1/namespaces/default/services", body)
    assert code == 422
    causes = got["details"]["causes"]
    assert causes and all(c["reason"].startswith("FieldValue") and c["field"].startswith("spec.") for c in causes)
