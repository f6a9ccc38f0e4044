"""graphviz is imported only when a picture is made (STYLE: keep ``import k8snet`` light).

Checked in a fresh interpreter, since this test process has imported graphviz already.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

STEPS = [
    # (id, code run after `import sys`, is graphviz imported afterwards?)
    ("import k8snet", "import k8snet", False),
    ("import k8snet.render", "import k8snet.render", False),
    ("a cluster and a request", "from k8snet import Cluster\nc = Cluster(seed=1)\nc.request('http://kubernetes')",
     False),
    ("cluster.graph()", "from k8snet import Cluster\nCluster(seed=1).graph()", True),
    ("response.graph()", "from k8snet import Cluster\nCluster(seed=1).request('http://x').graph()", True),
]


@pytest.mark.parametrize("name,code,imported", STEPS, ids=[s[0] for s in STEPS])
def test_graphviz_is_imported_lazily(name, code, imported):
    probe = f"import sys\n{code}\nprint('graphviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(imported), out.stderr
