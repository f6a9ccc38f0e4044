"""The course site's ``sitecustomize`` (the build puts it into Pyodide's ``python_stdlib.zip``;
Python's ``site`` imports it at start-up).

In the JupyterLite kernel the working directory is the browser's storage, mounted at
``/drive``, and Pyodide puts ``''`` (the working directory) first on ``sys.path``.  Every
stat of a ``/drive`` path is a synchronous request from the kernel's worker to the page, and
Python's import system stats the working directory once for each top-level module it looks
for there: starting the kernel and ``import k8snet`` made ~125 of them, each one waiting for
the page's busy main thread (measured: tools/site's benchmark, docs/site.md).

So for folders on ``/drive`` this installs a path hook whose finder first asks the rest of
``sys.path`` (the standard library zip and ``site-packages``, in memory).  A module found
there is not looked for on the drive; any other module (the learner's own ``helpers.py``) is
found on the drive as before, and a file written a moment ago is seen at once.  The one
difference from CPython: a file in the notebook's folder does not shadow a module of the
same name the site installs, nor any name of the standard library (``sys.stdlib_module_names``,
also modules this build lacks, which IPython probes for at every start), as with ``python -P``:
a learner's ``yaml.py`` or ``random.py`` cannot break the course.

It also turns off ipywidgets' echo (``JUPYTER_WIDGETS_ECHO=0``, read when ipywidgets is
imported; ipywidgets 8's ``Widget.set_state``).  With echo on, the kernel answers every change a
browser makes to a control by sending the same value back (``echo_update``) before it runs the
control's observers, so that *other* browsers showing the same widget follow, and the one that
made the change knows which of its messages the kernel has seen.  The site's kernel lives in
one page and has one client: the echo is a message the worker builds and the page decodes in
every interaction (docs/site.md), with nobody to tell.  Without it the frontend behaves as it
does with ipywidgets 7 (no echo): a value the kernel changes or refuses still comes back as an
ordinary ``update``.  To have it back: ``ipywidgets.widgets.widget.JUPYTER_WIDGETS_ECHO = True``.
"""
from __future__ import annotations

import os
import sys
from importlib.machinery import FileFinder, PathFinder

DRIVE = "/drive"


def on_drive(path: str) -> bool:
    """Whether ``path`` is the browser-storage mount or under it."""
    return path == DRIVE or path.startswith(DRIVE + "/")


class DriveFinder(FileFinder):
    """A :class:`FileFinder` for a folder on the drive that leaves to the rest of
    ``sys.path`` every module it has."""

    def find_spec(self, fullname, target=None):
        if fullname in sys.stdlib_module_names:
            # The standard library's names never come from the drive, also those this build
            # lacks (Windows' _winapi and winreg, _hashlib...), which IPython and the standard
            # library probe for at every start: ~10 more requests to the page.
            return None
        others = [p for p in sys.path if p and not on_drive(p) and p != self.path]
        if PathFinder.find_spec(fullname, others) is not None:
            return None
        return super().find_spec(fullname, target)


def drive_path_hook(path: str) -> DriveFinder:
    """``sys.path_hooks`` entry: a :class:`DriveFinder` for folders on the drive only."""
    if not on_drive(path):
        raise ImportError("not on the browser drive", path=path)
    from importlib._bootstrap_external import _get_supported_file_loaders
    return DriveFinder(path, *_get_supported_file_loaders())


#: Environment the site's kernel starts with (unless already set): see the module docstring.
ENVIRONMENT = {"JUPYTER_WIDGETS_ECHO": "0"}


def set_environment(environ=os.environ) -> None:
    """Put :data:`ENVIRONMENT` into ``environ``, leaving values already set."""
    for name, value in ENVIRONMENT.items():
        environ.setdefault(name, value)


if sys.platform == "emscripten":
    sys.path_hooks.insert(0, drive_path_hook)
    set_environment()
