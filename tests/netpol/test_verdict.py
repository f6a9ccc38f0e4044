"""The Verdict: its reason sentence, its per-side fields, and the always-allowed cases.

Rows cite concepts/services-networking/network-policies.md: "The two sorts of pod
isolation" (both sides, reply traffic, from the pod's node) and the overview's
exceptions ("a pod cannot block access to itself").
"""
from __future__ import annotations

import dataclasses

import pytest

from k8snet.errors import NotFoundError, UsageError
from k8snet.netpol import Verdict, evaluate

from ._model import match, model, pod, policy

PODS, NAMESPACES = model()
DENY_X = policy("deny-all", ingress=[])
ALLOW_B_TO_A = policy("allow-b", pod_selector=match(pod="a"), ingress=[{"from": [{"podSelector": match(pod="b")}]}])
EGRESS_Y = policy("egress-to-y", "x", pod_selector=match(pod="b"), egress=[
    {"to": [{"namespaceSelector": match(ns="y")}]}])
DENY_EGRESS_Z = policy("deny-egress", "z", egress=[])
NODE_AGENT = pod("kube-system", "node-agent", ip="172.18.0.2", host_ip="172.18.0.2", node="node-1",
                 host_network=True, labels={"pod": "a"})
REMOTE_AGENT = pod("kube-system", "remote-agent", ip="172.18.0.3", host_ip="172.18.0.3", node="node-2",
                   host_network=True)

REASONS = [
    # id, source, policies, src, dst, port, protocol, reason
    ("not-isolated", "#the-two-sorts-of-pod-isolation: non-isolated by default", [],
     "y/a", "x/a", 80, "TCP", "allowed: no NetworkPolicy isolates y/a for egress or x/a for ingress"),
    ("denied-ingress", "#the-two-sorts-of-pod-isolation: isolated for ingress", [DENY_X],
     "y/a", "x/a", 80, "TCP",
     "denied: x/deny-all isolates x/a for ingress and no policy allows y/a on TCP/80"),
    ("denied-ingress-two-policies", "#the-two-sorts-of-pod-isolation: union of applicable policies",
     [DENY_X, ALLOW_B_TO_A], "x/c", "x/a", 81, "TCP",
     "denied: x/allow-b, x/deny-all isolate x/a for ingress and no policy allows x/c on TCP/81"),
    ("allowed-by-ingress", "#the-two-sorts-of-pod-isolation: allowed by the ingress list",
     [DENY_X, ALLOW_B_TO_A], "x/b", "x/a", 80, "TCP",
     "allowed by x/allow-b (ingress to x/a); no NetworkPolicy isolates x/b for egress"),
    ("allowed-by-both", "#the-two-sorts-of-pod-isolation: both sides must allow",
     [EGRESS_Y], "x/b", "y/c", 80, "UDP",
     "allowed by x/egress-to-y (egress from x/b); no NetworkPolicy isolates y/c for ingress"),
    ("denied-egress", "#the-two-sorts-of-pod-isolation: isolated for egress",
     [EGRESS_Y], "x/b", "z/a", 80, "TCP",
     "denied: x/egress-to-y isolates x/b for egress and no policy allows z/a on TCP/80"),
    ("denied-both-sides", "#the-two-sorts-of-pod-isolation: either side can deny",
     [DENY_EGRESS_Z, DENY_X], "z/a", "x/c", 80, "TCP",
     "denied: z/deny-egress isolates z/a for egress and no policy allows x/c on TCP/80; "
     "x/deny-all isolates x/c for ingress and no policy allows z/a on TCP/80"),
    ("loopback", "overview: a pod cannot block access to itself", [DENY_X, DENY_EGRESS_Z],
     "x/a", "x/a", 80, "TCP", "allowed: x/a is connecting to itself, and a pod cannot block access to itself"),
    ("from-own-node-ip", "#the-two-sorts-of-pod-isolation: connections from the pod's node", [DENY_X],
     "172.18.0.2", "x/a", 80, "TCP",
     "allowed: 172.18.0.2 is x/a's node, and traffic from a pod's own node is always allowed"),
    ("from-own-node-hostnetwork-pod", "#networkpolicy-and-hostnetwork-pods: treated as node traffic", [DENY_X],
     "kube-system/node-agent", "x/a", 80, "TCP",
     "allowed: kube-system/node-agent (hostNetwork) runs on x/a's node, and traffic from a pod's own node "
     "is always allowed"),
    ("from-other-node", "#the-two-sorts-of-pod-isolation: only the pod's own node", [DENY_X],
     "172.18.0.3", "x/a", 80, "TCP",
     "denied: x/deny-all isolates x/a for ingress and no policy allows 172.18.0.3 on TCP/80"),
    ("hostnetwork-not-selected", "#networkpolicy-and-hostnetwork-pods: selectors ignore hostNetwork pods",
     [policy("agents", "kube-system", ingress=[])], "y/a", "kube-system/remote-agent", 80, "TCP",
     "allowed: no NetworkPolicy isolates y/a for egress"),
    ("external-to-pod", "#the-two-sorts-of-pod-isolation: only ingress applies from outside", [],
     "203.0.113.9", "x/a", 80, "TCP", "allowed: no NetworkPolicy isolates x/a for ingress"),
    ("pod-to-external", "#the-two-sorts-of-pod-isolation: only egress applies to outside", [DENY_EGRESS_Z],
     "z/b", "203.0.113.9", 443, "TCP",
     "denied: z/deny-egress isolates z/b for egress and no policy allows 203.0.113.9 on TCP/443"),
]


@pytest.mark.parametrize("row_id,source,policies,src,dst,port,protocol,reason", REASONS, ids=[r[0] for r in REASONS])
def test_reason(row_id, source, policies, src, dst, port, protocol, reason):
    pods = PODS + [NODE_AGENT, REMOTE_AGENT]
    v = evaluate(policies, pods, NAMESPACES, src=src, dst=dst, port=port, protocol=protocol)
    assert v.reason == reason
    assert bool(v) is reason.startswith("allowed")


def test_sides_and_fields():
    """Both sides are reported apart: egress of src, ingress of dst (#the-two-sorts-of-pod-isolation)."""
    v = evaluate([EGRESS_Y, DENY_X, ALLOW_B_TO_A], PODS, NAMESPACES, src="x/b", dst="x/a", port=80)
    assert not v
    assert (v.egress_isolated, v.egress_allowed, v.egress_policies) == (True, False, ("x/egress-to-y",))
    assert (v.ingress_isolated, v.ingress_allowed, v.ingress_policies) == (True, True, ("x/allow-b",))
    assert (v.src, v.dst, v.port, v.protocol, v.enforced) == ("x/b", "x/a", 80, "TCP", True)


def test_reply_traffic_rides_on_the_connection():
    """#the-two-sorts-of-pod-isolation: "Reply traffic for those allowed connections will also be
    implicitly allowed" -- even when the reverse connection would be denied."""
    fwd = evaluate([DENY_X, ALLOW_B_TO_A], PODS, NAMESPACES, src="x/b", dst="x/a", port=80)
    back = evaluate([DENY_X, ALLOW_B_TO_A], PODS, NAMESPACES, src="x/a", dst="x/b", port=80)
    assert fwd.reply_allowed and not back


def test_verdict_is_frozen_and_truthy():
    v = evaluate([], PODS, NAMESPACES, src="x/a", dst="y/a", port=80)
    assert v and isinstance(v, Verdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.allowed = False


def test_pod_dicts_and_pod_ips_are_accepted():
    """src/dst may be pod dicts, "ns/name" keys or addresses; a pod's own IP is that pod."""
    by_dict = evaluate([DENY_X], PODS, NAMESPACES, src=PODS[3], dst=PODS[0], port=80)
    by_ip = evaluate([DENY_X], PODS, NAMESPACES, src=PODS[3]["status"]["podIP"], dst="x/a", port=80)
    assert by_dict.reason == by_ip.reason and by_ip.src == "y/a"


ERRORS = [
    ("bad-protocol", dict(src="x/a", dst="y/a", port=80, protocol="ICMP"), UsageError, "ICMP"),
    ("bad-port", dict(src="x/a", dst="y/a", port=0), UsageError, "between 1 and 65535"),
    ("unknown-pod", dict(src="x/nope", dst="y/a", port=80), NotFoundError, 'pods "nope" not found'),
    ("bad-address", dict(src="not-an-ip", dst="y/a", port=80), UsageError, "neither a pod nor an IP"),
    ("unknown-cni", dict(src="x/a", dst="y/a", port=80, cni="contiv"), UsageError, "unknown CNI"),
]


@pytest.mark.parametrize("row_id,kwargs,exc,text", ERRORS, ids=[e[0] for e in ERRORS])
def test_misuse_is_reported(row_id, kwargs, exc, text):
    with pytest.raises(exc, match=text):
        evaluate([], PODS, NAMESPACES, **kwargs)
