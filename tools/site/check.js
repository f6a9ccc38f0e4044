/* k8snet-browser-check (tools/site/check.js, put first in every page of the course site).
   Python runs in the page as Pyodide, which needs WebAssembly: without it the kernel could
   never start, so the page says which browser to use instead of showing a hung kernel.
   Without JSPI (WebAssembly.Suspending) Python cannot wait for the Graphviz renderer to load:
   the course runs, a picture drawn in the first seconds fills in a moment later, and a note
   on the page says so. */
(function () {
  var browsers = "a current Chrome, Edge, Opera or Brave (Chromium 137 or newer)";
  var wasm = typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function";
  var jspi = wasm && typeof WebAssembly.Suspending === "function";
  window.k8snetBrowser = { webassembly: wasm, jspi: jspi };
  var box = "font:16px/1.5 system-ui,sans-serif;max-width:42em;margin:3em auto;padding:1em 1.5em;" +
            "border:2px solid #c62828;border-radius:8px;background:#fff;color:#222";
  if (!wasm) {
    if (window.stop) { window.stop(); }   // nothing else on this page loads or runs
    var show = function () {
      document.documentElement.innerHTML =
        '<head><meta charset="utf-8"><title>k8snet course: this browser cannot run it</title></head>' +
        '<body><div id="k8snet-browser-check" role="alert" style="' + box + '">' +
        "<h1 style=\"font-size:1.4em\">This browser cannot run the course</h1>" +
        "<p>The course runs Python inside the page with <b>WebAssembly</b>, which this browser " +
        "has turned off or does not have.</p><p>Please open this page in " + browsers +
        ", or in a current Firefox or Safari with WebAssembly enabled. Or run the course in " +
        "JupyterLab on your computer (see the project's README).</p></div></body>";
    };
    if (document.readyState === "loading") { setTimeout(show, 0); } else { show(); }
    return;
  }
  if (!jspi) {
    document.addEventListener("DOMContentLoaded", function () {
      var note = document.createElement("div");
      note.id = "k8snet-browser-check";
      note.setAttribute("role", "status");
      note.style.cssText = "position:fixed;z-index:10000;left:1em;bottom:1em;max-width:34em;" +
        "padding:.6em 2.2em .6em 1em;font:14px/1.4 system-ui,sans-serif;background:#fff8e1;" +
        "color:#222;border:1px solid #f9a825;border-radius:6px;box-shadow:0 2px 6px rgba(0,0,0,.2)";
      note.innerHTML = "This browser lacks WebAssembly <b>JSPI</b>: the course runs, but a " +
        "picture drawn in the first seconds shows a placeholder that fills in a moment later. " +
        "For the smoothest run use " + browsers + "." +
        '<button aria-label="close" style="position:absolute;right:.4em;top:.3em;border:0;' +
        'background:none;font-size:18px;cursor:pointer">&times;</button>';
      note.querySelector("button").onclick = function () { note.remove(); };
      document.body.appendChild(note);
    });
  }
})();
