"""Fixtures of the notifications tests: a real SMTP server (aiosmtpd) per test, the
service running against the test's PostgreSQL and broker, and the helpers in
`notices_people` (the other services' events as this service receives them), registered
under a name of their own (every service's test folder is called `tests`)."""

import importlib.util
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from iep_kernel.clock import FixedClock


def _register(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_register("notices_people")

from notices_people import Inbox  # noqa: E402

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch):
    """A real SMTP server on localhost that keeps what it receives; the service's
    `IEP_SMTP_*` settings point at it."""
    from aiosmtpd.controller import Controller

    box = Inbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("IEP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("IEP_SMTP_PORT", str(port))
    monkeypatch.setenv("IEP_SMTP_FROM_ADDRESS", "Lincoln Schools <notices@lincoln.example>")
    monkeypatch.setenv("IEP_NOTIFICATIONS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("IEP_NOTIFICATIONS_RETRY_SECONDS", "60")
    yield box
    box.release()
    controller.stop()


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
async def system(isolation, inbox, clock):
    from iep_notifications.service import service

    return await isolation.system([service], clock=clock)


@pytest.fixture
def runtime(system):
    return system.runtime("notifications")
