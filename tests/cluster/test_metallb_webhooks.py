"""MetalLB's validating webhooks on what the fuzz found: label selectors that do not parse and
pools that overlap are denied before anything is stored (metallb ``internal/config/config.go``
``For``, ``addressPoolFromCR``, ``l2AdvertisementFromCR``; ``metav1.LabelSelectorAsSelector``),
so the controller and the speakers never meet them."""
from __future__ import annotations

import pytest

from k8snet import Cluster, ValidationError


def _pool(name, *addresses, **spec):
    return {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
            "metadata": {"name": name, "namespace": "metallb-system"},
            "spec": {"addresses": list(addresses), **spec}}


def _l2(name, **spec):
    return {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement",
            "metadata": {"name": name, "namespace": "metallb-system"}, "spec": spec}


POOL_HOOK = 'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: '
L2_HOOK = 'admission webhook "l2advertisementvalidationwebhook.metallb.io" denied the request: '
BOGUS = {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}

DENIED = [
    # (id, stored first, manifest, message, rule)
    ("pool-overlaps-earlier-pool", [_pool("a", "192.168.1.0/24")], _pool("b", "192.168.1.100-192.168.1.110"),
     POOL_HOOK + 'CIDR "192.168.1.100/30" in pool "b" overlaps with already defined CIDR "192.168.1.0/24"',
     "config.go For: CIDRs of all pools, in order, must not overlap"),
    ("pool-overlaps-later-pool", [_pool("b", "192.168.1.100/30")], _pool("a", "192.168.1.0/24"),
     POOL_HOOK + 'CIDR "192.168.1.100/30" in pool "b" overlaps with already defined CIDR "192.168.1.0/24"',
     "config.go For: the pools are walked by name, the new one in its place"),
    ("pool-overlaps-ipv6", [_pool("a", "fc00::/120")], _pool("b", "fc00::10-fc00::20"),
     POOL_HOOK + 'CIDR "fc00::10/124" in pool "b" overlaps with already defined CIDR "fc00::/120"',
     "config.go cidrsOverlap: IPv6 ranges too"),
    ("pool-namespace-selector-operator", [],
     _pool("a", "10.0.0.0/24", serviceAllocation={"namespaceSelectors": [BOGUS]}),
     POOL_HOOK + 'parsing address pool a: "Bogus" is not a valid label selector operator\n'
                 "invalid namespace label selector in ip pool a",
     "config.go addressPoolFromCR: LabelSelectorAsSelector of namespaceSelectors"),
    ("pool-service-selector-no-values", [],
     _pool("a", "10.0.0.0/24", serviceAllocation={"serviceSelectors": [
         {"matchExpressions": [{"key": "app", "operator": "In"}]}]}),
     POOL_HOOK + "parsing address pool a: for 'in', 'notin' operators, values set can't be empty\n"
                 "invalid service label selector in ip pool a",
     "labels.NewRequirement: In needs values"),
    ("l2-node-selector-operator", [], _l2("l", nodeSelectors=[BOGUS]),
     L2_HOOK + '"Bogus" is not a valid label selector operator\nfailed to parse node selector for l',
     "config.go l2AdvertisementFromCR: selectedNodes"),
    ("l2-pool-selector-exists-with-values", [],
     _l2("l", ipAddressPoolSelectors=[{"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}]),
     L2_HOOK + "values set must be empty for exists and does not exist\ninvalid label selector",
     "config.go filterWithLabelSelector: LabelSelectorAsSelector of ipAddressPoolSelectors"),
]


@pytest.mark.parametrize("case", DENIED, ids=[r[0] for r in DENIED])
def test_metallb_webhook_denies_before_storing(case):
    _, first, manifest, want, rule = case
    c = Cluster(nodes=2, addons=("metallb",))
    for obj in first:
        c.apply(obj)
    before = sorted((o["kind"], o["metadata"]["name"]) for k in ("IPAddressPool", "L2Advertisement")
                    for o in c.store.items(k))
    with pytest.raises(ValidationError) as info:
        c.apply(manifest)
    assert str(info.value).endswith(want), (rule, str(info.value))
    assert sorted((o["kind"], o["metadata"]["name"]) for k in ("IPAddressPool", "L2Advertisement")
                  for o in c.store.items(k)) == before
    c.advance(5)  # nothing stored that the controller could trip on


def test_updating_a_pool_does_not_overlap_itself():
    """config.go For: a pool's new addresses are checked against the *other* pools only."""
    c = Cluster(nodes=2, addons=("metallb",))
    c.apply(_pool("a", "192.168.1.0/24"))
    assert c.apply(_pool("a", "192.168.1.0/25")) == ["ipaddresspool.metallb.io/a configured"]
