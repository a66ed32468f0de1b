"""The planning service's events in the event-type table, without I/O: given a student's
events from three topics, then this case, stage and deadlines, whatever the interleaving."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from iep_views.app.i18n import Speaker
from iep_views.app.parent import TIMELINE, standing
from iep_views.domain.case import Case, Stage
from iep_views.domain.events import SOURCES, TABLE
from iep_views.domain.rules import Kind, ViewRules
from iep_views.domain.table import Seen

from .test_table import EVALUATION, REFERRAL

RULES = ViewRules()
AT = datetime(2026, 2, 1, tzinfo=UTC)
CASE = "case-s"


def planning(event_type: str, **data: object) -> Seen:
    return Seen("planning", event_type, 1, AT, "case_manager",
                {"student_id": "s", "case_id": CASE, **data})


OPENED = planning("PlanningOpened", school_id="sch-1", evaluation_id="e1",
                  determined_on="2026-02-01", categories=["specific_learning_disability"],
                  meeting_due_on="2026-03-03", reevaluation_due_on="2029-02-01",
                  date_of_birth="2018-01-01",
                  guardians=[{"guardian_id": "g1", "language": "es"}])
SCHEDULED = planning("MeetingScheduled", meeting_id="m1", purposes=["initial_plan"],
                     meeting_on="2026-02-20", starts_at="15:30:00",
                     location="Lincoln Elementary, room 4",
                     invited=[{"name": "Ana Ruiz", "roles": ["special_education_teacher"]}],
                     student_invited=False, scheduled_on="2026-02-05")
NOTICE = planning("MeetingNoticeIssued", meeting_id="m1", notice_id="n1", guardian_id="g1",
                  language="es", issued_on="2026-02-05", purposes=["initial_plan"],
                  meeting_on="2026-02-20", starts_at="15:30:00",
                  location="Lincoln Elementary, room 4", attending=[],
                  right_to_bring_others="You may bring others", transition_statement=None,
                  student_invited=False, rescheduled=False)
HELD = planning("MeetingHeld", meeting_id="m1", held_on="2026-02-20",
                purposes=["initial_plan"], attendees=[], parent_attended=True,
                excused_roles=[], contact_attempts=0)
WRITTEN = planning("PlanWritten", plan_id="p1", version=1, meeting_id="m1",
                   written_on="2026-02-20", review_due_on="2027-02-20", content={},
                   consent_required=True, guardian_ids=["g1"], stay_put_agreement=None)
CONSENTED = planning("ConsentToServicesGiven", guardian_id="g1", signed_on="2026-02-22",
                     plan_id="p1", version=1, received_on="2026-02-23")
FILED = planning("DisputeFiled", dispute_id="d1", school_id="sch-1",
                 kind="due_process_complaint", filed_on="2026-09-01", filed_by="g1",
                 problem="not enough reading support", proposed_resolution="a specialist",
                 particulars={"child_name": "Ana", "address": "4 Oak", "school": "Lincoln"},
                 knew_on="2026-08-25", violation_on=None, limit_exception=None,
                 covered_by_notice_id=None, response_due_on="2026-09-11",
                 resolution_meeting_due_on="2026-09-16",
                 resolution_period_ends_on="2026-10-01", decision_due_on=None)
PLANNING = [OPENED, SCHEDULED, NOTICE, HELD, WRITTEN, CONSENTED, FILED]


def fold(events: list[Seen], case: Case | None = None) -> Case:
    case = case or Case(student_id="s")
    for event in events:
        step = TABLE.apply(case, event)
        assert step is not None, event.event_type
        case = step.case
    return case


@st.composite
def interleavings(draw: st.DrawFn) -> list[Seen]:
    counts = [draw(st.integers(0, len(REFERRAL))), draw(st.integers(0, len(EVALUATION))),
              draw(st.integers(0, len(PLANNING)))]
    picks = draw(st.permutations([n for n, c in enumerate(counts) for _ in range(c)]))
    queues = [list(REFERRAL[:counts[0]]), list(EVALUATION[:counts[1]]),
              list(PLANNING[:counts[2]])]
    return [queues[p].pop(0) for p in picks]


@given(interleavings())
def test_the_case_is_the_same_in_any_interleaving_of_the_three_services(events: list[Seen]
                                                                        ) -> None:
    by_source = [[e for e in events if e.source == s]
                 for s in ("referral", "evaluation", "planning")]
    alone = fold(by_source[0] + by_source[1] + by_source[2])
    assert fold(events) == alone
    assert fold(by_source[2] + by_source[1] + by_source[0]) == alone


def stage_and_deadline(events: list[Seen]) -> tuple[str, str | None, date | None]:
    case = fold(REFERRAL + EVALUATION + events)
    deadline = case.next_deadline(RULES)
    return case.stage, deadline and deadline.kind, deadline and deadline.due_on


def test_each_planning_event_moves_the_stage_and_the_next_deadline() -> None:
    assert stage_and_deadline([]) == (Stage.ELIGIBLE, Kind.IEP_MEETING_DUE, date(2026, 3, 3))
    assert stage_and_deadline([OPENED]) == (Stage.MEETING_DUE, Kind.IEP_MEETING_DUE,
                                            date(2026, 3, 3))
    assert stage_and_deadline(PLANNING[:3]) == (Stage.MEETING_SCHEDULED,
                                                Kind.IEP_MEETING_DUE, date(2026, 3, 3))
    # the initial meeting is met: only the three-year reevaluation is left
    assert stage_and_deadline(PLANNING[:4]) == (Stage.PLAN_BEING_WRITTEN,
                                                Kind.REEVALUATION_DUE, date(2029, 2, 1))
    assert stage_and_deadline(PLANNING[:5]) == (Stage.AWAITING_SERVICES_CONSENT,
                                                Kind.REEVALUATION_DUE, date(2029, 2, 1))
    assert stage_and_deadline(PLANNING[:6]) == (Stage.PLAN_IN_EFFECT,
                                                Kind.ANNUAL_REVIEW_DUE, date(2027, 2, 20))
    assert stage_and_deadline(PLANNING) == (Stage.IN_DISPUTE, Kind.DISPUTE_RESPONSE_DUE,
                                            date(2026, 9, 11))


def test_a_plan_in_effect_has_its_review_and_reevaluation_each_with_its_rule() -> None:
    case = fold(REFERRAL + EVALUATION + PLANNING[:6])
    assert [(d.kind, d.due_on, d.rule.split(":")[0]) for d in case.deadlines(RULES)] == [
        (Kind.ANNUAL_REVIEW_DUE, date(2027, 2, 20), "34 CFR 300.324(b)(1)(i)"),
        (Kind.REEVALUATION_DUE, date(2029, 2, 1), "34 CFR 300.303(b)(2)")]
    waived = fold([planning("ReevaluationWaived", guardian_id="g1", agreed_on="2028-12-01",
                            waived_due_on="2029-02-01", reevaluation_due_on="2031-12-01")],
                  case)
    assert waived.planning is not None
    assert waived.planning.reevaluation_due_on == date(2031, 12, 1)


def test_a_due_process_complaint_holds_the_placement_and_its_deadlines_move() -> None:
    case = fold(REFERRAL + EVALUATION + PLANNING)
    assert case.stay_put
    responded = fold([planning("DisputeResponseSent", dispute_id="d1", sent_on="2026-09-05",
                               explanation="x", options_considered=[], records_used=[],
                               other_factors="")], case)
    deadline = responded.next_deadline(RULES)
    assert deadline is not None and (deadline.kind, deadline.due_on) == (
        Kind.RESOLUTION_MEETING_DUE, date(2026, 9, 16))
    assert deadline.rule.startswith("34 CFR 300.510(a)(1)")
    ended = fold([planning("ResolutionPeriodEnded", dispute_id="d1", ended_on="2026-10-01",
                           hearing_decision_due_on="2026-11-15")], responded)
    deadline = ended.next_deadline(RULES)
    assert deadline is not None and (deadline.kind, deadline.due_on) == (
        Kind.HEARING_DECISION_DUE, date(2026, 11, 15))
    resolved = fold([planning("DisputeResolved", dispute_id="d1",
                              kind="due_process_complaint", resolved_on="2026-11-01",
                              ending="hearing_decision", summary="services added")], ended)
    assert (resolved.stage, resolved.stay_put) == (Stage.PLAN_IN_EFFECT, False)


def test_a_state_complaint_is_decided_within_sixty_days_without_stay_put() -> None:
    complaint = planning("DisputeFiled", **{
        **FILED.data, "dispute_id": "d2", "kind": "state_complaint",
        "response_due_on": None, "resolution_meeting_due_on": None,
        "resolution_period_ends_on": None, "decision_due_on": "2026-10-31"})
    case = fold(REFERRAL + EVALUATION + PLANNING[:6] + [complaint])
    deadline = case.next_deadline(RULES)
    assert (case.stage, case.stay_put) == (Stage.IN_DISPUTE, False)
    assert deadline is not None and deadline.kind == Kind.COMPLAINT_DECISION_DUE
    assert deadline.rule.startswith("34 CFR 300.152(a)")


def test_refused_and_revoked_consent() -> None:
    refused = fold(REFERRAL + EVALUATION + PLANNING[:5] + [planning(
        "ConsentToServicesRefused", guardian_id="g1", signed_on="2026-02-22", plan_id="p1",
        version=1, received_on="2026-02-22")])
    assert refused.stage == Stage.SERVICES_CONSENT_REFUSED
    revoked = fold(REFERRAL + EVALUATION + PLANNING[:6] + [planning(
        "ConsentToServicesRevoked", guardian_id="g1", signed_on="2026-04-01",
        received_on="2026-04-01")])
    assert (revoked.stage, revoked.deadlines(RULES)) == (Stage.CONSENT_REVOKED, [])


def test_a_new_referral_after_the_plan_starts_a_new_cycle() -> None:
    again = Seen("referral", "ReferralMade", 9, AT, "teacher", {
        **REFERRAL[0].data, "referral_id": "r2", "referred_on": "2027-06-01"})
    case = fold(REFERRAL + EVALUATION + PLANNING[:6] + [again])
    assert case.stage == Stage.REFERRED


def test_the_parent_reads_the_meeting_and_the_consent_waiting_for_them() -> None:
    scheduled = fold(REFERRAL + EVALUATION + PLANNING[:3])
    english = standing(scheduled, Speaker("en"), RULES)
    assert english.summary == ("Your child's IEP meeting is on February 20, 2026 at 3:30\u202fPM "
                               "at Lincoln Elementary, room 4.")
    assert [(a["action"], a["case_id"], a["meeting_id"]) for a in english.actions] == [
        ("answer_meeting_invitation", CASE, "m1")]
    spanish = standing(scheduled, Speaker("es"), RULES)
    assert spanish.summary == ("La reunión del IEP de su hijo o hija es el 20 de febrero de "
                               "2026 a las 15:30 en Lincoln Elementary, room 4.")
    written = standing(fold(REFERRAL + EVALUATION + PLANNING[:5]), Speaker("en"), RULES)
    assert written.summary == ("The team has written your child's IEP. We are waiting for "
                               "your consent for services to start.")
    assert [(a["action"], a["plan_id"], a["version"]) for a in written.actions] == [
        ("answer_services_consent", "p1", 1)]
    in_effect = standing(fold(REFERRAL + EVALUATION + PLANNING[:6]), Speaker("en"), RULES)
    assert in_effect.summary == ("Services in your child's IEP are under way; the plan will be "
                                 "reviewed by February 20, 2027.")
    disputed = standing(fold(REFERRAL + EVALUATION + PLANNING), Speaker("en"), RULES)
    assert disputed.summary == (
        "Your dispute was received on September 1, 2026; a resolution meeting must be held by "
        "September 16, 2026. While it is pending, your child stays in the current placement "
        "with the current services.")


def test_every_kind_a_planning_event_gives_the_parent_reads_in_both_languages() -> None:
    case = fold(REFERRAL + EVALUATION)
    for event in PLANNING:
        step = TABLE.apply(case, event)
        assert step is not None
        case = step.case
        if step.entry.kind in TIMELINE:
            for language in ("en", "es"):
                assert TIMELINE[step.entry.kind](Speaker(language), step.entry.facts)


def test_the_table_reads_the_planning_topic() -> None:
    assert SOURCES == ("evaluation", "planning", "referral", "services-delivery")
    assert ("planning", "PlanWritten") in TABLE
