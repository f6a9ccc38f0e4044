"""Exercise 15 checks: each question is checked by simulation (a request or a lookup from the
pod, the resolver's ``tried`` list, CoreDNS's cache entries).  Rules: kubelet dns.go
getPodDNSType / GetPodDNS, kubernetes/dns specification 2.4.1, EndpointSlice podToEndpoint,
CoreDNS plugin/cache with kubeadm's Corefile, virtual-ips.md's "Why not use round-robin DNS?"."""
from __future__ import annotations

from k8snet.grader import ex15_dns_policies as ex
from k8snet.grader.core import Outcome

# Each question's own wrong_answers are checked, with the rest of the course's, by
# tests/grader/test_wrong_answers.py.


def test_q2_truth_is_measured():
    """glibc res_nsearch with dnsConfig's search list and ndots:2: the search list first."""
    assert ex.q2.truth() == ["redis.cache.jobs.svc.cluster.local.", "redis.cache.svc.cluster.local."]


def test_q4_truth_is_the_cache_cap():
    """cache 30: the upstream SOA minimum (3600) is capped at 30 s."""
    assert ex.q4.truth() == 30


def test_q5_truth_excludes_cluster_local_only():
    """kubeadm: disable success/denial cluster.local; in-addr.arpa and forwarded names are kept."""
    assert ex.q5.truth() == {"example.com", "nope.example.com", "10.0.96.10.in-addr.arpa"}


def test_q3_alternative_none_policy_passes_q1():
    """dnsPolicy None with the cluster DNS and a search list is a real fix too (dns.go podDNSNone)."""
    alt = ex.AGENT.replace("  hostNetwork: true\n", "  hostNetwork: true\n  dnsPolicy: None\n  dnsConfig: "
                           "{nameservers: [10.96.0.10], searches: [default.svc.cluster.local]}\n")
    assert ex.q1.grade(alt).outcome is Outcome.CORRECT
