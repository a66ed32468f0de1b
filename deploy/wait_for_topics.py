"""Waits until the topics a worker writes and reads exist: the worker's init container.

The kernel creates a topic it finds missing, with one replica; on a district's Kafka that
would keep the platform's record on a single broker. So a worker starts only once the topics
the deployment declares (the KafkaTopics of the strimzi-kafka component, or
deploy/kafka/create-topics.sh on a Kafka the district runs) are there.

Usage: python wait_for_topics.py TOPIC [TOPIC ...]
Reads IEP_KAFKA_BOOTSTRAP and IEP_TOPIC_PREFIX like every process; gives up after
WAIT_SECONDS (default 300) with exit status 1, and Kubernetes runs it again.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient
from iep_kernel.config import Settings


async def missing_topics(bootstrap: str, topics: Sequence[str]) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    return [t for t in topics if t not in existing]


async def wait_for_topics(bootstrap: str, topics: Sequence[str], timeout: float,
                          interval: float = 5.0) -> list[str]:
    """The topics still missing when `timeout` ran out; empty once all exist."""
    deadline = time.monotonic() + timeout
    missing = list(topics)
    while True:
        try:
            missing = await missing_topics(bootstrap, topics)
        except Exception as err:  # the broker is not reachable yet: keep waiting
            print(f"Kafka at {bootstrap} is not answering yet ({type(err).__name__})",
                  flush=True)
        else:
            if not missing:
                return []
            print(f"waiting for topics: {', '.join(missing)}", flush=True)
        if time.monotonic() + interval > deadline:
            return missing
        await asyncio.sleep(interval)


def main(argv: Sequence[str]) -> int:
    settings = Settings()
    if not settings.kafka_bootstrap or not argv:
        print("usage: wait_for_topics.py TOPIC [TOPIC ...] with IEP_KAFKA_BOOTSTRAP set",
              file=sys.stderr)
        return 2
    topics = [f"{settings.topic_prefix}{t}" for t in argv]
    timeout = float(os.environ.get("WAIT_SECONDS", "300"))
    missing = asyncio.run(wait_for_topics(settings.kafka_bootstrap, topics, timeout))
    if missing:
        print(f"these topics do not exist on {settings.kafka_bootstrap}: {', '.join(missing)}. "
              "Declare them before the workers start: the strimzi-kafka component's "
              "KafkaTopics, or deploy/kafka/create-topics.sh on your own Kafka.",
              file=sys.stderr)
        return 1
    print(f"all topics present: {', '.join(topics)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
