"""Reading manifests: YAML text, files, folders, dicts -> a list of API objects.

Mirrors what ``kubectl apply -f`` reads: several documents separated by ``---``, ``.yaml``,
``.yml`` and ``.json`` files, a folder of them (sorted by name, not recursive, as kubectl
without ``-R``), and ``kind: List`` wrappers.  Broken YAML names the document and the line.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ManifestError

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


def _parse_text(text: str, source: str) -> list[Document]:
    out: list[Document] = []
    for index, (first, body) in enumerate(_split(text), start=1):
        try:
            data = yaml.load(body, Loader=_LOADER)
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


def _expand(data: Any, source: str, index: int, line: int) -> list[Document]:
    if not isinstance(data, dict):
        raise ManifestError(
            f"error: error parsing {source}: document {index} (line {line}) is a "
            f"{type(data).__name__}, not an object: a manifest needs apiVersion, kind and metadata")
    if data.get("kind") == "List" or (data.get("kind", "").endswith("List") and "items" in data):
        docs = []
        for item in data.get("items") or []:
            docs.extend(_expand(item, source, index, line))
        return docs
    missing = [f"{f} not set" for f in ("apiVersion", "kind") if not data.get(f)]
    if missing:
        raise ManifestError(
            f"error: error validating \"{source}\": error validating data: [{', '.join(missing)}] "
            f"(document {index}, line {line})")
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
        raise ManifestError(f"cannot read objects from a {type(source).__name__}: "
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
