"""Dates as a district counts them: pure functions, no clock of their own.

Deadlines are dates in the district's time zone; an overdue deadline is overdue from the
day after it falls due; ages are whole years.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_date(moment: datetime, timezone: str) -> date:
    """The district's date at `moment` (a form handed in at 5 p.m. in California is
    received that day, not the next day of UTC)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def start_of_day(day: date, timezone: str) -> datetime:
    """Midnight beginning `day` in the district's time zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def overdue_from(due_on: date) -> date:
    """A deadline is overdue from the day after its due date."""
    return due_on + timedelta(1)


def is_overdue(today: date, due_on: date) -> bool:
    return today >= overdue_from(due_on)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a 29 February birthday counts from 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday
