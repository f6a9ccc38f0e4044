"""Small, reproducible wheels and the Pyodide lock file that lists them.

The site's own wheels (k8snet from the repository, PyYAML's pure-Python part from its sdist,
the viz.js renderer) are plain zip files of Python packages: :func:`write_wheel` writes one
with fixed timestamps (same input, same bytes) and the three ``.dist-info`` files a wheel
needs (PEP 427: ``METADATA``, ``WHEEL``, ``RECORD``).

:func:`make_lock` turns Pyodide's ``pyodide-lock.json`` into the site's: only the wheels the
site serves, each with the sha256 of the file it serves (PyPI's wheels are not byte for byte
Pyodide's, so the hashes are recomputed, never copied).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["canonical", "Wheel", "write_wheel", "wheel_info", "make_lock"]

_EPOCH = (1980, 1, 1, 0, 0, 0)


def canonical(name: str) -> str:
    """PEP 503 name, as Pyodide keys its lock: ``Prompt_Toolkit`` -> ``prompt-toolkit``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Wheel:
    """One wheel the site serves, and what the lock says about it."""

    path: Path
    name: str
    version: str
    imports: list[str]
    depends: list[str] = field(default_factory=list)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(out_dir: Path, name: str, version: str, files: dict[str, bytes], *,
                requires: list[str] = (), summary: str = "") -> Path:
    """Write ``{name}-{version}-py3-none-any.whl`` holding ``files`` (archive path -> bytes)."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    meta = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        meta.append(f"Summary: {summary}")
    meta += [f"Requires-Dist: {r}" for r in requires]
    entries = dict(sorted(files.items()))
    entries[f"{info}/METADATA"] = ("\n".join(meta) + "\n").encode()
    entries[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: k8snet tools/site\n"
                                b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = [f"{p},{_record_hash(d)},{len(d)}" for p, d in entries.items()]
    entries[f"{info}/RECORD"] = ("\n".join(record + [f"{info}/RECORD,,"]) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data in entries.items():
            zi = zipfile.ZipInfo(arc, _EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return path


def wheel_info(path: Path) -> tuple[str, str, list[str], list[str]]:
    """(name, version, top-level import names, Requires-Dist names without markers or extras)
    of a downloaded wheel, read from its ``.dist-info``."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(meta_name).decode("utf-8", "replace")
        tops = {n.split("/")[0] for n in names if "/" in n and not n.split("/")[0].endswith((".dist-info", ".data"))}
        tops |= {n[:-3] for n in names if "/" not in n and n.endswith(".py")}
    fields = {}
    requires = []
    for line in meta.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(": ")
        if key == "Requires-Dist":
            if "extra ==" not in value:
                requires.append(canonical(re.split(r"[ ;<>=!~\[(]", value, maxsplit=1)[0]))
        else:
            fields.setdefault(key, value)
    return fields["Name"], fields["Version"], sorted(tops), requires


def make_lock(pyodide_lock: dict, wheels: list[Wheel]) -> dict:
    """The site's lock: Pyodide's ``info`` and one entry per served wheel, hashes recomputed.
    Fails when a wheel depends on a name the site does not serve."""
    served = {canonical(w.name) for w in wheels}
    packages = {}
    for w in sorted(wheels, key=lambda w: canonical(w.name)):
        missing = [d for d in w.depends if canonical(d) not in served]
        if missing:
            raise SystemExit(f"{w.path.name} needs {missing}, which the site does not serve")
        packages[canonical(w.name)] = {
            "depends": sorted(canonical(d) for d in w.depends),
            "file_name": w.path.name,
            "imports": w.imports,
            "install_dir": "site",
            "name": canonical(w.name),
            "package_type": "package",
            "sha256": hashlib.sha256(w.path.read_bytes()).hexdigest(),
            "unvendored_tests": False,
            "version": w.version,
        }
    return {"info": pyodide_lock["info"], "packages": packages}


def dump_json(path: Path, data: dict) -> None:
    """Write ``data`` as indented, key-sorted JSON (a rebuild gives the same bytes)."""
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
