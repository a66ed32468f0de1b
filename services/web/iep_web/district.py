"""The district's date, from the views API's clock (`GET /api/views/clock`, the kernel's).

While the district clock is moved (a rehearsal outside production) every page shows a banner
with the district's date, and forms date a signature by it, as the services date everything
else. In production the clock is never moved, so the web app does not ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response

CLOCK_PATH = "/api/views/clock"


@dataclass(frozen=True)
class DistrictDate:
    today: date
    offset_days: int

    @property
    def moved(self) -> bool:
        return self.offset_days > 0


async def district_date(app: FastAPI) -> DistrictDate | None:
    """The district's date, or None where the APIs do not tell it (the page goes on)."""
    if app.state.kernel.environment == "production":
        return None
    try:
        response = await app.state.http.get(CLOCK_PATH)
        if response.status_code != 200:
            return None
        body = response.json()
        return DistrictDate(date.fromisoformat(body["today"]), int(body["offset_days"]))
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def today_of(request: Request) -> date:
    """Today as the services count it: the district's date when known."""
    found = getattr(request.state, "district", None)
    return found.today if isinstance(found, DistrictDate) else datetime.now(UTC).date()


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def read_the_district_clock(request: Request, call_next: Any) -> Response:
        if not request.url.path.startswith(("/static/", "/healthz")):
            request.state.district = await district_date(request.app)
        response: Response = await call_next(request)
        return response
