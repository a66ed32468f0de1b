"""`make bench`: start PostgreSQL and the broker as the tests do, run the yardsticks, print JSON.

Options: `python -m bench [kernel|audit|views|delivery] [--quick]`. Every figure comes with its
physical limit, measured in the same run on the same machine, and the ratio.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from iep_kernel.testing.infra import Broker, start_postgres

from . import audit, delivery, kernel, views


async def run_kernel(dsn: str, bootstrap: str, quick: bool, only: str = "") -> dict[str, object]:
    scale = 0.2 if quick else 1.0
    appends = []
    if only == "append":
        for concurrency in (1, 8):
            appends.append(await kernel.append_vs_insert(dsn, 10, concurrency, 600))
        return {"append": appends}
    for batch in (1, 10):
        for concurrency in (1, 8):
            count = int((3000 if batch == 1 else 600) * scale)
            appends.append(await kernel.append_vs_insert(dsn, batch, concurrency, count))
    return {
        "append": appends,
        "relay": await kernel.relay_vs_produce(dsn, bootstrap, int(20000 * scale)),
        "command_to_consumer": [
            await kernel.command_to_consumer(dsn, bootstrap, rate=200, seconds=10 * scale,
                                             engine=engine)
            for engine in ("aiokafka", "faust")],
    }


def main() -> None:
    quick = "--quick" in sys.argv
    dsn = os.environ.get("IEP_BENCH_DATABASE_URL") or start_postgres(
        Path(tempfile.mkdtemp(prefix="iep-bench-")) / "pg")
    broker = None
    bootstrap = os.environ.get("IEP_BENCH_KAFKA_BOOTSTRAP")
    if not bootstrap:
        broker = Broker()
        broker.start()
        bootstrap = broker.bootstrap
    try:
        only = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        results: dict[str, object] = {}
        if only in ("", "kernel", "append"):
            results["kernel"] = asyncio.run(run_kernel(dsn, bootstrap, quick, only))
        if only in ("", "audit"):
            results["audit"] = asyncio.run(audit.run(dsn, bootstrap, quick))
        if only in ("", "views"):
            results["views"] = asyncio.run(views.run(dsn, bootstrap, quick))
        if only in ("", "delivery"):
            results["delivery"] = delivery.run(quick)
    finally:
        if broker:
            broker.stop()
    print(json.dumps({"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                      **results}, indent=2))


if __name__ == "__main__":
    main()
