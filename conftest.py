"""Keeps every test run — unit tests, strict nbval over notebooks/ and exercises/, the browser
tests' JupyterLab — away from the learner's real progress file (``~/.k8snet/progress.json``):
checks in a test session record into a temporary file instead (kernels inherit the variable)."""
import os
import tempfile

os.environ.setdefault("K8SNET_PROGRESS", os.path.join(tempfile.mkdtemp(prefix="k8snet-progress-"), "progress.json"))
