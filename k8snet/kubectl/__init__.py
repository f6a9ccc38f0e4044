"""kubectl's printing, byte for byte: ``get`` tables, ``describe``, ``-o json|yaml|name|
jsonpath|custom-columns`` and the server warnings kubectl shows.

Everything here is a pure function of API-object dicts (and the simulated ``now``);
``commands.py`` parses command lines and calls these.

* :func:`get_table`, :func:`get_tables`, :func:`no_resources_message` (tableprinter.py)
* :func:`describe` (describe.py, describe_workloads.py, describe_generic.py)
* :func:`to_json`, :func:`to_yaml`, :func:`to_name`, :func:`to_jsonpath`,
  :func:`to_custom_columns`, :func:`as_list` (output.py); :mod:`jsonpath`
* :mod:`warnings`: ``Warning: v1 Endpoints is deprecated in v1.33+; ...``
"""
from __future__ import annotations

from .describe import describe
from .output import as_list, to_custom_columns, to_json, to_jsonpath, to_name, to_yaml
from .tableprinter import get_table, get_tables, kind_prefix, no_resources_message

__all__ = ["get_table", "get_tables", "kind_prefix", "no_resources_message", "describe",
           "to_json", "to_yaml", "to_name", "to_jsonpath", "to_custom_columns", "as_list"]
