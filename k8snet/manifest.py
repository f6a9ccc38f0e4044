"""Reading manifests: YAML text, files, folders, dicts -> a list of API objects.

Mirrors what ``kubectl apply -f`` reads: several documents separated by ``---``, ``.yaml``,
``.yml`` and ``.json`` files, a folder of them (sorted by name, not recursive, as kubectl
without ``-R``), and ``kind: List`` wrappers.  Broken YAML names the document and the line.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .apiserver.store import clone
from .errors import ManifestError, json_kind

__all__ = ["Document", "load"]

# libyaml's C parser when PyYAML was built with it (same YAML 1.1 rules, ~10x faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEPARATOR = re.compile(r"^---(\s.*)?$")
_EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Document:
    """One object read from a source: where it came from (for messages) and the object."""

    source: str
    index: int  # 1-based document number in its file
    line: int  # 1-based line where the document starts
    obj: dict


def _split(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each YAML document."""
    docs, start, buf = [], 1, []
    for n, line in enumerate(text.splitlines(keepends=True), start=1):
        if _SEPARATOR.match(line.rstrip("\n")):
            docs.append((start, "".join(buf)))
            start, buf = n + 1, []
        else:
            buf.append(line)
    docs.append((start, "".join(buf)))
    return docs


@lru_cache(maxsize=256)
def _parsed(body: str) -> Any:
    """One YAML document, parsed once per distinct text.  Notebooks and their widgets apply
    the same manifests again and again (a widget builds a fresh cluster per choice), and in
    the browser PyYAML is pure Python: parsing was a third of a widget's redraw there.
    Callers get a copy (:func:`_parse_text`); what is cached is never handed out."""
    return yaml.load(body, Loader=_LOADER)


def _parse_text(text: str, source: str) -> list[Document]:
    out: list[Document] = []
    for index, (first, body) in enumerate(_split(text), start=1):
        try:
            data = clone(_parsed(body))
        except yaml.YAMLError:
            data = None
            try:  # the pure-Python parser places errors on the line go-yaml reports
                yaml.load(body, Loader=yaml.SafeLoader)
            except yaml.YAMLError as e:
                _raise_yaml_error(e, source, index, first)
        if data is None:
            continue  # an empty document, as kubectl skips it
        out.extend(_expand(data, source, index, first))
    return out


def _raise_yaml_error(e: Exception, source: str, index: int, first: int):
    """kubectl's wording for YAML it cannot read, with the document and the line."""
    mark = getattr(e, "problem_mark", None)
    line = first + mark.line if mark is not None else first
    problem = getattr(e, "problem", None) or str(e)
    raise ManifestError(
        f"error: error parsing {source}: error converting YAML to JSON: "
        f"yaml: line {line}: {problem} (document {index})") from None


def _object_kind_errors(data: dict) -> list[str]:
    """kubectl's client-side check of a document before it is sent (getObjectKind in
    k8s.io/kubectl/pkg/validation): apiVersion and kind must be set, and be strings."""
    errs = []
    for f in ("apiVersion", "kind"):
        v = data.get(f)
        if v is None or v == "":
            errs.append(f"{f} not set")
        elif not isinstance(v, str):
            errs.append(f"{f} isn't string type")
        elif f == "apiVersion" and v.count("/") > 1:
            errs.append(f"unexpected GroupVersion string: {v}")  # schema.ParseGroupVersion
    return errs


def _validation_error(source: str, text: str) -> ManifestError:
    # kubectl's words (resource/visitor.go ValidateBytes): checked before anything is sent.
    return ManifestError(f'error: error validating "{source}": error validating data: {text}; '
                         "if you choose to ignore these errors, turn validation off with --validate=false")


def _expand(data: Any, source: str, index: int, line: int) -> list[Document]:
    # getObjectKind: a document that is not a JSON object (a list, a scalar) cannot be validated.
    if not isinstance(data, dict):
        raise _validation_error(source, "invalid object to validate")
    kind = data.get("kind")
    if isinstance(kind, str) and (kind == "List" or (kind.endswith("List") and "items" in data)):
        items = data.get("items") or []
        if not isinstance(items, list):
            raise _validation_error(source, "invalid object to validate")
        docs = []
        for item in items:
            docs.extend(_expand(item, source, index, line))
        return docs
    errs = _object_kind_errors(data)
    if errs:
        # utilerrors.NewAggregate: one error prints bare, several as "[a, b]".
        raise _validation_error(source, errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")
    return [Document(source, index, line, data)]


def load(source: Any) -> list[Document]:
    """Objects from YAML/JSON text, a path to a file or folder, a dict, or a list of dicts.

    Raises ManifestError (nothing is applied) when any document cannot be read."""
    if isinstance(source, dict):
        return _expand(source, "<dict>", 1, 1)
    if isinstance(source, (list, tuple)):
        docs = []
        for i, item in enumerate(source, start=1):
            docs.extend(_expand(item, "<list>", i, 1))
        return docs
    if isinstance(source, os.PathLike):
        return _load_path(Path(source))
    if not isinstance(source, str):
        raise ManifestError(f"error: cannot read objects from {json_kind(source)}: "
                            "pass YAML text, a path, a dict or a list of dicts")
    if "\n" not in source and ":" not in source:
        return _load_path(Path(source))
    if "\n" not in source and source.endswith(_EXTENSIONS) and Path(source).exists():
        return _load_path(Path(source))
    return _parse_text(source, "STDIN")


def _load_path(path: Path) -> list[Document]:
    if not path.exists():
        raise ManifestError(f'error: the path "{path}" does not exist')
    if path.is_dir():
        docs = []
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix in _EXTENSIONS:
                docs.extend(_parse_text(child.read_text(), str(child)))
        return docs
    return _parse_text(path.read_text(), str(path))
