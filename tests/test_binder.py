"""The Binder configuration is complete: what the notebooks and the package need is declared.

Binder builds the course with repo2docker, which reads ``requirements.txt`` (pip),
``apt.txt`` (Debian/Ubuntu packages) and ``runtime.txt`` (the Python version) at the top
of the repository, unless a ``binder/`` or ``.binder/`` folder exists (then only that
folder) — repo2docker docs, "Configuration files" and "Where to put configuration files".

Checked here:
- every module a notebook in ``notebooks/`` or ``exercises/`` imports (code cells parsed with
  ``ast`` after IPython turns magics into calls) is importable and comes from a package that
  ``requirements.txt`` installs, directly or as a dependency;
- every third-party module ``k8snet/`` imports comes from ``pyproject.toml``'s dependencies (or its
  ``serve`` extra: the server libraries, imported only when a cluster is served);
- every program the notebooks run (``!dig …``, ``%%bash``) or the package runs (``dot`` behind
  graphviz, ``subprocess`` calls) is installed by ``apt.txt``;
- ``runtime.txt`` names Python 3.11, the lowest version ``pyproject.toml`` allows;
- ``jupyter-repo2docker --no-build .`` reads all of it as intended.
"""
from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "k8snet"
NOTEBOOKS = sorted(
    p for folder in ("notebooks", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)

# Programs that come with any repo2docker image (Ubuntu base + the Python environment).
BASE_PROGRAMS = {
    "bash", "sh", "cd", "echo", "printf", "cat", "ls", "head", "tail", "grep", "sed", "awk",
    "sort", "uniq", "wc", "cut", "tr", "tee", "find", "xargs", "mkdir", "rm", "cp", "mv",
    "touch", "pwd", "true", "false", "test", "[", "env", "sleep", "which", "diff", "date",
    "kill", "ps", "python", "python3", "pip", "jupyter", "pytest",
}
# Program -> the Debian/Ubuntu packages that provide it (any one will do).
PROGRAM_PACKAGES = {
    "dot": {"graphviz"}, "neato": {"graphviz"}, "circo": {"graphviz"},
    "dig": {"dnsutils", "bind9-dnsutils"}, "nslookup": {"dnsutils", "bind9-dnsutils"},
    "host": {"bind9-host", "dnsutils", "bind9-dnsutils"},
    "curl": {"curl"}, "wget": {"wget"}, "jq": {"jq"}, "ip": {"iproute2"},
    "ping": {"iputils-ping"}, "nc": {"netcat-openbsd", "netcat-traditional"},
    "iptables": {"iptables"}, "nft": {"nftables"}, "ipvsadm": {"ipvsadm"},
}
SHELL_MAGICS = {"bash", "sh", "script", "system", "sx"}
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}


# ------------------------------------------------------------------ readers --

def read_requirements(path: Path) -> list[str]:
    """Requirement lines of a pip requirements file, following ``-r``; ``-e .`` kept as is."""
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            lines += read_requirements(path.parent / line.split(None, 1)[1])
        else:
            lines.append(line)
    return lines


def parse_requirements(path: Path) -> tuple[list[Requirement], bool]:
    """The requirements of a file, and whether it installs this project (``-e .``)."""
    reqs, project = [], False
    for line in read_requirements(path):
        if line in ("-e .", "--editable .", "."):
            project = True
        else:
            reqs.append(Requirement(line))
    return reqs, project


def pyproject() -> dict:
    """``pyproject.toml``, parsed."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def closure(reqs: list[Requirement]) -> set[str]:
    """Canonical names of ``reqs`` and of everything they depend on, as installed here."""
    names: set[str] = set()
    seen: set[tuple[str, frozenset]] = set()
    queue = list(reqs)
    while queue:
        req = queue.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        try:
            requires = importlib.metadata.requires(req.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for spec in requires:
            sub = Requirement(spec)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                queue.append(sub)
    return names


def code_cells(notebook: Path) -> list[str]:
    """The source of each code cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


# ----------------------------------------------------------------- scanners --

def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _guarded(node, parents) -> bool:
    """True inside ``try: … except ImportError`` or ``if TYPE_CHECKING:`` (optional imports)."""
    for parent in parents:
        if isinstance(parent, ast.Try):
            for handler in parent.handlers:
                names = ast.unparse(handler.type) if handler.type else ""
                if "ImportError" in names or "ModuleNotFoundError" in names:
                    return True
        if isinstance(parent, ast.If) and "TYPE_CHECKING" in ast.unparse(parent.test):
            return True
    return False


def _walk(tree):
    """Every node with the chain of its parents."""
    stack = [(tree, ())]
    while stack:
        node, parents = stack.pop()
        yield node, parents
        for child in ast.iter_child_nodes(node):
            stack.append((child, parents + (node,)))


def shell_programs(command: str) -> set[str]:
    """The programs a shell command line starts (first word of each pipeline stage)."""
    programs = set()
    for stage in re.split(r"\|\|?|&&|;|\n", command):
        try:
            words = shlex.split(stage, comments=True)
        except ValueError:
            words = stage.split()
        words = [w for w in words if not re.match(r"^\w+=", w)]   # FOO=bar cmd
        while words and words[0] in ("sudo", "time", "exec", "nohup"):
            words = words[1:]
        if words and not words[0].startswith(("$", "{", "(")):
            programs.add(Path(words[0]).name)
    return programs


def scan_source(source: str, ipython: bool = False) -> tuple[set[str], set[str]]:
    """(top-level modules imported, programs run) by Python source, or a notebook cell."""
    if ipython:
        source = TransformerManager().transform_cell(source)
    tree = ast.parse(source)
    modules, programs = set(), set()
    # `from subprocess import run` -> {"run": ("subprocess", "run")}, so bare calls are recognised.
    from_imports = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    for node, parents in _walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not _guarded(node, parents):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func, first = node.func, node.args[0]
        if isinstance(func, ast.Attribute):
            owner, name = ast.unparse(func.value), func.attr
        else:
            owner, name = from_imports.get(getattr(func, "id", ""), ("", ""))
        if owner == "get_ipython()" and name in ("system", "getoutput"):            # !cmd, x = !cmd
            programs |= shell_programs(_literal(first) or "")
        elif owner == "get_ipython()" and name == "run_cell_magic" and len(node.args) == 3:
            if _literal(first) in SHELL_MAGICS:                                    # %%bash
                programs |= shell_programs(_literal(node.args[2]) or "")
        elif owner == "get_ipython()" and name == "run_line_magic" and _literal(first) in SHELL_MAGICS:
            programs |= shell_programs(_literal(node.args[1]) or "")               # %sx cmd
        elif owner == "os" and name == "system":
            programs |= shell_programs(_literal(first) or "")
        elif owner == "subprocess" and name in SUBPROCESS_CALLS:
            if isinstance(first, (ast.List, ast.Tuple)) and first.elts and _literal(first.elts[0]):
                programs.add(Path(_literal(first.elts[0])).name)                   # run(["dig", …])
            elif _literal(first) is not None:
                programs |= shell_programs(_literal(first))
        elif owner == "shutil" and name == "which" and _literal(first) is not None:
            programs.add(_literal(first))                                          # shutil.which("dot")
    if "graphviz" in modules:
        programs.add("dot")   # the graphviz binding renders by running `dot`
    return modules, programs


def scan_notebook(notebook: Path) -> tuple[set[str], set[str]]:
    """(modules, programs) of every code cell of a notebook."""
    modules, programs = set(), set()
    for source in code_cells(notebook):
        m, p = scan_source(source, ipython=True)
        modules |= m
        programs |= p
    return modules, programs


def scan_package() -> tuple[set[str], set[str]]:
    """(third-party modules, programs) of the package ``k8snet/``."""
    modules, programs = set(), set()
    for path in sorted((ROOT / PROJECT).rglob("*.py")):
        m, p = scan_source(path.read_text(encoding="utf-8"))
        modules |= m
        programs |= p
    return modules - set(sys.stdlib_module_names) - {PROJECT, "__future__"}, programs


def apt_packages() -> list[str]:
    """Package names in ``apt.txt``."""
    return [line.split("#")[0].strip() for line in (ROOT / "apt.txt").read_text().splitlines()
            if line.split("#")[0].strip()]


def missing_imports(modules: set[str], provided: set[str], project: bool, here: Path) -> list[str]:
    """Why each module is not covered by the distributions in ``provided`` (empty: all are)."""
    owners = importlib.metadata.packages_distributions()
    problems = []
    for module in sorted(modules):
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        if (here / f"{module}.py").exists() or (here / module / "__init__.py").exists():
            continue   # a helper module beside the notebook
        if module == PROJECT:
            if not project:
                problems.append(f"{module}: requirements.txt does not install this project (-e .)")
            continue
        if importlib.util.find_spec(module) is None:
            problems.append(f"{module}: not importable here")
            continue
        dists = {canonicalize_name(d) for d in owners.get(module, [])}
        if not dists & provided:
            problems.append(f"{module}: comes from {sorted(dists) or '?'}, not installed by the requirements")
    return problems


# -------------------------------------------------------------------- tests --

@pytest.mark.parametrize(
    ("source", "modules", "programs"),
    [
        pytest.param("import os, yaml.loader\nfrom dns import resolver", {"os", "yaml", "dns"}, set(),
                     id="import-and-from-import"),
        pytest.param("from . import sibling\nfrom .x import y", set(), set(), id="relative-imports-ignored"),
        pytest.param("%matplotlib inline\nimport k8snet", {"k8snet"}, set(), id="line-magic-skipped"),
        pytest.param("!dig +short web.default.svc.cluster.local | head -1", set(), {"dig", "head"},
                     id="shell-escape-pipeline"),
        pytest.param("answer = !nslookup web", set(), {"nslookup"}, id="shell-capture"),
        pytest.param("%%bash\nFOO=1 curl -s http://x && sudo ping -c1 y\n", set(), {"curl", "ping"},
                     id="bash-cell-magic"),
        pytest.param("import subprocess\nsubprocess.run(['ipvsadm', '-Ln'])", {"subprocess"}, {"ipvsadm"},
                     id="subprocess-list"),
        pytest.param("from subprocess import check_output as co\nco('nft list ruleset', shell=True)",
                     {"subprocess"}, {"nft"}, id="subprocess-from-import-string"),
        pytest.param("import shutil\nshutil.which('dot')", {"shutil"}, {"dot"}, id="shutil-which"),
        pytest.param("table.run('nat')\nrules.call('filter')", set(), set(), id="other-run-methods-ignored"),
        pytest.param("import graphviz", {"graphviz"}, {"dot"}, id="graphviz-needs-dot"),
        pytest.param("try:\n    import orjson\nexcept ImportError:\n    orjson = None", set(), set(),
                     id="optional-import-ignored"),
        pytest.param("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import numpy",
                     {"typing"}, set(), id="type-checking-import-ignored"),
    ],
)
def test_scanner_finds_imports_and_programs(source, modules, programs):
    assert scan_source(source, ipython=True) == (modules, programs)


def test_requirements_files_parse_and_install_the_course():
    reqs, project = parse_requirements(ROOT / "requirements.txt")
    names = {canonicalize_name(r.name) for r in reqs}
    assert project, "requirements.txt must install the course package itself (-e .)"
    # What a learner and Binder need to open the notebooks.
    assert {"jupyterlab", "ipywidgets", "nbval"} <= names
    # The package's own dependencies (and the serve extra, for a local JupyterLab), pinned the
    # same way in both places.
    deps = {canonicalize_name(Requirement(d).name) for d in _package_requirements()}
    assert deps <= names, f"pyproject dependencies missing from requirements.txt: {deps - names}"
    test_reqs, test_project = parse_requirements(ROOT / "requirements-test.txt")
    test_names = {canonicalize_name(r.name) for r in test_reqs}
    assert test_project and names <= test_names, "requirements-test.txt must include requirements.txt"
    assert {"pytest", "playwright"} <= test_names


def test_runtime_txt_names_the_lowest_supported_python():
    runtime = (ROOT / "runtime.txt").read_text().strip()
    # repo2docker: "runtime.txt ... python-x.y" (Python version to use)
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    requires = pyproject()["project"]["requires-python"]
    assert requires == ">=3.11" and runtime == "python-3.11"


def test_apt_txt_lists_valid_packages_with_graphviz():
    packages = apt_packages()
    # Debian Policy 5.6.1: lower case letters, digits, + - . ; at least two characters.
    bad = [p for p in packages if not re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", p)]
    assert not bad, f"not Debian package names: {bad}"
    assert len(packages) == len(set(packages)), "duplicates in apt.txt"
    assert "graphviz" in packages, "graphviz's `dot` draws the course's pictures"


def test_no_binder_folder_hides_the_top_level_configuration():
    # repo2docker reads only binder/ (or .binder/) when one exists.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


@pytest.mark.parametrize(
    "notebook",
    [pytest.param(nb, id=str(nb.relative_to(ROOT))) for nb in NOTEBOOKS]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no notebooks in notebooks/ or exercises/ yet"))],
)
def test_notebook_imports_come_from_requirements(notebook):
    reqs, project = parse_requirements(ROOT / "requirements.txt")
    deps = [Requirement(d) for d in _package_requirements()] if project else []
    modules, _ = scan_notebook(notebook)
    problems = missing_imports(modules, closure(reqs + deps), project, notebook.parent)
    assert not problems, f"{notebook.relative_to(ROOT)} imports what Binder would not install:\n" + "\n".join(problems)


def _package_requirements() -> list[str]:
    """pyproject's dependencies plus its ``serve`` extra (the server libraries k8snet imports
    lazily, only when a cluster is served; tests/test_lazy_imports.py checks that)."""
    project = pyproject()["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["serve"])


def test_package_imports_come_from_pyproject_dependencies():
    modules, _ = scan_package()
    deps = [Requirement(d) for d in _package_requirements()]
    problems = missing_imports(modules, closure(deps), True, ROOT / PROJECT)
    assert not problems, "k8snet/ imports what pyproject.toml does not declare:\n" + "\n".join(problems)


def test_programs_used_are_installed_by_apt_txt():
    needed: dict[str, set[str]] = {}
    for notebook in NOTEBOOKS:
        for program in scan_notebook(notebook)[1]:
            needed.setdefault(program, set()).add(str(notebook.relative_to(ROOT)))
    for program in scan_package()[1]:
        needed.setdefault(program, set()).add("k8snet/")
    # The runtime dependency on the graphviz binding means `dot` is always needed.
    needed.setdefault("dot", set()).add("pyproject.toml (graphviz)")
    packages = set(apt_packages())
    problems = []
    for program, users in sorted(needed.items()):
        if program in BASE_PROGRAMS:
            continue
        if program not in PROGRAM_PACKAGES:
            problems.append(f"{program} (used by {sorted(users)}): unknown program; "
                            "add it to PROGRAM_PACKAGES in this test and its package to apt.txt")
        elif not PROGRAM_PACKAGES[program] & packages:
            problems.append(f"{program} (used by {sorted(users)}): add one of "
                            f"{sorted(PROGRAM_PACKAGES[program])} to apt.txt")
    assert not problems, "\n".join(problems)


def test_repo2docker_reads_the_configuration():
    if importlib.util.find_spec("repo2docker") is None:
        pytest.skip("jupyter-repo2docker is not installed (it is in requirements-test.txt)")
    out = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", str(ROOT)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    dockerfile = out.stdout + out.stderr
    assert "python=3.11" in dockerfile, "runtime.txt was not used"
    apt_line = re.search(r"apt-get install --yes --no-install-recommends (.+?) &&", dockerfile)
    assert apt_line and sorted(apt_line.group(1).split()) == sorted(apt_packages())
    assert 'pip install --no-cache-dir -r "requirements.txt"' in dockerfile
    # `-e .` needs the repository in the image before pip reads requirements.txt.
    assert dockerfile.index("COPY --chown=0:0 src/ ") < dockerfile.index('-r "requirements.txt"')
