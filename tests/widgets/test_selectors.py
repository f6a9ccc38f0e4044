"""Chapter 02's SelectorView, without a browser: labels and selectors drive the endpoints."""
from __future__ import annotations

import pytest

from k8snet.widgets.selectors import SelectorView, parse_label_text, selector_kind


@pytest.mark.parametrize("text,want", [
    ("app=web", {"app": "web"}),
    ("app=web, tier=frontend", {"app": "web", "tier": "frontend"}),
    ("", {}),
    ("app=", {"app": ""}),  # an empty label value is valid (labels concept page)
], ids=["one", "two", "empty", "empty-value"])
def test_parse_label_text(text, want):
    assert parse_label_text(text) == want


@pytest.mark.parametrize("text", ["app", "=web"], ids=["no-eq", "no-key"])
def test_parse_label_text_rejects(text):
    with pytest.raises(ValueError):
        parse_label_text(text)


@pytest.mark.parametrize("text,service_map", [
    # Service.spec.selector is map[string]string: equality only (labels concept page).
    ("app=web", {"app": "web"}),
    ("app=web,tier=frontend", {"app": "web", "tier": "frontend"}),
    ("app==web", {"app": "web"}),
    ("track in (stable,canary)", None),
    ("app!=web", None),
    ("!track", None),
    ("app", None),
], ids=["eq", "and", "double-eq", "in", "not-eq", "not-exists", "exists"])
def test_selector_kind(text, service_map):
    assert selector_kind(text)[1] == service_map


def test_start_state_selects_the_three_web_pods():
    v = SelectorView()
    out = v.render(selector="app=web")
    slices = out["endpoints"]
    ips = {r[0]: r[2] for r in v.match_rows()}
    assert all(ips[p] in slices for p in ("web-1", "web-2", "web-3")) and ips["api-1"] not in slices
    assert "web-1" in out["traffic"] and "api-1" not in out["traffic"]


def test_typo_selector_is_refused_and_diagnosed():
    """No pod matches -> empty EndpointSlice -> kube-proxy REJECT -> connection refused."""
    v = SelectorView()
    out = v.render(selector="app=front-end")
    assert "connection refused" in out["traffic"] and "matches no pod" in out["traffic"]
    assert "&lt;unset&gt;" in out["endpoints"]  # HTML-escaped <unset>


def test_relabelling_a_pod_moves_it_out_of_the_slice():
    v = SelectorView()
    ip = {r[0]: r[2] for r in v.match_rows()}["web-3"]
    out = v.render(labels_web_3="app=web-canary,tier=frontend,track=canary")
    assert ip not in out["endpoints"] and "pod/web-3 configured" in out["status"]
    out = v.render(labels_web_3="app=web,tier=frontend,track=canary")
    assert ip in out["endpoints"]


def test_set_based_selector_does_not_change_the_service():
    v = SelectorView()
    out = v.render(selector="track in (canary)")
    assert "set-based" in out["status"] and v.service_selector() == {"app": "web"}
    rows = {r[0]: r for r in v.match_rows()}
    assert rows["web-3"][3] == "yes" and rows["web-1"][3] == "-" and rows["web-1"][4] == "yes"


@pytest.mark.parametrize("labels,words", [
    ("app=web,oops", "not key=value"),
    ("app=-bad-", "Invalid value"),  # apimachinery label value validation, API server wording
], ids=["malformed", "invalid-value"])
def test_bad_labels_are_reported_not_raised(labels, words):
    v = SelectorView()
    out = v.render(labels_web_1=labels)
    assert words in out["status"]


def test_widget_wires_text_boxes():
    v = SelectorView()
    box = v.widget()
    assert box.children
    v._controls["selector"].value = "app=api"
    assert "api-1" in v._areas["traffic"].value


def test_deterministic():
    outs = [SelectorView().render(selector="tier=frontend", labels_api_1="app=api,tier=frontend") for _ in range(2)]
    assert outs[0] == outs[1]
