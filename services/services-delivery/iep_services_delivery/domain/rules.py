"""The services-delivery rules, in one place, each with its regulation or its policy.

Every number is a default a district may override through `IEP_SERVICES_DELIVERY_*`
environment variables. Functions here are pure: the settings object is read once by the
application and passed in with each command.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iep_kernel import calendar
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from iep_services_delivery.domain.values import Frequency, MissedCause, Period


class DeliveryRules(BaseSettings):
    """A district's services-delivery rules, from `IEP_SERVICES_DELIVERY_*` variables."""

    model_config = SettingsConfigDict(env_prefix="IEP_SERVICES_DELIVERY_", extra="ignore",
                                      frozen=True)

    # Policy: a closed period that delivered less than this share of its required minutes
    # raises `ServiceUnderDelivered` (100 flags any shortfall).
    under_delivery_threshold_percent: int = Field(90, ge=1, le=100)
    # 300.34, and the compensatory-services remedy: minutes missed through the district's
    # fault are owed back. A provider's absence always is; a school closure is unless the
    # state says closures for all students owe nothing; "other" is not unless set here.
    school_closure_owed: bool = True
    other_cause_owed: bool = False
    # 300.320(a)(3)(ii): reports "such as quarterly, concurrent with report cards"; a plan
    # that says "with report cards" gets one every this many months.
    report_card_months: int = Field(3, ge=1, le=12)
    # Policy: a due progress report not issued within this many days is overdue (from the
    # day after the grace ends).
    report_grace_days: int = Field(0, ge=0, le=60)
    # "Daily" services happen on each school day: this many sessions a week.
    daily_sessions_per_week: int = Field(5, ge=1, le=7)
    timezone: str = Field("UTC", description="The district's time zone: when its days begin")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{value!r} is not a known time zone, such as "
                             "America/Chicago") from err
        return value


def district_fault(cause: MissedCause, rules: DeliveryRules) -> bool:
    """Whether minutes missed for `cause` are owed back as compensatory services."""
    match cause:
        case MissedCause.PROVIDER_ABSENT:
            return True
        case MissedCause.SCHOOL_CLOSURE:
            return rules.school_closure_owed
        case MissedCause.OTHER:
            return rules.other_cause_owed
    return False  # the student's absence is not the district's fault


def cadence(frequency: Frequency, rules: DeliveryRules) -> tuple[int, Period]:
    """Sessions per period for a plan's frequency: daily is each school day of a week."""
    match frequency:
        case Frequency.DAILY:
            return rules.daily_sessions_per_week, Period.WEEK
        case Frequency.WEEKLY:
            return 1, Period.WEEK
    return 1, Period.MONTH


REPORT_MONTHS = {"monthly": 1, "quarterly": 3, "twice_a_year": 6}


def report_months(schedules: list[str], rules: DeliveryRules) -> int:
    """Months between progress reports: the plan's most frequent goal schedule (every
    goal is reported at each report). A plan without goals reports quarterly."""
    months = [REPORT_MONTHS.get(s, rules.report_card_months) for s in schedules]
    return min(months, default=3)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def report_dates(cycle_starts_on: date, review_due_on: date, months: int) -> tuple[date, ...]:
    """300.320(a)(3)(ii): a report every `months` from the plan's start, through the plan's
    year (its annual review date, when the last report is due)."""
    dates: list[date] = []
    step = 1
    while (due := add_months(cycle_starts_on, months * step)) < review_due_on:
        dates.append(due)
        step += 1
    dates.append(review_due_on)
    return tuple(dates)


def report_overdue_from(due_on: date, rules: DeliveryRules) -> date:
    return calendar.overdue_from(due_on + timedelta(rules.report_grace_days))


def start_of_day(day: date, rules: DeliveryRules) -> datetime:
    return calendar.start_of_day(day, rules.timezone)


def local_today(moment: datetime, rules: DeliveryRules) -> date:
    return calendar.local_date(moment, rules.timezone)
