"""NetworkPolicy matrix, 1,000 pods x 300 policies, beside network-config-analyzer.

network-config-analyzer (IBM's ``nca``, on PyPI) computes the same connectivity from the
same YAML.  It is installed into its own virtual environment (its pinned dependencies must
not disturb the course's), found at ``K8SNET_NCA``, on ``PATH``, or in ``NCA_VENV`` after
``python -m benchmarks --install-nca``.  Its ``--output_format txt_no_fw_rules`` prints one
line per connected pair: ``ns/pod[Pod] => ns/pod[Pod] : {protocols:TCP,dst_ports:80,443}``
or ``All connections``; pairs it does not print are blocked.  We compare TCP/80 verdicts
for every ordered pair of distinct pods (nca does not print a pod to itself).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import netpol_inputs
from .harness import emit

__all__ = ["NCA_VENV", "find_nca", "install_nca", "parse_nca", "run"]

NCA_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "k8snet-bench" / "nca-venv"
_PAIR = re.compile(r"^(\S+)\[Pod\] => (\S+)\[Pod\] : (.*)$")
_CONN = re.compile(r"\{protocols:([A-Z,]+?)(?:,dst_ports:([0-9,\-]+))?\}")


def find_nca() -> str | None:
    """The ``nca`` executable to compare with, or None."""
    for cand in (os.environ.get("K8SNET_NCA"), shutil.which("nca"), str(NCA_VENV / "bin" / "nca")):
        if cand and Path(cand).is_file():
            return cand
    return None


def install_nca() -> str:
    """``pip install network-config-analyzer`` into ``NCA_VENV``; returns what happened."""
    import venv
    if not (NCA_VENV / "bin" / "python").exists():
        venv.create(NCA_VENV, with_pip=True)
    proc = subprocess.run([str(NCA_VENV / "bin" / "python"), "-m", "pip", "install", "-q",
                           "network-config-analyzer"], capture_output=True, text=True)
    return "installed" if proc.returncode == 0 else f"pip failed: {proc.stderr.strip().splitlines()[-1:]}"


def _allows(conn: str, port: int, protocol: str) -> bool:
    if conn.strip() == "All connections":
        return True
    for protos, ports in _CONN.findall(conn):
        if protocol not in protos.split(","):
            continue
        if not ports:
            return True
        for part in ports.split(","):
            lo, _, hi = part.partition("-")
            if int(lo) <= port <= int(hi or lo):
                return True
    return False


def parse_nca(text: str, port: int = 80, protocol: str = "TCP") -> set[tuple[str, str]]:
    """Ordered pod pairs nca says may connect on ``protocol``/``port``."""
    allowed = set()
    for line in text.splitlines():
        m = _PAIR.match(line.strip())
        if m and _allows(m.group(3), port, protocol):
            allowed.add((m.group(1), m.group(2)))
    return allowed


def run(pods: int = 1000, policies: int = 300, cap: float = 300.0) -> None:
    """Our matrix, timed; then nca on the same YAML (if it is there), verdicts compared."""
    import yaml
    from k8snet.netpol import matrix
    data = netpol_inputs(pods, policies)
    t0 = time.perf_counter()
    m = matrix(data["policies"], data["pods"], data["namespaces"], ports=(80,))
    rows = m.rows(80)
    ours_s = time.perf_counter() - t0
    names = [n for n, _ in rows]
    ours = {(names[i], names[j]) for i, (_, cells) in enumerate(rows) for j, ok in enumerate(cells) if ok and i != j}
    pairs = len(names) * (len(names) - 1)
    emit("netpol", seconds=ours_s, pods=pods, policies=policies, allowed=len(ours), pairs=pairs)

    nca = find_nca()
    if nca is None:
        emit("nca", status="not installed (run `python -m benchmarks --install-nca`, needs PyPI)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for key, objs in data.items():
            Path(tmp, f"{key}.yaml").write_text(yaml.safe_dump_all(objs))
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([nca, "--connectivity", "policies.yaml", "--pod_list", "pods.yaml",
                                   "--ns_list", "namespaces.yaml", "--output_format", "txt_no_fw_rules"],
                                  capture_output=True, text=True, cwd=tmp, timeout=cap)
        except subprocess.TimeoutExpired:
            emit("nca", status=f"exceeded {cap:.0f} s cap")
            return
        nca_s = time.perf_counter() - t0
    if proc.returncode != 0:
        emit("nca", status=f"nca failed (exit {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
        return
    theirs = parse_nca(proc.stdout)
    version = subprocess.run([nca, "--version"], capture_output=True, text=True).stdout.strip()
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    emit("nca", seconds=nca_s, version=version, allowed=len(theirs), agree=pairs - len(only_ours) - len(only_theirs),
         pairs=pairs, only_ours=only_ours[:5], only_theirs=only_theirs[:5],
         disagreements=len(only_ours) + len(only_theirs), ratio=nca_s / ours_s if ours_s else None)


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]))
