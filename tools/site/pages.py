"""Where GitHub Pages publishes the course site, by GitHub's rule (not by guess).

GitHub Pages ("About GitHub Pages", section "Types of GitHub Pages sites"): a repository named
``<owner>.github.io`` is the owner's user or organization site, published at
``https://<owner>.github.io/``; any other repository ``<owner>/<repo>`` is a project site at
``https://<owner>.github.io/<repo>/``.  Host names are case-insensitive and GitHub writes them
in lower case; the path keeps the repository's case.

The repository's owner comes from ``git remote get-url origin``; a checkout without a remote
(or one not on github.com) has no owner to derive, and README says so rather than guessing.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")


def pages_url(owner: str, repo: str) -> str:
    """The address GitHub Pages gives the site built from ``owner/repo``."""
    host = f"{owner.lower()}.github.io"
    if repo.lower() == host:
        return f"https://{host}/"
    return f"https://{host}/{repo}/"


def github_repository(remote_url: str) -> tuple[str, str] | None:
    """``(owner, repo)`` of a github.com remote URL (https or ssh), else None."""
    match = _GITHUB.match(remote_url.strip())
    return (match["owner"], match["repo"]) if match else None


def origin(root: Path = ROOT) -> tuple[str, str] | None:
    """``(owner, repo)`` of this checkout's ``origin`` remote on github.com, or None."""
    try:
        url = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return github_repository(url)


def main() -> int:
    """``python -m tools.site.pages``: the site's address from the ``origin`` remote."""
    repo = origin()
    if repo is None:
        print("no github.com 'origin' remote: the site is at https://OWNER.github.io/REPO/ "
              "for the repository OWNER/REPO it is published from")
        return 1
    print(pages_url(*repo))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
