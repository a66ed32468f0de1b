"""The evaluation's legal rules and deadlines, in one place, each with its regulation.

Every number is a federal default that a district (or its state) may override through
`IEP_EVALUATION_*` environment variables. Functions here are pure: the settings object is
read once by the application and passed in.

Counting days: calendar days by default. A state that counts school days sets
`IEP_EVALUATION_DAY_COUNT=school` and lists the weekdays its schools are closed in
`IEP_EVALUATION_NON_SCHOOL_DAYS` (single dates or `first..last` ranges for breaks);
Saturdays and Sundays are never school days. The warning before the due date is counted in
the same kind of days as the timeline.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iep_kernel import calendar
from iep_kernel.calendar import age_on as age_on  # re-exported: the rules of a date
from iep_kernel.calendar import is_overdue as is_overdue
from iep_kernel.calendar import overdue_from as overdue_from
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from iep_evaluation.domain.events import DayCount, EvaluationOpened

# 34 CFR 300.304(b)(2): no single measure or assessment is the sole criterion; we ask for
# completed assessments from at least two different evaluators before eligibility.
MINIMUM_EVALUATORS = 2


class EvaluationRules(BaseSettings):
    """A district's evaluation timeline, from `IEP_EVALUATION_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="IEP_EVALUATION_", extra="ignore",
                                      frozen=True)

    # 34 CFR 300.301(c)(1): the initial evaluation within 60 days of receiving consent,
    # or within the timeframe the state sets.
    timeline_days: int = Field(60, ge=1, le=365, description="Days from consent to due date")
    day_count: DayCount = Field(DayCount.CALENDAR, description="calendar or school days")
    non_school_days: frozenset[date] = Field(
        frozenset(), description="Weekdays the schools are closed (school-day counting)")
    # Not a regulation: staff are warned this many (counted) days before the due date.
    warning_days: int = Field(7, ge=0, le=60, description="Days of warning before due date")
    # 34 CFR 300.8(b): developmental delay, at the state's choice, for ages 3 through 9.
    developmental_delay_min_age: int = Field(3, ge=0, description="Youngest age for it")
    developmental_delay_max_age: int = Field(9, ge=0, description="Oldest age for it")
    timezone: str = Field("UTC", description="The district's time zone: when its days begin")

    @field_validator("non_school_days", mode="before")
    @classmethod
    def _expand_ranges(cls, value: Any) -> Any:
        """Accept `2026-12-21..2027-01-01` for a break, as well as single dates."""
        if not isinstance(value, list | tuple | set | frozenset):
            return value
        days: set[date] = set()
        for item in value:
            if isinstance(item, str) and ".." in item:
                first, last = (date.fromisoformat(part.strip()) for part in item.split(".."))
                if last < first:
                    raise ValueError(f"the range {item} ends before it starts")
                days.update(first + timedelta(n) for n in range((last - first).days + 1))
            else:
                days.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        return frozenset(days)

    @model_validator(mode="after")
    def _ages_in_order(self) -> EvaluationRules:
        if self.developmental_delay_min_age > self.developmental_delay_max_age:
            raise ValueError("the youngest age for developmental delay is above the oldest")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{value!r} is not a known time zone, such as "
                             "America/Chicago") from err
        return value


def is_school_day(day: date, rules: EvaluationRules) -> bool:
    return day.weekday() < 5 and day not in rules.non_school_days


def counts(day: date, rules: EvaluationRules) -> bool:
    """Whether `day` is counted toward a timeline."""
    return rules.day_count is DayCount.CALENDAR or is_school_day(day, rules)


def add_days(start: date, days: int, rules: EvaluationRules) -> date:
    """The day that is `days` counted days after `start` (before it when negative)."""
    if rules.day_count is DayCount.CALENDAR:
        return start + timedelta(days)
    step = timedelta(1 if days >= 0 else -1)
    day, left = start, abs(days)
    while left:
        day += step
        if counts(day, rules):
            left -= 1
    return day


def days_until(today: date, day: date, rules: EvaluationRules) -> int:
    """Counted days from `today` to `day`: positive ahead, negative once past."""
    if rules.day_count is DayCount.CALENDAR:
        return (day - today).days
    first, last, sign = (today, day, 1) if day >= today else (day, today, -1)
    return sign * sum(counts(first + timedelta(n), rules)
                      for n in range(1, (last - first).days + 1))


def evaluation_due_on(consent_received_on: date, rules: EvaluationRules) -> date:
    # 34 CFR 300.301(c)(1): 60 days (or the state's timeframe) from receiving consent.
    return add_days(consent_received_on, rules.timeline_days, rules)


def evaluation_begins_on(opened: EvaluationOpened) -> date:
    """The first day an assessment may be dated: the day the district received the parent's
    consent. 34 CFR 300.300(a): no initial evaluation without informed consent, and the
    district has the consent once it receives it, the day its 60 days start (300.301(c)(1)).
    Every act after it is dated when it happened (never in the future), and one recorded
    more than the district's late-entry window (IEP_LATE_ENTRY_DAYS) later carries why."""
    return opened.consent_received_on


def deadline_warning_on(due_on: date, rules: EvaluationRules) -> date:
    """The day staff are told the due date is near."""
    return add_days(due_on, -rules.warning_days, rules)






def start_of_day(day: date, rules: EvaluationRules) -> datetime:
    """Midnight beginning `day` in the district's time zone."""
    return calendar.start_of_day(day, rules.timezone)


def local_today(moment: datetime, rules: EvaluationRules) -> date:
    """The district's date at `moment`."""
    return calendar.local_date(moment, rules.timezone)




def developmental_delay_applies(age: int, rules: EvaluationRules) -> bool:
    # 34 CFR 300.8(b): developmental delay for children aged 3 through 9 (or a subset).
    return rules.developmental_delay_min_age <= age <= rules.developmental_delay_max_age


def evaluator_key(name: str) -> str:
    """One evaluator, however their name was typed: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def counting(rules: EvaluationRules, day_count: DayCount) -> EvaluationRules:
    """The rules counting days as an evaluation's timeline did when it was opened."""
    return rules if rules.day_count is day_count else rules.model_copy(
        update={"day_count": day_count})
