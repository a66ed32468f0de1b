"""The event-type table, without I/O: given a student's events, then this case.

The referral and evaluation topics are read independently, so the case must come out the
same whatever the interleaving of the two services' events (each in its own order).
"""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from iep_views.domain.case import Case, Stage
from iep_views.domain.events import SOURCES, TABLE
from iep_views.domain.rules import ViewRules
from iep_views.domain.table import Seen

RULES = ViewRules()
AT = datetime(2026, 1, 5, tzinfo=UTC)


def seen(source: str, event_type: str, **data: object) -> Seen:
    return Seen(source, event_type, 1, AT, "case_manager", {"student_id": "s", **data})


REFERRAL = [
    seen("referral", "ReferralMade", referral_id="r1", school_id="sch-1",
         student={"name": "Ana", "grade": "2", "school_id": "sch-1"},
         guardians=[{"guardian_id": "g1", "name": "Eva", "preferred_language": "es"}],
         referred_by={"name": "Jo", "role": "teacher"},
         concerns={"text": "reads slowly", "areas": ["schoolwork"]}, referred_on="2026-01-05",
         a_field_added_later=True),
    seen("referral", "EvaluationConsentRequested", referral_id="r1", school_id="sch-1",
         requested_on="2026-01-06", guardian_ids=["g1"],
         assessments_proposed=[{"area": "reading", "description": "battery"}]),
    seen("referral", "ConsentGiven", referral_id="r1", guardian_id="g1",
         signed_on="2026-01-07", method="written", school_id="sch-1",
         received_on="2026-01-08"),
]
EVALUATION = [
    seen("evaluation", "EvaluationOpened", evaluation_id="e1", referral_id="r1",
         school_id="sch-1", consent_signed_on="2026-01-07", consent_received_on="2026-01-08",
         due_on="2026-03-09", timeline_days=60, day_count="calendar", guardian_ids=["g1"],
         date_of_birth="2018-01-01"),
    seen("evaluation", "AssessmentCompleted", evaluation_id="e1", assessment_number=1,
         area="reading", evaluator_name="Dr. Lee", evaluator_role="psychologist",
         instrument="WJ-IV", completed_on="2026-01-20", summary="low average"),
    seen("evaluation", "EligibilityDetermined", evaluation_id="e1", school_id="sch-1",
         eligible=True, categories=["specific_learning_disability"], adverse_effect=True,
         needs_special_education=True, team=[], parent_participated=True,
         determined_on="2026-02-01", rationale="needs support", section_504_referral=False,
         within_timeline=True),
]


def fold(events: list[Seen]) -> Case:
    case = Case(student_id="s")
    for event in events:
        step = TABLE.apply(case, event)
        assert step is not None
        case = step.case
    return case


@st.composite
def interleavings(draw: st.DrawFn) -> list[Seen]:
    referral, evaluation = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    picks = draw(st.permutations([0] * referral + [1] * evaluation))
    queues = [list(REFERRAL[:referral]), list(EVALUATION[:evaluation])]
    return [queues[p].pop(0) for p in picks]


@given(interleavings())
def test_the_case_is_the_same_in_any_interleaving_of_the_two_services(events: list[Seen]
                                                                      ) -> None:
    by_source = [[e for e in events if e.source == s] for s in ("referral", "evaluation")]
    assert fold(events) == fold(by_source[0] + by_source[1])


def test_the_evaluation_sets_the_stage_and_deadline_once_it_is_open() -> None:
    consented = fold(REFERRAL)
    assert (consented.stage, consented.next_deadline(RULES)) == (Stage.EVALUATING, None)
    opened = fold([*REFERRAL, EVALUATION[0]])
    deadline = opened.next_deadline(RULES)
    assert deadline is not None
    assert (deadline.due_on, deadline.kind) == (date(2026, 3, 9), "evaluation_due")
    assert deadline.rule == ("34 CFR 300.301(c)(1): initial evaluation within 60 days of "
                             "receiving consent")
    eligible = fold(REFERRAL + EVALUATION)
    meeting = eligible.next_deadline(RULES)
    assert eligible.stage == Stage.ELIGIBLE
    assert meeting is not None and meeting.due_on == date(2026, 3, 3)
    assert meeting.rule.startswith("34 CFR 300.323(c)(1)")


def test_awaiting_consent_has_a_follow_up_after_ten_days() -> None:
    waiting = fold(REFERRAL[:2])
    deadline = waiting.next_deadline(RULES)
    assert waiting.stage == Stage.AWAITING_CONSENT
    assert deadline is not None and deadline.due_on == date(2026, 1, 16)


def test_a_new_referral_is_not_mistaken_for_the_old_evaluation() -> None:
    again = seen("referral", "ReferralMade", **{**REFERRAL[0].data, "referral_id": "r2",
                                                "referred_on": "2026-06-01"})
    case = fold([*REFERRAL, *EVALUATION, again])
    assert case.stage == Stage.REFERRED
    assert case.evaluation is not None and case.evaluation.status == "eligible"


def test_destroyed_personal_fields_leave_nothing_personal_in_the_entry() -> None:
    destroyed = seen("referral", "ReferralMade", **{
        **REFERRAL[0].data, "student": {"name": "[destroyed]", "grade": "2",
                                        "school_id": "sch-1"},
        "concerns": {"text": "[destroyed]", "areas": ["schoolwork"]}})
    step = TABLE.apply(Case(student_id="s"), destroyed)
    assert step is not None and step.entry.personal is None
    assert step.entry.facts["concern_areas"] == ["schoolwork"]


def test_the_table_reads_the_four_services_topics() -> None:
    assert SOURCES == ("evaluation", "planning", "referral", "services-delivery")
    assert ("referral", "RecordAccessed") not in TABLE
    assert TABLE.apply(Case(student_id="s"), seen("referral", "RecordAccessed")) is None
