"""Which of kubectl v1.37's flags the simulated kubectl implements, and which it refuses.

Every flag of every command the simulator runs (flagsets.py, read from the real binary) is
here (the global flags below, each command's own in surface_commands.py), with what it does in the simulator (``Support.implemented``) or, for a flag it does not
model, the real-cluster behaviour it stands for (``Support.note``).  A refused flag stops the
command with a message that says so, before anything changes; it is accepted only with a value
that leaves kubectl's behaviour as it is without the flag (``--server-print=true``,
``--recursive=false``), since that prints exactly what the simulator prints.  Nothing is
accepted and ignored.  docs/kubectl-flags.md is this table (``python -m tools.kubectl_surface``
writes it); tests/kubectl/test_surface.py checks that every flag is classified.
"""
from __future__ import annotations

from ..errors import UsageError
from . import flagsets
from .flagsupport import Support, no, yes
from .surface_commands import COMMANDS

__all__ = ["Support", "GLOBAL", "COMMANDS", "support", "check"]

#: Flags every command takes (``kubectl options``).
GLOBAL = {
    "as": no("impersonates a user (needs RBAC; the simulated user is kubernetes-admin)", ""),
    "as-group": no("impersonates a group (needs RBAC)", ()),
    "as-uid": no("impersonates a uid (needs RBAC)", ""),
    "as-user-extra": no("impersonates user extras (needs RBAC)", ()),
    "cache-dir": no("where kubectl caches discovery (the simulator discovers nothing over HTTP)", ""),
    "certificate-authority": no("the CA that verifies a real API server's certificate", ""),
    "client-certificate": no("authenticates to a real API server with a client certificate", ""),
    "client-key": no("the key of that client certificate", ""),
    "cluster": no("picks a kubeconfig cluster (the simulator runs against this Cluster object)", ""),
    "context": no("picks a kubeconfig context (the simulator runs against this Cluster object)", ""),
    "disable-compression": no("turns off gzip for a real server's answers", False),
    "insecure-skip-tls-verify": no("skips verifying a real API server's certificate", False),
    "kubeconfig": no("reads another kubeconfig file (serve() writes one for the real kubectl)", ""),
    "kuberc": no("reads kubectl preferences (aliases, defaults) from a kuberc file", ""),
    "log-flush-frequency": no("how often klog flushes (kubectl's logs are not simulated)", "5s"),
    "match-server-version": no("requires the server's version to equal kubectl's", False),
    "namespace": yes("the namespace the command works in"),
    "password": no("basic authentication to a real API server", ""),
    "profile": no("writes a Go profile of kubectl itself", "none"),
    "profile-output": no("the file of that profile", "profile.pprof"),
    "proxy-url": no("reaches a real API server through a proxy", ""),
    "request-timeout": no("bounds each HTTP request to a real API server", "0"),
    "server": no("the address of a real API server", ""),
    "tls-server-name": no("the TLS server name for a real API server", ""),
    "token": no("a bearer token for a real API server", ""),
    "user": no("picks a kubeconfig user", ""),
    "username": no("basic authentication to a real API server", ""),
    "v": no("klog verbosity: from -v=1 kubectl logs its feature gates, from -v=6 each HTTP request, to stderr "
            "(not simulated); -v=0 and below print nothing extra, so they are accepted"),
    "vmodule": no("per-file klog verbosity", ""),
    "warnings-as-errors": no("turns the server's warnings into a failure", False),
}


def support(path: str, name: str) -> Support | None:
    """How the simulator treats ``--name`` of ``kubectl path`` (None: not a flag of it)."""
    return COMMANDS.get(path, {}).get(name) or GLOBAL.get(name)


def _same(value, accepted) -> bool:
    if isinstance(value, bool) or isinstance(accepted, bool):
        return value is accepted
    return str(value) == str(accepted) or (value == () and accepted == ())


def check(path: str, flags: dict) -> None:
    """Refuse the first flag given that the simulator does not model (UsageError), unless its
    value leaves kubectl's behaviour as it is without the flag."""
    for key, value in flags.items():
        found = support(path, key[2:])
        if found is None or found.implemented or any(_same(value, a) for a in found.accepts):
            continue
        if key == "--v" and int(str(value)) <= 0:  # klog: nothing is logged at level 0 or below
            continue
        shown = f"--{key[2:]}" if isinstance(value, bool) and value else f"--{key[2:]}={_text(value)}"
        raise UsageError(f"error: k8snet does not simulate {shown} for `kubectl {path}` (real kubectl: "
                         f"{found.note}); leave the flag out, or run the real kubectl against cluster.serve()")


def _text(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value).lower() if isinstance(value, bool) else str(value)


def unclassified() -> list[str]:
    """Flags of flagsets.py that this table does not classify (the tests want none)."""
    out = [f"(global) --{r.split('|')[1]}" for r in flagsets.GLOBAL if r.split("|")[1] not in GLOBAL]
    for path, rows in flagsets.COMMANDS.items():
        out += [f"{path} --{r.split('|')[1]}" for r in rows if r.split("|")[1] not in COMMANDS.get(path, {})]
    return out
