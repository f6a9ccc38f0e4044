"""Chunked lists: ``limit`` and ``continue`` (k8snet/serve/pager.py, after kube-apiserver's
etcd3 store GetList and storage EncodeContinue/DecodeContinue), through the kubernetes client."""
from __future__ import annotations

import pytest

from tests.kubectl.get_flags_cluster import build

kubernetes = pytest.importorskip("kubernetes")


@pytest.fixture(scope="module")
def v1():
    server = build().serve()
    api = kubernetes.client.ApiClient(kubernetes.config.new_client_from_config(server.kubeconfig).configuration)
    yield kubernetes.client.CoreV1Api(api)
    server.stop()


def _pages(list_call, limit, **kw):
    pages, token = [], None
    while True:
        r = list_call(limit=limit, _continue=token, **kw)
        pages.append((len(r.items), r.metadata.remaining_item_count, [i.metadata.name for i in r.items]))
        token = r.metadata._continue
        if not token:
            return pages


# (list, limit, selector, upstream rule)
ROWS = [
    ("all pods", 2, None, "etcd3 GetList: limit items per page, continue while more remain"),
    ("all pods", 5, None, "a last page shorter than the limit ends without a continue token"),
    ("all pods", 500, None, "kubectl's limit=500: one page, no continue"),
    ("all pods", 2, "app=api", "with a selector: pages of matching objects, no remainingItemCount"),
]


@pytest.mark.parametrize("what, limit, selector, rule", ROWS, ids=[f"{r[0]} limit={r[1]} {r[2]}" for r in ROWS])
def test_paging_returns_every_object_once_in_list_order(v1, what, limit, selector, rule):
    kw = {"label_selector": selector} if selector else {}
    whole = [p.metadata.name for p in v1.list_pod_for_all_namespaces(**kw).items]
    pages = _pages(v1.list_pod_for_all_namespaces, limit, **kw)
    assert [n for _, _, names in pages for n in names] == whole, rule
    assert all(count == limit for count, _, _ in pages[:-1]) and 0 < pages[-1][0] <= limit, rule
    remaining = [r for _, r, _ in pages[:-1]]
    if selector:
        assert remaining == [None] * len(remaining), rule
    else:  # etcd3: remainingItemCount only when no predicate filtered the list
        assert remaining == [len(whole) - limit * (i + 1) for i in range(len(remaining))], rule


def test_a_token_that_is_not_one_is_a_400(v1):
    with pytest.raises(kubernetes.client.exceptions.ApiException) as e:
        v1.list_namespaced_pod("default", limit=1, _continue="garbage")
    assert e.value.status == 400
    assert "continue key is not valid" in e.value.body
