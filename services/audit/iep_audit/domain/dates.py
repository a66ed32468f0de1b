"""Dates of record: the day an act happened and the instant it was recorded, and how late.

An act event carries `occurred_on` in its payload (the kernel's `Act`: given by the person
recording it) beside the envelope's `recorded_at` (the server's). Lateness is counted in
the district's days: to the district's date when the service recorded the event (the
envelope's `occurred_at`, read from the district clock the producer's own late-entry check
uses; the same instant as `recorded_at` in production, where that clock cannot be moved),
so a rehearsal on a moved clock shows the late entries the producers asked reasons for.
The audit shows both for every event, and an entry recorded more than the district's
late-entry window after the act (`IEP_LATE_ENTRY_DAYS`) as late, whether or not a
`late_entry_reason` was given. Events that are not acts, and acts published before the
field existed, have no act date.

Pure: the district's time zone and window travel in a `RecordWindow`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from iep_kernel.dates import LATE_ENTRY_DAYS
from iep_kernel.events import SYSTEM_ACTOR


@dataclass(frozen=True)
class RecordWindow:
    """The district's time zone (its days) and its late-entry window in days."""

    timezone: str = "UTC"
    late_entry_days: int = LATE_ENTRY_DAYS

    def rule(self) -> str:
        return f"recorded more than {self.late_entry_days} days after the act"


@dataclass(frozen=True)
class DatesOfRecord:
    occurred_on: date | None  # the act's day, from the payload; None if not an act
    recorded_on: date  # the district's date when the event was recorded
    days_late: int | None  # days from the act to its recording (the kernel's `Dated`)
    late_entry: bool  # recorded more than the window after the act
    late_entry_reason_given: bool  # the reason itself is personal, sealed in the payload


def act_date(payload: dict[str, Any]) -> date | None:
    """The act's day as the producer dated it, or None (not an act, older, unreadable)."""
    value = payload.get("occurred_on")
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


SYSTEM_ROLE = SYSTEM_ACTOR.role


def dates_of_record(payload: dict[str, Any], recorded_by_district_clock: datetime,
                    window: RecordWindow, actor_role: str | None = None) -> DatesOfRecord:
    """`actor_role` "system" (a process manager, a timer): the event is dated by the act
    that caused it, and is never a late entry of its own (that act is, if it was late)."""
    occurred_on = act_date(payload)
    recorded_on = recorded_by_district_clock.astimezone(ZoneInfo(window.timezone)).date()
    days_late = None if occurred_on is None else (recorded_on - occurred_on).days
    return DatesOfRecord(
        occurred_on=occurred_on, recorded_on=recorded_on, days_late=days_late,
        late_entry=days_late is not None and days_late > window.late_entry_days
        and actor_role != SYSTEM_ROLE,
        late_entry_reason_given=payload.get("late_entry_reason") not in (None, ""))


@dataclass(frozen=True)
class LateEntry:
    """An act recorded more than the window after it happened, as the as-of case lists it:
    the reason opened with the student's key (or "[destroyed]"), None if none was given."""

    service: str
    stream_id: str
    stream_version: int
    event_type: str
    occurred_on: date
    recorded_at: datetime
    days_late: int
    late_entry_reason: str | None
