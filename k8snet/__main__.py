"""``python -m k8snet dns|serve``: serve a simulated cluster to real tools.

    python -m k8snet dns -f manifests/ --port 5353
    dig @127.0.0.1 -p 5353 web.default.svc.cluster.local

    python -m k8snet serve -f manifests/          # prints: export KUBECONFIG=...
    kubectl get pods -o wide
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m k8snet",
                                     description="Tools around a simulated Kubernetes cluster.")
    commands = parser.add_subparsers(dest="command", required=True)
    dns = commands.add_parser("dns", help="serve the cluster's DNS (UDP and TCP) until Ctrl-C",
                              description="Build a cluster, apply manifests, and answer DNS "
                                          "queries as its CoreDNS would.")
    dns.add_argument("-f", "--filename", action="append", default=[], metavar="FILE_OR_DIR",
                     help="a YAML file or a folder of them to apply (repeatable)")
    dns.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    dns.add_argument("--port", type=int, default=5353, help="port to listen on, 0 for any free one "
                                                            "(default: 5353)")
    dns.add_argument("--seed", type=int, default=0, help="the cluster's seed (default: 0)")
    srv = commands.add_parser("serve", help="serve a cluster to kubectl, curl and dig until Ctrl-C",
                              description="Build a cluster, apply manifests, and serve it: a Kubernetes API "
                                          "server for kubectl, NodePorts on 127.0.0.1, and its DNS server.")
    srv.add_argument("-f", "--filename", action="append", default=[], metavar="FILE_OR_DIR",
                     help="a YAML file or a folder of them to apply (repeatable)")
    srv.add_argument("--port", type=int, default=0, help="the API server's port (default: 0, any free one)")
    srv.add_argument("--kubeconfig", default=None, metavar="PATH",
                     help="where to write the kubeconfig (default: a new temporary file)")
    srv.add_argument("--nodes", type=int, default=2, help="how many nodes (default: 2)")
    srv.add_argument("--seed", type=int, default=0, help="the cluster's seed (default: 0)")
    return parser


def run_dns(args: argparse.Namespace, stop: threading.Event | None = None, out=None) -> int:
    """Build ``Cluster(seed)``, apply each ``-f``, serve until Ctrl-C (or ``stop`` is set)."""
    from . import Cluster
    from .dns import serve

    out = out or sys.stdout
    cluster = Cluster(seed=args.seed)
    for path in args.filename:
        for line in cluster.apply(path):
            print(line, file=out)
    server = serve(cluster, host=args.host, port=args.port)
    print(f"k8snet DNS for cluster.local listening on {server.host}:{server.port} (UDP and TCP)",
          file=out)
    print(f"try: dig @{server.host} -p {server.port} kubernetes.default.svc.cluster.local",
          file=out, flush=True)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        print("stopping", file=out)
    finally:
        server.stop()
    return 0


def run_serve(args: argparse.Namespace, stop: threading.Event | None = None, out=None) -> int:
    """Build ``Cluster(nodes, seed)``, apply each ``-f``, serve until SIGINT/SIGTERM (or
    ``stop`` is set); exit status 0 after a clean stop, 1 when it cannot start."""
    from . import Cluster
    from .errors import K8sNetError

    out = out or sys.stdout
    try:
        cluster = Cluster(args.nodes, seed=args.seed)
        for path in args.filename:
            for line in cluster.apply(path):
                print(line, file=out)
        server = cluster.serve(port=args.port, kubeconfig=args.kubeconfig)
    except K8sNetError as e:
        print(f"error: {e}" if not str(e).startswith("error") else str(e), file=sys.stderr)
        return 1
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    print(f"Kubernetes control plane is running at {server.url}", file=out)
    print(f"CoreDNS answers on 127.0.0.1 port {server.dns_port} (UDP and TCP)", file=out)
    for port, svc in sorted(server.nodeports.items()):
        print(f"NodePort {port} ({svc}): http://127.0.0.1:{port}/", file=out)
    print("In another terminal:", file=out)
    print(f"export KUBECONFIG={server.kubeconfig}", file=out, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    print("stopped", file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m k8snet``."""
    from .errors import K8sNetError
    args = _parser().parse_args(argv)
    try:
        if args.command == "dns":
            return run_dns(args)
        if args.command == "serve":
            return run_serve(args)
    except K8sNetError as e:  # a bad manifest, a port in use: the message, not a traceback
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
