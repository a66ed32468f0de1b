"""Waiting in tests for something that happens asynchronously (a consumer catching up)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def eventually(predicate: Callable[[], Awaitable[bool]], within: float = 40.0,
                     what: str = "condition") -> None:
    """Poll `predicate` until it holds; fail the test if it does not within `within` s."""
    deadline = time.monotonic() + within
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {within} s")
        await asyncio.sleep(0.1)
