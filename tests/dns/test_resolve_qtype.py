"""``Cluster.resolve(qtype=...)`` takes the record types dig takes (bind9 ``dig``: a type
mnemonic in any case, or RFC 3597's ``TYPEnnn``) and refuses anything else with a UsageError
worded after dig's warning, instead of answering as if the name did not exist."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError

NAME = "kubernetes.default.svc.cluster.local"

# (qtype, the record type answered, or None when refused, upstream rule)
ROWS = [
    ("A", "A", "RFC 1035 3.2.2: A"),
    ("a", "A", "dig: type mnemonics are case-insensitive"),
    ("srv", "SRV", "RFC 2782 SRV, lower case"),
    ("TYPE1", "A", "RFC 3597 section 5: TYPE1 is A"),
    ("BOGUS", None, "dig: ';; Warning, ignoring invalid type BOGUS'"),
    ("TYPE65536", None, "RFC 3597: a type is 16 bits"),
    ("", None, "an empty type is no type"),
    ("A ", None, "dig reads the word exactly: 'A ' is not a mnemonic"),
]


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


@pytest.mark.parametrize("qtype, answered, rule", ROWS, ids=[r[2] for r in ROWS])
def test_qtype(cluster, qtype, answered, rule):
    if answered is None:
        with pytest.raises(UsageError, match=r"not a DNS record type \(dig says"):
            cluster.resolve(NAME, qtype=qtype)
        return
    result = cluster.resolve(NAME, qtype=qtype)
    assert result.rcode == "NOERROR", rule
    assert {rtype for _, rtype, _ in result.answers} == {answered}, rule
