"""What only the static site (JupyterLite, Python in the page) has to get right: pictures drawn
by viz.js whose labels fit their boxes in the fonts Chromium really has, a clear page for a
browser without WebAssembly, a note (and a working course) without JSPI, and the chapter whose
DNS server cannot open sockets taking its in-process path.  The chapters' own tests
(test_chapters.py) run on the site too, through the ``lab`` fixture's ``[site]`` case."""
from __future__ import annotations

import pytest

from .chapter_helpers import cell_index, output
from .jlab_browser import Lab

# For every node and cluster box of every picture on the page (inline SVG of a widget, or a
# cell output's <img>, whose SVG is put inline for the measure): the widest text line against
# its shape.  Graphviz sized the box from Helvetica's metrics; the browser draws the label with
# the first font of the stack it has.  A label wider than its box is clipped (or overflows).
LABELS_OVERFLOWING = """async () => {
  const sources = [];
  for (const svg of document.querySelectorAll('.widget-html svg')) sources.push(svg);
  for (const img of document.querySelectorAll('.jp-RenderedSVG img, .jp-OutputArea-output img')) {
    const text = await (await fetch(img.src)).text();
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
    holder.innerHTML = text;
    document.body.appendChild(holder);
    const svg = holder.querySelector('svg');
    if (svg) sources.push(svg);
  }
  const bad = [];
  let checked = 0;
  for (const svg of sources) {
    for (const g of svg.querySelectorAll('g.node, g.cluster')) {
      const shape = g.querySelector('polygon, path, ellipse');
      if (!shape) continue;
      const box = shape.getBBox();
      for (const t of g.querySelectorAll('text')) {
        const tb = t.getBBox();
        checked += 1;
        if (tb.width > 0 && (tb.x < box.x - 0.5 || tb.x + tb.width > box.x + box.width + 0.5)) {
          bad.push(`${t.textContent}: text ${tb.x.toFixed(1)}..${(tb.x + tb.width).toFixed(1)} ` +
                   `outside box ${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)}`);
        }
      }
    }
  }
  return {pictures: sources.length, checked, bad, fonts: getComputedStyle(document.body).fontFamily};
}"""

PICTURE_CHAPTERS = [
    # (chapter, why): the chapters whose pictures have the longest labels and cluster titles.
    ("notebooks/00_start_here.ipynb", "cluster.graph(): node boxes and the per-node cluster titles"),
    ("notebooks/09_networkpolicy.ipynb", "the policy matrix graph: namespace boxes around pods"),
    ("notebooks/10_internet_to_container.ipynb", "request_graph(): one box per hop with its details"),
]


@pytest.fixture
def site_lab(site_server, playwright_driver, chromium_path):
    """A fresh Chromium on the static site (only loopback reachable)."""
    made = []

    def factory(init_script: str | None = None) -> Lab:
        lab = Lab(site_server, playwright_driver, chromium_path)
        if init_script:
            lab.context.add_init_script(init_script)
        made.append(lab)
        return lab

    yield factory
    for lab in made:
        assert not lab.outside_requests, f"requests to other hosts: {lab.outside_requests[:5]}"
        lab.close()


@pytest.mark.parametrize("chapter, why", PICTURE_CHAPTERS)
def test_site_picture_labels_fit_their_boxes(site_lab, chapter, why):
    """viz.js measures with Helvetica metrics; the SVG's font stack (k8snet_viz.FONT_STACK)
    names metric-compatible fonts, so no label is wider than its box in Chromium."""
    nb = site_lab().open(chapter)
    nb.run_all()
    nb.assert_no_errors()
    result = nb.page.evaluate(LABELS_OVERFLOWING)
    assert result["pictures"] >= 1 and result["checked"] >= 5, f"{chapter} ({why}): no pictures measured: {result}"
    assert not result["bad"], f"{chapter} ({why}): labels wider than their boxes:\n" + "\n".join(result["bad"])


def test_site_without_webassembly_says_which_browser_to_use(site_lab, site_server):
    """No WebAssembly: the page names the browsers to use instead of loading a kernel that
    could never start."""
    lab = site_lab("delete globalThis.WebAssembly;")
    lab.page.goto(site_server.url("/lab/tree/notebooks/00_start_here.ipynb"), wait_until="commit")
    alert = lab.page.locator("#k8snet-browser-check")
    alert.wait_for(state="visible", timeout=15_000)
    text = alert.inner_text()
    assert "WebAssembly" in text and "Chrome" in text and "Chromium 137" in text, text
    assert lab.page.evaluate("() => window.jupyterapp === undefined"), "JupyterLab loaded anyway"


def test_site_without_jspi_runs_the_chapter_and_says_so(site_lab):
    """No JSPI in the page: a note names the browsers to use, and the chapter still runs
    with its picture (pictures drawn before viz.js loads fill in later)."""
    lab = site_lab("if (globalThis.WebAssembly) delete WebAssembly.Suspending;")
    nb = lab.open("notebooks/00_start_here.ipynb")
    note = lab.page.locator("#k8snet-browser-check")
    note.wait_for(state="visible", timeout=15_000)
    assert "JSPI" in note.inner_text() and "Chromium 137" in note.inner_text()
    nb.run_all()
    nb.assert_no_errors()


def test_site_dns_chapter_answers_through_the_wire_handler(site_lab):
    """Chapter 06's real-dig cell: no sockets in the page, so it says why and answers the same
    two queries through the server's wire handler (the records a dig would print)."""
    nb = site_lab().open("notebooks/06_dns.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    text = output(nb, cell_index(nb, "server = k8snet.dns.serve(cluster, port=0)")).inner_text()
    assert "no sockets" in text, text
    assert "web.default.svc.cluster.local. 30 IN A 10." in text, text
    assert "_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local." in text, text
