"""Programs run inside containers (``kubectl exec POD -- curl ...``), and ``rollout status``.

Which tools an image has follows the real images: busybox has ``wget`` and ``nslookup`` but
no ``curl``; the nginx image (Debian) has ``curl``; ``curlimages/curl`` has ``curl``;
distroless/scratch images such as http-echo have no shell and no tools at all.  What each
tool prints on success and failure follows curl 8, busybox wget and busybox nslookup.
"""
from __future__ import annotations

import hashlib
import shlex
from urllib.parse import urlsplit

from ..errors import K8sNetError, UsageError

from .output import Printed
__all__ = ["exec_in_pod", "check_container", "run_in_temporary_pod", "rollout_status", "TOOLS"]

_ALL = {"curl", "wget", "nslookup", "cat", "env", "printenv", "hostname", "sh", "dig"}
#: image name (last path element, no tag) -> the programs it ships
TOOLS = {
    "busybox": {"wget", "nslookup", "cat", "env", "printenv", "hostname", "sh"},
    "alpine": {"wget", "nslookup", "cat", "env", "printenv", "hostname", "sh"},
    "curl": {"curl", "wget", "nslookup", "cat", "env", "printenv", "hostname", "sh"},  # Alpine + busybox
    "nginx": {"curl", "cat", "env", "printenv", "hostname", "sh"},
    "netshoot": _ALL, "dnsutils": {"nslookup", "dig", "cat", "env", "printenv", "hostname", "sh"},
    "ubuntu": {"cat", "env", "printenv", "hostname", "sh"}, "debian": {"cat", "env", "printenv", "hostname", "sh"},
    "http-echo": set(), "echo-basic": set(), "coredns": set(),
    "kube-proxy": set(),  # distroless-iptables: iptables, nft, conntrack; no shell, no curl
}


def _tools(pod: dict) -> set[str]:
    image = pod["spec"]["containers"][0]["image"]
    name = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    return TOOLS.get(name, _ALL)


def _pod(cluster, name: str, namespace: str) -> dict:
    pod = cluster.store.get("Pod", namespace, name)
    if pod is None:
        raise K8sNetError(f'Error from server (NotFound): pods "{name}" not found')
    if not (pod.get("status") or {}).get("podIP"):
        raise K8sNetError(f"error: unable to upgrade connection: container not found (\"{pod['spec']['containers'][0]['name']}\")")
    return pod


def exec_in_pod(cluster, name: str, namespace: str, argv: list[str], container: str | None = None) -> str:
    """What ``kubectl exec NAME -n NAMESPACE [-c CONTAINER] -- argv...`` prints."""
    pod = _pod(cluster, name, namespace)
    check_container(pod, container)
    out, code = _program(cluster, pod, argv)
    if code > 0:
        out += f"command terminated with exit code {code}\n"
    return Printed(out, code if code >= 0 else 1)  # kubectl exec exits with the program's status


def check_container(pod: dict, container: str | None) -> None:
    """kubectl's own check of ``-c`` (polymorphichelpers/attachablepodforobject and logs):
    the name must be one of the pod's containers."""
    names = [c["name"] for c in pod["spec"]["containers"]]
    if container and container not in names:
        raise K8sNetError(f"error: container {container} is not valid for pod {pod['metadata']['name']} "
                          f"out of: {', '.join(names)}")


def _program(cluster, pod: dict, argv: list[str]) -> tuple[str, int]:
    prog = argv[0].rsplit("/", 1)[-1]
    if prog in ("sh", "bash", "/bin/sh") and len(argv) >= 3 and argv[1] == "-c":
        return _program(cluster, pod, shlex.split(argv[2]))
    if prog not in _tools(pod):
        # The kubelet wraps the runtime's error once (apierrors.NewInternalError), and kubectl
        # prints the error channel's Status message after "error: " (remotecommand errorDecoderV4).
        # containerd names the exec by a random 64-hex id; here it is derived from the pod and argv.
        exec_id = hashlib.sha256(f"{pod['metadata'].get('uid', '')}/{argv}".encode()).hexdigest()
        msg = (f'error: Internal error occurred: error executing command in container: '
               f'failed to exec in container: failed to start exec "{exec_id}": OCI runtime exec failed: '
               f'exec failed: unable to start container process: exec: "{argv[0]}": executable file not found '
               f'in $PATH: unknown')
        return msg + "\n", -1  # not the program's status: the exec itself failed (kubectl exits 1)
    ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
    if prog == "cat" and argv[1:] == ["/etc/resolv.conf"]:
        return cluster.resolv_conf(ref), 0
    if prog == "cat" and argv[1:] == ["/etc/hosts"]:
        from ..dnsview import etc_hosts
        return etc_hosts(cluster, ref), 0
    if prog in ("env", "printenv"):
        return "".join(f"{k}={v}\n" for k, v in cluster.pod_env(ref)), 0
    if prog == "hostname":
        from ..dnsview import pod_hostname
        name, domain = pod_hostname(cluster, pod)
        if argv[1:] in (["-f"], ["--fqdn"], ["--long"]):
            # hostname -f looks the hostname up (/etc/hosts first): the kubelet wrote the FQDN there.
            return (f"{name}.{domain}" if domain else name) + "\n", 0
        if argv[1:] in (["-i"], ["--ip-address"]):
            return " ".join(ln.split("\t")[0] for ln in etc_hosts_lines(cluster, ref, name)) + "\n", 0
        return name + "\n", 0
    if prog == "nslookup":
        names = [a for a in argv[1:] if not a.startswith("-")]
        if not names:
            raise UsageError("nslookup: a name to look up is required")
        return cluster.nslookup(names[0], from_pod=ref)
    if prog in ("curl", "wget"):
        from ..podlogs import CLIENT_AGENT, CURL_AGENT, WGET_AGENT
        token = CLIENT_AGENT.set(CURL_AGENT if prog == "curl" else WGET_AGENT)  # for the app's access log
        try:
            return (_curl if prog == "curl" else _wget)(cluster, ref, argv[1:])
        finally:
            CLIENT_AGENT.reset(token)
    return f"{prog}: not simulated here\n", 127


def etc_hosts_lines(cluster, ref: str, name: str) -> list[str]:
    """The lines of the pod's /etc/hosts that name ``name`` (``hostname -i`` prints their addresses)."""
    from ..dnsview import etc_hosts
    return [ln for ln in etc_hosts(cluster, ref).splitlines()
            if ln and not ln.startswith("#") and name in ln.split("\t")[1:]]


def _curl(cluster, ref: str, args: list[str]) -> tuple[str, int]:
    # Short options combine as in curl ("-sI" is "-s -I"; "-sSm 3" ends with an option that
    # takes the next argument).
    args = _split_short(args)
    url, headers, method, include, head, timeout, i = None, {}, "GET", False, False, None, 0
    while i < len(args):
        a = args[i]
        if a in ("-H", "--header"):
            k, _, v = args[i + 1].partition(":")
            headers[k.strip()] = v.strip()
            i += 1
        elif a in ("-X", "--request"):
            method = args[i + 1]
            i += 1
        elif a in ("-m", "--max-time", "--connect-timeout"):
            timeout = float(args[i + 1])
            i += 1
        elif a in ("-i", "--include"):
            include = True
        elif a in ("-I", "--head"):
            head, method = True, "HEAD"
        elif a.startswith("-"):
            pass  # -s, -S, -v, -k, -L ... change nothing we print
        else:
            url = a
        i += 1
    if url is None:
        return "curl: try 'curl --help' or 'curl --manual' for more information\n", 2
    if "://" not in url:
        url = "http://" + url
    r = cluster.request(url, from_pod=ref, method=method, headers=headers or None)
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    if r.error == "could not resolve host":
        return f"curl: (6) Could not resolve host: {host}\n", 6
    # curl 8.x words: curl_easy_strerror(CURLE_COULDNT_CONNECT) is "Could not connect to server"
    # (it said "Couldn't" before 8.7); a refused connect fails at once ("after 0 ms").
    if r.error == "connection refused":
        return f"curl: (7) Failed to connect to {host} port {port} after 0 ms: Could not connect to server\n", 7
    if r.error == "connection timed out":
        if timeout is not None:  # multi.c: the -m timer fires while still CONNECTING
            return f"curl: (28) Connection timed out after {int(timeout * 1000) + 1} milliseconds\n", 28
        # No -m: the kernel gives up on the SYN (tcp_syn_retries 6, about 130 s).
        return (f"curl: (28) Failed to connect to {host} port {port} after 134054 ms: "
                f"Could not connect to server\n"), 28
    if r.error:
        return f"curl: (56) Recv failure: {r.error}\n", 56
    text = ""
    if include or head:
        text += f"HTTP/1.1 {r.status} {_reason(r.status)}\r\n"
        text += "".join(f"{k}: {v}\r\n" for k, v in (r.headers or {}).items()) + "\r\n"
    if not head:
        text += r.body or ""
    return text, 0


def _split_short(args: list[str]) -> list[str]:
    """curl's combined short options ("-sI" -> "-s", "-I"); other arguments as they are."""
    out = []
    for a in args:
        if len(a) > 2 and a[0] == "-" and a[1] != "-" and a[1:].isalpha():
            out += [f"-{ch}" for ch in a[1:]]
        else:
            out.append(a)
    return out


def _wget(cluster, ref: str, args: list[str]) -> tuple[str, int]:
    urls = [a for a in args if not a.startswith("-") and a not in ("-",)]
    if not urls:
        return "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] URL\n", 1
    url = urls[-1] if "://" in urls[-1] else "http://" + urls[-1]
    quiet = any(a.startswith("-q") or a == "-qO-" for a in args)
    r = cluster.request(url, from_pod=ref)
    parts = urlsplit(url)
    host = parts.hostname or ""
    out = "" if quiet else f"Connecting to {parts.netloc} ({host}:{parts.port or 80})\n"
    if r.error == "could not resolve host":
        return f"wget: bad address '{parts.netloc}'\n", 1
    if r.error == "connection refused":
        return out + f"wget: can't connect to remote host: Connection refused\n", 1
    if r.error == "connection timed out":
        return out + "wget: download timed out\n", 1
    if r.status and r.status >= 400:
        return out + f"wget: server returned error: HTTP/1.1 {r.status} {_reason(r.status)}\n", 1
    return out + (r.body or ""), 0


def _reason(status: int | None) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except (ValueError, TypeError):
        return ""


def run_in_temporary_pod(cluster, pod: dict, argv: list[str], flags) -> str:
    """``kubectl run tmp --rm -it --image=busybox --restart=Never -- wget -qO- http://web``."""
    stored = cluster.api.create(pod)
    cluster.controllers.run()
    name, ns = stored["metadata"]["name"], stored["metadata"]["namespace"]
    try:
        out, code = _program(cluster, cluster.store.get("Pod", ns, name), argv)
    finally:
        cluster.delete(f"pod/{name}", ns)
    text = out + f'pod "{name}" deleted from {ns} namespace\n'
    if code > 0:
        text += f"pod {ns}/{name} terminated (Error)\n"
    return Printed(text, 1 if code else 0)


def rollout_status(cluster, targets, namespace: str, timeout: float = 600.0, limit: float | None = None) -> str:
    """``kubectl rollout status``: waits (advancing the simulated clock) and prints progress;
    ``limit`` is ``--timeout``: kubectl stops watching with ``timed out waiting for the condition``."""
    lines: list[str] = []
    failed = False
    for res, names in targets:
        for n in names:
            waited = 0.0
            while True:
                obj = cluster.get(res.plural, n, namespace)
                msg, done = _rollout_message(obj)
                if not lines or lines[-1] != msg:
                    lines.append(msg)
                if done:
                    break
                if limit is not None and waited >= limit:
                    lines.append("error: timed out waiting for the condition")
                    return Printed("".join(line + "\n" for line in lines), 1)
                if waited >= timeout:
                    lines.append(f'error: {res.kind.lower()} "{n}" exceeded its progress deadline')
                    failed = True
                    break
                cluster.advance(1)
                waited += 1
    return Printed("".join(line + "\n" for line in lines), 1 if failed else 0)


def _rollout_message(obj: dict) -> tuple[str, bool]:
    name, kind = obj["metadata"]["name"], obj["kind"]
    spec, st = obj["spec"], obj.get("status") or {}
    replicas = spec.get("replicas", 1)
    if kind == "Deployment":
        if st.get("observedGeneration", 0) < obj["metadata"].get("generation", 1):
            return "Waiting for deployment spec update to be observed...", False
        updated, total, avail = st.get("updatedReplicas", 0), st.get("replicas", 0), st.get("availableReplicas", 0)
        if updated < replicas:
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} '
                    f"new replicas have been updated..."), False
        if total > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas '
                    f"are pending termination..."), False
        if avail < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {avail} of {updated} updated '
                    f"replicas are available..."), False
        return f'deployment "{name}" successfully rolled out', True
    if kind == "StatefulSet":
        ready = st.get("readyReplicas", 0)
        if ready < replicas:
            return f"Waiting for {replicas - ready} pods to be ready...", False
        return f"partitioned roll out complete: {replicas} new pods have been updated...", True
    raise UsageError(f"error: no status viewer has been implemented for {kind}")
