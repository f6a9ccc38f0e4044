"""The interactive shell of ``kubectl exec -it POD -- sh`` (k8snet.serve.streams.shell).

Rules: BusyBox ash (prompt ``/ # `` for root in ``/``; ``sh: foo: not found``; ``exit N``),
dash in Debian images (``# ``; ``sh: 1: foo: not found``, counting lines read), the TTY's
canonical mode (echo, backspace erases, Ctrl-C drops the line, Ctrl-D ends the shell, onlcr
turns ``\\n`` into ``\\r\\n``), and the programs of the emulated ``kubectl exec``.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.kubectl import execs
from k8snet.serve.streams.shell import Shell, flavour


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(seed=2)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec: {containers: [{name: bb, image: busybox, command: [sleep, infinity]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
""")
    c.advance(10)
    return c


def _shell(cluster, pod):
    p = cluster.get("pod", pod)
    return Shell(p["spec"]["containers"][0]["image"], lambda argv: execs._program(cluster, p, argv))


ROWS = [  # (rule, pod, typed bytes, what the terminal shows after the first prompt, exit code or None)
    ("tty echo and onlcr", "bb", b"hostname\r", "hostname\r\nbb\r\n/ # ", None),
    ("ash: unknown command", "bb", b"nope\r", "nope\r\nsh: nope: not found\r\n/ # ", None),
    ("dash: unknown command counts the line", "web", b"\rnope\r", "\r\n# nope\r\nsh: 2: nope: not found\r\n# ", None),
    ("backspace erases before the line runs", "bb", b"hostnamx\x7fe\r",
     "hostnamx\b \be\r\nbb\r\n/ # ", None),
    ("Ctrl-C drops the line", "bb", b"cat\x03", "cat^C\r\n/ # ", None),
    ("exit N ends the shell with N", "bb", b"exit 3\r", "exit 3\r\n", 3),
    ("Ctrl-D on an empty line ends it with $?", "bb", b"nope\r\x04", "nope\r\nsh: nope: not found\r\n/ # ", 127),
    ("a pipeline into a busybox filter", "bb", b"wget -qO- http://web | grep title\r",
     "wget -qO- http://web | grep title\r\n<title>Welcome to nginx!</title>\r\n/ # ", None),
    ("&& runs only after success", "bb", b"nope && hostname\r", "nope && hostname\r\nsh: nope: not found\r\n/ # ", None),
    ("; runs both", "bb", b"echo a; hostname\r", "echo a; hostname\r\na\r\nbb\r\n/ # ", None),
]


@pytest.mark.parametrize("rule,pod,typed,shown,code", ROWS, ids=[r[0] for r in ROWS])
def test_shell(cluster, rule, pod, typed, shown, code):
    sh = _shell(cluster, pod)
    assert sh.start() == flavour(cluster.get("pod", pod)["spec"]["containers"][0]["image"])[1].encode()
    assert sh.feed(typed).decode() == shown
    assert sh.exit_code == code


@pytest.mark.parametrize("image,prompt", [("busybox:1.36", "/ # "), ("curlimages/curl", "~ $ "),
                                          ("nginx", "# "), ("alpine", "/ # ")])
def test_prompt_follows_the_image(image, prompt):
    assert flavour(image)[1] == prompt
