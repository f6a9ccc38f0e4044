"""How many listeners a Gateway and its ListenerSets may have (gateway-api v1.6.1).

The spec sets a limit per list only: ``+kubebuilder:validation:MaxItems=64`` on
``Gateway.spec.listeners`` (gateway_types.go) and on ``ListenerSet.spec.listeners``
(listenerset_types.go), enforced by the API server from the CRD schema.  For the *merged* list
it says only "An implementation MAY reject listeners by setting the ListenerEntryStatus
``Accepted`` condition to False with the Reason ``TooManyListeners``" and defines no number, so
k8snet rejects none: every distinct listener of every admitted ListenerSet is accepted.  No
v1.6.1 conformance test exercises TooManyListeners."""
from __future__ import annotations

import pytest

from k8snet import ValidationError
from k8snet.routing.types import ListenerReason

from .conftest import gateway_cluster

NS = "gateway-conformance-infra"
G = "gateway.networking.k8s.io"


def _listeners(n: int, first_port: int, prefix: str) -> list[dict]:
    return [{"name": f"{prefix}-{i}", "port": first_port + i, "protocol": "HTTP"} for i in range(n)]


def _gateway(n: int) -> dict:
    return {"apiVersion": f"{G}/v1", "kind": "Gateway", "metadata": {"name": "big", "namespace": NS},
            "spec": {"gatewayClassName": "k8snet", "allowedListeners": {"namespaces": {"from": "Same"}},
                     "listeners": _listeners(n, 10000, "gw")}}


def _set(name: str, n: int, first_port: int) -> dict:
    return {"apiVersion": f"{G}/v1", "kind": "ListenerSet", "metadata": {"name": name, "namespace": NS},
            "spec": {"parentRef": {"name": "big"}, "listeners": _listeners(n, first_port, name)}}


@pytest.fixture(scope="module")
def cluster():
    c = gateway_cluster(f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {NS}}}\n", seed=65)
    return c


SCHEMA = [
    # (id, object, field, rule)
    ("gateway-65", _gateway(65), "spec.listeners", "gateway_types.go GatewaySpec.Listeners: MaxItems=64"),
    ("listenerset-65", _set("too-big", 65, 20000), "spec.listeners",
     "listenerset_types.go ListenerSetSpec.Listeners: MaxItems=64"),
]


@pytest.mark.parametrize("obj,field,rule", [r[1:] for r in SCHEMA], ids=[r[0] for r in SCHEMA])
def test_more_than_64_listeners_in_one_list_are_refused(cluster, obj, field, rule):
    with pytest.raises(ValidationError) as info:
        cluster.apply(obj)
    assert f"{field}: Too many: 65: must have at most 64 items" in str(info.value), rule
    assert cluster.store.peek(obj["kind"], NS, obj["metadata"]["name"]) is None


def test_merged_listeners_beyond_64_are_all_accepted(cluster):
    """listenerset_types.go: implementations MAY reject with TooManyListeners; the spec gives no
    limit for the merged list, and k8snet sets none: 64 + 64 + 64 listeners, all Accepted."""
    cluster.apply([_gateway(64), _set("set-a", 64, 20000), _set("set-b", 64, 30000)])
    cluster.advance(5)
    for name in ("set-a", "set-b"):
        ls = cluster.get("listenerset", name, NS)
        conds = {c["type"]: c["reason"] for c in ls["status"]["conditions"]}
        assert conds["Accepted"] == "Accepted"
        reasons = {c["reason"] for entry in ls["status"]["listeners"] for c in entry["conditions"]
                   if c["type"] == "Accepted"}
        assert reasons == {"Accepted"} and len(ls["status"]["listeners"]) == 64
    assert cluster.get("gateway", "big", NS)["status"]["attachedListenerSets"] == 2


def test_too_many_listeners_is_a_known_reason():
    """listenerset_types.go ListenerEntryReasonTooManyListeners: the reason exists on the wire."""
    assert ListenerReason.TOO_MANY_LISTENERS.value == "TooManyListeners"
