// Compile the site's Python archives to bytecode with the site's own Pyodide, in Node
// (tools/site/build.py runs it; tools/site/pyc.py says why and how).
//
//   node tools/site/pycompile.mjs <pyodide dir> <jobs.json>
//
// jobs.json: [{"src": path, "dst": path, "layout": "beside"|"pycache"|"sourceless",
//              "prefix": where the archive's files are imported from in the browser,
//              "skip": [folders left as sources], "drop": [folders left out],
//              "patch": {file: [[old, new], ...]}}, ...]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, jobsFile] = process.argv.slice(2);
if (!pyodideDir || !jobsFile) {
  console.error("usage: node pycompile.mjs <pyodide dir> <jobs.json>");
  process.exit(2);
}
const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf8"));
const dir = path.resolve(pyodideDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(dir + "pyodide.mjs").href);
const py = await loadPyodide({ indexURL: dir });
py.FS.mkdirTree("/k8snet-build");
py.FS.writeFile("/k8snet-build/pyc.py", fs.readFileSync(new URL("./pyc.py", import.meta.url)));
py.runPython("import sys; sys.path.insert(0, '/k8snet-build'); import pyc");
const addBytecode = py.globals.get("pyc").add_bytecode;
const toPy = (value) => py.toPy(value);
for (const job of jobs) {
  py.FS.writeFile("/k8snet-build/in.zip", fs.readFileSync(job.src));
  const n = addBytecode("/k8snet-build/in.zip", "/k8snet-build/out.zip", job.layout, job.prefix,
                        toPy(job.skip || []), toPy(job.drop || []), toPy(job.patch || {}));
  fs.writeFileSync(job.dst, py.FS.readFile("/k8snet-build/out.zip"));
  console.log(`    bytecode: ${path.basename(job.src)}: ${n} modules (${job.layout})`);
}
