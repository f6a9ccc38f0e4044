"""Keeps every test run — unit tests, strict nbval over notebooks/ and exercises/, the browser
tests' JupyterLab — away from the learner's real progress file (``~/.k8snet/progress.json``):
checks in a test session record into a temporary file instead (kernels inherit the variable)."""
import os
import tempfile

# Always a fresh file, even when the shell sets K8SNET_PROGRESS: nbval compares what the
# exercise notebooks print about saved progress, so a learner's own file must not leak in.
os.environ["K8SNET_PROGRESS"] = os.path.join(tempfile.mkdtemp(prefix="k8snet-progress-"), "progress.json")
