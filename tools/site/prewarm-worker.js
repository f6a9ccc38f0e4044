/* k8snet-kernel-prewarm, the worker's side (tools/site/prewarm.py puts it before the Pyodide
   kernel's Web Worker code; the page's side, tools/site/prewarm.js, says why).
   On the page's {k8snetPrewarm: {pyodideUrl, indexURL, packages, python}} message (seen here
   first and kept from the kernel's Comlink endpoint) it loads Pyodide with those packages and
   runs `python` (the kernel's own imports).  The kernel's initRuntime, patched by the build,
   loads Pyodide through self.k8snetLoadPyodide: when its options ask for exactly this
   (same indexURL, same packages, nothing else but the output handlers) it gets the Pyodide
   prepared here, with its output handlers put in place; otherwise, or if preparing failed, it
   loads Pyodide as it always does. */
(function () {
  var warm = null;
  self.addEventListener("message", function (event) {
    var options = event.data && event.data.k8snetPrewarm;
    if (!options) { return; }
    event.stopImmediatePropagation();
    var printed = [];  // what Python printed before the kernel took over, handed on to it
    var pyodide = (async function () {
      var module = await import(options.pyodideUrl);
      var py = await module.loadPyodide({
        indexURL: options.indexURL, packages: options.packages,
        stdout: function (line) { printed.push([0, line]); },
        stderr: function (line) { printed.push([1, line]); }
      });
      await py.runPythonAsync(options.python);
      return py;
    })();
    pyodide.catch(function () {});  // reported when the kernel asks for it
    warm = { options: options, printed: printed, pyodide: pyodide };
  });

  var OWN_KEYS = "indexURL,packages,stderr,stdout";

  self.k8snetLoadPyodide = function (loadPyodide) {
    return function (options) {
      var w = warm;
      warm = null;
      if (!w) { return loadPyodide(options); }
      var same = Object.keys(options).sort().join(",") === OWN_KEYS &&
        options.indexURL === w.options.indexURL &&
        JSON.stringify(options.packages) === JSON.stringify(w.options.packages);
      if (!same) {
        console.warn("k8snet prewarm: the kernel asks for another Pyodide or other packages; loading them");
        return loadPyodide(options);
      }
      return w.pyodide.then(function (py) {
        py.setStdout({ batched: options.stdout });
        py.setStderr({ batched: options.stderr });
        w.printed.forEach(function (p) { (p[0] ? options.stderr : options.stdout)(p[1]); });
        self.k8snetPrewarmUsed = true;
        return py;
      }, function (error) {
        console.warn("k8snet prewarm: preparing Python failed (" + error + "); loading it again");
        return loadPyodide(options);
      });
    };
  };
})();
