"""Runs handlers as faust-streaming agents over the `iep.<service>.events` topics.

One faust app per process (its id is the consumer group); one agent per handler, reading
each partition in order. Offsets are committed by faust after the agent has processed an
event, but the effect's truth is the `applied_events` row (see `consumer.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import faust

from iep_kernel.config import topic_for
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.relay import ensure_topics

log = logging.getLogger("iep.streams")


class StreamProcessor:
    """A faust app carrying one agent per subscription."""

    def __init__(
        self,
        app_id: str,
        bootstrap: str,
        subscriptions: Sequence[Subscription],
        *,
        topic_prefix: str = "",
        session_timeout: float = 10.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.subscriptions = list(subscriptions)
        self.topic_prefix = topic_prefix
        self.app = faust.App(
            app_id,
            broker=f"kafka://{bootstrap}",
            store="memory://",
            web_enabled=False,
            topic_disable_leader=True,
            topic_allow_declare=False,
            consumer_auto_offset_reset="earliest",
            broker_session_timeout=session_timeout,
            broker_heartbeat_interval=max(1.0, session_timeout / 5),
            broker_rebalance_timeout=session_timeout * 2,
            stream_wait_empty=False,
            autodiscover=False,
        )
        for sub in self.subscriptions:
            self._add_agent(sub)

    @property
    def topics(self) -> list[str]:
        return sorted({topic_for(source, self.topic_prefix)
                       for sub in self.subscriptions for source in sub.handler.sources})

    def _add_agent(self, sub: Subscription) -> None:
        topics = [topic_for(source, self.topic_prefix) for source in sub.handler.sources]
        channel = self.app.topic(*topics, key_type=bytes, value_type=bytes,
                                 key_serializer="raw", value_serializer="raw")

        async def agent(stream: Any) -> None:
            async for event in stream.events():
                await apply_message(sub, event.message.topic, event.value)

        agent.__name__ = agent.__qualname__ = f"agent_{sub.handler.name.replace('.', '_')}"
        self.app.agent(channel, name=sub.handler.name)(agent)

    async def start(self) -> None:
        await ensure_topics(self.bootstrap, self.topics)
        await self.app.start()

    async def stop(self) -> None:
        await self.app.stop()

    @property
    def crashed(self) -> bool:
        return bool(self.app._crashed.is_set())

    async def run(self, stop: asyncio.Event) -> None:
        """Process until `stop` is set, starting the app again if it crashes."""
        while not stop.is_set():
            try:
                await self.start()
                while not stop.is_set() and not self.crashed:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=1.0)
                    except asyncio.TimeoutError:
                        pass
            except Exception as err:
                log.warning("stream processor failed to start; retrying",
                            extra={"error": type(err).__name__})
            finally:
                await self.stop()
            if not stop.is_set():
                await asyncio.sleep(1.0)
                self.app = self._rebuilt()

    def _rebuilt(self) -> faust.App:
        fresh = StreamProcessor(self.app.conf.id, self.bootstrap, self.subscriptions,
                                topic_prefix=self.topic_prefix)
        return fresh.app
