"""``python -m k8snet dns``: serve a simulated cluster's DNS for dig and friends.

    python -m k8snet dns -f manifests/ --port 5353
    dig @127.0.0.1 -p 5353 web.default.svc.cluster.local
"""
from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m k8snet``."""
    args = _parser().parse_args(argv)
    if args.command == "dns":
        return run_dns(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
