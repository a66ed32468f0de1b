"""The workers' init container: it lets a worker start only once its topics exist."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path

from iep_kernel.relay import ensure_topics

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "wait_for_topics.py"


def load():
    spec = importlib.util.spec_from_file_location("iep_deploy_wait_for_topics", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_it_reports_missing_topics_then_returns_once_they_exist(infra) -> None:
    wait = load().wait_for_topics
    topics = [f"deploy-{uuid.uuid4().hex[:8]}.iep.referral.events"]
    assert await wait(infra.bootstrap, topics, timeout=0.1, interval=0.05) == topics
    await ensure_topics(infra.bootstrap, topics)
    assert await wait(infra.bootstrap, topics, timeout=5, interval=0.2) == []


def test_it_refuses_to_run_without_a_broker_or_topics(monkeypatch) -> None:
    monkeypatch.delenv("IEP_KAFKA_BOOTSTRAP", raising=False)
    assert load().main(["iep.referral.events"]) == 2
