"""Every manifest the course shows is valid Kubernetes, so a learner can apply it unchanged.

Manifests are collected from the notebooks (``%%apply`` cells and YAML strings in code
cells) and from the exercise modules (scenarios and reference solutions), then checked
against the real Kubernetes OpenAPI schema with ``kubernetes-validate`` (strict: unknown
fields fail).  Gateway API kinds are CRDs, absent from that schema; they are checked by
our own validation (tests/apiserver) instead.  A manifest a lesson breaks on purpose says so
with a ``# invalid on purpose`` comment and is skipped.
"""
from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")

ROOT = Path(__file__).resolve().parents[2]
K8S_VERSION = "1.33.0"  # the newest minor the course teaches with a published schema line
CORE_GROUPS = ("v1", "apps/v1", "discovery.k8s.io/v1", "networking.k8s.io/v1")
ON_PURPOSE = "invalid on purpose"


def _docs(text: str):
    if ON_PURPOSE in text or "____" in text:
        return []
    try:
        docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    except yaml.YAMLError:
        return []
    out = []
    for d in docs:
        if d.get("kind") == "List":
            out.extend(i for i in d.get("items") or [] if isinstance(i, dict))
        elif "apiVersion" in d and "kind" in d:
            out.append(d)
    return out


def _strings(tree: ast.AST):
    """String literals that look like manifests (f-string pieces are templates, not manifests)."""
    pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "kind:" in node.value \
                and id(node) not in pieces:
            yield node.value


def notebook_manifests():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            if src.startswith("%%apply"):
                texts = [src.split("\n", 1)[1] if "\n" in src else ""]
            else:
                code = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!")))
                try:
                    texts = list(_strings(ast.parse(code)))
                except SyntaxError:
                    texts = []
            for text in texts:
                for doc in _docs(text):
                    yield f"{nb_path.relative_to(ROOT)}:cells[{i}]", doc


def module_manifests():
    import k8snet.grader as grader
    import k8snet.widgets as widgets
    for pkg in (grader, widgets):
        for mod in pkgutil.iter_modules(pkg.__path__):
            path = Path(pkg.__path__[0]) / f"{mod.name}.py"
            for text in _strings(ast.parse(path.read_text())):
                for doc in _docs(text):
                    yield f"{path.relative_to(ROOT)}", doc


def _all():
    rows = list(notebook_manifests()) + list(module_manifests())
    return [pytest.param(doc, id=f"{where}:{doc['kind']}/{(doc.get('metadata') or {}).get('name', '?')}")
            for where, doc in rows if doc["apiVersion"] in CORE_GROUPS]


MANIFESTS = _all()


def test_the_course_has_manifests_to_check():
    assert len(MANIFESTS) > 100


@pytest.mark.parametrize("doc", MANIFESTS)
def test_manifest_is_valid_against_the_kubernetes_openapi_schema(doc):
    """kubernetes-validate --strict: the structure and types the API server's schema allows."""
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        pytest.fail(f"{doc['kind']}/{doc.get('metadata', {}).get('name')}: {e.message} at {list(e.path)}")
