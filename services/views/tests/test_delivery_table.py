"""The services-delivery service's events in the event-type table, without I/O: minutes
required against delivered and owed, progress reports due and issued, what a parent reads;
the same case in any interleaving with the other topics."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from iep_views.app.i18n import Speaker
from iep_views.app.parent import TIMELINE, services_and_reports
from iep_views.app.tables import services_of
from iep_views.domain import delivery
from iep_views.domain.case import Case, SchedulePart
from iep_views.domain.events import TABLE
from iep_views.domain.rules import Kind, ViewRules
from iep_views.domain.table import Seen

from .test_planning_table import PLANNING
from .test_table import EVALUATION, REFERRAL

RULES = ViewRules()
AT = datetime(2026, 3, 2, tzinfo=UTC)


def event(event_type: str, **data: object) -> Seen:
    return Seen("services-delivery", event_type, 1, AT, "provider",
                {"student_id": "s", **data})


SPEECH = {"schedule_id": "sch-speech", "service": "speech_language_pathology",
          "school_id": "sch-1"}
DELIVERY = [
    event("PlanReceived", case_id="case-s", school_id="sch-1", plan_id="p1", version=1,
          change="written", dated_on="2026-02-20", review_due_on="2027-02-20",
          consent_required=True, services=[], goals=[], guardians=[]),
    event("PlanTookEffect", plan_id="p1", version=1, effective_on="2026-03-02",
          review_due_on="2027-02-20", report_dates=["2026-06-01", "2026-09-01"]),
    event("ServiceScheduled", **SPEECH, case_id="case-s", plan_id="p1", version=1,
          provider_role="speech-language pathologist", frequency="weekly",
          minutes_per_session=30, sessions_per_period=1, period="week",
          location="speech room", starts_on="2026-03-04", ends_on="2027-02-19"),
    event("SessionDelivered", **SPEECH, session_id="se1", session_on="2026-03-04",
          minutes=30, note="articulation drills"),
    event("SessionMissed", **SPEECH, session_id="se2", session_on="2026-03-11", minutes=30,
          cause="provider_absent", district_fault=True, note="provider ill"),
    event("CompensatoryMinutesOwed", **SPEECH, session_id="se2", session_on="2026-03-11",
          minutes=30, cause="provider_absent", owed_total=30),
    event("SessionDelivered", **SPEECH, session_id="se3", session_on="2026-03-18",
          minutes=20, note="short session"),
    event("SessionCorrected", **SPEECH, session_id="se3", session_on="2026-03-18",
          outcome="delivered", minutes=30, cause=None, district_fault=False,
          note="full session", reason="logged the wrong minutes"),
    event("ProgressReportDue", report_id="rep-1", school_id="sch-1", plan_id="p1",
          version=1, due_on="2026-06-01", period_starts_on="2026-03-02",
          guardian_ids=["g1"]),
]
ISSUED = event("ProgressReportIssued", report_id="rep-1", school_id="sch-1",
               case_id="case-s", plan_id="p1", version=1, due_on="2026-06-01",
               issued_on="2026-06-03", period_starts_on="2026-03-02",
               period_ends_on="2026-06-01", goals=[], services=[], guardians=[], late=True)


def fold(events: list[Seen], case: Case | None = None) -> Case:
    case = case or Case(student_id="s")
    for seen in events:
        step = TABLE.apply(case, seen)
        assert step is not None, seen.event_type
        case = step.case
    return case


def test_minutes_are_required_per_week_with_a_partial_week_rounded_up() -> None:
    schedule = SchedulePart(schedule_id="x", service="counseling", minutes_per_session=45,
                            sessions_per_period=5, period="week",
                            starts_on=date(2026, 3, 4), ends_on=date(2026, 6, 30))
    # Wednesday to Friday: 3 of 5 school days of 5 sessions → 3 sessions
    assert delivery.minutes_required(schedule, date(2026, 3, 6)) == 3 * 45
    # then a whole week, and Monday of the next: 1/5 of 5 → 1 session
    assert delivery.minutes_required(schedule, date(2026, 3, 16)) == (3 + 5 + 1) * 45
    monthly = schedule.model_copy(update={"period": "month", "sessions_per_period": 1})
    assert delivery.minutes_required(monthly, date(2026, 4, 30)) == 2 * 45


def test_delivered_missed_and_owed_follow_the_log_and_its_corrections() -> None:
    case = fold(DELIVERY)
    assert case.delivery is not None
    (speech,) = case.delivery.schedules
    assert (speech.delivered, speech.missed, speech.owed) == (60, 30, 30)
    assert case.school_id == "sch-1"
    assert delivery.summary(services_of(case), date(2026, 3, 20)) == {
        "minutes_required": 90, "minutes_delivered": 60, "minutes_missed": 30,
        "compensatory_owed": 30}


def test_a_progress_report_is_a_deadline_until_it_is_issued() -> None:
    case = fold(REFERRAL + EVALUATION + PLANNING[:6] + DELIVERY)
    kinds = {d.kind: d for d in case.deadlines(RULES)}
    report = kinds[Kind.PROGRESS_REPORT_DUE]
    assert (report.due_on, report.about) == (date(2026, 6, 1), "rep-1")
    assert report.rule.startswith("34 CFR 300.320(a)(3)(ii)")
    issued = fold([ISSUED], case)
    following = {d.kind: d for d in issued.deadlines(RULES)}[Kind.PROGRESS_REPORT_DUE]
    assert (following.due_on, following.about) == (date(2026, 9, 1), None)


def test_the_parent_reads_services_received_against_promised_and_each_report() -> None:
    case = fold([*DELIVERY, ISSUED])
    services, reports = services_and_reports(case, Speaker("en"), date(2026, 3, 20))
    assert [s["text"] for s in services] == [
        "speech and language therapy: 60 of 90 minutes received so far. The school owes "
        "your child 30 minutes, to be made up."]
    assert reports == [{"report_id": "rep-1", "due_on": date(2026, 6, 1),
                        "issued_on": date(2026, 6, 3),
                        "pdf": "/api/services-delivery/progress-reports/rep-1.pdf",
                        "text": "A progress report on your child's goals was sent on June 3, "
                                "2026."}]
    spanish, _ = services_and_reports(case, Speaker("es"), date(2026, 3, 20))
    assert spanish[0]["text"].startswith("terapia del habla y del lenguaje: 60 de 90 minutos")
    step = TABLE.apply(case, DELIVERY[2])
    assert step is not None
    assert TIMELINE[step.entry.kind](Speaker("es"), step.entry.facts) == (
        "Comenzaron los servicios: terapia del habla y del lenguaje.")


@st.composite
def interleavings(draw: st.DrawFn) -> list[Seen]:
    sources = [REFERRAL, EVALUATION, PLANNING, DELIVERY]
    counts = [draw(st.integers(0, len(s))) for s in sources]
    picks = draw(st.permutations([n for n, c in enumerate(counts) for _ in range(c)]))
    queues = [list(s[:c]) for s, c in zip(sources, counts, strict=True)]
    return [queues[p].pop(0) for p in picks]


@given(interleavings())
def test_the_case_is_the_same_in_any_interleaving_of_the_four_services(events: list[Seen]
                                                                       ) -> None:
    by_source = [e for s in ("referral", "evaluation", "planning", "services-delivery")
                 for e in events if e.source == s]
    assert fold(events) == fold(by_source)
