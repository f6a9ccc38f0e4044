"""kubectl's Go ``encoding/json`` and ``fmt`` renderings: they live in :mod:`k8snet.gojson`
(outside this package, so a cluster's bootstrap can write go-yaml text without loading
kubectl); these names stay importable from here."""
from __future__ import annotations

from ..gojson import format_float, format_value, marshal, sprint

__all__ = ["marshal", "format_value", "format_float", "sprint"]
