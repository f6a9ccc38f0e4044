"""Add compiled bytecode to a zip of Python sources (a wheel, or Pyodide's standard library).

This module runs *inside Pyodide* (tools/site/pycompile.mjs loads it there at build time), so
the bytecode is made by the very interpreter the site runs: the magic number and the bytecode
match, whatever Python builds the site.  Stdlib only.

Why: Pyodide's npm package ships ``python_stdlib.zip`` and PyPI's wheels hold sources only,
and Pyodide runs with ``sys.dont_write_bytecode``, so every import compiled its module from
source in WebAssembly on every page load (``import IPython`` alone took ~3 s).  With the
bytecode in the archives an import only unmarshals it.

The bytecode is hash-based and *unchecked* (PEP 552): the importer uses it without reading the
source's mtime (unpacked wheels get the unpacking time as mtime, which a timestamp pyc would
never match).  Three layouts, chosen per archive by the build:

* ``beside``: ``mod.pyc`` next to ``mod.py`` in the same archive, where ``zipimport`` looks
  for it; sources stay (not used by the site: it doubles the standard library's size);
* ``pycache``: ``__pycache__/mod.<cache_tag>.pyc`` beside ``mod.py``, the layout of an
  unpacked package (the course's own packages: sources stay for tracebacks and ``??``);
* ``sourceless``: ``mod.pyc`` *instead of* ``mod.py`` (the standard library, imported from
  ``/lib/python314.zip``, and third-party wheels: as many files to unpack as before and the
  smallest archive; Python imports a sourceless ``.pyc`` directly, tracebacks into them show
  no source lines).

``skip`` names folders whose sources stay as they are (what cannot run in a browser, such as
``multiprocessing``: compiling it would only make the site bigger); ``drop`` names folders
emptied (the folder stays, empty, for code that lists it) (data the course never uses, e.g. jedi's Django stubs:
each file of a wheel costs time when Pyodide unpacks it at every page load).

``patch`` maps a file of the archive to ``[old, new]`` text replacements made before it is
compiled; each ``old`` must occur exactly once (a new upstream version that changed the line
fails the build instead of being patched blindly).

Wheels keep a correct ``RECORD`` (PEP 376): its rows are rewritten for the files written.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import sys
import warnings
import zipfile

LAYOUTS = ("beside", "pycache", "sourceless")


def _record_row(arc: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arc},sha256={digest},{len(data)}"


def bytecode(source: bytes, filename: str) -> bytes | None:
    """An unchecked hash-based ``.pyc`` of ``source`` (None when it does not compile: the
    source then stays and is compiled on import, as before)."""
    from importlib._bootstrap_external import _code_to_hash_pyc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "\." in old test files
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return None
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


def _pyc_name(arc: str, layout: str) -> str:
    if layout == "pycache":
        folder, _, name = arc.rpartition("/")
        return f"{folder + '/' if folder else ''}__pycache__/{name[:-3]}.{sys.implementation.cache_tag}.pyc"
    return arc + "c"


def apply_patch(arc: str, data: bytes, replacements) -> bytes:
    """``data`` with each ``[old, new]`` of ``replacements`` made; ``old`` must occur once."""
    text = data.decode("utf-8")
    for old, new in replacements:
        if text.count(old) != 1:
            raise ValueError(f"{arc}: expected {old!r} exactly once, found it {text.count(old)} times")
        text = text.replace(old, new)
    return text.encode("utf-8")


def add_bytecode(src: str, dst: str, layout: str, prefix: str, skip=(), drop=(), patch=None) -> int:
    """Write ``dst``: the zip ``src`` with bytecode for each of its ``.py`` files, laid out as
    ``layout``; ``prefix`` + the file's path in the archive is where it will be imported from
    (the code's ``co_filename``).  Entries keep their order and dates (same input, same
    bytes).  Files under a folder named in ``skip`` are left as they are, files under one
    named in ``drop`` are left out, ``patch`` is applied first (see the module's docstring).
    Returns how many files were compiled."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    dropped_folders = tuple(f"{folder}/" for folder in drop)
    skipped_folders = tuple(f"{folder}/" for folder in skip)
    with zipfile.ZipFile(src) as zin:
        everything = [(info, zin.read(info)) for info in zin.infolist()]
    unpatched = dict(patch or {})
    entries = []
    dropped = set()   # RECORD rows to remove
    written = {}      # RECORD rows to add: archive path -> data
    for info, data in everything:
        if info.filename.startswith(dropped_folders):
            dropped.add(info.filename)
            continue
        if info.filename in unpatched:
            data = apply_patch(info.filename, data, unpatched.pop(info.filename))
            dropped.add(info.filename)
            written[info.filename] = data
        entries.append((info, data))
    if unpatched:
        raise ValueError(f"{src}: no {sorted(unpatched)} to patch")
    names = {info.filename for info, _ in entries}
    out: list[tuple[zipfile.ZipInfo, bytes]] = []
    compiled = 0
    for info, data in entries:
        pyc = None
        if (info.filename.endswith(".py") and _pyc_name(info.filename, layout) not in names
                and not info.filename.startswith(skipped_folders)):
            pyc = bytecode(data, prefix + info.filename)
        if pyc is None or layout != "sourceless":
            out.append((info, data))
        else:
            dropped.add(info.filename)
            written.pop(info.filename, None)
        if pyc is not None:
            compiled += 1
            zi = zipfile.ZipInfo(_pyc_name(info.filename, layout), info.date_time)
            zi.external_attr = info.external_attr
            out.append((zi, pyc))
            written[zi.filename] = pyc
    for folder in drop:  # keep the folder itself: jedi lists typeshed/third_party
        zi = zipfile.ZipInfo(f"{folder}/", (1980, 1, 1, 0, 0, 0))
        zi.external_attr = 0o40755 << 16 | 0x10
        out.append((zi, b""))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in out:
            if info.filename.endswith(".dist-info/RECORD"):
                data = _rewrite_record(data, dropped, written)
            info.compress_type = zipfile.ZIP_DEFLATED if data else zipfile.ZIP_STORED
            zout.writestr(info, data)
    return compiled


def _rewrite_record(record: bytes, dropped: set[str], written: dict[str, bytes]) -> bytes:
    rows = [r for r in record.decode("utf-8").splitlines() if r and r.split(",")[0] not in dropped]
    last = [r for r in rows if r.split(",")[0].endswith(".dist-info/RECORD")]
    rows = [r for r in rows if r not in last]
    rows += [_record_row(arc, data) for arc, data in written.items()] + last
    return ("\n".join(rows) + "\n").encode("utf-8")
