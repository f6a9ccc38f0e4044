"""Chain names, probabilities and the model's string forms.

Each row names the upstream function it checks.  Chain names are checked two ways: against
a hand-written derivation of upstream's algorithm (sha256 → base32 → first 16 / 8 chars),
and against the concrete names upstream's own tests list for concrete inputs.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib

import pytest

from k8snet.proxy import ProxyConfig, ServicePortName
from k8snet.proxy.iptables import (compute_probability, service_external_chain_name,
                                   service_firewall_chain_name, service_local_chain_name,
                                   service_port_chain_name, service_port_endpoint_chain_name)
from k8snet.proxy.iptables_save import save_string, saved_probability
from k8snet.proxy.nftables import endpoint_chain_name_base, nft_duration, service_chain_name_base


def _by_hand(text: str, n: int) -> str:
    # base32.StdEncoding.EncodeToString(sha256.Sum256([]byte(text)))[:n]
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:n]


@pytest.mark.parametrize("spn,proto,want", [
    # pkg/proxy/iptables/proxier_test.go TestOverallIPTablesRules: ns1/svc1:p80 (tcp)
    ("ns1/svc1:p80", "tcp", "KUBE-SVC-XPGD46QRK7WJZT7O"),
    # same test: ns2/svc2:p80
    ("ns2/svc2:p80", "tcp", "KUBE-SVC-GNZBNJ2PO5MGZ6GT"),
    # the chains every kubeadm node shows for default/kubernetes and kube-dns
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
], ids=["upstream-ns1-svc1", "upstream-ns2-svc2", "kubernetes-https", "kube-dns-dns",
        "kube-dns-dns-tcp", "kube-dns-metrics"])
def test_service_chain_names_match_upstream(spn, proto, want):
    """proxier.go servicePortPolicyClusterChain / portProtoHash."""
    assert service_port_chain_name(spn, proto) == want
    assert want == "KUBE-SVC-" + _by_hand(spn + proto, 16)


@pytest.mark.parametrize("fn,prefix", [
    (service_port_chain_name, "KUBE-SVC-"),
    (service_local_chain_name, "KUBE-SVL-"),
    (service_external_chain_name, "KUBE-EXT-"),
    (service_firewall_chain_name, "KUBE-FW-"),
], ids=["SVC servicePortPolicyClusterChain", "SVL servicePortPolicyLocalChainName",
        "EXT serviceExternalChainName", "FW serviceFirewallChainName"])
def test_per_service_chains_share_one_hash(fn, prefix):
    """proxier.go: all four per-service chains use portProtoHash(name, protocol)."""
    assert fn("default/web:http", "TCP") == prefix + _by_hand("default/web:httptcp", 16)


@pytest.mark.parametrize("spn,ep,want", [
    # proxier_test.go TestOverallIPTablesRules: ns1/svc1:p80 -> 10.180.0.1:80
    ("ns1/svc1:p80", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"),
    ("default/web:http", "10.244.1.5:8080", "KUBE-SEP-" + _by_hand("default/web:httptcp10.244.1.5:8080", 16)),
], ids=["upstream-ns1-svc1-ep", "by-hand"])
def test_endpoint_chain_names(spn, ep, want):
    """proxier.go servicePortEndpointChainName: sha256(name + protocol + "ip:port")."""
    assert service_port_endpoint_chain_name(spn, "tcp", ep) == want


@pytest.mark.parametrize("args,want", [
    # pkg/proxy/nftables/proxier_test.go TestOverallNFTablesRules
    (("ns1", "svc1", "tcp", "p80"), "ULMVA6XW-ns1/svc1/tcp/p80"),
    (("ns2", "svc2", "tcp", "p80"), "42NFTM6N-ns2/svc2/tcp/p80"),
    (("ns3", "svc3", "tcp", "p80"), "4AT6LBPK-ns3/svc3/tcp/p80"),
    (("default", "kubernetes", "tcp", "https"), "2QRHZV4L-default/kubernetes/tcp/https"),
], ids=["upstream-ns1", "upstream-ns2", "upstream-ns3", "kubernetes-https"])
def test_nft_service_chain_base(args, want):
    """nftables/proxier.go servicePortChainNameBase + hashAndTruncate."""
    assert service_chain_name_base(*args) == want
    assert want[:8] == _by_hand("/".join(args[:2] + (args[2], args[3])), 8)


@pytest.mark.parametrize("args,want", [
    # pkg/proxy/nftables/proxier_test.go TestOverallNFTablesRules endpoint chains
    (("ns1", "svc1", "tcp", "p80", "10.180.0.1:80"), "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"),
    (("ns2", "svc2", "tcp", "p80", "10.180.0.2:80"), "SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80"),
], ids=["upstream-ns1-ep", "upstream-ns2-ep"])
def test_nft_endpoint_chain_base(args, want):
    """nftables/proxier.go servicePortEndpointChainNameBase: "__" then ip/port."""
    assert endpoint_chain_name_base(*args) == want


@pytest.mark.parametrize("n,written,saved", [
    (1, "1.0000000000", "1.00000000000"),
    (2, "0.5000000000", "0.50000000000"),
    (3, "0.3333333333", "0.33333333349"),
    (4, "0.2500000000", "0.25000000000"),
    (5, "0.2000000000", "0.20000000019"),
    (6, "0.1666666667", "0.16666666651"),
    (7, "0.1428571429", "0.14285714272"),
    (10, "0.1000000000", "0.10000000009"),
], ids=lambda v: str(v))
def test_probability_strings(n, written, saved):
    """proxier.go computeProbability (%0.10f) and libxt_statistic's save (%.11f of
    lround(p * 2^31) / 2^31), which is what iptables-save shows on a node."""
    assert compute_probability(n) == written
    assert saved_probability(written) == saved


@pytest.mark.parametrize("text,want", [
    ("ns1/svc1:p80", '"ns1/svc1:p80"'),
    ("kubernetes service portals", '"kubernetes service portals"'),
    ("plain-word_1", "plain-word_1"),
    ('say "hi"', '"say \\"hi\\""'),
    ("it's", '"it\\\'s"'),
    ("a\\b", '"a\\\\b"'),
    ("", '""'),
], ids=["slash-quoted", "space-quoted", "bare", "escaped", "single-quote-escaped",
        "backslash-escaped", "empty-quoted"])
def test_comment_quoting(text, want):
    """libxtables xtables_save_string: only [A-Za-z0-9_-] prints bare."""
    assert save_string(text) == want


@pytest.mark.parametrize("spn,want", [
    (ServicePortName("ns1", "svc1", "p80", "TCP"), "ns1/svc1:p80"),
    (ServicePortName("default", "web", "", "TCP"), "default/web"),
], ids=["named-port", "unnamed-port"])
def test_service_port_name_string(spn, want):
    """pkg/proxy/types.go ServicePortName.String() with fmtPortName."""
    assert str(spn) == want


def test_records_are_frozen():
    """STYLE.md practice 10: keys and records are frozen dataclasses."""
    spn = ServicePortName("a", "b", "c", "TCP")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spn.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize("bit,written,value", [(14, "0x00004000", 0x4000), (0, "0x00000001", 1)],
                         ids=["default-bit-14", "bit-0"])
def test_masquerade_mark(bit, written, value):
    """proxier.go NewProxier: fmt.Sprintf("%#08x", 1<<masqueradeBit)."""
    cfg = ProxyConfig(node_name="n", masquerade_bit=bit)
    assert (cfg.masquerade_mark, cfg.mark_value) == (written, value)


@pytest.mark.parametrize("seconds,want", [(10800, "3h"), (90, "1m30s"), (86400 + 3600, "1d1h")],
                         ids=["3h", "1m30s", "1d1h"])
def test_nft_duration(seconds, want):
    """nft's time printing for set timeouts (affinity sets use timeoutSeconds)."""
    assert nft_duration(seconds) == want
