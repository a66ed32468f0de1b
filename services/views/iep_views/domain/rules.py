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
    # Not regulations: the dashboard's windows for annual reviews (300.324(b)) and
    # three-year reevaluations (300.303(b)(2)) coming due; meetings use `due_soon_days`.
    review_due_soon_days: int = Field(30, ge=1, le=180)
    reevaluation_due_soon_days: int = Field(60, ge=1, le=365)
    # How long a view request with `min_position` may wait for the view to catch up.
    read_your_writes_seconds: float = Field(5.0, ge=0, le=30)


class Kind:
    """The kinds of deadline a student's case can have, and the rule behind each."""

    CONSENT_FOLLOW_UP = "consent_follow_up"
    EVALUATION_DUE = "evaluation_due"
    IEP_MEETING_DUE = "iep_meeting_due"
    ANNUAL_REVIEW_DUE = "annual_review_due"
    REEVALUATION_DUE = "reevaluation_due"
    # an open dispute's nearest deadline (its `dispute_id` in `Deadline.about`)
    DISPUTE_RESPONSE_DUE = "dispute_response_due"
    RESOLUTION_MEETING_DUE = "resolution_meeting_due"
    RESOLUTION_PERIOD_ENDS = "resolution_period_ends"
    HEARING_DECISION_DUE = "hearing_decision_due"
    COMPLAINT_DECISION_DUE = "complaint_decision_due"
    DISPUTE_OPEN = "dispute_open"  # a dispute with no deadline (team meeting, mediation)
    PROGRESS_REPORT_DUE = "progress_report_due"

    DISPUTES = (DISPUTE_RESPONSE_DUE, RESOLUTION_MEETING_DUE, RESOLUTION_PERIOD_ENDS,
                HEARING_DECISION_DUE, COMPLAINT_DECISION_DUE, DISPUTE_OPEN)


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date | None  # None only for an open dispute without a deadline
    rule: str
    about: str | None = None  # the dispute it belongs to


MEETING_RULE = ("34 CFR 300.323(c)(1): meeting to develop the IEP within {days} days of the "
                "eligibility determination")
REVIEW_RULE = "34 CFR 300.324(b)(1)(i): the IEP is reviewed at least once a year"
REEVALUATION_RULE = ("34 CFR 300.303(b)(2): reevaluation at least once every three years, "
                     "unless the parent and the district agree it is unnecessary")
DISPUTE_RULES = {
    # the planning service's names for a dispute's deadlines → (kind, rule)
    "response": (Kind.DISPUTE_RESPONSE_DUE,
                 "34 CFR 300.508(e)(1): the district responds to a due process complaint "
                 "within 10 days of receiving it"),
    "resolution_meeting": (Kind.RESOLUTION_MEETING_DUE,
                           "34 CFR 300.510(a)(1): resolution meeting within 15 days of "
                           "receiving the due process complaint"),
    "resolution_period": (Kind.RESOLUTION_PERIOD_ENDS,
                          "34 CFR 300.510(b)(1): resolution period of 30 days; unresolved, "
                          "the hearing may go ahead"),
    "hearing_decision": (Kind.HEARING_DECISION_DUE,
                         "34 CFR 300.515(a): hearing decision within 45 days after the "
                         "resolution period ends (or the resolution meeting is waived)"),
    "state_complaint_decision": (Kind.COMPLAINT_DECISION_DUE,
                                 "34 CFR 300.152(a): decision on a state complaint within "
                                 "60 days of its filing"),
}
DISPUTE_OPEN_RULE = ("34 CFR 300.506, 300.151: a dispute is open (mediation or a request "
                     "for a team meeting sets no federal deadline)")


def initial_meeting_due(determined_on: date, due_on: date) -> Deadline:
    """The planning service's date for the initial meeting (it applies its own setting)."""
    return Deadline(Kind.IEP_MEETING_DUE, due_on,
                    MEETING_RULE.format(days=(due_on - determined_on).days))


def annual_review_due(due_on: date) -> Deadline:
    return Deadline(Kind.ANNUAL_REVIEW_DUE, due_on, REVIEW_RULE)


def reevaluation_due(due_on: date) -> Deadline:
    return Deadline(Kind.REEVALUATION_DUE, due_on, REEVALUATION_RULE)


def dispute_due(name: str, due_on: date, dispute_id: str) -> Deadline:
    kind, rule = DISPUTE_RULES[name]
    return Deadline(kind, due_on, rule, dispute_id)


PROGRESS_REPORT_RULE = ("34 CFR 300.320(a)(3)(ii): periodic reports to the parents on the "
                        "child's progress toward the annual goals, when the IEP says")


def progress_report_due(due_on: date, report_id: str | None) -> Deadline:
    return Deadline(Kind.PROGRESS_REPORT_DUE, due_on, PROGRESS_REPORT_RULE, report_id)


def dispute_open(dispute_id: str) -> Deadline:
    return Deadline(Kind.DISPUTE_OPEN, None, DISPUTE_OPEN_RULE, dispute_id)


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
                    MEETING_RULE.format(days=rules.iep_meeting_days))


def late_entry_rule(late_entry_days: int) -> str:
    """The dashboard's late entries: acts recorded past the district's window
    (`IEP_LATE_ENTRY_DAYS`, the kernel's setting, the one the producers refuse by)."""
    return (f"recorded more than {late_entry_days} days after the act: an entry this late "
            "needs a late_entry_reason, and a record kept long after the fact is a risk to "
            "its accuracy")


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
    """The lists of the compliance dashboard: each a set of deadline kinds, and a window."""

    EVALUATIONS_OVERDUE = "evaluations_overdue"
    EVALUATIONS_DUE_SOON = "evaluations_due_soon"
    CONSENTS_UNANSWERED = "consents_unanswered"
    MEETINGS_OVERDUE = "meetings_overdue"
    MEETINGS_DUE_SOON = "meetings_due_soon"
    REVIEWS_OVERDUE = "reviews_overdue"
    REVIEWS_DUE_SOON = "reviews_due_soon"
    REEVALUATIONS_OVERDUE = "reevaluations_overdue"
    REEVALUATIONS_DUE_SOON = "reevaluations_due_soon"
    DISPUTES_OPEN = "disputes_open"
    REPORTS_OVERDUE = "progress_reports_overdue"
    REPORTS_DUE_SOON = "progress_reports_due_soon"

    ALL = (EVALUATIONS_OVERDUE, EVALUATIONS_DUE_SOON, CONSENTS_UNANSWERED, MEETINGS_OVERDUE,
           MEETINGS_DUE_SOON, REVIEWS_OVERDUE, REVIEWS_DUE_SOON, REEVALUATIONS_OVERDUE,
           REEVALUATIONS_DUE_SOON, DISPUTES_OPEN, REPORTS_OVERDUE, REPORTS_DUE_SOON)


@dataclass(frozen=True)
class BucketSpec:
    """A dashboard list: deadlines of `kinds` past due (`window` None), due from today to
    `window` days ahead, or, with `every`, all of them."""

    bucket: str
    kinds: tuple[str, ...]
    window: int | None = None
    every: bool = False


def bucket_specs(district: ViewRules) -> tuple[BucketSpec, ...]:
    return (
        BucketSpec(Bucket.EVALUATIONS_OVERDUE, (Kind.EVALUATION_DUE,)),
        BucketSpec(Bucket.EVALUATIONS_DUE_SOON, (Kind.EVALUATION_DUE,), district.due_soon_days),
        BucketSpec(Bucket.CONSENTS_UNANSWERED, (Kind.CONSENT_FOLLOW_UP,)),
        BucketSpec(Bucket.MEETINGS_OVERDUE, (Kind.IEP_MEETING_DUE,)),
        BucketSpec(Bucket.MEETINGS_DUE_SOON, (Kind.IEP_MEETING_DUE,), district.due_soon_days),
        BucketSpec(Bucket.REVIEWS_OVERDUE, (Kind.ANNUAL_REVIEW_DUE,)),
        BucketSpec(Bucket.REVIEWS_DUE_SOON, (Kind.ANNUAL_REVIEW_DUE,),
                   district.review_due_soon_days),
        BucketSpec(Bucket.REEVALUATIONS_OVERDUE, (Kind.REEVALUATION_DUE,)),
        BucketSpec(Bucket.REEVALUATIONS_DUE_SOON, (Kind.REEVALUATION_DUE,),
                   district.reevaluation_due_soon_days),
        BucketSpec(Bucket.DISPUTES_OPEN, Kind.DISPUTES, every=True),
        BucketSpec(Bucket.REPORTS_OVERDUE, (Kind.PROGRESS_REPORT_DUE,)),
        BucketSpec(Bucket.REPORTS_DUE_SOON, (Kind.PROGRESS_REPORT_DUE,), district.due_soon_days),
    )


def bucket_rule(bucket: str, district: ViewRules) -> str:
    """The rule behind a dashboard list, with its regulation."""
    if bucket == Bucket.CONSENTS_UNANSWERED:
        return ("34 CFR 300.300(a)(1)(iii): reasonable efforts to obtain the parent's consent; "
                f"requests unanswered for more than {district.consent_follow_up_days} days")
    if bucket == Bucket.DISPUTES_OPEN:
        return ("34 CFR 300.151-300.153, 300.506-300.518: open disputes, each with its "
                "nearest deadline (response 300.508(e), resolution meeting and period "
                "300.510, hearing decision 300.515(a), state complaint decision 300.152(a)); "
                "a pending due process complaint holds the placement (300.518)")
    rule, window = {
        Bucket.EVALUATIONS_OVERDUE: ("34 CFR 300.301(c)(1): initial evaluation within 60 "
                                     "days of receiving consent (or the state's timeframe)",
                                     None),
        Bucket.EVALUATIONS_DUE_SOON: ("34 CFR 300.301(c)(1): initial evaluation within 60 "
                                      "days of receiving consent (or the state's timeframe)",
                                      district.due_soon_days),
        Bucket.MEETINGS_OVERDUE: (MEETING_RULE.format(days=district.iep_meeting_days), None),
        Bucket.MEETINGS_DUE_SOON: (MEETING_RULE.format(days=district.iep_meeting_days),
                                   district.due_soon_days),
        Bucket.REVIEWS_OVERDUE: (REVIEW_RULE, None),
        Bucket.REVIEWS_DUE_SOON: (REVIEW_RULE, district.review_due_soon_days),
        Bucket.REEVALUATIONS_OVERDUE: (REEVALUATION_RULE, None),
        Bucket.REEVALUATIONS_DUE_SOON: (REEVALUATION_RULE, district.reevaluation_due_soon_days),
        Bucket.REPORTS_OVERDUE: (PROGRESS_REPORT_RULE, None),
        Bucket.REPORTS_DUE_SOON: (PROGRESS_REPORT_RULE, district.due_soon_days),
    }[bucket]
    return f"{rule}; past its due date" if window is None else f"{rule}; due within {window} days"
