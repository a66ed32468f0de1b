"""`make up` (`iep up`): the embedded system comes up, serves the APIs and the pages on one
port, and a stop by Ctrl-C or by a service manager's SIGTERM takes its PostgreSQL and broker
down with it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from iep_kernel.testing.infra import free_port


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "iep up exited before it served"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_iep_up_serves_and_stops_with_its_database_and_broker(tmp_path: Path, stop) -> None:
    http, broker = free_port(), free_port()
    env = {**os.environ, "IEP_DATA_DIR": str(tmp_path / "data"), "IEP_HTTP_PORT": str(http),
           "IEP_EMBEDDED_BROKER_PORT": str(broker), "IEP_SERVICES": "referral",
           "IEP_DEMO_SEED": "false", "IEP_DATABASE_URL": "", "IEP_KAFKA_BOOTSTRAP": ""}
    process = subprocess.Popen([sys.executable, "-c", "from iep_kernel.cli import main; main()",
                                "up"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{http}/healthz", process)
        assert httpx.get(f"http://127.0.0.1:{http}/api/referral/referrals").status_code == 401
        assert _listening(broker)
        pid_file = tmp_path / "data" / "pg" / "postmaster.pid"
        assert pid_file.exists()
        process.send_signal(stop)
        assert process.wait(timeout=60) == 0, process.stdout.read().decode()[-2000:]
        assert not _listening(broker)
        assert not pid_file.exists()  # PostgreSQL shut down cleanly and removed its pid file
    finally:
        if process.poll() is None:
            process.kill()
