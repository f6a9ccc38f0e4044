"""Build the course as a static JupyterLite site: ``./course site`` -> ``site/``.

Everything the site needs is served from the site itself; the build reaches only the package
registries (PyPI through pip, npm through ``npm pack``), and caches what it fetched under
``build/site-cache/`` so a rebuild takes seconds.  Versions: ``tools/site/versions.toml``.

Steps:
1. a build environment (``build/site-cache/venv``): jupyterlite-core, the Pyodide kernel,
   ipywidgets (its JupyterLab extension goes into the site), jupyter-server;
2. Pyodide's core from npm at the version the kernel pins, and viz.js from npm;
3. wheels: the exact versions Pyodide's lock names (ipython, micropip, jedi, dnspython and
   their dependencies) and comm, graphviz, ipywidgets from PyPI; PyYAML's pure-Python part
   from its sdist; the kernel's own wheels (from its extension); k8snet from this repository;
   ``k8snet_viz`` (tools/site/k8snet_viz + viz.js: Graphviz without ``dot``);
4. ``static/pyodide/``: the core, the wheels and a generated ``pyodide-lock.json``; the
   standard library (plus tools/site/sitecustomize.py) and every wheel with compiled
   bytecode, made by this Pyodide under Node (tools/site/bytecode.py);
5. ``jupyter lite build`` with notebooks/ and exercises/ as the contents (the same files as
   for JupyterLab), then the browser check (tools/site/check.js) on every app page, and the
   kernel started while JupyterLab starts (tools/site/prewarm.py), and the page's messages
   to the kernel passed on without a timer's wait (tools/site/messaging.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

from .bytecode import compile_archives, site_jobs
from .messaging import add_prompt_socket
from .prewarm import add_prewarm
from .wheels import Wheel, canonical, dump_json, make_lock, wheel_info, write_wheel

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = ROOT / "build" / "site-cache"
VERSIONS = HERE / "versions.toml"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
#: Packages Pyodide loads before the kernel starts (with their lock dependencies).  The kernel
#: would otherwise install its own ones one by one through piplite.
PRELOAD = ["micropip", "piplite", "ipykernel", "pyodide-kernel", "comm", "jedi", "ipython",
           "ipywidgets", "k8snet"]
#: Dependencies in Pyodide's lock that the site serves but does not load with their package:
#: loaded on first ``import`` instead (the kernel loads the packages a cell imports).  IPython
#: needs prompt_toolkit and wcwidth only for its terminal (``IPython.terminal``: ``IPython.embed``,
#: which bytecode.PATCH makes import on first use); a kernel never imports them (172 files Pyodide
#: would otherwise unpack at every page load).
ON_DEMAND = {"ipython": ["prompt-toolkit", "wcwidth"]}
#: What of Pyodide's npm package the site serves (the core: no wheels, no console pages).
PYODIDE_CORE = ["pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm",
                "python_stdlib.zip", "package.json"]
#: The kernel extension's own wheels that the site preloads (the widgetsnbextension
#: stand-ins are for piplite installs, which the site does not make).
KERNEL_WHEELS = ("piplite-", "pyodide_kernel-", "ipykernel-")


def log(msg: str) -> None:
    print(f"    {msg}", flush=True)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def load_versions() -> dict:
    with open(VERSIONS, "rb") as f:
        return tomllib.load(f)


# ----------------------------------------------------------- build environment --

def build_env(versions: dict) -> Path:
    """The build venv's ``bin/``, created or updated when versions.toml's pins change."""
    venv = CACHE / "venv"
    pins = {**versions["build"], "ipywidgets": versions["wheels"]["ipywidgets"]}
    want = json.dumps(pins, sort_keys=True)
    stamp = venv / ".k8snet-site-pins"
    if stamp.exists() and stamp.read_text() == want:
        return venv / "bin"
    log(f"build environment: {', '.join(f'{k}=={v}' for k, v in pins.items())}")
    if not (venv / "bin" / "python").exists():
        run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", *(f"{k}=={v}" for k, v in pins.items()))
    stamp.write_text(want)
    return venv / "bin"


def kernel_facts(bin_dir: Path) -> tuple[str, Path]:
    """(Pyodide version the kernel pins, the kernel extension's folder of wheels)."""
    code = ("import sys, jupyterlite_pyodide_kernel.constants as c; "
            "print(c.PYODIDE_VERSION); print(sys.prefix)")
    out = run(bin_dir / "python", "-c", code, capture_output=True, text=True).stdout.split()
    pypi = Path(out[1]) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
    return out[0], pypi


# ------------------------------------------------------------------- downloads --

def npm_package(name: str, version: str) -> Path:
    """``npm pack name@version`` once, unpacked; returns the package folder."""
    dest = CACHE / "npm" / f"{name.replace('/', '+')}-{version}"
    if not (dest / "package" / "package.json").exists():
        log(f"npm pack {name}@{version}")
        tmp = CACHE / "npm" / "tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        run("npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", tmp, cwd=tmp,
            stdout=subprocess.DEVNULL)
        (tgz,) = tmp.glob("*.tgz")
        shutil.rmtree(dest, ignore_errors=True)
        with tarfile.open(tgz) as tf:
            tf.extractall(dest, filter="data")
        shutil.rmtree(tmp)
    return dest / "package"


def pypi_wheels(bin_dir: Path, pins: dict[str, str]) -> dict[str, Path]:
    """Pure-Python wheels for Pyodide (py3, none, any) of ``pins``, downloaded once."""
    dest = CACHE / "wheels"
    dest.mkdir(parents=True, exist_ok=True)

    def find(name: str, version: str) -> Path | None:
        for p in dest.glob("*.whl"):
            parts = p.name.split("-")
            if canonical(parts[0]) == canonical(name) and parts[1] == version:
                return p
        return None

    missing = [f"{n}=={v}" for n, v in pins.items() if find(n, v) is None]
    if missing:
        log(f"pip download {' '.join(missing)}")
        run(bin_dir / "python", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "--python-version", "3.14", "--implementation", "py", "--abi", "none", "--platform", "any",
            "-d", dest, *missing)
    return {n: find(n, v) for n, v in pins.items()}


def pyyaml_wheel(bin_dir: Path, version: str, out: Path) -> Path:
    """PyYAML's pure-Python package (``lib/yaml`` of the sdist; no libyaml) as a wheel."""
    sdists = CACHE / "sdist"
    tgz = sdists / f"pyyaml-{version}.tar.gz"
    if not tgz.exists():
        log(f"pip download pyyaml=={version} (sdist)")
        run(bin_dir / "python", "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary=:all:",
            "-d", sdists, f"pyyaml=={version}")
        (found,) = [p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(f"pyyaml-{version}")]
        found.rename(tgz)
    files = {}
    with tarfile.open(tgz) as tf:
        for member in tf.getmembers():
            parts = member.name.split("/")
            if len(parts) == 4 and parts[1:3] == ["lib", "yaml"] and parts[3].endswith(".py"):
                files[f"yaml/{parts[3]}"] = tf.extractfile(member).read()
    if "yaml/__init__.py" not in files:
        raise SystemExit(f"{tgz.name}: no lib/yaml/__init__.py in the sdist")
    return write_wheel(out, "PyYAML", version, files, summary="YAML parser (pure Python, from the sdist)")


# ---------------------------------------------------------------- own wheels --

def package_files(package_dir: Path, suffixes=(".py", ".yaml", ".json", ".typed")) -> dict[str, bytes]:
    """The files of a Python package folder (no caches), keyed by their path in a wheel."""
    files = {}
    for p in sorted(package_dir.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and (p.suffix in suffixes or p.name == "py.typed"):
            files[p.relative_to(package_dir.parent).as_posix()] = p.read_bytes()
    return files


def k8snet_wheel(out: Path) -> Wheel:
    """k8snet as it is in this working tree."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    path = write_wheel(out, "k8snet", project["version"], package_files(ROOT / "k8snet"),
                       requires=project["dependencies"], summary=project["description"])
    return Wheel(path, "k8snet", project["version"], ["k8snet"],
                 ["pyyaml", "dnspython", "graphviz", "ipywidgets", "k8snet-viz"])


def viz_wheel(viz_dir: Path, viz_version: str, out: Path) -> Wheel:
    """``k8snet_viz``: tools/site/k8snet_viz plus npm's viz.js (global build, wasm inlined)."""
    files = package_files(HERE / "k8snet_viz")
    files["k8snet_viz/viz-global.js"] = (viz_dir / "dist" / "viz-global.js").read_bytes()
    path = write_wheel(out, "k8snet-viz", viz_version, files, requires=["graphviz"],
                       summary="Graphviz (viz.js) behind the graphviz package, for Pyodide")
    return Wheel(path, "k8snet-viz", viz_version, ["k8snet_viz"], ["graphviz"])


# ------------------------------------------------------------------------ site --

def lock_closure(lock: dict, names: list[str]) -> dict[str, dict]:
    """The entries of Pyodide's lock for ``names`` and everything they depend on there."""
    packages = {canonical(k): v for k, v in lock["packages"].items()}
    todo, seen = [canonical(n) for n in names], {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise SystemExit(f"Pyodide's lock has no package {name!r}")
        seen[name] = packages[name]
        todo += [canonical(d) for d in packages[name]["depends"]]
    return seen


def collect_wheels(bin_dir: Path, versions: dict, lock: dict, kernel_pypi: Path, viz_dir: Path,
                   out: Path) -> list[Wheel]:
    """Every wheel the site serves, copied or written into ``out``."""
    from_lock = lock_closure(lock, versions["pyodide-lock"]["packages"])
    extra = {k: v for k, v in versions["wheels"].items() if canonical(k) != "pyyaml"}
    clash = set(map(canonical, extra)) & set(from_lock)
    if clash:
        raise SystemExit(f"versions.toml pins {sorted(clash)}, which Pyodide's lock already pins")
    downloaded = pypi_wheels(bin_dir, {**{k: v["version"] for k, v in from_lock.items()}, **extra})
    wheels: list[Wheel] = []
    for name, path in downloaded.items():
        shutil.copy2(path, out / path.name)
        dist, version, imports, requires = wheel_info(path)
        depends = from_lock[name]["depends"] if name in from_lock else requires
        wheels.append(Wheel(out / path.name, dist, version, imports, list(depends)))
    for path in sorted(kernel_pypi.glob("*.whl")):
        if path.name.startswith(KERNEL_WHEELS):
            shutil.copy2(path, out / path.name)
            dist, version, imports, requires = wheel_info(path)
            wheels.append(Wheel(out / path.name, dist, version, imports, requires))
    yaml_path = pyyaml_wheel(bin_dir, versions["wheels"]["pyyaml"], out)
    wheels.append(Wheel(yaml_path, "pyyaml", versions["wheels"]["pyyaml"], ["yaml"]))
    wheels.append(k8snet_wheel(out))
    wheels.append(viz_wheel(viz_dir, versions["npm"]["@viz-js/viz"], out))
    served = {canonical(w.name) for w in wheels}
    for w in wheels:  # keep what Pyodide can load: only dependencies the site serves
        if canonical(w.name) not in from_lock:
            w.depends = [d for d in w.depends if canonical(d) in served]
    load_on_demand(wheels)
    return wheels


def load_on_demand(wheels: list[Wheel], later: dict[str, list[str]] = ON_DEMAND) -> None:
    """Take ``later``'s dependencies out of their packages' lock entries (see ON_DEMAND): the
    wheels stay served, with their own dependencies, for an ``import`` to load them."""
    for w in wheels:
        names = {canonical(d) for d in later.get(canonical(w.name), ())}
        w.depends = [d for d in w.depends if canonical(d) not in names]


#: The Pyodide kernel's JupyterLab plugin (its settings are in ``jupyter-lite.json``).
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"

#: Lab settings the site starts with (``overrides.json``).  Every cell stays in the page
#: (Lab 4 may otherwise detach cells outside the viewport): the browser's find and the
#: browser tests see the whole chapter; the chapters are small enough.
SETTINGS = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}


def lite_config(pyodide_version: str) -> dict:
    """``jupyter-lite.json``: the kernel loads Pyodide and every wheel from the site only."""
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "k8snet: Kubernetes Services and networking",
            # window.jupyterapp: the browser tests read cell state from Lab's models.
            "exposeAppInBrowser": True,
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    # Always explicit: without it the kernel fetches Pyodide from a CDN.
                    "pyodideUrl": "./static/pyodide/pyodide.mjs",
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {"packages": PRELOAD},
                },
            },
        },
    }


def stage_contents(dest: Path) -> None:
    """notebooks/ and exercises/ (notebooks and READMEs), as the site's files."""
    shutil.rmtree(dest, ignore_errors=True)
    for folder in ("notebooks", "exercises"):
        for p in sorted((ROOT / folder).glob("*")):
            if p.suffix in (".ipynb", ".md"):
                (dest / folder).mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, dest / folder / p.name)


def add_browser_check(site: Path) -> None:
    """Put tools/site/check.js first in the site's pages, and make the front page open the
    first chapter (it keeps its config script: the app pages read it)."""
    check = (HERE / "check.js").read_text(encoding="utf-8")
    tag = f"<script>\n{check}</script>\n"
    for page in [site / "index.html", *sorted(site.glob("*/index.html"))]:
        text = page.read_text(encoding="utf-8")
        if "k8snet-browser-check" not in text:
            page.write_text(text.replace("<head>", "<head>\n" + tag, 1), encoding="utf-8")
    front = site / "index.html"
    redirect = "await import('./config-utils.js');"
    text = front.read_text(encoding="utf-8")
    if redirect not in text:
        raise SystemExit("site/index.html: JupyterLite's redirect to the app was not found")
    first = f"./lab/index.html?path={FIRST_NOTEBOOK}"
    front.write_text(text.replace(redirect, f"window.location.replace({first!r});"), encoding="utf-8")


def build(output: Path) -> Path:
    """Build the site into ``output``; returns it."""
    started = time.monotonic()
    versions = load_versions()
    bin_dir = build_env(versions)
    pyodide_version, kernel_pypi = kernel_facts(bin_dir)
    pyodide_dir = npm_package("pyodide", pyodide_version)
    viz_dir = npm_package("@viz-js/viz", versions["npm"]["@viz-js/viz"])
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))

    lite = CACHE / "lite"
    shutil.rmtree(lite, ignore_errors=True)
    static = lite / "static" / "pyodide"
    static.mkdir(parents=True)
    for name in PYODIDE_CORE:
        shutil.copy2(pyodide_dir / name, static / name)
    wheels = collect_wheels(bin_dir, versions, lock, kernel_pypi, viz_dir, static)
    jobs = site_jobs(static, pyodide_dir / "python_stdlib.zip", lock["info"]["python"], wheels)
    compile_archives(pyodide_dir, pyodide_version, jobs, CACHE / "pyc", log=log)
    dump_json(static / "pyodide-lock.json", make_lock(lock, wheels))
    dump_json(lite / "jupyter-lite.json", lite_config(pyodide_version))
    dump_json(lite / "overrides.json", SETTINGS)
    log(f"Pyodide {pyodide_version}: {len(wheels)} wheels, lock generated")

    contents = CACHE / "contents"
    stage_contents(contents)
    shutil.rmtree(output, ignore_errors=True)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    run(bin_dir / "jupyter", "lite", "build", "--lite-dir", lite, "--contents", contents,
        "--output-dir", output, "--no-sourcemaps", "--log-level", "WARN", cwd=lite, env=env)
    add_browser_check(output)
    settings = lite_config(pyodide_version)["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    add_prewarm(output, settings["pyodideUrl"], settings["loadPyodideOptions"]["packages"])
    add_prompt_socket(output)
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    log(f"site/ built in {time.monotonic() - started:.0f} s: {size / 1e6:.1f} MB")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.site", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "site", help="where to build (default: site/)")
    args = parser.parse_args(argv)
    build(args.output.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
