"""The minutes arithmetic: which periods a schedule covers, how many sessions and minutes
each requires, and what was delivered, missed and owed. Pure functions over plain values,
fast enough to run over a district.

A period is a calendar week (Monday to Sunday) or month. A schedule that covers only part
of a period (it starts, ends or is amended inside it) requires its share of the period's
sessions by school days (Monday to Friday) covered, rounded up to whole sessions: the
student is never owed less than the plan's rate. A split period's parts therefore never
require fewer sessions together than the whole would.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from iep_services_delivery.domain.values import MissedCause, Period

_DAYS = tuple(timedelta(n) for n in range(33))


def period_of(day: date, period: Period) -> tuple[date, date]:
    """The calendar week or month containing `day`, first and last day."""
    if period is Period.WEEK:
        start = day - _DAYS[day.weekday()]
        return start, start + _DAYS[6]
    start = day.replace(day=1)
    following = (start + _DAYS[32]).replace(day=1)
    return start, following - _DAYS[1]


def school_days(first: date, last: date) -> int:
    """Monday-to-Friday days from `first` to `last`, both included."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (start + i) % 7 < 5)


def periods(starts_on: date, ends_on: date, period: Period) -> Iterator[tuple[date, date]]:
    """The calendar periods overlapping [starts_on, ends_on], each clipped to it."""
    day = starts_on
    while day <= ends_on:
        first, last = period_of(day, period)
        yield max(first, starts_on), min(last, ends_on)
        day = last + _DAYS[1]


def required_sessions(sessions_per_period: int, first: date, last: date, period: Period
                      ) -> int:
    """Sessions required over [first, last] inside one period: the period's sessions in
    proportion to the school days covered, rounded up."""
    whole_first, whole_last = period_of(first, period)
    if (first, last) == (whole_first, whole_last):
        return sessions_per_period  # a whole period (the common case, kept cheap)
    whole = school_days(whole_first, whole_last)
    covered = school_days(first, last)
    return -(-sessions_per_period * covered // whole)


@dataclass(frozen=True)
class Cadence:
    """What a schedule requires: minutes per session, sessions per period, its dates."""

    minutes_per_session: int
    sessions_per_period: int
    period: Period
    starts_on: date
    ends_on: date  # the last day it is in force (an end before its planned end included)


class Counted(Protocol):
    """What the arithmetic reads of a logged session (a `Logged`, or the state's session)."""

    @property
    def session_on(self) -> date: ...
    @property
    def delivered(self) -> int: ...
    @property
    def missed(self) -> int: ...
    @property
    def cause(self) -> MissedCause | None: ...
    @property
    def district_fault(self) -> bool: ...


@dataclass(frozen=True)
class Logged:
    """A session as it counts (the latest correction)."""

    session_on: date
    delivered: int
    missed: int
    cause: MissedCause | None
    district_fault: bool


@dataclass
class PeriodMinutes:
    starts_on: date
    ends_on: date
    sessions_required: int
    minutes_required: int
    minutes_delivered: int = 0
    minutes_missed: int = 0
    missed_by_cause: dict[str, int] = field(default_factory=dict)
    minutes_owed: int = 0  # missed through the district's fault
    sessions_logged: int = 0


def period_minutes(cadence: Cadence, sessions: Iterable[Counted],
                   window: tuple[date, date] | None = None) -> list[PeriodMinutes]:
    """Each period of the schedule (within `window`, if given) with its required, delivered
    and missed minutes. A session outside the schedule's dates counts nowhere."""
    first, last = cadence.starts_on, cadence.ends_on
    if window is not None:
        first, last = max(first, window[0]), min(last, window[1])
    rows = []
    for a, b in periods(first, last, cadence.period):
        n = required_sessions(cadence.sessions_per_period, a, b, cadence.period)
        rows.append(PeriodMinutes(a, b, n, n * cadence.minutes_per_session))
    if not rows:
        return rows
    starts = [row.starts_on for row in rows]
    for s in sessions:
        if not first <= s.session_on <= last:
            continue
        row = rows[bisect_right(starts, s.session_on) - 1]
        row.sessions_logged += 1
        row.minutes_delivered += s.delivered
        if s.missed:
            row.minutes_missed += s.missed
            cause = s.cause.value if s.cause else "other"
            row.missed_by_cause[cause] = row.missed_by_cause.get(cause, 0) + s.missed
            if s.district_fault:
                row.minutes_owed += s.missed
    return rows


def sessions_in_period(cadence: Cadence, day: date) -> tuple[date, date, int]:
    """The part of the period containing `day` the schedule covers, and its sessions."""
    first, last = period_of(day, cadence.period)
    first, last = max(first, cadence.starts_on), min(last, cadence.ends_on)
    return first, last, required_sessions(cadence.sessions_per_period, first, last,
                                          cadence.period)
