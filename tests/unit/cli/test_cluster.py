"""cli.cluster: HAProxy's configuration (sticky cookie, health check, WebSockets), checked by
HAProxy itself, and the command's refusals."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cli.cluster import NODE_COOKIE, haproxy_config, run
from core.settings import REPO_DIR

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def test_the_configuration_keeps_a_browser_on_one_process_and_checks_health():
    config = haproxy_config("127.0.0.1", 8500, [8511, 8512, 8513])
    assert "bind 127.0.0.1:8500" in config
    assert f"cookie {NODE_COOKIE} insert indirect nocache httponly" in config
    assert "option httpchk GET /_stcore/health" in config and "timeout tunnel 1h" in config
    servers = [line.split()[1:3] for line in config.splitlines() if line.strip().startswith("server ")]
    assert servers == [["app1", "127.0.0.1:8511"], ["app2", "127.0.0.1:8512"], ["app3", "127.0.0.1:8513"]]


@pytest.mark.skipif(not Path(HAPROXY).exists(), reason="HAProxy is not installed (make test installs it)")
def test_haproxy_accepts_the_configuration(tmp_path: Path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config("127.0.0.1", 8500, [8511, 8512]))
    checked = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_print_config_and_refusals(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    assert run(["--print-config", "--replicas", "2", "--first-port", "9001", "--port", "9000"]) == 0
    assert "server app2 127.0.0.1:9002" in capsys.readouterr().out
    assert run(["--replicas", "0"]) == 2
    assert run(["--haproxy", str(tmp_path / "no-haproxy")]) == 2
    assert "HAProxy not found" in capsys.readouterr().err


def test_the_systemd_units_start_what_the_readme_says():
    app = (REPO_DIR / "deploy" / "systemd" / "precision-app@.service").read_text()
    proxy = (REPO_DIR / "deploy" / "systemd" / "precision-proxy.service").read_text()
    assert "-m ui.serve --server.port %i --server.address 127.0.0.1" in app
    assert "haproxy -db -f /etc/precision/haproxy.cfg" in proxy and "cli.cluster --print-config" in proxy
    assert (REPO_DIR / "ui" / "serve.py").is_file()
