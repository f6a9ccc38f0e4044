"""The upstream e2e NetworkPolicy suite, ported as truth tables on the 3 x 3 model.

Each row is one ``f.It(...)`` of kubernetes/kubernetes test/e2e/network/netpol/
network_policy.go (its title is the row's ``title``): the same policies, the same
``Reachability`` expectations (written with the ``Reach`` port of reachability.go), on
every pod of namespaces x/y/z x pods a/b/c, loopback ignored as ``ignoreLoopback`` does.
Tests that mutate objects mid-way appear as one row per step.
"""
from __future__ import annotations

import ipaddress

import pytest

from k8snet.netpol import matrix

from ._model import Reach, assert_reach, ip_of, match, model, policy

NOT_X = {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                               "values": ["x"]}]}
NS_Y = match(**{"kubernetes.io/metadata.name": "y"})
NS_X = match(**{"kubernetes.io/metadata.name": "x"})


def deny_ingress_x(r):
    return r.expect_peer(False, to_ns="x")


def x_a_only_from(*sources):
    def expect(r):
        r.expect_all_ingress("x/a", False)
        for s in sources:
            r.expect("x/" + s if "/" not in s else s, "x/a", True)
        return r
    return expect


def x_a_only_from_ns_y(r):
    return r.expect_peer(False, from_ns="x", to_ns="x", to_pod="a").expect_peer(
        False, from_ns="z", to_ns="x", to_pod="a")


def allow_all(r):
    return r


ALLOW_PORT_81_FROM_Y = policy("allow-client-a-via-ns-selector", pod_selector=match(pod="a"), ingress=[
    {"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": 81, "protocol": "TCP"}]}])
ALLOW_PORT_80_FROM_Y = policy("allow-client-a-via-ns-selector-80", pod_selector=match(pod="a"), ingress=[
    {"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": 80, "protocol": "TCP"}]}])
AND_Y_A_EGRESS = policy("allow-to-ns-y-pod-a", pod_selector=match(pod="a"), egress=[
    {"to": [{"namespaceSelector": NS_Y, "podSelector": match(pod="a")}]}])
FROM_X_A = [{"from": [{"namespaceSelector": NS_X, "podSelector": match(pod="a")}]}]


def cidr_for(key, prefix=32):
    return lambda pods: str(ipaddress.ip_network(f"{ip_of(pods, key)}/{prefix}", strict=False))


# (id, title, policies (list, or a function of the pods), protocols, [(port, proto, expect)])
CASES = [
    ("default-deny-ingress", "should support a 'default-deny-ingress' policy",
     [policy("deny-ingress", ingress=[])], ("TCP",), [(80, "TCP", deny_ingress_x)]),
    ("default-deny-all", "should support a 'default-deny-all' policy",
     [policy("deny-all", ingress=[], egress=[])], ("TCP",),
     [(80, "TCP", lambda r: r.expect_peer(False, to_ns="x").expect_peer(False, from_ns="x"))]),
    ("podselector-same-ns", "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
     [policy("x-a-allows-x-b", pod_selector=match(pod="a"), ingress=[{"from": [{"podSelector": match(pod="b")}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("b"))]),
    ("ingress-for-a-target", "should enforce policy to allow ingress traffic for a target",
     [policy("deny-all", ingress=[]),
      policy("allow-all-to-a", pod_selector=match(pod="a"),
             ingress=[{"from": [{"podSelector": {}, "namespaceSelector": {}}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect_all_ingress("x/b", False).expect_all_ingress("x/c", False))]),
    ("from-all-namespaces", "should enforce policy to allow ingress traffic from pods in all namespaces",
     [policy("allow-from-another-ns", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": {"matchLabels": {}}}]}])],
     ("TCP",), [(80, "TCP", allow_all)]),
    ("namespaceselector-other-ns", "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
     [policy("allow-client-a-via-ns-selector", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": NS_Y}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from_ns_y)]),
    ("podselector-matchexpressions", "should enforce policy based on PodSelector with MatchExpressions",
     [policy("x-a-allows-x-b", pod_selector=match(pod="a"), ingress=[{"from": [{"podSelector": {
         "matchExpressions": [{"key": "pod", "operator": "In", "values": ["b"]}]}}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("b"))]),
    ("namespaceselector-matchexpressions", "should enforce policy based on NamespaceSelector with MatchExpressions",
     [policy("allow-ns-y-match-selector", pod_selector=match(pod="a"), ingress=[{"from": [{"namespaceSelector": {
         "matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["y"]}]}}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from_ns_y)]),
    ("podselector-or-namespaceselector", "should enforce policy based on PodSelector or NamespaceSelector",
     [policy("allow-ns-y-match-selector", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": NOT_X}, {"podSelector": match(pod="b")}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect("x/c", "x/a", False))]),
    ("podselector-and-namespaceselector", "should enforce policy based on PodSelector and NamespaceSelector",
     [policy("allow-ns-y-podselector-and-nsselector", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": NOT_X, "podSelector": match(pod="b")}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("y/b", "z/b"))]),
    ("multiple-podselectors-and-namespaceselectors", "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
     [policy("allow-ns-y-z-pod-b-c", pod_selector=match(pod="a"), ingress=[{"from": [{
         "namespaceSelector": NOT_X,
         "podSelector": {"matchExpressions": [{"key": "pod", "operator": "In", "values": ["b", "c"]}]}}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("y/b", "y/c", "z/b", "z/c"))]),
    ("any-podselectors", "should enforce policy based on any PodSelectors",
     [policy("allow-ns-x-pod-b-c", pod_selector=match(pod="a"),
             ingress=[{"from": [{"podSelector": match(pod="b")}, {"podSelector": match(pod="c")}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("b", "c"))]),
    ("pod-in-other-ns-and", "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
     [policy("allow-ns-y-pod-a-via-namespace-pod-selector", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": NS_Y, "podSelector": match(pod="a")}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from("y/a"))]),
    ("ports", "should enforce policy based on Ports", [ALLOW_PORT_81_FROM_Y], ("TCP",),
     [(81, "TCP", x_a_only_from_ns_y), (80, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("stacked-policies-step1", "should enforce multiple, stacked policies with overlapping podSelectors",
     [ALLOW_PORT_81_FROM_Y], ("TCP",),
     [(81, "TCP", x_a_only_from_ns_y), (80, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("stacked-policies-step2", "should enforce multiple, stacked policies with overlapping podSelectors",
     [ALLOW_PORT_81_FROM_Y, ALLOW_PORT_80_FROM_Y], ("TCP",),
     [(81, "TCP", x_a_only_from_ns_y), (80, "TCP", x_a_only_from_ns_y)]),
    ("allow-all", "should support allow-all policy", [policy("allow-all", ingress=[{}])], ("TCP",),
     [(80, "TCP", allow_all), (81, "TCP", allow_all)]),
    ("ingress-one-named-port", "should allow ingress access on one named port",
     [policy("allow-all", ingress=[{"ports": [{"port": "serve-81-tcp"}]}])], ("TCP",),
     [(81, "TCP", allow_all), (80, "TCP", deny_ingress_x)]),
    ("ingress-from-ns-one-named-port", "should allow ingress access from namespace on one named port",
     [policy("allow-client-a-via-ns-selector-80", pod_selector=match(pod="a"), ingress=[
         {"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": "serve-80-tcp", "protocol": "TCP"}]}])],
     ("TCP",), [(80, "TCP", x_a_only_from_ns_y), (81, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("egress-one-named-port", "should allow egress access on one named port",
     [policy("allow-egress", egress=[{"ports": [{"port": "serve-80-tcp"}]}])], ("TCP",),
     [(80, "TCP", allow_all), (81, "TCP", lambda r: r.expect_peer(False, from_ns="x"))]),
    ("updated-policy-step1", "should enforce updated policy",
     [policy("allow-all-mutate-to-deny-all", ingress=[{}])], ("TCP",), [(81, "TCP", allow_all)]),
    ("updated-policy-step2", "should enforce updated policy",
     [policy("allow-all-mutate-to-deny-all", ingress=[])], ("TCP",), [(81, "TCP", deny_ingress_x)]),
    ("deny-other-namespaces", "should deny ingress from pods on other namespaces",
     [policy("deny-empty-policy", ingress=[{"from": [{"podSelector": {"matchLabels": {}}}]}])], ("TCP",),
     [(80, "TCP", lambda r: r.expect_peer(False, from_ns="y", to_ns="x").expect_peer(False, from_ns="z", to_ns="x"))]),
    ("deny-egress-podselector", "should deny egress from pods based on PodSelector",
     [policy("deny-egress-pod-a", pod_selector=match(pod="a"), egress=[])], ("TCP",),
     [(80, "TCP", lambda r: r.expect_all_egress("x/a", False))]),
    ("deny-egress-namespace", "should deny egress from all pods in a namespace",
     [policy("deny-egress-ns-x", egress=[])], ("TCP",), [(80, "TCP", lambda r: r.expect_peer(False, from_ns="x"))]),
    ("ingress-and-egress-together", "should work with Ingress, Egress specified together",
     [policy("allow-client-a-via-pod-selector", pod_selector=match(pod="a"),
             ingress=[{"from": [{"podSelector": match(pod="b")}]}], egress=[{"ports": [{"port": 80}]}],
             policy_types=["Egress", "Ingress"])], ("TCP",),
     [(80, "TCP", x_a_only_from("b")),
      (81, "TCP", lambda r: x_a_only_from("b")(r.expect_all_egress("x/a", False)))]),
    ("client-side-egress-denial", "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)",
     [AND_Y_A_EGRESS,
      policy("allow-from-xa-on-ya-match-selector", "y", pod_selector=match(pod="a"), ingress=FROM_X_A),
      policy("allow-from-xa-on-yb-match-selector", "y", pod_selector=match(pod="b"), ingress=FROM_X_A)],
     ("TCP",), [(80, "TCP", lambda r: r.expect_all_egress("x/a", False).expect_peer(False, to_ns="y", to_pod="a")
                 .expect("x/a", "y/a", True).expect_peer(False, to_ns="y", to_pod="b"))]),
    ("egress-other-ns-and", "should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
     [AND_Y_A_EGRESS], ("TCP",), [(80, "TCP", lambda r: r.expect_all_egress("x/a", False).expect("x/a", "y/a", True))]),
    ("any-port-specific-protocol", "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
     [policy("allow-ingress-by-proto", pod_selector=match(pod="a"), ingress=[{"ports": [{"protocol": "TCP"}]}])],
     ("TCP", "UDP"), [(80, "TCP", allow_all), (80, "UDP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("ingress-allow-all-precedence-step1", "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
     [policy("allow-ingress-port-80", ingress=[{"ports": [{"port": 80}]}])], ("TCP",), [(81, "TCP", deny_ingress_x)]),
    ("ingress-allow-all-precedence-step2", "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
     [policy("allow-ingress-port-80", ingress=[{"ports": [{"port": 80}]}]), policy("allow-ingress", ingress=[{}])],
     ("TCP",), [(81, "TCP", allow_all)]),
    ("egress-allow-all-precedence-step1", "should enforce multiple egress policies with egress allow-all policy taking precedence",
     [policy("allow-egress-port-80", egress=[{"ports": [{"port": 80}]}])], ("TCP",),
     [(81, "TCP", lambda r: r.expect_peer(False, from_ns="x"))]),
    ("egress-allow-all-precedence-step2", "should enforce multiple egress policies with egress allow-all policy taking precedence",
     [policy("allow-egress-port-80", egress=[{"ports": [{"port": 80}]}]), policy("allow-egress", egress=[{}])],
     ("TCP",), [(81, "TCP", allow_all)]),
    ("deleted-policies-step1", "should stop enforcing policies after they are deleted",
     [policy("deny-all", ingress=[], egress=[])], ("TCP",),
     [(80, "TCP", lambda r: r.expect_peer(False, from_ns="x").expect_peer(False, to_ns="x"))]),
    ("deleted-policies-step2", "should stop enforcing policies after they are deleted", [], ("TCP",),
     [(80, "TCP", allow_all)]),
    ("egress-cidr-block", "should allow egress access to server in CIDR block",
     lambda pods: [policy("allow-client-a-via-cidr-egress-rule", pod_selector=match(pod="a"),
                          egress=[{"to": [{"ipBlock": {"cidr": cidr_for("y/b")(pods)}}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect_all_egress("x/a", False).expect("x/a", "y/b", True))]),
    ("egress-cidr-except", "should enforce except clause while egress access to server in CIDR block",
     # makeLargeCIDRForIP: the pod's IP masked to /4, with the pod's /32 excepted.
     lambda pods: [policy("allow-client-a-via-cidr-egress-rule", pod_selector=match(pod="a"), egress=[
         {"to": [{"ipBlock": {"cidr": cidr_for("x/b", 4)(pods), "except": [cidr_for("x/b")(pods)]}}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect("x/a", "x/b", False))]),
    ("cidr-overlap-step2-updated", "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed",
     # The e2e test *updates* the policy of the same name: the /32 rule replaces the /4.
     lambda pods: [policy("allow-client-a-via-cidr-egress-rule", pod_selector=match(pod="a"),
                          egress=[{"to": [{"ipBlock": {"cidr": cidr_for("x/b")(pods)}}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect_all_egress("x/a", False).expect("x/a", "x/b", True))]),
    ("cidr-overlap-additive", "(network-policies.md: policies are additive) an IP in one policy's except and another's cidr is allowed",
     lambda pods: [
         policy("allow-large-except-b", pod_selector=match(pod="a"), egress=[
             {"to": [{"ipBlock": {"cidr": cidr_for("x/b", 4)(pods), "except": [cidr_for("x/b")(pods)]}}]}]),
         policy("allow-b", pod_selector=match(pod="a"), egress=[{"to": [{"ipBlock": {"cidr": cidr_for("x/b")(pods)}}]}])],
     ("TCP",), [(80, "TCP", allow_all)]),
    ("ingress-egress-independent-step1", "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
     [policy("allow-egress-for-target", pod_selector=match(pod="a"), egress=[{}])], ("TCP",), [(80, "TCP", allow_all)]),
    ("ingress-egress-independent-step2", "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
     [policy("allow-egress-for-target", pod_selector=match(pod="a"), egress=[{}]),
      policy("deny-ingress-via-label-selector", pod_selector=match(pod="a"), ingress=[])], ("TCP",),
     [(80, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("sctp-not-tcp", "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
     [policy("deny-ingress", ingress=[]), policy("allow-only-sctp-ingress-on-port-81", pod_selector=match(pod="a"),
                                                  ingress=[{"ports": [{"port": 81, "protocol": "SCTP"}]}])],
     ("TCP",), [(81, "TCP", deny_ingress_x)]),
    ("sctp-isolates", "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
     [policy("allow-only-sctp-ingress-on-port-80", pod_selector=match(pod="a"),
             ingress=[{"ports": [{"port": 80, "protocol": "SCTP"}]}])],
     ("TCP",), [(81, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("udp-not-tcp", "should not allow access by TCP when a policy specifies only UDP",
     [policy("allow-only-udp-ingress-on-port-81", pod_selector=match(pod="a"),
             ingress=[{"ports": [{"port": 81, "protocol": "UDP"}]}])],
     ("TCP",), [(81, "TCP", lambda r: r.expect_all_ingress("x/a", False))]),
    ("default-ns-label-matchlabels", "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
     [policy("allow-client-a-via-ns-selector-for-immutable-ns-label", pod_selector=match(pod="a"),
             ingress=[{"from": [{"namespaceSelector": NS_Y}]}])], ("TCP",), [(80, "TCP", x_a_only_from_ns_y)]),
    ("default-ns-label-matchexpressions-egress", "should enforce policy based on NamespaceSelector with MatchExpressions using default ns label",
     [policy("allow-ns-y-match-selector-for-immutable-ns-label", pod_selector=match(pod="a"), egress=[{"to": [{
         "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                                     "values": ["y"]}]}}]}])],
     ("TCP",), [(80, "TCP", lambda r: r.expect_peer(False, from_ns="x", from_pod="a", to_ns="y"))]),
]

# "Netpol [LinuxOnly] ... using UDP" and "Netpol [Feature:SCTPConnectivity] ... using SCTP"
for proto in ("UDP", "SCTP"):
    CASES += [
        (f"{proto.lower()}-default-deny-ingress", f"({proto}) should support a 'default-deny-ingress' policy",
         [policy("deny-all", ingress=[])], (proto,), [(80, proto, deny_ingress_x)]),
        (f"{proto.lower()}-ports", f"({proto}) should enforce policy based on Ports",
         [policy("allow-ingress-on-port-81-ns-x", pod_selector=match(pod="a"), ingress=[
             {"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": 81, "protocol": proto}]}])],
         (proto,), [(81, proto, x_a_only_from_ns_y), (80, proto, lambda r: r.expect_all_ingress("x/a", False))]),
        (f"{proto.lower()}-pod-in-other-ns-and", f"({proto}) should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
         [policy("allow-ns-y-pod-a-via-namespace-pod-selector", pod_selector=match(pod="a"),
                 ingress=[{"from": [{"namespaceSelector": NS_Y, "podSelector": match(pod="a")}]}])],
         (proto,), [(80, proto, x_a_only_from("y/a"))]),
    ]


@pytest.mark.parametrize("case_id,title,policies,protocols,checks", CASES, ids=[c[0] for c in CASES])
def test_e2e_reachability(case_id, title, policies, protocols, checks):
    pods, namespaces = model(protocols=protocols)
    if callable(policies):
        policies = policies(pods)
    for port, proto, expect in checks:
        m = matrix(policies, pods, namespaces, ports=(port,), protocol=proto)
        assert_reach(m, expect(Reach(m.pods)), port)
        # Loopback is ignored by the e2e comparison; we always allow it (network-policies.md:
        # "a pod cannot block access to itself").
        assert all(m.allowed(p, p, port) for p in m.pods)


# Label updates: "should allow ingress access from updated namespace / pod",
# "should deny ingress access to updated pod" (one row per state of the labels).
ALLOW_NS2 = policy("allow-client-a-via-ns-selector", pod_selector=match(pod="a"),
                   ingress=[{"from": [{"namespaceSelector": match(ns2="updated")}]}])
ALLOW_POD2 = policy("allow-client-a-via-pod-selector", pod_selector=match(pod="a"),
                    ingress=[{"from": [{"podSelector": match(pod="b", pod2="updated")}]}])
DENY_ISOLATED = policy("deny-ingress-via-label-selector", pod_selector=match(target="isolated"), ingress=[])
LABEL_CASES = [
    ("updated-namespace-before", ALLOW_NS2, {}, {}, lambda r: r.expect_all_ingress("x/a", False)),
    ("updated-namespace-after", ALLOW_NS2, {}, {"y": {"ns2": "updated"}},
     lambda r: r.expect_all_ingress("x/a", False).expect_peer(True, from_ns="y")),
    ("updated-pod-before", ALLOW_POD2, {}, {}, lambda r: r.expect_all_ingress("x/a", False)),
    ("updated-pod-after", ALLOW_POD2, {"x/b": {"pod": "b", "pod2": "updated"}}, {},
     lambda r: r.expect_all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ("deny-updated-pod-before", DENY_ISOLATED, {}, {}, allow_all),
    ("deny-updated-pod-after", DENY_ISOLATED, {"x/a": {"pod": "a", "target": "isolated"}}, {},
     lambda r: r.expect_all_ingress("x/a", False)),
]


@pytest.mark.parametrize("case_id,pol,pod_labels,ns_labels,expect", LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_e2e_label_updates(case_id, pol, pod_labels, ns_labels, expect):
    pods, namespaces = model(pod_labels=pod_labels, ns_labels=ns_labels)
    m = matrix([pol], pods, namespaces, ports=(80,))
    assert_reach(m, expect(Reach(m.pods)), 80)
