"""Reading a topic back in tests, with a consumer group of the test's own."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer

from iep_kernel.events import PublishedEvent


async def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 30.0
                     ) -> list[PublishedEvent]:
    """Read `topic` from the beginning until `expect` distinct events arrived (or time out)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    events: list[PublishedEvent] = []
    deadline = time.monotonic() + timeout
    try:
        while len({e.event_id for e in events}) < expect and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                events.extend(PublishedEvent.from_json(m.value) for m in messages)
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return events
