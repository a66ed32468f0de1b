"""Delivers the `iep.<service>.events` topics to handlers: faust-streaming agents by default.

One faust app per process (its id is the consumer group); one agent per handler, reading
each partition in order. Offsets are committed after the agent has processed an event,
but the effect's truth is the `applied_events` row (see `consumer.py`).

Where faust hits a wall, plain aiokafka serves behind the same interface
(`IEP_CONSUMER_ENGINE=aiokafka`): faust-streaming 0.15 fixes the consumer's
`fetch_max_wait_ms` at 1500 ms, and a broker that holds every fetch until that wait ends
(Tansu 0.6 does) then adds up to 1.5 s to each hop. The aiokafka engine sets the wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

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
                    except TimeoutError:
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
                                topic_prefix=self.topic_prefix,
                                session_timeout=self.app.conf.broker_session_timeout)
        return fresh.app


class AiokafkaStreamProcessor:
    """The same delivery with one plain aiokafka consumer: partitions run concurrently,
    each partition's events in order, every subscription of a topic in turn."""

    def __init__(
        self,
        group_id: str,
        bootstrap: str,
        subscriptions: Sequence[Subscription],
        *,
        topic_prefix: str = "",
        session_timeout: float = 10.0,
        fetch_max_wait_ms: int = 20,
    ) -> None:
        self.group_id = group_id
        self.bootstrap = bootstrap
        self.subscriptions = list(subscriptions)
        self.topic_prefix = topic_prefix
        self.session_timeout = session_timeout
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self._by_topic: dict[str, list[Subscription]] = {}
        for sub in self.subscriptions:
            for source in sub.handler.sources:
                self._by_topic.setdefault(topic_for(source, topic_prefix), []).append(sub)
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    @property
    def topics(self) -> list[str]:
        return sorted(self._by_topic)

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self.topics, bootstrap_servers=self.bootstrap, group_id=self.group_id,
            enable_auto_commit=False, auto_offset_reset="earliest",
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            session_timeout_ms=int(self.session_timeout * 1000),
            heartbeat_interval_ms=max(1000, int(self.session_timeout * 200)),
            metadata_max_age_ms=30000)

    async def _partition(self, topic: str, messages: list[Any]) -> None:
        for message in messages:
            for sub in self._by_topic.get(topic, ()):
                await apply_message(sub, topic, message.value)

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            if not batches:
                continue
            await asyncio.gather(*[self._partition(tp.topic, msgs)
                                   for tp, msgs in batches.items()])
            try:
                await consumer.commit()
            except KafkaError:
                pass  # offsets are a hint; a rebalance redelivers, idempotency absorbs it

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            consumer = self._new_consumer()
            try:
                await ensure_topics(self.bootstrap, self.topics)
                await consumer.start()
                await self._consume(consumer, stop)
            except (KafkaError, OSError) as err:
                log.warning("consumer lost the broker; starting again",
                            extra={"error": type(err).__name__})
                await asyncio.sleep(1.0)
            finally:
                await consumer.stop()

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.run(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
