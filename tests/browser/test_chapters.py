"""The course's chapters in a real browser: Run All in JupyterLab, then use each live view.

Each test opens one chapter on the session's JupyterLab (a copy of the repository), runs
every cell from the Run menu, checks that no cell failed and that every widget rendered,
then does what the chapter asks the learner to do with its live view and checks that the
view answers the way the chapter's own logic says it must.  Screenshots of the views land
in ``tests/browser/screenshots/`` (``chNN-*.png``) for a human to look at.

Cells are found by a snippet of their source, so editing a chapter does not shift the tests.
One test per chapter, its steps in a table: a pytest row per step would run the chapter again
for each (about 10 s in the browser), so the rows are looped over, and each failure message
names the notebook, the ``cells[i]`` index and the step.
"""
from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

from .chapter_helpers import (
    as_records, assert_page_clean, assert_picture, assert_widgets_rendered, cell_index, highlighted_rows, output,
    shoot_cell, table_rows, wait_for, wait_until,
)


def open_and_run(lab, path: str):
    """Open ``path``, Run All; fail (naming notebook and cell) on any error output or any
    widget output that did not draw its view."""
    nb = lab.open(path)
    nb.run_all()
    nb.assert_no_errors()
    assert assert_widgets_rendered(nb) >= 1, f"{path}: no widget output at all after Run All"
    return nb


def widget_cell(nb, needle: str):
    """(index, output locator) of the cell that builds a view; asserts the view is on the page."""
    index = cell_index(nb, needle)
    out = output(nb, index)
    view = out.locator(".widget-vbox").first
    try:
        view.wait_for(state="visible", timeout=15_000)
    except Exception as exc:
        raise AssertionError(f"{nb.path} cells[{index}]: the widget view did not render "
                             f"(output: {out.inner_text()[:300]!r})") from exc
    return index, out


# --------------------------------------------------------------------------- chapter 00 --

def test_ch00_start_here_runs_and_shows_the_first_answers(lab):
    """Chapter 00 (no live view): Run All works in the browser; the magics print kubectl's
    answers, a bad nodePort comes back as the API server words it, and the picture renders.

    Rules: Concepts › Services "type: NodePort" — the port must be in --service-node-port-range
    (30000-32767), rejected by validation as ``spec.ports[0].nodePort: Invalid value``.
    """
    nb = lab.open("notebooks/00_start_here.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    nodes = output(nb, cell_index(nb, "%kubectl get nodes -o wide")).inner_text()
    assert re.search(r"node-1\s+Ready\s+control-plane", nodes) and re.search(r"node-2\s+Ready\s+<none>", nodes), (
        f"{nb.path}: get nodes printed {nodes!r}")
    bad = output(nb, cell_index(nb, "nodePort: 80")).inner_text()
    assert 'The Service "hello" is invalid: spec.ports[0].nodePort: Invalid value: 80' in bad, (
        f"{nb.path}: the invalid nodePort printed {bad!r}")
    assert "Traceback" not in bad, f"{nb.path}: a traceback instead of the API server's words: {bad!r}"
    fixed = cell_index(nb, "nodePort: 80") + 2  # the next %%apply, after the "Fix it" text
    assert "service/hello created" in output(nb, fixed).inner_text(), f"{nb.path} cells[{fixed}]"
    graph = cell_index(nb, 'print(cluster.resolve("hello.default.svc.cluster.local").answers)')
    answer = re.search(r"'A', '([\d.]+)'", output(nb, graph).inner_text())
    assert answer and ipaddress.ip_address(answer[1]) in ipaddress.ip_network("10.96.0.0/12"), (
        f"{nb.path} cells[{graph}]: no A record in the Service CIDR for hello")
    assert_picture(nb, graph, "img")
    shoot_cell(nb, graph, "ch00-graph")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 01 --

def test_ch01_pod_ips_view_replaces_deleted_pod_and_fails_node(lab):
    """Chapter 01: deleting a pod brings a new pod with a new IP; a failed node turns NotReady.

    Rules (the chapter's own text, from upstream): a ReplicaSet replaces a deleted pod with a
    new one (new name, new IP from the node's ``spec.podCIDR``) — Concepts › Workloads ›
    ReplicaSet "How a ReplicaSet works"; the node lifecycle controller marks a silent node
    ``NotReady`` after ``--node-monitor-grace-period`` (50 s since 1.32) — Concepts ›
    Architecture › Nodes "Node heartbeats".
    """
    nb = open_and_run(lab, "notebooks/01_pods_and_ips.ipynb")
    assert_picture(nb, cell_index(nb, "resp.graph()"), "img")
    index, view = widget_cell(nb, "PodIPsView(playground).widget()")
    where = f"{nb.path} cells[{index}]"

    pods_before = as_records(table_rows(view, "IP IN NODE RANGE"))
    assert len(pods_before) == 4, f"{where}: expected the Deployment's 4 pods, got {pods_before}"
    assert all(p["IP IN NODE RANGE"] == "yes" for p in pods_before), f"{where}: {pods_before}"
    picture = view.locator(".widget-html svg").first
    assert_picture(nb, index, ".widget-html svg")
    shoot_cell(nb, index, "ch01-pods-before")

    # Pick the last pod in the menu (a real choice, not the default) and delete it.
    pod_menu = view.locator(".widget-dropdown select").first
    victim = pod_menu.locator("option").last.inner_text().strip()
    pod_menu.select_option(label=victim)
    victim_ip = next(p["IP"] for p in pods_before if p["POD"] == victim)
    svg_before = picture.inner_html()
    view.locator("button", has_text="Delete pod").click()

    def replaced():
        pods = as_records(table_rows(view, "IP IN NODE RANGE"))
        live = [p for p in pods if p["STATUS"] != "Terminating"]
        return pods if len(live) == 4 and victim not in {p["POD"] for p in live} else None

    pods_after = wait_for(replaced, f"{where}: the pods table to replace {victim} after 'Delete pod'")
    new = [p for p in pods_after if p["POD"] not in {q["POD"] for q in pods_before}]
    assert len(new) == 1, f"{where}: expected exactly one new pod, table is {pods_after}"
    assert new[0]["IP"] not in {p["IP"] for p in pods_before}, (
        f"{where}: the replacement {new[0]['POD']} reuses an old IP {new[0]['IP']}")
    assert new[0]["IP IN NODE RANGE"] == "yes", f"{where}: {new[0]}"
    ledger = as_records(table_rows(view, "FIRST SEEN"))
    assert {"POD": victim, "IP": victim_ip} in [{"POD": r["POD"], "IP": r["IP"]} for r in ledger]
    victim_now = next(r["NOW"] for r in ledger if r["POD"] == victim)
    assert victim_now in ("gone", "Terminating"), f"{where}: ledger says {victim} is {victim_now}"
    assert victim not in pod_menu.locator("option").all_inner_texts(), f"{where}: {victim} still offered"
    assert f'pod "{victim}" deleted' in view.locator("pre").first.inner_text()
    wait_for(lambda: picture.inner_html() != svg_before, f"{where}: the picture to redraw after the delete")
    assert new[0]["POD"] in picture.text_content() or new[0]["IP"] in picture.text_content(), (
        f"{where}: the redrawn picture does not show the new pod {new[0]['POD']}")
    shoot_cell(nb, index, "ch01-pods-after-delete")

    # Fail node-2, let 60 simulated seconds pass: past the 50 s grace period it is NotReady.
    view.locator(".widget-dropdown select").nth(1).select_option(label="node-2")
    view.locator("button", has_text="Fail node").click()
    wait_for(lambda: "node-2 powered off" in view.locator("pre").first.inner_text(),
             f"{where}: the log to report node-2 powered off")
    view.locator("button", has_text="Wait 60 s").click()

    def node2_status():
        nodes = {r["NODE"]: r["STATUS"] for r in as_records(table_rows(view, "POD RANGE"))}
        return nodes if nodes.get("node-2") == "NotReady" and nodes.get("node-1") == "Ready" else None

    wait_for(node2_status, f"{where}: node-2 to read NotReady 60 s after it failed")
    shoot_cell(nb, index, "ch01-pods-after-node-fail")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 06 --

CLUSTER_DOMAIN = "cluster.local"


def names_tried(name: str, namespace: str, answers_at: int | None) -> list[str]:
    """The queries a pod's resolver sends for ``name`` with Kubernetes' resolv.conf.

    resolv.conf(5) "ndots": a name with fewer than ``ndots`` (5) dots is tried with each
    ``search`` domain first, then as written; the first answer stops the walk.  Kubernetes'
    search list is ``<ns>.svc.<domain> svc.<domain> <domain>`` (Concepts › Services ›
    DNS for Services and Pods, "Namespaces of Services").  ``answers_at``: the index of the
    query that gets an answer (None: none does).
    """
    search = [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]
    if name.endswith("."):
        walk = [name]
    elif name.count(".") >= 5:
        walk = [f"{name}."] + [f"{name}.{s}." for s in search]
    else:
        walk = [f"{name}.{s}." for s in search] + [f"{name}."]
    return walk if answers_at is None else walk[: answers_at + 1]


def dns_view_rows(view) -> list[dict[str, str]]:
    """The DNS view's table of names tried."""
    return as_records(table_rows(view, "name asked"))


# (what the learner does, name, from pod, index of the query that answers) — see names_tried.
DNS_STEPS = [
    ("type cart.shop", "cart.shop", "default/client", 1),
    ("pick shop/client", "cart.shop", "shop/client", 1),
    ("type web from shop", "web", "shop/client", None),
    ("type the absolute name", "web.default.svc.cluster.local.", "shop/client", 0),
]


def test_ch06_dns_view_lists_the_names_tried(lab):
    """Chapter 06: the DNS view lists exactly the names the pod's resolver tries, in order."""
    nb = open_and_run(lab, "notebooks/06_dns.ipynb")
    assert_picture(nb, cell_index(nb, 'resp = cluster.request("http://web"'), "img")
    index, view = widget_cell(nb, "DNSLookupView(cluster")
    where = f"{nb.path} cells[{index}]"

    # As built: google.com from default/client costs four queries, the last one answers.
    rows = dns_view_rows(view)
    assert [r["name asked"] for r in rows] == names_tried("google.com", "default", 3), f"{where}: {rows}"
    assert [r["CoreDNS says"] for r in rows] == ["NXDOMAIN"] * 3 + ["NOERROR"], f"{where}: {rows}"
    assert rows[-1]["answer"] == "142.250.74.46", f"{where}: {rows}"
    shoot_cell(nb, index, "ch06-dns-google")

    # The chapter prints the same lookup as text a few cells later: the view must agree.
    summary = nb.cell(cell_index(nb, 'view.summary("cart.shop"')).locator(".jp-OutputArea").inner_text()
    cart_ip = re.search(r"=> A (\S+)", summary)
    assert cart_ip, f"{nb.path}: the summary cell printed no answer: {summary!r}"

    name_box = view.locator(".widget-text input").first
    pod_menu = view.locator(".widget-dropdown select").first
    for step, name, pod, answers_at in DNS_STEPS:
        if name_box.input_value() != name:
            name_box.fill(name)
            name_box.press("Enter")
        if pod_menu.input_value() != pod:
            pod_menu.select_option(label=pod)
        expected = names_tried(name, pod.split("/")[0], answers_at)

        def settled():
            head = view.locator(".widget-html-content > div").first.inner_text()
            rows = dns_view_rows(view)
            ok = f"{name} from {pod}" in head and [r["name asked"] for r in rows] == expected
            return rows if ok else None

        rows = wait_for(settled, f"{where}: after '{step}', the view to list {expected}")
        codes = [r["CoreDNS says"] for r in rows]
        if answers_at is None:
            assert set(codes) == {"NXDOMAIN"}, f"{where} ({step}): {rows}"
        else:
            assert codes[-1] == "NOERROR" and set(codes[:-1]) <= {"NXDOMAIN"}, f"{where} ({step}): {rows}"
        if name.startswith("cart"):
            assert rows[-1]["answer"] == cart_ip.group(1), f"{where} ({step}): {rows} vs summary {summary!r}"
    shoot_cell(nb, index, "ch06-dns-after")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 07 --

# (URL typed, the rule row that must light up as (Ingress, host, path), status in the outcome).
# Rules: Concepts › Services › Ingress "Examples" (longest Prefix by path element, Exact wins),
# "Hostname wildcards" (one DNS label), "Default backend"; ingress-nginx docs "TLS/HTTPS ›
# Server-side HTTPS enforcement through redirect" (308 when the host has TLS).
INGRESS_STEPS = [
    ("https://shop.example.com/api/orders", ("default/shop", "shop.example.com", "/api"), "HTTP 200"),
    ("https://shop.example.com/apiary", ("default/shop", "shop.example.com", "/"), "HTTP 200"),
    ("http://shop.example.com/cart", ("default/shop", "shop.example.com", "/"), "HTTP 308"),
    ("http://alice.blog.example.com/x", ("default/blog", "*.blog.example.com", "/"), "HTTP 200"),
    ("http://nowhere.example.org/", ("default/fallback", "*", "(defaultBackend)"), "HTTP 200"),
    ("http://api.example.com/shop-api/orders", ("default/rewrite", "api.example.com", "/shop-api(/|$)(.*)"),
     "HTTP 200"),
]


def test_ch07_ingress_view_highlights_the_rule_for_the_url(lab):
    """Chapter 07: the rule that serves the typed URL is the one (and only one) highlighted."""
    nb = open_and_run(lab, "notebooks/07_ingress.ipynb")
    assert_picture(nb, cell_index(nb, '"https://shop.example.com/api/orders", from_internet=True).graph()'), "img")
    index, view = widget_cell(nb, "IngressRouteView(cluster")
    where = f"{nb.path} cells[{index}]"
    url_box = view.locator(".widget-text input").first
    for n, (url, rule, status) in enumerate(INGRESS_STEPS):
        if n:
            url_box.fill(url)
            url_box.press("Enter")

        def seen():
            return highlighted_rows(view, "pathType"), view.locator(".widget-html b").first.inner_text()

        def lit():
            rows, outcome = seen()
            return (rows, outcome) if [r[:3] for r in rows] == [list(rule)] and outcome.startswith(status) else None

        wait_for(lit, f"{where}: after typing {url}, only the row {rule} lit and {status}",
                 show=lambda: f"highlighted rows and outcome: {seen()}")
        if n == 0:
            shoot_cell(nb, index, "ch07-ingress-api")
    shoot_cell(nb, index, "ch07-ingress-rewrite")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 02 --

def text_box(view, label: str):
    """The input of the Text widget whose description is ``label``."""
    box = view.locator(".widget-text", has=view.page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")))
    return box.locator("input").first


def selector_table(view) -> list[list[str]]:
    """The "Which pods match?" rows: POD, LABELS, IP, typed selector matches, Service matches."""
    return table_rows(view, "LABELS")[1:]


def test_ch02_selector_view_endpoints_follow_labels_and_selector(lab):
    """Chapter 02: the Service's endpoints and traffic follow its selector and the pods' labels.

    Rules: a Service's ``spec.selector`` is an equality-only map, ANDed (Concepts › Overview ›
    Labels and Selectors, "Set-based requirement": Services support only equality-based);
    the EndpointSlice controller lists exactly the selected ready pods (Concepts › Services ›
    EndpointSlices); set-based text still selects pods for ``kubectl get -l``.
    """
    nb = open_and_run(lab, "notebooks/02_services_selectors_endpoints.ipynb")
    assert_picture(nb, cell_index(nb, "cluster.graph()"), "img")
    index, view = widget_cell(nb, "SelectorView().widget()")
    where = f"{nb.path} cells[{index}]"
    areas = view.locator(".widget-html pre")   # status, endpoints, traffic
    ips = {r[0]: r[2] for r in selector_table(view)}
    assert sorted(ips) == ["api-1", "web-1", "web-2", "web-3"] and all(ips.values()), f"{where}: {ips}"
    shoot_cell(nb, index, "ch02-selectors-before")

    def settled(svc_pods: set[str], typed_pods: set[str]):
        rows = selector_table(view)
        typed = {r[0] for r in rows if r[3] == "yes"}
        svc = {r[0] for r in rows if r[4] == "yes"}
        slices = areas.nth(1).inner_text()
        traffic = areas.nth(2).inner_text()
        answered = set(re.findall(r"^\s+(\S+): \d+ answer", traffic, re.M))
        ok = (svc == svc_pods and typed == typed_pods and answered == svc_pods
              and all(ips[p] in slices for p in svc_pods))
        return (rows, slices, traffic) if ok else None

    steps = [  # (what the learner types, in which box, pods the Service selects, pods `-l` selects)
        ("app=web,track=canary", "selector", {"web-3"}, {"web-3"}),
        ("track in (stable,canary)", "selector", {"web-3"}, {"web-1", "web-2", "web-3", "api-1"}),
        ("app=web,tier=backend,track=canary", "api-1", {"web-3", "api-1"}, {"web-1", "web-2", "web-3", "api-1"}),
    ]
    for text, box, svc_pods, typed_pods in steps:
        field = text_box(view, box)
        field.fill(text)
        field.press("Enter")
        wait_for(lambda: settled(svc_pods, typed_pods),
                 f"{where}: after typing {text!r} into {box!r}, svc/shop to select {sorted(svc_pods)}",
                 show=lambda: (selector_table(view), areas.nth(1).inner_text(), areas.nth(2).inner_text()))
        if "in (" in text:   # set-based: the Service keeps its selector, and the view says why
            assert "set-based" in areas.nth(0).inner_text(), f"{where}: {areas.nth(0).inner_text()!r}"
    shoot_cell(nb, index, "ch02-selectors-after")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 05 --

def histogram(view) -> dict[str, int]:
    """The load-balancing view's bars as ``{pod: requests}``."""
    rows = view.locator(".widget-html table").first.evaluate(
        "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    return {r[0]: int(r[2].split()[0]) for r in rows}


def test_ch05_load_balancing_view_follows_mode_replicas_and_affinity(lab):
    """Chapter 05: the histogram follows the replicas slider, the mode and session affinity.

    Rules: IPVS ``rr`` hands connections out in turn (ipvsadm(8), "-s rr"); with
    ``sessionAffinity: ClientIP`` every connection from one client IP goes to one pod
    (Reference › Networking › Virtual IPs and Service Proxies, "Session affinity").
    """
    nb = open_and_run(lab, "notebooks/05_kube_proxy.ipynb")
    index, view = widget_cell(nb, "LoadBalancingView().widget()")
    where = f"{nb.path} cells[{index}]"
    bars = histogram(view)
    assert len(bars) == 3 and sum(bars.values()) == 60, f"{where}: as built, 3 pods share 60: {bars}"
    shoot_cell(nb, index, "ch05-lb-before")

    sliders = view.locator(".widget-slider")
    handle = sliders.first.locator(".noUi-handle").first      # replicas 3 -> 5
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")
    wait_until(lambda: histogram(view), lambda b: len(b) == 5 and sum(b.values()) == 60,
               f"{where}: 5 bars sharing 60 requests after moving replicas to 5")
    rules = view.locator(".widget-html pre").first.inner_text()
    assert len([l for l in rules.splitlines() if l.startswith("-A KUBE-SVC-")]) == 5, f"{where}: {rules}"

    view.locator(".widget-dropdown select").first.select_option(label="ipvs (rr)")
    wait_until(lambda: histogram(view), lambda b: sorted(b.values()) == [12] * 5,
               f"{where}: IPVS rr to give each of 5 pods exactly 12 of 60")
    assert "rr" in view.locator(".widget-html pre").first.inner_text(), f"{where}: no ipvsadm rr line"
    shoot_cell(nb, index, "ch05-lb-ipvs-rr")

    view.locator(".widget-toggle-buttons button", has_text="ClientIP").click()
    wait_until(lambda: histogram(view), lambda b: sorted(b.values()) == [0, 0, 0, 0, 60],
               f"{where}: ClientIP affinity to send one client's 60 requests to one pod")
    shoot_cell(nb, index, "ch05-lb-affinity")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 08 --

def canary_counts(view) -> dict[str, tuple[str, int]]:
    """The canary view's table as ``{backend: (weight, requests)}``."""
    return {r["backend"]: (r["weight"], int(r["requests"])) for r in as_records(table_rows(view, "backend"))}


def test_ch08_canary_view_splits_by_weight(lab):
    """Chapter 08: the HTTPRoute's weights decide the split; weight 0 gets no requests.

    Rule: Gateway API ``HTTPBackendRef.weight`` — "proportional to the sum of all weights
    ... If weight is 0, no traffic should be forwarded to this entry" (gateway-api
    apis/v1/shared_types.go, BackendRef.Weight).
    """
    nb = open_and_run(lab, "notebooks/08_gateway_api.ipynb")
    assert_picture(nb, cell_index(nb, '"http://store.example.com/checkout", from_internet=True).graph()'), "img")
    index, view = widget_cell(nb, "canary.widget()")
    where = f"{nb.path} cells[{index}]"
    stable, canary = "store/store-v1:8080", "store/store-v2:8080"
    first = canary_counts(view)
    assert first[stable][0] == "90" and first[canary][0] == "10", f"{where}: {first}"
    assert sum(n for _, n in first.values()) == 100, f"{where}: {first}"
    shoot_cell(nb, index, "ch08-canary-before")

    view.locator(".widget-dropdown select").first.select_option(label="20")
    wait_until(lambda: canary_counts(view), lambda c: sum(n for _, n in c.values()) == 20,
               f"{where}: 20 requests after picking 20")

    handle = view.locator(".widget-slider .noUi-handle").first   # 10% -> 0%
    handle.focus()
    handle.press("ArrowLeft")
    handle.press("ArrowLeft")
    wait_until(lambda: canary_counts(view), lambda c: c[canary] == ("0", 0) and c[stable] == ("100", 20),
               f"{where}: canary weight 0 to get no requests")
    for _ in range(10):                                           # 0% -> 50%
        handle.press("ArrowRight")
    wait_until(lambda: canary_counts(view),
               lambda c: c[canary][0] == "50" and c[canary][1] > 0 and c[stable][1] > 0,
               f"{where}: a 50/50 split to reach both backends")
    nb.assert_text(".widget-slider .widget-readout", "50")
    shoot_cell(nb, index, "ch08-canary-50")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 09 --

def policy_matrix(view) -> dict[tuple[str, str], str]:
    """The connectivity matrix as ``{(from, to): "." or "X"}``."""
    rows = table_rows(view, "from \\ to")
    header, *body = rows
    return {(r[0], dst): mark for r in body for dst, mark in zip(header[1:], r[1:])}


# (checkbox clicked, {(from, to): mark} that must hold after it).  Rules: Concepts › Services ›
# Network Policies — a pod selected by any policy is isolated for ingress and admits only what
# some policy allows; a podSelector in `from` without namespaceSelector means the policy's own
# namespace; `namespaceSelector: {}` means every namespace.  Self-connections always pass.
POLICY_STEPS = [
    (None, {("shop/web", "shop/api"): "X", ("other/intruder", "shop/api"): "X",
            ("shop/api", "other/intruder"): ".", ("shop/api", "shop/api"): "."}),
    ("api-from-web", {("shop/web", "shop/api"): ".", ("other/intruder", "shop/api"): "X",
                      ("shop/client", "shop/api"): "X", ("shop/api", "shop/web"): "X"}),
    ("api-from-any-namespace", {("other/intruder", "shop/api"): ".", ("shop/client", "shop/api"): ".",
                                ("shop/api", "shop/web"): "X"}),
    ("deny-all", {("shop/api", "shop/web"): ".", ("other/intruder", "shop/client"): "."}),
]


def test_ch09_policy_toggles_redraw_the_matrix(lab):
    """Chapter 09: ticking a policy changes exactly the cells the NetworkPolicy rules say."""
    nb = open_and_run(lab, "notebooks/09_networkpolicy.ipynb")
    assert_picture(nb, cell_index(nb, 'm.to_graph(denied="omit")'), "img")
    index, view = widget_cell(nb, "toggles.widget()")
    where = f"{nb.path} cells[{index}]"
    assert_picture(nb, index, ".widget-html svg")
    for box, expected in POLICY_STEPS:
        if box is not None:
            view.locator(".widget-checkbox", has_text=box).locator("input").click()
        wait_until(lambda: policy_matrix(view), lambda m: all(m.get(k) == v for k, v in expected.items()),
                   f"{where}: after clicking {box!r}, the cells {expected}")
        if box == "api-from-web":
            shoot_cell(nb, index, "ch09-netpol-api-from-web")
    shoot_cell(nb, index, "ch09-netpol-after")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 03 --

NODE_PORT_RANGE = range(30000, 32768)   # kube-apiserver --service-node-port-range default 30000-32767


def ports_view_text(view) -> tuple[str, str, str]:
    """The ports view as (result text, outcome line, path text)."""
    areas = view.locator(".widget-html")
    result = areas.nth(0).inner_text().strip()
    return result, result.splitlines()[-1].strip(), areas.nth(1).inner_text()


# (control, value typed or picked, outcome line starts with, regex found in result + path).  Rules:
# Concepts › Services "Port definitions" (targetPort defaults to port; it may name a containerPort);
# Tasks › Debug Services "Does the Service work by IP?" (a targetPort nothing listens on: connection
# refused); "type: NodePort" (nodePort from --service-node-port-range, 30000-32767 by default; the
# API server rejects one outside it); the echoserver image listens on 8080.
PORTS_STEPS = [
    (None, None, "HTTP 200 from default/web-", r"DNAT to [\d.]+:8080"),
    ("targetPort", "9090", "connection refused", r"refuses port 9090: its containers listen on 8080/TCP"),
    ("targetPort", "http", "HTTP 200 from default/web-", r"targetPort: http[\s\S]*DNAT to [\d.]+:8080"),
    ("nodePort", "99999", "rejected by the API server", r"nodePort: Invalid value: 99999.*30000-32767"),
    ("nodePort", "auto", "HTTP 200 from default/web-", r"web\s+NodePort\s+\S+\s+<none>\s+80:\d+/TCP"),
    ("send", "from the internet (NodePort)", "HTTP 200 from default/web-", r"curl http://[\d.]+:\d+/"),
]


def test_ch03_ports_view_follows_target_port_and_node_port(lab):
    """Chapter 03: a targetPort nothing listens on is refused; a named one works; nodePort in range."""
    nb = open_and_run(lab, "notebooks/03_ports.ipynb")
    assert_picture(nb, cell_index(nb, "r.graph()"), "img")
    index, view = widget_cell(nb, "PortsView().widget()")
    where = f"{nb.path} cells[{index}]"
    assert_picture(nb, index, ".widget-html svg")
    for control, value, outcome, shows in PORTS_STEPS:
        if control == "send":
            view.locator(".widget-dropdown select").first.select_option(label=value)
        elif control is not None:
            text_box(view, control).fill(value)
            text_box(view, control).press("Enter")

        def settled():
            result, line, path = ports_view_text(view)
            return line.startswith(outcome) and re.search(shows, result + "\n" + path) is not None

        wait_for(settled, f"{where}: after {control}={value!r}, the outcome {outcome!r} and /{shows}/",
                 show=lambda: ports_view_text(view))
        result, _, _ = ports_view_text(view)
        node_port = re.search(r"80:(\d+)/TCP", result)
        if control in ("nodePort", "send") and value != "99999":
            assert node_port and int(node_port.group(1)) in NODE_PORT_RANGE, f"{where} ({value}): {result}"
        if control == "send":   # the internet reaches a node's IP on that very nodePort
            assert f":{node_port.group(1)}/" in result.split("curl ")[-1], f"{where}: {result}"
        if value == "9090":
            shoot_cell(nb, index, "ch03-ports-refused")
    shoot_cell(nb, index, "ch03-ports-nodeport")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 04 --

def svc_columns(view) -> dict[str, str]:
    """The ``kubectl get svc web`` line of the service-types view, keyed by its header."""
    header, row = view.locator(".widget-html pre").nth(1).inner_text().strip().splitlines()[:2]
    return dict(zip(re.split(r"\s{2,}", header.strip()), re.split(r"\s{2,}", row.strip())))


def ways_in(view) -> list[dict[str, str]]:
    """The view's table of requests tried: ``from``, ``URL``, ``result`` (✓ or ✗ first)."""
    return as_records(table_rows(view, "URL"))


IPV4 = r"\d+\.\d+\.\d+\.\d+"
# (type picked, {column of `kubectl get svc`: regex}, nslookup regex, the internet gets in by
# (nodePort, load balancer)).  Rules: Concepts › Services "Publishing Services (ServiceTypes)":
# NodePort and LoadBalancer allocate a nodePort from 30000-32767 and open it on every node;
# without a cloud controller EXTERNAL-IP stays <pending>; "ExternalName" is a CNAME with no
# ClusterIP or ports; "Headless Services" (clusterIP: None) answer with the pods' A records.
SERVICE_TYPE_STEPS = [
    ("NodePort", {"TYPE": "NodePort", "CLUSTER-IP": IPV4, "EXTERNAL-IP": "<none>", "PORT(S)": r"80:30080/TCP"},
     r"web\.default\.svc\.cluster\.local\.\s+A\s+" + IPV4, (True, False)),
    ("LoadBalancer (minikube / bare metal)",
     {"TYPE": "LoadBalancer", "EXTERNAL-IP": "<pending>", "PORT(S)": r"80:\d+/TCP"},
     r"\sA\s", (True, False)),
    ("LoadBalancer (cloud: GCP)", {"TYPE": "LoadBalancer", "EXTERNAL-IP": IPV4, "PORT(S)": r"80:\d+/TCP"},
     r"\sA\s", (True, True)),
    ("ExternalName", {"TYPE": "ExternalName", "CLUSTER-IP": "<none>", "EXTERNAL-IP": "web.example.com",
                      "PORT(S)": "<none>"}, r"CNAME\s+web\.example\.com\.", (False, False)),
    ("Headless (clusterIP: None)", {"TYPE": "ClusterIP", "CLUSTER-IP": "None", "PORT(S)": "80/TCP"},
     rf"A\s+{IPV4}\n.*A\s+{IPV4}", (False, False)),
    ("ClusterIP", {"TYPE": "ClusterIP", "CLUSTER-IP": IPV4, "EXTERNAL-IP": "<none>", "PORT(S)": "80/TCP"},
     r"\sA\s", (False, False)),
]


def test_ch04_service_types_view_shows_each_type(lab):
    """Chapter 04: each type's ``kubectl get svc`` line, DNS answer and ways in follow its rules."""
    nb = open_and_run(lab, "notebooks/04_service_types.ipynb")
    assert_picture(nb, cell_index(nb, "cluster.graph()"), "img")
    index, view = widget_cell(nb, "ServiceTypesView().widget()")
    where = f"{nb.path} cells[{index}]"
    assert_picture(nb, index, ".widget-html svg")
    for choice, columns, dns, (by_node_port, by_lb) in SERVICE_TYPE_STEPS:
        view.get_by_role("button", name=choice, exact=True).click()

        def settled():
            cols = svc_columns(view)
            nslookup = view.locator(".widget-html pre").nth(2).inner_text()
            ok = (all(re.fullmatch(rx, cols.get(k, "")) for k, rx in columns.items())
                  and re.search(dns, nslookup) is not None)
            return (cols, nslookup) if ok else None

        cols, _ = wait_for(settled, f"{where}: after picking {choice!r}, kubectl get svc {columns} and DNS /{dns}/",
                           show=lambda: (svc_columns(view), view.locator(".widget-html pre").nth(2).inner_text()))
        node_port = re.fullmatch(r"80:(\d+)/TCP", cols["PORT(S)"])
        assert (node_port is not None) == by_node_port, f"{where} ({choice}): {cols}"
        if node_port:
            assert int(node_port.group(1)) in NODE_PORT_RANGE, f"{where} ({choice}): {cols}"
        probes = ways_in(view)
        assert probes[0]["result"].startswith("✓ HTTP 200"), f"{where} ({choice}): a pod asks for web: {probes}"
        outside = probes[2]["result"].startswith("✓")
        assert outside == by_node_port, f"{where} ({choice}): the internet via nodePort: {probes}"
        if by_node_port:
            assert f":{node_port.group(1)}/" in probes[2]["URL"], f"{where} ({choice}): {probes}"
        assert probes[3]["result"].startswith("✓") == by_lb, f"{where} ({choice}): via the load balancer: {probes}"
        if by_lb:
            assert probes[3]["URL"] == f"http://{cols['EXTERNAL-IP']}/", f"{where} ({choice}): {probes}"
        if choice == "NodePort":
            shoot_cell(nb, index, "ch04-types-nodeport")
    shoot_cell(nb, index, "ch04-types-clusterip")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 10 --

def current_hop(view) -> tuple[str, str]:
    """(the title of the SVG node outlined as the current hop, the hop text's "hop k of n" line)."""
    titles = view.locator(".widget-html svg g.node").evaluate_all(
        "gs => gs.filter(g => g.querySelector('[stroke=\"#ef6c00\"]'))"
        ".map(g => g.querySelector('title').textContent)")
    text = view.locator(".widget-html pre").first.inner_text()
    line = next((l for l in text.splitlines() if l.startswith("hop ")), "")
    return ",".join(titles), line


def code_cell_exactly(nb, source: str) -> int:
    """The index of the one code cell whose whole source is ``source`` (prose may quote it too)."""
    cells = json.loads((Path(nb.lab.server.root_dir) / nb.path).read_text(encoding="utf-8"))["cells"]
    hits = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and "".join(c["source"]).strip() == source]
    assert len(hits) == 1, f"{nb.path}: expected one code cell reading {source!r}, found cells {hits}"
    return hits[0]


def test_ch10_hop_stepper_moves_the_highlighted_hop(lab):
    """Chapter 10: Next/Back move the outlined hop of the picture and the hop text with it.

    The hops and their actions are the chapter's own listing (the cell that prints
    ``r.hops``), and hop 3's text is the one the chapter prints with ``stepper.hop_text(3)``.
    """
    nb = open_and_run(lab, "notebooks/10_internet_to_container.ipynb")
    assert_picture(nb, code_cell_exactly(nb, "r.graph()"), "img")
    listing = output(nb, cell_index(nb, "for i, hop in enumerate(r.hops):")).inner_text()
    hops = [re.match(r"\s*\d+\s+(.+?)\s{2,}(.*)$", l).groups() for l in listing.strip().splitlines()]
    printed3 = output(nb, cell_index(nb, "print(stepper.hop_text(3))")).inner_text().strip()
    index, view = widget_cell(nb, "stepper.widget()")
    where = f"{nb.path} cells[{index}]"
    assert_picture(nb, index, ".widget-html svg")
    assert len(hops) >= 5, f"{nb.path}: the chapter listed {hops}"

    def at(step: int):
        component, action = hops[step - 1]
        return wait_until(lambda: current_hop(view), lambda h: h == (f"hop{step}", f"hop {step} of {len(hops)}: "
                                                                        f"{component}"),
                          f"{where}: hop {step} ({component}) outlined and described")

    at(1)
    clicks = [("Next ▶", 2), ("Next ▶", 3), ("Next ▶", 4), ("◀ Back", 3)]
    clicks += [("Next ▶", step) for step in range(4, len(hops) + 1)] + [("Next ▶", len(hops))]  # stops at the end
    for button, step in clicks:
        view.get_by_role("button", name=button, exact=True).click()
        at(step)
        text = view.locator(".widget-html pre").first.inner_text()
        assert f"▶ {step:>2}. {hops[step - 1][0]}: {hops[step - 1][1]}" in text, f"{where} (hop {step}): {text}"
        if step == 3:
            assert text.strip() == printed3, f"{where}: hop 3 differs from the chapter's hop_text(3):\n{text}"
            shoot_cell(nb, index, "ch10-hops-3")
    final = view.locator(".widget-html pre").first.inner_text().strip().splitlines()[-1]
    assert re.fullmatch(r"=> HTTP 200 from default/shop-\S+", final), f"{where}: the last hop ends with {final!r}"
    shoot_cell(nb, index, "ch10-hops-last")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 11 --

# (scenario, kubectl command typed, regex its answer shows, regex of the broken re-check).  Rules:
# Tasks › Debug Services — "Does the Service have any Endpoints?" (a selector matching no pod
# leaves the slice empty: <unset>); "Is the Pod working?" / "Does the Service work by IP?" (the
# slice's port is the targetPort; nothing listening there: connection refused); Concepts ›
# Services "type: LoadBalancer" (no cloud controller: EXTERNAL-IP stays <pending>).  The fix is the
# scenario's own YAML; a re-check sends the scenario's requests again and must get HTTP 200. The
# Diagnose button shows cluster.diagnose("svc/web"): the finding before the fix, none after.
TROUBLESHOOT_STEPS = [
    ("empty-endpoints", "get endpointslices", r"web-\S+\s+IPv4\s+<unset>\s+<unset>",
     r"✗ GET http://web/ -> connection refused",
     r"\[error\] the selector app=wbe of service/web matches no pod; pods with app=web exist"),
    ("lb-pending", "get svc web", r"web\s+LoadBalancer\s+\S+\s+<pending>", r"EXTERNAL-IP <pending>",
     r"\[error\] service/web is type LoadBalancer and its EXTERNAL-IP is <pending>"),
    ("wrong-targetport", "kubectl get endpointslices", r"web-\S+\s+IPv4\s+8080\s+",
     r"✗ GET http://web/ -> connection refused .*refuses port 8080",
     r"\[error\] service/web port 80 \(targetPort 8080\) sends to port 8080, but nothing listens there"),
]


def test_ch11_troubleshoot_lab_fix_then_recheck(lab):
    """Chapter 11: for each scenario, the re-check fails as reported until its fix YAML is applied."""
    from k8snet.widgets.troubleshoot import SCENARIOS

    nb = open_and_run(lab, "notebooks/11_troubleshooting.ipynb")
    index, view = widget_cell(nb, "lab.widget()")
    where = f"{nb.path} cells[{index}]"
    areas = view.locator(".widget-html")   # story, console, status

    def status():
        return areas.nth(2).inner_text().strip()

    def diagnose(pattern: str, what: str) -> None:
        view.get_by_role("button", name="Diagnose", exact=True).click()
        wait_for(lambda: re.search(pattern, areas.nth(1).inner_text()),
                 f"{where} ({key}): Diagnose {what} to show /{pattern}/", show=lambda: areas.nth(1).inner_text())

    for key, command, shows, broken, finding in TROUBLESHOOT_STEPS:
        scenario = SCENARIOS[key]
        view.locator(".widget-dropdown select").first.select_option(label=scenario.title)
        wait_for(lambda: scenario.title in areas.nth(0).inner_text() and not status(),
                 f"{where}: the story of {key!r}", show=lambda: areas.nth(0).inner_text())
        text_box(view, "kubectl").fill(command)
        view.get_by_role("button", name="Run", exact=True).click()
        wait_for(lambda: re.search(shows, areas.nth(1).inner_text()),
                 f"{where} ({key}): `{command}` to show /{shows}/", show=lambda: areas.nth(1).inner_text())
        view.get_by_role("button", name="Re-check", exact=True).click()
        wait_for(lambda: status().startswith("STILL BROKEN") and re.search(broken, status()),
                 f"{where} ({key}): the re-check before the fix to say STILL BROKEN, /{broken}/", show=status)
        diagnose(finding, "before the fix")
        view.locator(".widget-textarea textarea").fill(scenario.fix)
        view.get_by_role("button", name="Apply", exact=True).click()
        wait_for(lambda: re.search(r"kubectl apply -f fix.yaml\n(\S+ (configured|created)\n?)+$",
                                   areas.nth(1).inner_text().strip() + "\n"),
                 f"{where} ({key}): kubectl apply of the fix", show=lambda: areas.nth(1).inner_text())
        view.get_by_role("button", name="Re-check", exact=True).click()
        result = wait_for(lambda: status().startswith("FIXED") and status(),
                          f"{where} ({key}): the re-check after the fix to say FIXED", show=status)
        diagnose(r"^diagnose found nothing wrong with service/web$", "after the fix")
        requests = result.splitlines()[1:]
        assert requests and all(re.match(r"✓ GET \S+ -> HTTP 200 from default/web-", l) for l in requests), (
            f"{where} ({key}): {result}")
        if key == "empty-endpoints":
            shoot_cell(nb, index, "ch11-troubleshoot-fixed")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 12 --

def matrix_by_namespace(view) -> dict[tuple[str, str], str]:
    """The capstone's matrix as ``{(from namespace, to namespace): mark}`` (one pod per namespace)."""
    return {(src.split("/")[0], dst.split("/")[0]): mark for (src, dst), mark in policy_matrix(view).items()}


# (checkbox clicked, cells that must hold after it).  Rules: Concepts › Services › Network Policies —
# "Behavior of to and from selectors" (namespaceSelector and podSelector in one peer: AND); policies
# are additive, so an `ingress: [{}]` rule (allow all) undoes a narrower one; an unselected pod is
# not isolated.
CAPSTONE_POLICY_STEPS = [
    (None, {("user", "cart"): ".", ("cart", "payment"): ".", ("user", "payment"): "X", ("payment", "cart"): "X"}),
    ("payment-from-anywhere", {("user", "payment"): ".", ("cart", "payment"): ".", ("payment", "cart"): "X"}),
    ("cart-from-user", {("payment", "cart"): ".", ("user", "payment"): "."}),
    ("payment-from-anywhere", {("user", "payment"): "X", ("cart", "payment"): ".", ("payment", "cart"): "."}),
]


def test_ch12_capstone_policies_add_up(lab):
    """Chapter 12: the capstone's pictures render, and its policy toggles follow the additive rules."""
    nb = open_and_run(lab, "notebooks/12_capstone.ipynb")
    assert_picture(nb, cell_index(nb, "api_call.graph()"), "img")
    assert_picture(nb, cell_index(nb, 'cluster.graph(namespaces=["default", "user", "cart", "payment"])'), "img")
    index, view = widget_cell(nb, "toggles.widget()")
    where = f"{nb.path} cells[{index}]"
    assert_picture(nb, index, ".widget-html svg")
    # The chapter's next cell sends the requests: the blocked pair is the one the matrix marks X.
    sent = output(nb, cell_index(nb, 'print(cluster.allowed(user, payment, 8080).reason)')).inner_text()
    assert re.search(r"user\s+-> http://payment\.payment/\s+connection timed out", sent), f"{nb.path}: {sent}"
    for box, expected in CAPSTONE_POLICY_STEPS:
        if box is not None:
            view.locator(".widget-checkbox", has_text=box).locator("input").click()
        wait_until(lambda: matrix_by_namespace(view), lambda m: all(m.get(k) == v for k, v in expected.items()),
                   f"{where}: after clicking {box!r}, the cells {expected}")
        if box == "payment-from-anywhere" and expected[("user", "payment")] == ".":
            shoot_cell(nb, index, "ch12-capstone-anywhere")
    shoot_cell(nb, index, "ch12-capstone-after")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 13 --

def _timeline(view) -> tuple[int, int]:
    """The rollout view's chart as (ok bars, error bars) drawn in its SVG."""
    svg = view.locator(".widget-html svg").first
    return svg.locator("rect.ok").count(), svg.locator("rect.error").count()


def test_ch13_rollout_view_redraws_the_timeline(lab):
    """Chapter 13: the timeline chart follows the rollout settings; a readiness probe plus a
    preStop sleep leaves no red bar, and a refused setting shows the API server's words.

    Rules: Pod Lifecycle "Termination of Pods" (preStop before SIGTERM), EndpointSlice
    conditions (a terminating endpoint is never ready), validateSleepAction (a sleep longer
    than the grace period is refused), KEP-1669.
    """
    nb = open_and_run(lab, "notebooks/13_graceful_rollouts.ipynb")
    index, view = widget_cell(nb, "RolloutView().widget()")
    where = f"{nb.path} cells[{index}]"
    ok, bad = wait_until(lambda: _timeline(view), lambda t: t[0] > 0 and t[1] > 0,
                         f"{where}: as built (no probe, no preStop) some requests fail")
    shoot_cell(nb, index, "ch13-rollout-before")

    view.locator(".widget-checkbox input").first.check()          # readiness probe
    handle = view.locator(".widget-slider").nth(1).locator(".noUi-handle").first   # preStop 0 -> 5
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    wait_until(lambda: _timeline(view), lambda t: t[0] > 0 and t[1] == 0,
               f"{where}: with a readiness probe and a 5 s preStop sleep, no red bar")
    assert "0 failed" in view.locator(".widget-html pre").last.inner_text(), f"{where}: summary says 0 failed"
    shoot_cell(nb, index, "ch13-rollout-fixed")

    grace = view.locator(".widget-slider").nth(2).locator(".noUi-handle").first    # grace 30 -> 1
    grace.focus()
    grace.press("Home")
    wait_until(lambda: view.locator(".widget-html pre").first.inner_text(),
               lambda t: "must be non-negative and less than terminationGracePeriodSeconds (1)" in t,
               f"{where}: a preStop sleep longer than the grace period is refused in the API server's words")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 14 --

def test_ch14_traffic_policies_run_and_draw_the_zones(lab):
    """Chapter 14 (no live view): Run All works in the browser; internalTrafficPolicy: Local drops
    the connection on the node without an endpoint, the hints follow the zones, and the traffic
    pictures render.

    Rules: proxier.go ("has no local endpoints" DROP), trafficdist.go (a ready endpoint's hint is
    its own zone), topology.go CategorizeEndpoints.
    """
    nb = lab.open("notebooks/14_traffic_policies_topology.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    local = output(nb, cell_index(nb, "for pod in clients:")).inner_text()
    assert "node-4: connection timed out" in local, f"{nb.path}: {local!r}"
    hints = output(nb, cell_index(nb, "kubernetes.io/service-name=web -o custom-columns")).inner_text()
    assert re.search(r"zone-b,zone-b,zone-b,zone-a\s+zone-b,zone-b,zone-b,zone-a", hints), f"{nb.path}: {hints!r}"
    assert_picture(nb, cell_index(nb, 'zone_traffic_graph(cluster, counts'), "img")
    shoot_cell(nb, cell_index(nb, 'zone_traffic_graph(cluster, zone_traffic(cluster, "api-auto")'), "ch14-auto")


# --------------------------------------------------------------------------- chapter 17 --

def test_ch17_dual_stack_runs_and_shows_both_families(lab):
    """Chapter 17 (no live view): Run All works in the browser; the Services print their
    families as the registry fills them in, the EndpointSlices come one per address type, and
    the families picture renders.

    Rules: alloc.go initIPFamilyFields (PreferDualStack appends the other family), the
    EndpointSlice reconciler (getAddressTypesForService), printService (ClusterIPs[0]).
    """
    nb = lab.open("notebooks/17_dual_stack.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    families = output(nb, cell_index(nb, "print(f\"{name:9s} {spec['ipFamilyPolicy']")).inner_text()
    assert re.search(r"web-dual\s+PreferDualStack\s+\['IPv4', 'IPv6'\]", families), f"{nb.path}: {families!r}"
    slices = output(nb, cell_index(nb, "%kubectl get endpointslices")).inner_text()
    assert re.search(r"web-dual-\w+\s+IPv6\s+80\s+fd00:10:244:", slices), f"{nb.path}: {slices!r}"
    index = cell_index(nb, 'families_graph(cluster, "web-dual")')
    assert_picture(nb, index, "img")
    shoot_cell(nb, index, "ch17-families")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 15 --

def test_ch15_dns_policies_runs_and_shows_each_policy(lab):
    """Chapter 15 (no live view): Run All works in the browser; the host-network pod got the
    node's resolv.conf, the lookup table shows who asks which server, the cache timeline has
    NXDOMAIN and NOERROR side by side, and the picture renders.

    Rules: kubelet dns.go getPodDNSType ('Fallback to DNSDefault for pod on hostnetwork');
    CoreDNS plugin/cache with kubeadm's `cache 30` (denial entries kept up to 30 s per replica).
    """
    nb = lab.open("notebooks/15_dns_policies.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    host = output(nb, cell_index(nb, "%kubectl exec host-net -- cat /etc/resolv.conf")).inner_text()
    assert host.strip() == "nameserver 192.168.49.1", f"{nb.path}: host-net's resolv.conf is {host!r}"
    table = output(nb, cell_index(nb, 'names = ["web", "web.default.svc.cluster.local", "example.com"]')).inner_text()
    assert re.search(r"host-net\s+192\.168\.49\.1\s+NXDOMAIN", table), f"{nb.path}: lookup table {table!r}"
    assert re.search(r"host-net-cf\s+10\.96\.0\.10\s+NOERROR", table), f"{nb.path}: lookup table {table!r}"
    timeline = output(nb, cell_index(nb, "from k8snet.dnsview import coredns_cache")).inner_text()
    assert "NXDOMAIN" in timeline and "NOERROR" in timeline, f"{nb.path}: cache timeline {timeline!r}"
    picture = cell_index(nb, "resolvers_graph(cluster")
    assert_picture(nb, picture, "img")
    shoot_cell(nb, picture, "ch15-who-asks-whom")
    assert_page_clean(nb)


# --------------------------------------------------------------------------- chapter 16 --

def test_ch16_load_balancers_run_and_draw_the_paths(lab):
    """Chapter 16 (no live view): Run All works in the browser; MetalLB fills the <pending> address,
    the source range drops the internet client in kube-proxy, and the paths picture renders.

    Rules: metallb controller/service.go (IPAllocated), pkg/proxy/iptables KUBE-FW / KUBE-PROXY-FIREWALL,
    k8s.io/cloud-provider wantsLoadBalancer (a class stays <pending>).
    """
    nb = lab.open("notebooks/16_load_balancers.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    assigned = output(nb, cell_index(nb, "%kubectl get ipaddresspools -n metallb-system")).inner_text()
    assert re.search(r"web\s+LoadBalancer\s+\S+\s+192\.168\.1\.240\s", assigned), f"{nb.path}: {assigned!r}"
    classy = output(nb, cell_index(nb, 'print(gcp.kubectl("get svc classy"))')).inner_text()
    assert "<pending>" in classy, f"{nb.path}: {classy!r}"
    index = cell_index(nb, "load_balancer_paths()")
    assert_picture(nb, index, "img")
    shoot_cell(nb, index, "ch16-lb-paths")
    assert_page_clean(nb)
