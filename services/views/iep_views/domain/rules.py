"""The deadlines the views show, in one place, each with the rule behind it.

The evaluation's due date is the evaluation service's (it applies the district's timeline,
calendar or school days); the views name the rule and count the days left. The other
numbers are federal defaults or district practice, overridable by `IEP_VIEWS_*` settings.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ViewRules(BaseSettings):
    """A district's view settings, from `IEP_VIEWS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="IEP_VIEWS_", extra="ignore", frozen=True)

    timezone: str = Field("UTC", description="The district's time zone: when its days begin")
    # 34 CFR 300.300(a)(1)(iii): the district makes reasonable efforts to obtain consent.
    # District practice, not a federal number: follow up on a request unanswered this long.
    consent_follow_up_days: int = Field(10, ge=1, le=90)
    # Not a regulation: the dashboard's "due soon" window.
    due_soon_days: int = Field(7, ge=1, le=60)
    # 34 CFR 300.323(c)(1): the meeting to develop the IEP within 30 days of the
    # eligibility determination.
    iep_meeting_days: int = Field(30, ge=1, le=90)
    # How long a view request with `min_position` may wait for the view to catch up.
    read_your_writes_seconds: float = Field(5.0, ge=0, le=30)


class Kind:
    """The kinds of deadline a student's case can have, and the rule behind each."""

    CONSENT_FOLLOW_UP = "consent_follow_up"
    EVALUATION_DUE = "evaluation_due"
    IEP_MEETING_DUE = "iep_meeting_due"


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date
    rule: str


def consent_follow_up(requested_on: date, rules: ViewRules) -> Deadline:
    return Deadline(Kind.CONSENT_FOLLOW_UP,
                    requested_on + timedelta(rules.consent_follow_up_days),
                    "34 CFR 300.300(a)(1)(iii): reasonable efforts to obtain the parent's "
                    "consent; district practice: follow up when a request is unanswered "
                    f"after {rules.consent_follow_up_days} days")


def evaluation_due(due_on: date, timeline_days: int, day_count: str) -> Deadline:
    days = f"{timeline_days} school days" if day_count == "school" else f"{timeline_days} days"
    return Deadline(Kind.EVALUATION_DUE, due_on,
                    f"34 CFR 300.301(c)(1): initial evaluation within {days} of receiving "
                    "consent")


def iep_meeting_due(determined_on: date, rules: ViewRules) -> Deadline:
    return Deadline(Kind.IEP_MEETING_DUE, determined_on + timedelta(rules.iep_meeting_days),
                    f"34 CFR 300.323(c)(1): meeting to develop the IEP within "
                    f"{rules.iep_meeting_days} days of the eligibility determination")


def local_today(moment: datetime, rules: ViewRules) -> date:
    """The district's date at `moment` (from the service clock)."""
    return moment.astimezone(ZoneInfo(rules.timezone)).date()


def days_remaining(today: date, due_on: date) -> int:
    """Calendar days from today to the due date: negative once it has passed."""
    return (due_on - today).days


def is_overdue(today: date, due_on: date) -> bool:
    """Overdue from the day after the due date."""
    return today > due_on


def unanswered_days(today: date, requested_on: date) -> int:
    return (today - requested_on).days


class Bucket:
    """The lists of the compliance dashboard."""

    EVALUATIONS_OVERDUE = "evaluations_overdue"
    EVALUATIONS_DUE_SOON = "evaluations_due_soon"
    CONSENTS_UNANSWERED = "consents_unanswered"

    ALL = (EVALUATIONS_OVERDUE, EVALUATIONS_DUE_SOON, CONSENTS_UNANSWERED)


def bucket_rule(bucket: str, district: ViewRules) -> str:
    """The rule behind a dashboard list, with its regulation."""
    if bucket == Bucket.CONSENTS_UNANSWERED:
        return ("34 CFR 300.300(a)(1)(iii): reasonable efforts to obtain the parent's consent; "
                f"requests unanswered for more than {district.consent_follow_up_days} days")
    evaluation = ("34 CFR 300.301(c)(1): initial evaluation within 60 days of receiving "
                  "consent (or the state's timeframe)")
    if bucket == Bucket.EVALUATIONS_DUE_SOON:
        return f"{evaluation}; due within {district.due_soon_days} days"
    return f"{evaluation}; past its due date"
