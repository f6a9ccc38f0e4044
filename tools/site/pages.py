"""Where the course lives on GitHub, set in one place, and the addresses that follow from it.

The one place: ``pyproject.toml``, ``[project.urls] Repository = "https://github.com/OWNER/REPO"``
(PEP 621's project URLs; also what PyPI shows).  This checkout has no git remote to learn it
from, so an instructor publishing the course from a fork sets it there and runs
``python -m tools.site.pages --write``, which rewrites README's generated blocks:

* the static site's address, by GitHub Pages' rule ("About GitHub Pages", "Types of GitHub
  Pages sites"): a repository named ``<owner>.github.io`` is the owner's user or organization
  site, published at ``https://<owner>.github.io/``; any other repository ``<owner>/<repo>`` is a
  project site at ``https://<owner>.github.io/<repo>/`` (host names are case-insensitive and
  GitHub writes them in lower case; the path keeps the repository's case);
* the Binder link, by mybinder.org's form for a GitHub repository
  (``https://mybinder.org/v2/gh/<owner>/<repo>/<ref>?urlpath=<path in JupyterLab>``).

tests/site/test_pages_workflow.py checks that README's blocks are what this module writes for
the configured repository; ``python -m tools.site.pages`` prints the addresses and says when the
checkout's ``origin`` remote (if any) is another GitHub repository than the configured one.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
README = ROOT / "README.md"
#: The chapter a Binder link opens (the site's front page opens the same one).
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")
#: README's generated blocks: ``<!-- pages:NAME -->`` ... ``<!-- /pages:NAME -->``.
_BLOCK = re.compile(r"(<!-- pages:(?P<name>[a-z]+) [^\n]*-->\n)(?P<body>.*?)(<!-- /pages:(?P=name) -->)", re.S)


def pages_url(owner: str, repo: str) -> str:
    """The address GitHub Pages gives the site built from ``owner/repo``."""
    host = f"{owner.lower()}.github.io"
    if repo.lower() == host:
        return f"https://{host}/"
    return f"https://{host}/{repo}/"


def binder_url(owner: str, repo: str, path: str = FIRST_NOTEBOOK) -> str:
    """mybinder.org's link that builds ``owner/repo`` at its default branch and opens ``path``."""
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/HEAD?urlpath=lab/tree/{path}"


def github_repository(remote_url: str) -> tuple[str, str] | None:
    """``(owner, repo)`` of a github.com URL (https or ssh), else None."""
    match = _GITHUB.match(remote_url.strip())
    return (match["owner"], match["repo"]) if match else None


def configured(pyproject: Path = PYPROJECT) -> tuple[str, str]:
    """``(owner, repo)`` from ``[project.urls] Repository``; a missing or non-GitHub value is an
    error that says where to set it."""
    with open(pyproject, "rb") as f:
        url = tomllib.load(f).get("project", {}).get("urls", {}).get("Repository", "")
    repo = github_repository(url)
    if repo is None:
        raise SystemExit(f"{pyproject.name}: [project.urls] Repository must be https://github.com/OWNER/REPO "
                         f"(the repository the course is published from), not {url!r}")
    return repo


def origin(root: Path = ROOT) -> tuple[str, str] | None:
    """``(owner, repo)`` of this checkout's ``origin`` remote on github.com, or None."""
    try:
        url = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return github_repository(url)


def blocks(owner: str, repo: str) -> dict[str, str]:
    """README's generated blocks for ``owner/repo``, by name."""
    site, binder = pages_url(owner, repo), binder_url(owner, repo)
    return {
        "site": f"**{site}** (GitHub Pages, published from `main` by `.github/workflows/pages.yml`).\n",
        "binder": f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n`{binder}`\n",
    }


def readme_with_links(text: str, owner: str, repo: str) -> str:
    """``text`` (README) with every generated block written for ``owner/repo``; each block of
    :func:`blocks` must be there exactly once."""
    want = blocks(owner, repo)
    found = [m["name"] for m in _BLOCK.finditer(text)]
    if sorted(found) != sorted(want):
        raise SystemExit(f"README.md: expected the generated blocks {sorted(want)} once each, found {found}")
    return _BLOCK.sub(lambda m: m[1] + want[m["name"]] + m[4], text)


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.site.pages [--write]``: the addresses for the configured repository."""
    parser = argparse.ArgumentParser(prog="python -m tools.site.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's generated blocks")
    args = parser.parse_args(argv)
    owner, repo = configured()
    print(f"repository {owner}/{repo} (pyproject.toml [project.urls] Repository)")
    print(f"site   {pages_url(owner, repo)}")
    print(f"binder {binder_url(owner, repo)}")
    remote = origin()
    if remote is not None and [s.lower() for s in remote] != [owner.lower(), repo.lower()]:
        print(f"note: this checkout's origin is {remote[0]}/{remote[1]}: set Repository to "
              f"https://github.com/{remote[0]}/{remote[1]} if the course is published from there")
    if args.write:
        text = README.read_text(encoding="utf-8")
        new = readme_with_links(text, owner, repo)
        if new != text:
            README.write_text(new, encoding="utf-8")
            print("README.md: links rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
