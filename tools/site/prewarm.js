/* k8snet-kernel-prewarm (tools/site/prewarm.js; tools/site/prewarm.py puts it into the site's
   lab/index.html, after the browser check).  JupyterLab creates a notebook's kernel only once
   its own start-up is over (~5 s of JavaScript on a 2-core machine), and the kernel then needs
   as long again to load Python.  So the page starts the kernel's Web Worker at once: it loads
   Pyodide with the course's packages and imports the kernel's Python side while JupyterLab is
   still starting, and the Pyodide kernel adopts this worker when it is created (the build's
   patch of its initWorker).  The worker checks that the kernel asks for the same Pyodide and
   packages before using what it prepared (else it loads them as usual).
   Only for a page opening a notebook (?path=...ipynb), with WebAssembly, and where the kernel
   would use this worker (not cross-origin isolated, where it takes another one).  A worker no
   kernel claims within two minutes is ended. */
(function () {
  var config = K8SNET_PREWARM_CONFIG;  // {worker, pyodide, packages, python}: written by the build
  var browser = window.k8snetBrowser;
  var path = new URLSearchParams(window.location.search).get("path") || "";
  if (!browser || !browser.webassembly || window.crossOriginIsolated || !/\.ipynb$/.test(path)) {
    return;
  }
  var pyodideUrl = new URL(config.pyodide, window.location.href).href;
  var worker = new Worker(new URL(config.worker, window.location.href), { type: "module" });
  worker.postMessage({ k8snetPrewarm: {
    pyodideUrl: pyodideUrl,
    indexURL: pyodideUrl.slice(0, pyodideUrl.lastIndexOf("/") + 1),
    packages: config.packages,
    python: config.python
  } });
  var state = { started: performance.now(), taken: null };
  var timer = setTimeout(function () {
    if (state.taken === null) { state.taken = false; worker.terminate(); }
  }, 120000);
  // The kernel's initWorker calls this once; later kernels get workers of their own.
  state.take = function () {
    if (state.taken !== null) { return null; }
    state.taken = performance.now();
    clearTimeout(timer);
    return worker;
  };
  window.k8snetPrewarm = state;
})();
