"""The proxy package's public surface (STYLE.md practice 15: pin it)."""
from __future__ import annotations

import random

import k8snet.proxy as proxy
from k8snet.proxy import Entry, trace

from .objects import make_state


def test_proxy_all_is_pinned():
    """k8snet.proxy.__all__ is what other packages (cluster.py, datapath.py) rely on."""
    assert sorted(proxy.__all__) == sorted([
        "ProxyState", "ProxyConfig", "ServicePortName", "ServicePortInfo", "EndpointInfo",
        "trace", "Entry", "Verdict", "TraceResult", "TraceStep"])


def test_trace_steps_quote_the_listed_rules():
    """Every rule a trace shows is a line the node's iptables-save prints (same text)."""
    state = make_state()
    listed = set(state.iptables_save("nat").splitlines()) | set(state.iptables_save("filter").splitlines())
    result = trace(state, src_ip="198.51.100.7", dst_ip="172.18.0.2", dst_port=30080,
                   rng=random.Random(9), entry=Entry.EXTERNAL)
    assert result.steps and all(step.rule in listed for step in result.steps)


def test_nft_trace_steps_quote_the_listed_rules():
    """Same for nftables: each step's rule appears in `nft list table ip kube-proxy`."""
    state = make_state(mode="nftables")
    listed = {line.strip() for line in state.nft().splitlines()}
    result = trace(state, src_ip="198.51.100.7", dst_ip="172.18.0.2", dst_port=30080,
                   rng=random.Random(9), entry=Entry.EXTERNAL)
    assert result.steps and all(step.rule in listed for step in result.steps)


def test_misuse_raises_usage_error():
    """errors.py: misuse of the library raises UsageError, with the valid choices."""
    import pytest

    from k8snet.errors import UsageError
    with pytest.raises(UsageError, match="nat, filter"):
        make_state().iptables_save("mangle")
