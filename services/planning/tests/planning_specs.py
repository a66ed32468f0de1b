"""The raw material of the domain specifications: a case opened on 15 April 2026 for a
student born 14 September 2018 with two guardians (Spanish and English), and valid
commands that tests change one field at a time. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

from iep_kernel.dates import Dated
from iep_kernel.events import Event
from iep_planning.domain import commands as c
from iep_planning.domain.decider import planning
from iep_planning.domain.events import PlanningOpened
from iep_planning.domain.rules import PlanningRules
from iep_planning.domain.state import Case
from iep_planning.domain.values import (
    AmendmentMethod,
    ComplaintParticulars,
    DisputeKind,
    Frequency,
    Goal,
    Guardian,
    MeetingPurpose,
    Member,
    NoticeContent,
    OptionConsidered,
    PlanContent,
    PresentLevels,
    ProgressSchedule,
    Service,
    ServiceType,
    TeamRole,
    TimeOutsideRegularClass,
    WrittenAgreement,
)

RULES = PlanningRules()
DETERMINED = date(2026, 4, 15)
MEETING_DAY = date(2026, 5, 10)
CONSENT_DAY = date(2026, 5, 12)
MARIA, LUIS = "g-maria", "g-luis"
GUARDIANS = (Guardian(guardian_id=MARIA, language="es"),
             Guardian(guardian_id=LUIS, language="en"))
R = TeamRole

OPENED = PlanningOpened(
    student_id="S-1001", case_id="case-1", school_id="sch-1", evaluation_id="ev-1",
    determined_on=DETERMINED, categories=("specific_learning_disability",),
    meeting_due_on=date(2026, 5, 15), reevaluation_due_on=date(2029, 4, 15),
    date_of_birth=date(2018, 9, 14), guardians=GUARDIANS)

PARENT = Member(name="Maria Lopez", roles=(R.PARENT,))
TEACHER = Member(name="Jo Park", roles=(R.REGULAR_EDUCATION_TEACHER,))
SPECIAL_EDUCATOR = Member(name="Ana Ruiz", roles=(R.SPECIAL_EDUCATION_TEACHER,))
PRINCIPAL = Member(name="Dr. Lee", roles=(R.DISTRICT_REPRESENTATIVE,))
PSYCHOLOGIST = Member(name="Dr. Chen", roles=(R.EVALUATION_INTERPRETER,))
FULL_TEAM = (PARENT, TEACHER, SPECIAL_EDUCATOR, PRINCIPAL, PSYCHOLOGIST)

SPEECH = Service(service=ServiceType.SPEECH_LANGUAGE_PATHOLOGY,
                 provider_role="speech-language pathologist", minutes=30,
                 frequency=Frequency.WEEKLY, location="speech room",
                 starts_on=date(2026, 5, 18), ends_on=date(2027, 5, 9))
READING = Service(service=ServiceType.SPECIALLY_DESIGNED_INSTRUCTION,
                  provider_role="special education teacher", minutes=45,
                  frequency=Frequency.DAILY, location="resource room",
                  starts_on=date(2026, 5, 18), ends_on=date(2027, 5, 9))
CONTENT = PlanContent(
    present_levels=PresentLevels(
        academic_achievement="Reads at a first-grade level",
        functional_performance="Follows two-step directions",
        effect_on_general_curriculum="Cannot read grade-level texts independently"),
    annual_goals=(Goal(area="reading", statement="Read grade-level text fluently",
                       baseline="40 words a minute", target="90 words a minute",
                       measured_by="weekly fluency probes",
                       progress_reports=ProgressSchedule.QUARTERLY),),
    services=(READING, SPEECH),
    supplementary_aids=("audiobooks",), program_modifications=(),
    time_outside_regular_class=TimeOutsideRegularClass(
        minutes_per_week=225, explanation="Daily reading instruction in the resource room"),
    testing_accommodations=("extended time",))
NOTICE = NoticeContent(
    reasons="The evaluation found a learning disability in reading",
    records_used=("Evaluation report of April 2026",),
    options_considered=(OptionConsidered(option="General education only",
                                         why_rejected="Not enough progress"),),
    sources_of_help=("State Parent Training and Information Center",))
PARTICULARS = ComplaintParticulars(child_name="Ana Lopez", address="12 Elm St",
                                   school="Lincoln Elementary")


def on(day: date, today: date | None = None, late_entry_reason: str | None = None) -> Dated:
    """An act on `day`, recorded on `today` (the same day unless given)."""
    return Dated(day, today or day, late_entry_reason)


def given(*events: Event) -> Case:
    return planning.fold(list(events))


def when(state: Case, command: Any) -> list[Event]:
    return list(planning.decide(command, state))


def story(*commands: Any, start: tuple[Event, ...] = (OPENED,)) -> tuple[Event, ...]:
    """The events of a case that went through `commands`, in order."""
    events = list(start)
    for command in commands:
        events += when(given(*events), command)
    return tuple(events)


def of_type(events: Any, cls: type) -> list[Any]:
    return [e for e in events if isinstance(e, cls)]


def schedule(**changes: Any) -> c.ScheduleMeeting:
    return replace(c.ScheduleMeeting(
        meeting_id="m-1", purposes=(MeetingPurpose.INITIAL_PLAN,), meeting_on=MEETING_DAY,
        starts_at=time(9, 30), location="Lincoln Elementary, room 12",
        invited=FULL_TEAM[1:], today=date(2026, 5, 1), rules=RULES), **changes)


def hold(**changes: Any) -> c.HoldMeeting:
    return replace(c.HoldMeeting(meeting_id="m-1", attendees=FULL_TEAM, dated=on(MEETING_DAY),
                                 rules=RULES), **changes)


def draft(**changes: Any) -> c.DraftPlan:
    return replace(c.DraftPlan(plan_id="p-1", content=CONTENT, today=date(2026, 5, 5)),
                   **changes)


def finalize(**changes: Any) -> c.FinalizePlan:
    return replace(c.FinalizePlan(plan_id="p-1", meeting_id="m-1", notice=NOTICE,
                                  stay_put_agreement=None, dated=on(MEETING_DAY), rules=RULES),
                   **changes)


def consent(**changes: Any) -> c.DecideOnServices:
    return replace(c.DecideOnServices(given=True, guardian_id=MARIA, signed_on=CONSENT_DAY,
                                      dated=on(CONSENT_DAY)), **changes)


def amend(**changes: Any) -> c.AmendPlan:
    return replace(c.AmendPlan(
        changes=PlanContent(services=(READING,)), method=AmendmentMethod.WRITTEN_AGREEMENT,
        meeting_id=None, agreement=WrittenAgreement(guardian_id=MARIA,
                                                    signed_on=date(2026, 9, 1)),
        notice=NOTICE, stay_put_agreement=None, dated=on(date(2026, 9, 2)), rules=RULES),
        **changes)


def file(**changes: Any) -> c.FileDispute:
    return replace(c.FileDispute(
        dispute_id="d-1", kind=DisputeKind.DUE_PROCESS_COMPLAINT, guardian_id=MARIA,
        problem="Speech services were cut without a meeting",
        proposed_resolution="Restore weekly speech therapy", particulars=PARTICULARS,
        knew_on=date(2026, 8, 20), violation_on=None, limit_exception=None,
        covered_by_notice_id=None, dated=on(date(2026, 9, 1)), rules=RULES), **changes)


PLAN_WRITTEN = (schedule(), hold(), draft(), finalize())
IN_EFFECT = (*PLAN_WRITTEN, consent())
