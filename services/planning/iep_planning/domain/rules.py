"""The planning stage's legal rules and deadlines, in one place, each with its regulation.

Every number is the federal default (34 CFR Part 300) that a district or its state may
override through `IEP_PLANNING_*` environment variables. Days are calendar days: 34 CFR
300.11(a) defines "day" so unless a rule says school or business days, and none of these
does. Functions here are pure: the settings object is read once by the application and
passed in with each command.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iep_kernel import calendar
from iep_kernel.calendar import age_on as age_on  # re-exported: the rules of a date
from iep_kernel.calendar import is_overdue as is_overdue
from iep_kernel.calendar import overdue_from as overdue_from
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from iep_planning.domain.values import PlanContent, TeamRole


class PlanningRules(BaseSettings):
    """A district's planning rules, from `IEP_PLANNING_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="IEP_PLANNING_", extra="ignore", frozen=True)

    # 34 CFR 300.323(c)(1): the meeting to develop the IEP within 30 days of the
    # determination that the child needs special education and related services.
    meeting_days: int = Field(30, ge=1, le=120)
    # Not a regulation: staff are warned this many days before the meeting is due.
    meeting_warning_days: int = Field(7, ge=0, le=60)
    # 300.322(a)(1): notice early enough that the parents can attend. Federal law sets no
    # number; a state that does (ten days, say) sets it here.
    meeting_notice_days: int = Field(0, ge=0, le=60)
    # 300.322(d): a meeting goes ahead without a parent only with records of the district's
    # attempts to arrange it; the district's policy sets how many.
    contact_attempts: int = Field(2, ge=1, le=10)
    # 300.320(b): transition goals and services in the plan in effect when the child turns
    # 16 (younger if the team or the state decides), and 300.321(b): the student invited.
    transition_age: int = Field(16, ge=12, le=21)
    # 300.320(c), 300.520: the age of majority under state law; the plan states one year
    # before it that the rights will transfer to the student.
    age_of_majority: int = Field(18, ge=16, le=21)
    # 300.324(b)(1)(i): the plan is reviewed periodically, but not less than annually.
    review_warning_days: int = Field(30, ge=0, le=180)
    # 300.303(b)(2): a reevaluation at least once every three years, unless the parent and
    # the district agree it is unnecessary.
    reevaluation_years: int = Field(3, ge=1, le=3)
    # Not a regulation: time to get consent (300.300(c)) and evaluate before the due date.
    reevaluation_warning_days: int = Field(90, ge=0, le=365)
    # 300.503(a), 300.300(b)(4): prior written notice a reasonable time before services stop.
    services_stop_notice_days: int = Field(10, ge=0, le=60)
    # 300.508(e)(1): the district responds to a due process complaint within 10 days,
    # unless it already sent prior written notice on the matter.
    response_days: int = Field(10, ge=1, le=60)
    # 300.510(a)(1): the resolution meeting within 15 days of receiving the complaint.
    resolution_meeting_days: int = Field(15, ge=1, le=60)
    # 300.510(b)(1): unresolved after 30 days, the due process hearing may occur.
    resolution_period_days: int = Field(30, ge=1, le=90)
    # 300.515(a): the hearing decision within 45 days after the resolution period ends.
    hearing_decision_days: int = Field(45, ge=1, le=120)
    # 300.152(a): a state complaint decided within 60 days after it is filed.
    state_complaint_days: int = Field(60, ge=1, le=120)
    # 300.153(c): a state complaint alleges a violation at most one year old.
    state_complaint_limit_years: int = Field(1, ge=1, le=5)
    # 300.507(a)(2), 300.511(e): a due process complaint within two years of when the parent
    # knew or should have known, or the state's own limit.
    due_process_limit_years: int = Field(2, ge=1, le=5)
    # Not a regulation: staff are warned this many days before a dispute deadline.
    dispute_warning_days: int = Field(3, ge=0, le=30)
    # 300.504(a)(2): the school year starts on this day (for the safeguards notice on the
    # first complaint of a school year).
    school_year_starts: str = Field("07-01", pattern=r"^\d\d-\d\d$", description="MM-DD")
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

    @model_validator(mode="after")
    def _school_year_day(self) -> PlanningRules:
        month, day = (int(part) for part in self.school_year_starts.split("-"))
        date(2001, month, day)  # a real day of a year without 29 February, or ValueError
        return self


# -- arithmetic --------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def days_between(today: date, day: date) -> int:
    """Days from `today` to `day`: positive ahead, negative once past."""
    return (day - today).days


def warning_on(due_on: date, warning_days: int) -> date:
    return due_on - timedelta(warning_days)






def start_of_day(day: date, rules: PlanningRules) -> datetime:
    """Midnight beginning `day` in the district's time zone."""
    return calendar.start_of_day(day, rules.timezone)


def local_today(moment: datetime, rules: PlanningRules) -> date:
    """The district's date at `moment`."""
    return calendar.local_date(moment, rules.timezone)




# -- deadlines ---------------------------------------------------------------------------


def meeting_due_on(determined_on: date, rules: PlanningRules) -> date:
    # 300.323(c)(1): within 30 days of the eligibility determination.
    return determined_on + timedelta(rules.meeting_days)


def review_due_on(plan_written_on: date) -> date:
    # 300.324(b)(1)(i): reviewed not less than annually: by the plan's first anniversary.
    return add_years(plan_written_on, 1)


def reevaluation_due_on(determined_on: date, rules: PlanningRules) -> date:
    # 300.303(b)(2): at least once every three years.
    return add_years(determined_on, rules.reevaluation_years)


def response_due_on(filed_on: date, rules: PlanningRules) -> date:
    # 300.508(e)(1): within 10 days of receiving the due process complaint.
    return filed_on + timedelta(rules.response_days)


def resolution_meeting_due_on(filed_on: date, rules: PlanningRules) -> date:
    # 300.510(a)(1): within 15 days of receiving notice of the complaint.
    return filed_on + timedelta(rules.resolution_meeting_days)


def resolution_period_ends_on(filed_on: date, rules: PlanningRules) -> date:
    # 300.510(b)(1): the last day of the 30-day resolution period.
    return filed_on + timedelta(rules.resolution_period_days)


def hearing_decision_due_on(timeline_starts_after: date, rules: PlanningRules) -> date:
    # 300.515(a), 300.510(c): the 45-day timeline starts the day after the resolution period
    # ends (or after the written waiver of the resolution meeting), so its last day is 45
    # days after that day.
    return timeline_starts_after + timedelta(rules.hearing_decision_days)


def state_complaint_decision_due_on(filed_on: date, rules: PlanningRules) -> date:
    # 300.152(a): a final decision within 60 days after the complaint is filed.
    return filed_on + timedelta(rules.state_complaint_days)


def services_stop_on(notice_on: date, rules: PlanningRules) -> date:
    # 300.300(b)(4)(i), 300.503(a): services stop a reasonable time after the notice.
    return notice_on + timedelta(rules.services_stop_notice_days)


def due_process_in_time(knew_on: date, filed_on: date, rules: PlanningRules) -> bool:
    # 300.507(a)(2), 300.511(e): within two years of when the parent knew or should have known.
    return filed_on <= add_years(knew_on, rules.due_process_limit_years)


def state_complaint_in_time(violation_on: date, filed_on: date, rules: PlanningRules) -> bool:
    # 300.153(c): the violation occurred not more than one year before the complaint.
    return filed_on <= add_years(violation_on, rules.state_complaint_limit_years)


def school_year_of(day: date, rules: PlanningRules) -> int:
    """The calendar year in which the school year containing `day` began."""
    month, first = (int(part) for part in rules.school_year_starts.split("-"))
    return day.year if (day.month, day.day) >= (month, first) else day.year - 1


# -- what the plan must contain ----------------------------------------------------------


def transition_required(date_of_birth: date | None, term_ends_on: date,
                        rules: PlanningRules) -> bool:
    # 300.320(b): from the first plan in effect when the child turns 16: the child is 16
    # by the end of the plan's term.
    return date_of_birth is not None and age_on(date_of_birth, term_ends_on) >= (
        rules.transition_age)


def rights_transfer_required(date_of_birth: date | None, term_ends_on: date,
                             rules: PlanningRules) -> bool:
    # 300.320(c): beginning not later than one year before the age of majority.
    return date_of_birth is not None and age_on(date_of_birth, term_ends_on) >= (
        rules.age_of_majority - 1)


# 300.320(a): each part every plan states, named as a person names it.
REQUIRED_PARTS: tuple[tuple[str, str], ...] = (
    ("present_levels", "present levels of academic achievement and functional performance "
                       "(300.320(a)(1))"),
    ("annual_goals", "measurable annual goals (300.320(a)(2))"),
    ("services", "special education and related services (300.320(a)(4))"),
    ("supplementary_aids", "supplementary aids and accommodations (300.320(a)(4))"),
    ("program_modifications", "program modifications (300.320(a)(4))"),
    ("time_outside_regular_class", "the extent of time outside the regular class, with the "
                                   "explanation (300.320(a)(5))"),
    ("testing_accommodations", "testing accommodations (300.320(a)(6))"),
)
TRANSITION_PART = "transition goals and services (300.320(b))"
RIGHTS_PART = "the statement that the student was told their rights transfer at the age of " \
              "majority, with the date (300.320(c))"


def missing_parts(content: PlanContent, *, transition: bool, rights_transfer: bool
                  ) -> list[str]:
    missing = [name for part, name in REQUIRED_PARTS if getattr(content, part) is None]
    if content.annual_goals == ():
        missing.append("at least one measurable annual goal (300.320(a)(2))")
    if content.services == ():
        missing.append("at least one special education service (300.320(a)(4))")
    outside = content.time_outside_regular_class
    if outside is not None and outside.minutes_per_week > 0 and not outside.explanation.strip():
        missing.append("the explanation of the time outside the regular class "
                       "(300.320(a)(5))")
    if transition and (content.transition is None
                       or not content.transition.postsecondary_goals):
        missing.append(TRANSITION_PART)
    if rights_transfer and content.rights_transfer_informed_on is None:
        missing.append(RIGHTS_PART)
    return missing


def placement_or_services_changes(current: PlanContent, proposed: PlanContent) -> list[str]:
    """What a proposed plan changes of the child's placement and services (300.518(a))."""
    changes = []
    if set(current.services or ()) != set(proposed.services or ()):
        changes.append("the services")
    now, then = current.time_outside_regular_class, proposed.time_outside_regular_class
    if (now and now.minutes_per_week) != (then and then.minutes_per_week):
        changes.append("the placement (time outside the regular class)")
    return changes


def changed_parts(current: PlanContent, proposed: PlanContent) -> list[str]:
    return [name for name in type(current).model_fields
            if getattr(current, name) != getattr(proposed, name)]


# -- the team ----------------------------------------------------------------------------

# 300.321(a)(1)-(5): the members every meeting needs; the parent first.
REQUIRED_MEMBERS: tuple[tuple[TeamRole, str], ...] = (
    (TeamRole.PARENT, "a parent"),
    (TeamRole.REGULAR_EDUCATION_TEACHER, "a regular education teacher"),
    (TeamRole.SPECIAL_EDUCATION_TEACHER, "a special education teacher or provider"),
    (TeamRole.DISTRICT_REPRESENTATIVE, "a district representative"),
    (TeamRole.EVALUATION_INTERPRETER, "someone who can interpret the evaluation results"),
)
EXCUSABLE = frozenset(role for role, _ in REQUIRED_MEMBERS if role is not TeamRole.PARENT)


def missing_members(present: Iterable[TeamRole], excused: Iterable[TeamRole]
                    ) -> list[tuple[TeamRole, str]]:
    """300.321(a), (e): the required members neither present nor excused in writing."""
    covered = set(present) | set(excused)
    return [(role, name) for role, name in REQUIRED_MEMBERS if role not in covered]


def member_name(role: TeamRole) -> str:
    return dict(REQUIRED_MEMBERS).get(role, role.value.replace("_", " "))
