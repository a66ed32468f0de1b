"""The referral rules, without I/O: given these events, when this command, then these events
(or this refusal)."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st
from iep_kernel.dates import Dated
from iep_kernel.decider import IllegalTransition, NotFound
from iep_kernel.events import Event, has_personal_data, personal_fields
from iep_referral.domain import rules
from iep_referral.domain.commands import (
    CloseReferral,
    MakeReferral,
    NoticeContent,
    RecordConsent,
    RequestConsent,
)
from iep_referral.domain.decider import Referral, referral
from iep_referral.domain.events import (
    Concerns,
    ConsentGiven,
    ConsentRefused,
    EvaluationConsentRequested,
    Guardian,
    OptionConsidered,
    PriorWrittenNoticeIssued,
    ProceduralSafeguardsNoticeGiven,
    ProposedAssessment,
    ReferralClosed,
    ReferralMade,
    Referrer,
    Student,
    StudentRegistered,
)
from iep_referral.domain.students import (
    AddGuardian,
    ChangeSchool,
    RemoveGuardian,
    StudentRecord,
    Students,
    students,
)

TODAY = date(2026, 3, 2)
NOW = Dated(TODAY, TODAY)
STUDENT = Student(district_student_id="stu-100", name="Maria Lopez",
                  date_of_birth=date(2017, 5, 14), grade="3", school_id="sch-1",
                  primary_language="es")
MOTHER = Guardian(guardian_id="g-1", name="Ana Lopez", email="ana@example.org",
                  phone="+1 555 0100", preferred_language="es")
FATHER = Guardian(guardian_id="g-2", name="Luis Lopez", preferred_language="en")
NOTICE = NoticeContent(
    reasons="Reading two grade levels behind after a year of small-group support",
    records_used=("Teacher referral", "Spring reading benchmark"),
    options_considered=(OptionConsidered(option="Continue small-group reading",
                                         why_rejected="No progress in two terms"),),
    sources_of_help=("State Parent Training and Information Center",),
    other_factors="None")
READING = (ProposedAssessment(area="reading", description="Standardized reading battery"),
           ProposedAssessment(area="cognitive", description="Cognitive assessment"))


def make(referred_on: date = TODAY, **changes: Any) -> MakeReferral:
    command = MakeReferral(
        referral_id="r-1", student=STUDENT, guardians=(MOTHER, FATHER),
        referred_by=Referrer(name="Ms. Park", role="teacher"),
        concerns=Concerns(text="Struggles to decode words", areas=("schoolwork", "attention")),
        dated=Dated(referred_on, TODAY))
    return replace(command, **changes)


def ask(on: date = TODAY, requested: date | None = None) -> RequestConsent:
    """Consent requested on `requested` (default: the day it is recorded, `on`)."""
    return RequestConsent(assessments_proposed=READING, notice=NOTICE,
                          dated=Dated(requested or on, on))


def consent(decision: str = "given", guardian: str = "g-1", signed: date = TODAY,
            on: date = TODAY, received: date | None = None, reason: str | None = None
            ) -> RecordConsent:
    """The form recorded on `on`, received on `received` (default: that same day)."""
    return RecordConsent(decision, guardian, signed, "written",  # type: ignore[arg-type]
                         Dated(received or on, on, reason))


def close(reason: str = "withdrawn", notice: NoticeContent | None = None,
          on: date = TODAY) -> CloseReferral:
    return CloseReferral(reason, "family moved", notice,  # type: ignore[arg-type]
                         Dated(on, TODAY))


def history(*commands: Any) -> list[Event]:
    """The events of a referral that went through these commands."""
    events: list[Event] = []
    for command in commands:
        events += referral.decide(command, referral.fold(events))
    return events


def when(given: Sequence[Event], command: Any) -> list[Event]:
    return list(referral.decide(command, referral.fold(given)))


def refused(given: Sequence[Event], command: Any) -> str:
    with pytest.raises(IllegalTransition) as refusal:
        when(given, command)
    return str(refusal.value)


# -- making a referral ----------------------------------------------------------------------


def test_referral_is_made_and_each_guardian_gets_the_safeguards_notice_in_their_language():
    registered, made, *notices = when([], make())
    assert isinstance(registered, StudentRegistered)
    assert isinstance(made, ReferralMade)
    assert (made.student_id, made.school_id, made.referred_on) == ("stu-100", "sch-1", TODAY)
    assert [(n.guardian_id, n.language, n.occasion, n.given_on) for n in notices] == [
        ("g-1", "es", "initial_referral", TODAY), ("g-2", "en", "initial_referral", TODAY)]
    assert all(isinstance(n, ProceduralSafeguardsNoticeGiven) for n in notices)


def test_referral_keeps_a_past_referral_date():
    made = when([], make(referred_on=date(2026, 2, 20)))[1]
    assert made.referred_on == date(2026, 2, 20)  # type: ignore[attr-defined]


def test_referral_cannot_be_dated_in_the_future():
    assert refused([], make(referred_on=TODAY + timedelta(days=1))) == (
        "The referral is dated March 3, 2026, after today (March 2, 2026); an act is recorded "
        "once it has happened.")


def test_referral_is_dated_by_its_receipt_and_the_safeguards_notice_by_today():
    registered, made, *notices = when([], make(referred_on=date(2026, 2, 25)))
    assert (made.referred_on, made.occurred_on) == (  # type: ignore[attr-defined]
        date(2026, 2, 25), date(2026, 2, 25))
    assert registered.registered_on == date(2026, 2, 25)  # type: ignore[attr-defined]
    # The notice is given by this system as the referral is recorded.
    assert {n.given_on for n in notices} == {TODAY}  # type: ignore[attr-defined]


def test_date_of_birth_must_come_before_the_referral_and_is_not_quoted():
    message = refused([], make(student=STUDENT.model_copy(update={"date_of_birth": TODAY})))
    assert message == ("The date of birth is not before the referral date; check the date "
                       "of birth.")


def test_referral_names_at_least_one_guardian():
    assert "at least one parent or guardian" in refused([], make(guardians=()))


def test_each_guardian_is_listed_once():
    assert "listed once" in refused([], make(guardians=(MOTHER, MOTHER)))


def test_a_referral_is_made_once():
    assert "already been made" in refused(history(make()), make())


# -- a student the district already knows ---------------------------------------------------

RECORD = StudentRecord(student=STUDENT, school_id="sch-1", guardians=(MOTHER,),
                       registered_on=date(2025, 9, 1))
STRANGER = Guardian(guardian_id="stranger-1", name="Someone Else", preferred_language="en")


def known(record: StudentRecord = RECORD, *given: Event) -> Referral:
    return replace(referral.fold(given), student=record)


def test_a_known_student_is_referred_with_the_recorded_school_and_guardians():
    made, *notices = referral.decide(make(guardians=()), known())
    assert isinstance(made, ReferralMade)  # no second StudentRegistered
    assert (made.school_id, [g.guardian_id for g in made.guardians]) == ("sch-1", ["g-1"])
    assert [n.guardian_id for n in notices] == ["g-1"]  # type: ignore[attr-defined]


def test_a_referral_cannot_move_a_known_student_to_another_school():
    other = make(student=STUDENT.model_copy(update={"school_id": "sch-2"}))
    with pytest.raises(IllegalTransition, match="recorded at school sch-1, not sch-2"):
        referral.decide(other, known())


def test_a_referral_cannot_add_a_guardian_to_a_known_student():
    with pytest.raises(IllegalTransition, match="stranger-1 is not a recorded guardian"):
        referral.decide(make(guardians=(STRANGER,)), known())


def test_a_known_students_referral_keeps_the_record_not_the_names_typed():
    typed = STUDENT.model_copy(update={"name": "Typed Differently"})
    made = referral.decide(make(student=typed, guardians=(MOTHER,)), known())[0]
    assert made.student.name == "Maria Lopez"  # type: ignore[attr-defined]


def test_notices_and_consent_follow_the_guardians_recorded_now():
    given = history(make())  # referred with mother and father
    now = replace(RECORD, guardians=(MOTHER, STRANGER))  # father removed, another added
    requested, *notices = referral.decide(ask(), known(now, *given))
    assert requested.guardian_ids == ("g-1", "stranger-1")  # type: ignore[attr-defined]
    asked = [*given, requested, *notices]
    with pytest.raises(IllegalTransition, match="g-2 is not a recorded guardian"):
        referral.decide(consent(guardian="g-2"), known(now, *asked))


def record_events(*commands: Any) -> list[Event]:
    events: list[Event] = [StudentRegistered(
        student_id="stu-100", school_id="sch-1", student=STUDENT, guardians=(MOTHER,),
        registered_on=TODAY, source="referral", referral_id="r-1")]
    for command in commands:
        events += students.decide(command, students.fold(events))
    return events


def test_guardians_are_added_and_removed_by_the_district_with_a_reason():
    added = AddGuardian("stu-100", FATHER, "Court order of 2026-02-27", NOW)
    removed = RemoveGuardian("stu-100", "g-1", "Parental rights ended", NOW)
    record = students.fold(record_events(added, removed)).record
    assert record is not None and record.guardian_ids == ("g-2",)


def test_the_last_guardian_is_not_removed():
    with pytest.raises(IllegalTransition, match="only recorded guardian"):
        record_events(RemoveGuardian("stu-100", "g-1", "moved away", NOW))


def test_a_guardian_is_recorded_once():
    with pytest.raises(IllegalTransition, match="already a recorded guardian"):
        record_events(AddGuardian("stu-100", MOTHER, "again", NOW))


def test_a_school_change_names_both_schools():
    moved = record_events(ChangeSchool("stu-100", "sch-2", "family moved", NOW))[-1]
    assert (moved.school_id, moved.previous_school_id) == ("sch-2", "sch-1")  # type: ignore[attr-defined]
    with pytest.raises(IllegalTransition, match="already attends sch-1"):
        record_events(ChangeSchool("stu-100", "sch-1", "", NOW))


def test_student_record_changes_are_dated_when_they_happened_never_in_the_future():
    order = date(2026, 2, 27)
    added = AddGuardian("stu-100", FATHER, "Court order", Dated(order, TODAY))
    event = record_events(added)[-1]
    assert (event.added_on, event.occurred_on) == (order, order)  # type: ignore[attr-defined]
    tomorrow = Dated(TODAY + timedelta(days=1), TODAY)
    for command in (AddGuardian("stu-100", FATHER, "Court order", tomorrow),
                    ChangeSchool("stu-100", "sch-2", "moving", tomorrow)):
        with pytest.raises(IllegalTransition, match=r"after today \(March 2, 2026\)"):
            record_events(command)
    with pytest.raises(IllegalTransition,
                       match=r"^The guardian's removal happened on January 21, 2026, 40 days"):
        record_events(added, RemoveGuardian("stu-100", "g-1", "rights ended",
                                            Dated(TODAY - timedelta(days=40), TODAY)))


def test_commands_on_an_unknown_student_are_not_found():
    with pytest.raises(NotFound, match="no such student"):
        students.decide(ChangeSchool("stu-404", "sch-2", "", NOW), Students())


@pytest.mark.parametrize("command", [ask(), consent(), close()])
def test_commands_on_a_referral_never_made_are_not_found(command):
    with pytest.raises(NotFound, match="no such referral"):
        when([], command)


# -- requesting consent ---------------------------------------------------------------------


def test_consent_request_gives_each_guardian_prior_written_notice_with_every_element():
    requested, *notices = when(history(make()), ask())
    assert isinstance(requested, EvaluationConsentRequested)
    assert requested.guardian_ids == ("g-1", "g-2")
    assert requested.assessments_proposed == READING
    assert [(n.guardian_id, n.language) for n in notices] == [("g-1", "es"), ("g-2", "en")]
    for notice in notices:
        assert isinstance(notice, PriorWrittenNoticeIssued)
        assert notice.action == "propose_initial_evaluation"  # 300.503(b)(1)
        assert notice.action_description == rules.ACTION_DESCRIPTIONS[notice.action]
        assert notice.reasons == NOTICE.reasons  # (b)(2)
        assert notice.records_used == NOTICE.records_used  # (b)(3)
        assert notice.assessments_proposed == READING  # 300.304(a)
        assert notice.safeguards_statement == rules.SAFEGUARDS_STATEMENT  # (b)(4)
        assert notice.sources_of_help == NOTICE.sources_of_help  # (b)(5)
        assert notice.options_considered == NOTICE.options_considered  # (b)(6)
        assert notice.other_factors == "None"  # (b)(7)
        assert notice.issued_on == TODAY
    assert len({n.notice_id for n in notices}) == 2  # type: ignore[attr-defined]


def test_consent_request_names_the_assessments_proposed():
    command = replace(ask(), assessments_proposed=())
    assert "which assessments" in refused(history(make()), command)


def test_prior_written_notice_must_have_every_element_staff_write():
    empty = NoticeContent(reasons=" ", records_used=(), options_considered=(),
                          sources_of_help=())
    assert refused(history(make()), replace(ask(), notice=empty)) == (
        "The prior written notice is missing why the district acts; each evaluation, record "
        "or report the decision rests on; where the parents can get help; the other options "
        "considered and why they were rejected (34 CFR 300.503(b)).")


def test_consent_is_requested_once_while_no_guardian_has_answered():
    assert refused(history(make(), ask()), ask()) == (
        "Consent was already requested on 2026-03-02 and no guardian has answered yet; "
        "record the guardian's decision instead of asking again.")


def test_consent_is_not_requested_again_once_given():
    assert "already given on 2026-03-02" in refused(history(make(), ask(), consent()), ask())


def test_consent_can_be_requested_again_after_a_refusal():
    events = when(history(make(), ask(), consent("refused")), ask())
    assert isinstance(events[0], EvaluationConsentRequested)
    state = referral.fold([*history(make(), ask(), consent("refused")), *events])
    assert state.status == "consent_requested"


def test_consent_is_not_requested_on_a_closed_referral():
    assert "closed on 2026-03-02" in refused(history(make(), close()), ask())


# -- recording the guardian's decision ------------------------------------------------------


def test_guardian_gives_consent():
    (event,) = when(history(make(), ask()), consent(guardian="g-2"))
    assert event == ConsentGiven(student_id="stu-100", referral_id="r-1", guardian_id="g-2",
                                 signed_on=TODAY, method="written", school_id="sch-1",
                                 received_on=TODAY, occurred_on=TODAY)


def test_guardian_refuses_consent():
    (event,) = when(history(make(), ask()), consent("refused"))
    assert isinstance(event, ConsentRefused)
    assert (event.guardian_id, event.school_id) == ("g-1", "sch-1")


def test_consent_before_a_request_is_refused():
    assert refused(history(make()), consent()) == (
        "Consent can only be recorded after the district has requested it; request consent "
        "first.")


def test_consent_is_recorded_once():
    assert refused(history(make(), ask(), consent()), consent(guardian="g-2")) == (
        "Consent was already given on 2026-03-02 by guardian g-1; it cannot be recorded twice.")


def test_a_second_decision_after_a_refusal_needs_a_new_request():
    assert refused(history(make(), ask(), consent("refused")), consent()) == (
        "The guardian's refusal signed on 2026-03-02 is already recorded; if the family has "
        "changed its mind, request consent again first.")


def test_only_a_recorded_guardian_can_give_consent():
    assert refused(history(make(), ask()), consent(guardian="neighbour-7")) == (
        "neighbour-7 is not a recorded guardian of this student; only a recorded parent or "
        "guardian of the student can give or refuse consent.")


def test_consent_after_closing_is_refused():
    assert refused(history(make(), ask(), close()), consent()) == (
        "This referral was closed on 2026-03-02; consent cannot be recorded on a closed "
        "referral.")


def test_consent_form_cannot_be_dated_after_today():
    assert "after today" in refused(history(make(), ask()),
                                    consent(signed=TODAY + timedelta(days=1)))


def test_consent_is_signed_after_the_notice_was_given():
    given = history(make(), ask(on=TODAY))
    assert "before the district requested consent on 2026-03-02" in refused(
        given, consent(signed=TODAY - timedelta(days=1), on=TODAY + timedelta(days=3)))


def test_received_on_is_the_day_the_district_records_the_form():
    (event,) = when(history(make(), ask()), consent(on=TODAY + timedelta(days=4)))
    assert (event.signed_on, event.received_on) == (  # type: ignore[attr-defined]
        TODAY, TODAY + timedelta(days=4))


def test_a_consent_form_received_days_ago_is_dated_by_its_receipt():
    referred = date(2026, 2, 20)
    given = history(make(referred_on=referred), ask(requested=date(2026, 2, 23)))
    (event,) = when(given, consent(signed=date(2026, 2, 24), received=date(2026, 2, 25)))
    assert (event.signed_on, event.received_on, event.occurred_on) == (  # type: ignore[attr-defined]
        date(2026, 2, 24), date(2026, 2, 25), date(2026, 2, 25))
    assert event.late_entry_reason is None  # type: ignore[attr-defined]


def test_a_consent_form_cannot_be_received_before_consent_was_requested():
    given = history(make(referred_on=date(2026, 2, 20)), ask(requested=date(2026, 2, 25)))
    assert refused(given, consent(signed=date(2026, 2, 24), received=date(2026, 2, 24))) == (
        "The receipt of the consent form is dated February 24, 2026, before the request for "
        "consent on February 25, 2026; it cannot come first, so check the date.")


def test_a_consent_form_cannot_be_received_in_the_future():
    assert "after today (March 2, 2026)" in refused(
        history(make(), ask()), consent(received=TODAY + timedelta(days=1)))


def test_a_consent_form_is_received_once_signed():
    given = history(make(referred_on=date(2026, 2, 20)), ask(requested=date(2026, 2, 23)))
    assert refused(given, consent(signed=date(2026, 2, 26), received=date(2026, 2, 25))) == (
        "The form is signed on 2026-02-26, after the district received it on 2026-02-25; a "
        "form is received once signed, so check both dates.")


def test_a_late_entry_needs_a_reason_and_the_event_keeps_it():
    long_ago = TODAY - timedelta(days=45)
    referred = Dated(long_ago - timedelta(days=5), TODAY, "paper referral entered late")
    given = history(make(dated=referred), ask(on=long_ago - timedelta(days=2)))
    assert "45 days ago; an entry more than 30 days after the act needs a late_entry_reason" \
        in refused(given, consent(signed=long_ago, received=long_ago))
    (event,) = when(given, consent(signed=long_ago, received=long_ago,
                                   reason="form found in the office mail"))
    assert (event.received_on, event.late_entry_reason) == (  # type: ignore[attr-defined]
        long_ago, "form found in the office mail")


def test_consent_is_requested_on_its_date_with_its_notices_never_before_the_referral():
    given = history(make(referred_on=date(2026, 2, 20)))
    requested, *notices = when(given, ask(requested=date(2026, 2, 23)))
    assert (requested.requested_on, requested.occurred_on) == (  # type: ignore[attr-defined]
        date(2026, 2, 23), date(2026, 2, 23))
    assert {(n.issued_on, n.occurred_on) for n in notices} == {  # type: ignore[attr-defined]
        (date(2026, 2, 23), date(2026, 2, 23))}
    assert refused(given, ask(requested=date(2026, 2, 19))) == (
        "The request for consent is dated February 19, 2026, before the referral on "
        "February 20, 2026; it cannot come first, so check the date.")


def test_a_new_request_after_a_refusal_is_not_dated_before_the_refusal_was_received():
    given = history(make(referred_on=date(2026, 2, 20)), ask(requested=date(2026, 2, 21)),
                    consent("refused", signed=date(2026, 2, 22), received=date(2026, 2, 24)))
    assert "before the receipt of the guardian's answer on February 24, 2026" in refused(
        given, ask(requested=date(2026, 2, 23)))


# -- closing --------------------------------------------------------------------------------


def test_district_declining_gives_prior_written_notice_of_its_refusal_then_closes():
    *notices, closed = when(history(make()), close("district_declined", NOTICE))
    assert [(n.guardian_id, n.action) for n in notices] == [  # type: ignore[attr-defined]
        ("g-1", "refuse_initial_evaluation"), ("g-2", "refuse_initial_evaluation")]
    assert isinstance(closed, ReferralClosed)
    assert (closed.reason, closed.closed_on, closed.school_id) == (
        "district_declined", TODAY, "sch-1")


def test_declining_without_prior_written_notice_is_refused():
    assert "prior written notice of its refusal" in refused(
        history(make()), close("district_declined"))


def test_a_withdrawn_referral_closes_without_notice():
    (closed,) = when(history(make(), ask()), close("withdrawn"))
    assert closed.reason == "withdrawn"  # type: ignore[attr-defined]
    assert "needs no prior written notice" in refused(history(make()),
                                                      close("withdrawn", NOTICE))


def test_a_referral_is_closed_once():
    assert refused(history(make(), close()), close()) == (
        "This referral was already closed on 2026-03-02.")


def test_a_referral_with_consent_given_cannot_be_closed():
    assert "cannot be closed once consent is given" in refused(
        history(make(), ask(), consent()), close())


def test_a_referral_is_closed_on_its_date_never_before_its_last_act():
    given = history(make(referred_on=date(2026, 2, 20)), ask(requested=date(2026, 2, 24)))
    assert refused(given, close(on=date(2026, 2, 23))) == (
        "The closing of the referral is dated February 23, 2026, before the request for "
        "consent on February 24, 2026; it cannot come first, so check the date.")
    (closed,) = when(given, close(on=date(2026, 2, 26)))
    assert (closed.closed_on, closed.occurred_on) == (  # type: ignore[attr-defined]
        date(2026, 2, 26), date(2026, 2, 26))
    assert "after today" in refused(given, close(on=TODAY + timedelta(days=1)))


def test_a_referral_with_consent_refused_can_be_closed():
    (closed,) = when(history(make(), ask(), consent("refused")), close())
    assert isinstance(closed, ReferralClosed)


# -- the fold and the published contract ----------------------------------------------------


def test_status_follows_the_referral_through_its_life():
    steps = [make(), ask(), consent("refused"), ask(), consent()]
    statuses = [referral.fold(history(*steps[:n])).status for n in range(1, len(steps) + 1)]
    assert statuses == ["referred", "consent_requested", "consent_refused",
                        "consent_requested", "consent_given"]
    assert referral.fold(history(make(), close())).status == "closed"


def fields(model: Any) -> set[str]:
    return set(model.model_fields)


def test_published_contract_fields_are_kept():
    assert {"student_id", "referral_id", "student", "guardians", "referred_by", "concerns",
            "referred_on"} <= fields(ReferralMade)
    assert {"district_student_id", "name", "date_of_birth", "grade", "school_id",
            "primary_language"} <= fields(Student)
    assert {"guardian_id", "name", "email", "phone", "preferred_language"} <= fields(Guardian)
    assert {"name", "role"} <= fields(Referrer)
    assert {"text", "areas"} <= fields(Concerns)
    for decision in (ConsentGiven, ConsentRefused):
        assert {"student_id", "referral_id", "guardian_id", "signed_on", "method",
                "school_id"} <= fields(decision)
    assert {"student_id", "referral_id", "reason", "school_id"} <= fields(ReferralClosed)
    made = when([], make())[1].model_dump(mode="json")
    assert made["student"]["date_of_birth"] == "2017-05-14"
    assert made["referred_on"] == "2026-03-02"


def test_personal_fields_are_marked_in_nested_parts_too():
    assert personal_fields(Student) == {"name", "date_of_birth"}
    assert personal_fields(Guardian) == {"name", "email", "phone"}
    assert personal_fields(Referrer) == {"name"}
    assert personal_fields(Concerns) == {"text"}
    assert personal_fields(OptionConsidered) == {"option", "why_rejected"}
    assert personal_fields(PriorWrittenNoticeIssued) == {"reasons", "records_used",
                                                         "other_factors", "late_entry_reason"}
    assert personal_fields(ReferralClosed) == {"note", "late_entry_reason"}
    assert has_personal_data(ReferralMade)
    # A late entry's reason is free text about the case: personal, on every act.
    assert personal_fields(ConsentGiven) == {"late_entry_reason"}


# -- whatever happens, the invariants hold --------------------------------------------------

COMMANDS = st.sampled_from([
    ask(), consent("given"), consent("refused"), consent(guardian="g-2"),
    close("withdrawn"), close("district_declined", NOTICE)])


@for_all(st.lists(COMMANDS, max_size=8))
def test_any_sequence_of_commands_keeps_the_consent_rules(commands):
    events: list[Event] = [*when([], make())]
    for command in commands:
        try:
            events += when(events, command)
        except IllegalTransition:
            pass
    kinds = [type(e) for e in events]
    assert kinds.count(ConsentGiven) <= 1
    assert kinds.count(ReferralClosed) <= 1
    if ReferralClosed in kinds:  # nothing happens after closing
        assert kinds[-1] is ReferralClosed
    if ConsentGiven in kinds:  # consent is the last word
        assert kinds[-1] is ConsentGiven
    state: Referral = referral.fold(events)
    assert len(state.decisions) <= len(state.requests)
    for i, kind in enumerate(kinds):
        if kind in (ConsentGiven, ConsentRefused):
            assert EvaluationConsentRequested in kinds[:i]



def test_nothing_about_a_childs_guardians_happens_before_the_child_was_born():
    with pytest.raises(IllegalTransition, match="before the student's birth on May 14, 2017"):
        record_events(AddGuardian("stu-100", FATHER, "court order", Dated(
            date(1, 1, 1), TODAY, "found in the archive")))
