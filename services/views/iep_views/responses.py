"""The views' response bodies, one per view, and how rows become them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from iep_kernel.dates import LATE_ENTRY_DAYS
from iep_kernel.events import SYSTEM_ACTOR
from pydantic import BaseModel, Field

from iep_views.app.i18n import Speaker
from iep_views.app.parent import TIMELINE, services_and_reports, standing
from iep_views.app.queries import Child
from iep_views.domain import delivery, rules
from iep_views.domain.rules import Bucket, ViewRules, bucket_rule


class Freshness(BaseModel):
    applied: dict[str, int] = Field(
        description="How far the view has applied each source service: the highest global "
                    "position of its events applied here")
    caught_up: bool | None = Field(
        None, description="With min_position: whether that event was applied before the "
                          "answer (false: the wait ran out, the answer may not show it)")


class NextDeadline(BaseModel):
    kind: str
    due_on: date | None = Field(description="null only for an open dispute without a "
                                            "deadline (mediation, a team meeting request)")
    rule: str = Field(description="The rule behind the deadline, with its regulation")
    days_remaining: int | None = Field(description="Calendar days to the due date; "
                                                   "negative once it has passed")
    overdue: bool


def deadline_of(row: asyncpg.Record | dict[str, Any], today: date) -> NextDeadline | None:
    if row["deadline_kind"] is None:
        return None
    if row["deadline_on"] is None:
        return NextDeadline(kind=row["deadline_kind"], due_on=None, rule=row["deadline_rule"],
                            days_remaining=None, overdue=False)
    return NextDeadline(kind=row["deadline_kind"], due_on=row["deadline_on"],
                        rule=row["deadline_rule"],
                        days_remaining=rules.days_remaining(today, row["deadline_on"]),
                        overdue=rules.is_overdue(today, row["deadline_on"]))


class ServicesSummary(BaseModel):
    """Services minutes from the plan's start to today: what the schedules require (the
    services-delivery arithmetic), what was delivered and missed, what is owed back."""

    minutes_required: int
    minutes_delivered: int
    minutes_missed: int
    compensatory_owed: int = Field(description="Minutes missed through the district's fault "
                                               "and not yet made up")


class StudentLine(BaseModel):
    """A student in a list: ids, stage and deadline; no personal data."""

    student_id: str
    school_id: str | None
    referral_id: str | None
    evaluation_id: str | None
    case_id: str | None = Field(None, description="The planning case, once opened")
    plan_id: str | None = Field(None, description="The plan written for the student")
    grade: str | None
    stage: str
    stay_put: bool = Field(False, description="A due process complaint is pending: the "
                                              "student stays in the current placement "
                                              "(34 CFR 300.518)")
    next_deadline: NextDeadline | None
    services: ServicesSummary | None = Field(None, description="Once services are scheduled")


def line_of(row: asyncpg.Record | dict[str, Any], today: date) -> StudentLine:
    return StudentLine(student_id=row["student_id"], school_id=row["school_id"],
                       referral_id=row["referral_id"], evaluation_id=row["evaluation_id"],
                       case_id=row["case_id"], plan_id=row["plan_id"],
                       grade=row["grade"], stage=row["stage"], stay_put=row["stay_put"],
                       next_deadline=deadline_of(row, today),
                       services=_services(row["services"], today))


def _services(services: list[dict[str, Any]] | None, today: date) -> ServicesSummary | None:
    found = delivery.summary(services, today)
    return ServicesSummary(**found) if found else None


class Caseload(Freshness):
    today: date
    total: int = Field(description="Students matching the filters (the page may hold fewer)")
    students: list[StudentLine]


class ComplianceList(BaseModel):
    count: int
    rule: str
    students: list[StudentLine] = Field(description="The most urgent first, up to `limit`")


class LateEntryLine(BaseModel):
    """An act recorded long after it happened: ids and dates, no personal data (the reason
    is in the case file's timeline, for staff)."""

    student_id: str
    school_id: str
    source: str
    event_type: str
    kind: str
    position: int = Field(description="The event's global position in its source's log")
    occurred_on: date = Field(description="The day the act happened (the producer's date)")
    recorded_on: date = Field(description="The district's day it was recorded (by the "
                                          "district clock)")
    days_late: int = Field(description="Days from the act to its recording")
    late_entry_reason_given: bool


class LateEntryList(BaseModel):
    count: int
    rule: str
    entries: list[LateEntryLine] = Field(description="The latest recorded first, up to "
                                                     "`limit`")


class SchoolCompliance(BaseModel):
    school_id: str
    evaluations_overdue: ComplianceList
    evaluations_due_soon: ComplianceList
    consents_unanswered: ComplianceList
    meetings_overdue: ComplianceList
    meetings_due_soon: ComplianceList
    reviews_overdue: ComplianceList
    reviews_due_soon: ComplianceList
    reevaluations_overdue: ComplianceList
    reevaluations_due_soon: ComplianceList
    disputes_open: ComplianceList = Field(description="Each open dispute with its nearest "
                                                      "deadline")
    progress_reports_overdue: ComplianceList
    progress_reports_due_soon: ComplianceList
    services: ServicesSummary | None = Field(None, description="The school's services "
                                                               "minutes, students with "
                                                               "services together")
    late_entries: LateEntryList = Field(description="Acts recorded more than the "
                                                    "district's late-entry window after "
                                                    "they happened")


class ComplianceTotals(BaseModel):
    evaluations_overdue: int
    evaluations_due_soon: int
    consents_unanswered: int
    meetings_overdue: int
    meetings_due_soon: int
    reviews_overdue: int
    reviews_due_soon: int
    reevaluations_overdue: int
    reevaluations_due_soon: int
    disputes_open: int
    progress_reports_overdue: int
    progress_reports_due_soon: int
    services: ServicesSummary | None = None
    late_entries: int = 0


class ComplianceDashboard(Freshness):
    today: date
    scope: str = Field(description="district, or the caller's schools")
    due_soon_days: int = Field(description="The window of evaluations and meetings due soon")
    review_due_soon_days: int
    reevaluation_due_soon_days: int
    consent_follow_up_days: int
    late_entry_days: int = Field(description="The district's late-entry window "
                                             "(IEP_LATE_ENTRY_DAYS)")
    totals: ComplianceTotals
    schools: list[SchoolCompliance]


def _add(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    if a is None or b is None:
        return a or b
    return {k: a[k] + b[k] for k in a}


@dataclass(frozen=True)
class LateEntries:
    """The dashboard's late entries: the district's window, counts by school, rows listed."""

    window: int
    counts: dict[str, int]
    rows: Sequence[asyncpg.Record | dict[str, Any]]


def dashboard_of(schools: list[str], counts: dict[tuple[str, str], int],
                 listed: list[dict[str, Any]], today: date, district: ViewRules,
                 scope: str, freshness: Freshness,
                 services: Sequence[asyncpg.Record | dict[str, Any]] = (),
                 late: LateEntries | None = None) -> ComplianceDashboard:
    late = late or LateEntries(LATE_ENTRY_DAYS, {}, [])
    lines: dict[tuple[str, str], list[StudentLine]] = {}
    for row in listed:
        lines.setdefault((row["school_id"], row["bucket"]), []).append(line_of(row, today))
    minutes: dict[str, dict[str, int] | None] = {}
    for row in services:
        if row["school_id"] is None:
            continue
        minutes[row["school_id"]] = _add(minutes.get(row["school_id"]),
                                         delivery.summary(row["services"], today))
    whole: dict[str, int] | None = None
    for found in minutes.values():
        whole = _add(whole, found)
    sections = [SchoolCompliance(
        school_id=school, services=minutes.get(school),
        late_entries=LateEntryList(
            count=late.counts.get(school, 0), rule=rules.late_entry_rule(late.window),
            entries=[LateEntryLine(**{k: r[k] for k in LateEntryLine.model_fields})
                     for r in late.rows if r["school_id"] == school]), **{
        bucket: ComplianceList(count=counts.get((school, bucket), 0),
                               rule=bucket_rule(bucket, district),
                               students=lines.get((school, bucket), []))
        for bucket in Bucket.ALL}) for school in schools]
    totals = ComplianceTotals(services=whole, late_entries=sum(late.counts.values()), **{
        bucket: sum(n for (_, b), n in counts.items() if b == bucket)
        for bucket in Bucket.ALL})
    return ComplianceDashboard(
        today=today, scope=scope, due_soon_days=district.due_soon_days,
        review_due_soon_days=district.review_due_soon_days,
        reevaluation_due_soon_days=district.reevaluation_due_soon_days,
        consent_follow_up_days=district.consent_follow_up_days,
        late_entry_days=late.window, totals=totals,
        schools=sections, **freshness.model_dump())


SYSTEM_ROLE = SYSTEM_ACTOR.role  # process managers and timers: never a late entry


class CaseEntry(BaseModel):
    on: date = Field(description="The day it happened: an act's own date (occurred_on) "
                                 "when its producer gave one")
    kind: str
    source: str
    event_type: str
    position: int
    recorded_at: datetime
    actor_role: str
    guardian_id: str | None
    facts: dict[str, Any]
    personal: dict[str, Any] | None = Field(
        description="Names and free text (a late entry's late_entry_reason among them); "
                    "null once the student's records were destroyed")
    occurred_on: date | None = Field(None, description=(
        "The day the act happened, as its producer dated it; null for an event that is "
        "not an act, or an act published before acts were dated"))
    recorded_on: date | None = Field(None, description="The district's day it was recorded "
                                                       "(by the district clock)")
    days_late: int | None = Field(None, description="Days from the act to its recording")
    late_entry: bool = Field(False, description="Recorded by a person more than the "
                                                "district's late-entry window after the act")
    late_entry_reason_given: bool = False


class CaseFile(Freshness):
    student: StudentLine
    student_name: str | None
    guardians: list[dict[str, str]]
    referral: dict[str, Any] | None
    evaluation: dict[str, Any] | None
    planning: dict[str, Any] | None = Field(
        None, description="The planning case: meetings, plan, consent, review, "
                          "reevaluation and disputes with their deadlines")
    delivery: dict[str, Any] | None = Field(
        None, description="Services as scheduled and logged, compensatory balance, progress "
                          "reports")
    services: ServicesSummary | None = None
    records_destroyed_on: date | None
    timeline: list[CaseEntry] = Field(description="Everything known, newest first")


def _guardians(student: dict[str, Any] | None, referral: dict[str, Any] | None
               ) -> list[dict[str, str]]:
    """The student record's guardians (a row stored before the record, its referral's)."""
    if student is not None:
        return list(student["guardians"])
    return list(referral["guardians"]) if referral else []


def case_file_of(row: asyncpg.Record, entries: list[asyncpg.Record], today: date,
                 freshness: Freshness, late_entry_days: int = LATE_ENTRY_DAYS) -> CaseFile:
    referral = row["referral"]
    return CaseFile(
        student=line_of(row, today),
        student_name=referral["student_name"] if referral else None,
        guardians=_guardians(row["student"], referral),
        referral=referral, evaluation=row["evaluation"], planning=row["planning"],
        delivery=row["delivery"], services=_services(row["services"], today),
        records_destroyed_on=row["records_destroyed_on"],
        timeline=[CaseEntry(
            on=e["happened_on"],
            late_entry=e["days_late"] is not None and e["days_late"] > late_entry_days
            and e["actor_role"] != SYSTEM_ROLE,
            **{k: e[k] for k in (
                "kind", "source", "event_type", "position", "recorded_at", "actor_role",
                "guardian_id", "facts", "personal", "occurred_on", "recorded_on", "days_late",
                "late_entry_reason_given")}) for e in entries],
        **freshness.model_dump())


class ParentAction(BaseModel):
    action: str
    referral_id: str | None = None
    case_id: str | None = Field(None, description="The planning case to act on")
    plan_id: str | None = None
    version: int | None = None
    meeting_id: str | None = None
    text: str


class ParentTimelineEntry(BaseModel):
    on: date
    on_text: str = Field(description="The date as the parent reads it")
    kind: str
    text: str


class ServiceReceived(BaseModel):
    schedule_id: str
    service: str
    minutes_promised: int = Field(description="What the plan's schedule required up to today")
    minutes_received: int
    minutes_owed: int = Field(description="Missed through the school's fault, to be made up")
    text: str


class ProgressReportLine(BaseModel):
    report_id: str
    due_on: date
    issued_on: date | None
    pdf: str | None = Field(description="Where the report's PDF is, once issued")
    text: str


class ChildView(BaseModel):
    student_id: str
    name: str | None
    language: str = Field(description="The language of the texts: the guardian's preferred "
                                      "language when the views have it, else English")
    stage: str
    summary: str = Field(description="Where things stand, in a sentence")
    actions: list[ParentAction] = Field(description="What is waiting for you")
    timeline: list[ParentTimelineEntry] = Field(description="What happened, newest first")
    services: list[ServiceReceived] = Field(default_factory=list,
                                            description="Services received against the plan")
    progress_reports: list[ProgressReportLine] = Field(default_factory=list,
                                                       description="Newest first")


class MyChildren(Freshness):
    children: list[ChildView]


def child_view(child: Child, district: ViewRules, today: date) -> ChildView:
    speaker = Speaker(child.preferred_language)
    where = standing(child.case, speaker, district)
    received, reports = services_and_reports(child.case, speaker, today)
    referral = child.case.referral
    return ChildView(
        student_id=child.case.student_id,
        name=referral.student_name if referral else None, language=speaker.language,
        stage=where.stage, summary=where.summary,
        actions=[ParentAction(**a) for a in where.actions],
        timeline=[ParentTimelineEntry(on=e["happened_on"], on_text=speaker.day(e["happened_on"]),
                                      kind=e["kind"], text=TIMELINE[e["kind"]](speaker,
                                                                              e["facts"]))
                  for e in child.entries],
        services=[ServiceReceived(**s) for s in received],
        progress_reports=[ProgressReportLine(**r) for r in reports])
