"""Run N app processes behind HAProxy: more than one core of Python, and no outage while one
process restarts.

Command line::

    python -m cli.cluster [--replicas 2] [--port 8500] [--bind 127.0.0.1] [--run-dir DIR]
        [--haproxy PATH] [--first-port 8511] [--print-config]

(``make serve REPLICAS=N`` runs it.) Each replica is ``python -m ui.serve`` (kernels compiled
and default analyses kept before it listens) on its own port on 127.0.0.1. The first one is
started and waited for alone, so that it computes and keeps the analyses; the others then
find them kept. HAProxy (Debian's ``haproxy``) listens on ``--bind:--port`` and:

- keeps each browser on one process with a cookie (``PRECISION_NODE``), because a Streamlit
  session and its WebSocket, uploads and media live in one process's memory;
- passes WebSockets (HTTP upgrade, ``timeout tunnel``);
- checks each process's ``/_stcore/health`` every 2 s and sends no one to a process that is
  down or restarting; a browser whose process went away is sent to another (it reconnects
  and, with its sign-in cookie, stays signed in).

Every file that sessions write is shared safely by the processes (locks and atomic
replacement: ``core.files``); ``tests/processes/test_two_processes.py`` proves it. A replica
that exits is started again. Ctrl-C or SIGTERM stops HAProxy and every replica. Exit codes:
0 stopped on request, 2 misconfigured (HAProxy missing, a port in use, a replica that never
became healthy).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from core.settings import REPO_DIR

#: The cookie HAProxy sets to keep a browser on one process.
NODE_COOKIE = "PRECISION_NODE"


def haproxy_config(bind: str, port: int, replica_ports: Sequence[int]) -> str:
    """The HAProxy configuration: one frontend, one backend of the replicas, sticky by cookie,
    health-checked on ``/_stcore/health``.

    Parameters
    ----------
    bind : str
        Address the proxy listens on (e.g. ``127.0.0.1`` or ``0.0.0.0``).
    port : int
        Its port.
    replica_ports : sequence of int
        Ports of the app processes on 127.0.0.1.
    """
    servers = "\n".join(
        f"    server app{i} 127.0.0.1:{p} check inter 2s fall 2 rise 1 cookie app{i}"
        for i, p in enumerate(replica_ports, 1)
    )
    return f"""# Made by python -m cli.cluster: {len(replica_ports)} app processes behind one address.
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-request 30s

frontend precision
    bind {bind}:{port}
    default_backend app

backend app
    balance roundrobin
    cookie {NODE_COOKIE} insert indirect nocache httponly attr "SameSite=Strict"
    option redispatch
    option httpchk GET /_stcore/health
    http-check expect status 200
{servers}
"""


def healthy(port: int, timeout_s: float = 2.0) -> bool:
    """Whether the app process on 127.0.0.1:``port`` answers its health check."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout_s) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _port_free(bind: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((bind, port))
        except OSError:
            return False
    return True


class Cluster:
    """The replicas and the proxy of one ``python -m cli.cluster`` run."""

    def __init__(self, replica_ports: Sequence[int], run_dir: Path, haproxy: str) -> None:
        self.ports = list(replica_ports)
        self.run_dir = run_dir
        self.haproxy = haproxy
        self.replicas: dict[int, subprocess.Popen[bytes]] = {}
        self.proxy: subprocess.Popen[bytes] | None = None

    def start_replica(self, port: int) -> None:
        """Start ``python -m ui.serve`` on ``port`` (its output to ``run_dir/app-<port>.log``)."""
        log = open(self.run_dir / f"app-{port}.log", "ab")  # noqa: SIM115 - the process writes it until it ends
        self.replicas[port] = subprocess.Popen(
            [
                *(sys.executable, "-m", "ui.serve"),
                *("--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"),
            ],
            cwd=REPO_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, ports: Sequence[int], timeout_s: float) -> list[int]:
        """Wait for the replicas on ``ports``; return those not healthy by then."""
        deadline = time.monotonic() + timeout_s
        waiting = list(ports)
        while waiting and time.monotonic() < deadline:
            waiting = [p for p in waiting if not healthy(p) and self.replicas[p].poll() is None]
            waiting += [p for p in ports if self.replicas[p].poll() is not None and p not in waiting]
            if waiting:
                time.sleep(0.5)
        return waiting

    def start_proxy(self, config: str) -> None:
        """Write the configuration and start HAProxy in the foreground (``-db``)."""
        path = self.run_dir / "haproxy.cfg"
        path.write_text(config, encoding="utf-8")
        subprocess.run([self.haproxy, "-c", "-q", "-f", str(path)], check=True)
        self.proxy = subprocess.Popen([self.haproxy, "-db", "-f", str(path)])

    def supervise(self) -> None:
        """Start again any replica that exited (HAProxy sends no one to it meanwhile)."""
        for port, proc in list(self.replicas.items()):
            if proc.poll() is not None:
                print(f"cluster: app process on {port} exited ({proc.returncode}); starting it again", flush=True)
                self.start_replica(port)

    def stop(self) -> None:
        """Stop the proxy, then every replica."""
        for proc in [self.proxy, *self.replicas.values()]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [self.proxy, *self.replicas.values()]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(argv: Sequence[str] | None = None) -> int:
    """Start the cluster and supervise it until Ctrl-C or SIGTERM; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m cli.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="the proxy's port (default 8500)")
    parser.add_argument("--bind", default="127.0.0.1", help="the proxy's address (default 127.0.0.1)")
    parser.add_argument("--first-port", type=int, default=8511, help="first app process's port (default 8511)")
    parser.add_argument("--run-dir", type=Path, help="where the configuration and logs go (default: a temp folder)")
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds a replica may take to start")
    parser.add_argument(
        "--print-config", action="store_true", help="print HAProxy's configuration for these ports and stop (systemd)"
    )
    args = parser.parse_args(argv)
    if args.replicas < 1:
        print("error: --replicas must be at least 1", file=sys.stderr)
        return 2
    if not Path(args.haproxy).exists():
        print(f"error: HAProxy not found at {args.haproxy} (Debian: apt-get install haproxy)", file=sys.stderr)
        return 2
    ports = [args.first_port + i for i in range(args.replicas)]
    if args.print_config:
        print(haproxy_config(args.bind, args.port, ports), end="")
        return 0
    busy = [p for p in [args.port, *ports] if not _port_free("127.0.0.1" if p != args.port else args.bind, p)]
    if busy:
        print(f"error: port(s) in use: {', '.join(map(str, busy))}", file=sys.stderr)
        return 2
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="precision-cluster-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(ports, run_dir, args.haproxy)
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        cluster.start_replica(ports[0])  # alone first: it keeps the default analyses for the others
        late = cluster.wait_healthy(ports[:1], args.start_timeout)
        for port in ports[1:]:
            cluster.start_replica(port)
        late += cluster.wait_healthy(ports[1:], args.start_timeout)
        if late:
            print(f"error: app process(es) on {late} did not start; see {run_dir}", file=sys.stderr)
            return 2
        cluster.start_proxy(haproxy_config(args.bind, args.port, ports))
        print(f"cluster: {args.replicas} app processes behind http://{args.bind}:{args.port} (logs: {run_dir})")
        while not stopping:
            if cluster.proxy is not None and cluster.proxy.poll() is not None:
                print("error: HAProxy stopped", file=sys.stderr)
                return 2
            cluster.supervise()
            time.sleep(1)
        return 0
    finally:
        cluster.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module's docstring)."""
    return run(argv)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
