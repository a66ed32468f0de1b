"""`GET /api/<service>/clock`: the district's date by the service clock, for the web app's
banner while the district clock is moved. It needs no token, like `/healthz`: a date is no
one's record, and the sign-in page shows the banner too."""

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from iep_kernel.calendar import local_date
from iep_kernel.district_clock import offset_of

# Read by `permissions.unguarded_routes`: a route marked so is public on purpose.
PUBLIC = {"x-iep-public": True}


class DistrictDate(BaseModel):
    today: dt.date = Field(description="The district's date, in its time zone")
    now: dt.datetime = Field(description="The service clock's instant")
    timezone: str = Field(description="The district's time zone (IEP_DISTRICT_TIMEZONE)")
    offset_days: int = Field(description="Days the district clock runs ahead of the real date")
    moved: bool = Field(description="True while the district clock is moved (a rehearsal "
                                    "outside production)")


def clock_router(service: str) -> APIRouter:
    router = APIRouter(prefix=f"/api/{service}", tags=["operations"])

    @router.get("/clock", response_model=DistrictDate, openapi_extra=PUBLIC,
                name=f"{service}_clock")
    async def district_date(request: Request) -> DistrictDate:
        """The district's date by this service's clock, and whether the clock is moved."""
        runtime = request.app.state.runtimes[service]
        now = runtime.clock.now()
        days = offset_of(runtime.clock)
        zone = runtime.settings.district_timezone
        return DistrictDate(today=local_date(now, zone), now=now, timezone=zone,
                            offset_days=days, moved=days > 0)

    return router
