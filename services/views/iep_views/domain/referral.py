"""The referral service's events (`iep.referral.events`), one function each."""

from dataclasses import replace

from iep_views.domain import readings as read
from iep_views.domain.case import Case, Entry, GuardianPart, ReferralPart, Step, StudentPart
from iep_views.domain.table import EventTable, Seen

SOURCE = "referral"
table = EventTable()


def _current(case: Case, referral_id: str) -> ReferralPart | None:
    """The referral part, if the event is about the student's current referral."""
    found = case.referral
    return found if found is not None and found.referral_id == referral_id else None


def _with(case: Case, referral_id: str, **changes: object) -> Case:
    found = _current(case, referral_id)
    if found is None:
        return case  # an older referral's event: its timeline entry is all it adds
    return replace(case, referral=found.model_copy(update=changes))


@table.on(SOURCE, "ReferralMade")
def referral_made(case: Case, seen: Seen) -> Step:
    made = read.ReferralMade.model_validate(seen.data)
    part = ReferralPart(
        referral_id=made.referral_id, school_id=made.school_id, status="referred",
        referred_on=made.referred_on, grade=made.student.grade,
        student_name=made.student.name,
        guardians=tuple(GuardianPart(guardian_id=g.guardian_id,
                                     preferred_language=g.preferred_language)
                        for g in made.guardians))
    entry = Entry("referred", made.referred_on, facts={
        "referral_id": made.referral_id, "school_id": made.school_id,
        "grade": made.student.grade, "referrer_role": made.referred_by.role,
        "concern_areas": list(made.concerns.areas),
        "guardian_ids": [g.guardian_id for g in made.guardians]},
        personal={"student_name": made.student.name, "referred_by": made.referred_by.name,
                  "concerns": made.concerns.text,
                  "guardians": [{"guardian_id": g.guardian_id, "name": g.name,
                                 "email": g.email, "phone": g.phone}
                                for g in made.guardians]})
    return Step(replace(case, referral=part, student=_known(case, part)), entry)


def _known(case: Case, referral: ReferralPart) -> StudentPart:
    """Who the student belongs to after a referral: the record as it is, if there is one.
    A referral never changes a known student's school or guardians (anyone may write one);
    only for a student the record does not know does it establish them (a row stored
    before the record existed keeps its earlier referral's)."""
    if case.student is not None:
        return case.student
    first = case.referral or referral
    return StudentPart(school_id=first.school_id, guardians=first.guardians)


@table.on(SOURCE, "ProceduralSafeguardsNoticeGiven")
def safeguards_given(case: Case, seen: Seen) -> Step:
    given = read.SafeguardsGiven.model_validate(seen.data)
    return Step(case, Entry("safeguards_notice", given.given_on, facts={
        "referral_id": given.referral_id, "language": given.language},
        guardian_id=given.guardian_id))


@table.on(SOURCE, "EvaluationConsentRequested")
def consent_requested(case: Case, seen: Seen) -> Step:
    asked = read.ConsentRequested.model_validate(seen.data)
    return Step(
        _with(case, asked.referral_id, status="consent_requested",
              consent_requested_on=asked.requested_on, consent_answered_on=None),
        Entry("consent_requested", asked.requested_on, facts={
            "referral_id": asked.referral_id,
            "assessments_proposed": [a.area for a in asked.assessments_proposed]}))


@table.on(SOURCE, "PriorWrittenNoticeIssued")
def prior_written_notice(case: Case, seen: Seen) -> Step:
    notice = read.NoticeIssued.model_validate(seen.data)
    return Step(case, Entry("prior_written_notice", notice.issued_on, facts={
        "referral_id": notice.referral_id, "notice_id": notice.notice_id,
        "action": notice.action, "language": notice.language},
        personal={"reasons": notice.reasons}, guardian_id=notice.guardian_id))


@table.on(SOURCE, "ConsentGiven")
def consent_given(case: Case, seen: Seen) -> Step:
    decided = read.ConsentDecided.model_validate(seen.data)
    return Step(
        _with(case, decided.referral_id, status="consent_given",
              consent_answered_on=decided.received),
        Entry("consent_given", decided.signed_on, facts={
            "referral_id": decided.referral_id, "guardian_id": decided.guardian_id,
            "method": decided.method, "received_on": decided.received.isoformat()}))


@table.on(SOURCE, "ConsentRefused")
def consent_refused(case: Case, seen: Seen) -> Step:
    decided = read.ConsentDecided.model_validate(seen.data)
    return Step(
        _with(case, decided.referral_id, status="consent_refused",
              consent_answered_on=decided.received),
        Entry("consent_refused", decided.signed_on, facts={
            "referral_id": decided.referral_id, "guardian_id": decided.guardian_id,
            "method": decided.method, "received_on": decided.received.isoformat()}))


@table.on(SOURCE, "ReferralClosed")
def referral_closed(case: Case, seen: Seen) -> Step:
    closed = read.ReferralClosed.model_validate(seen.data)
    return Step(
        _with(case, closed.referral_id, status="closed", closed_on=closed.closed_on,
              close_reason=closed.reason),
        Entry("referral_closed", closed.closed_on, facts={
            "referral_id": closed.referral_id, "reason": closed.reason},
            personal={"note": closed.note}))


@table.on(SOURCE, "StudentRecordsDestroyed")
def records_destroyed(case: Case, seen: Seen) -> Step:
    # 34 CFR 300.624: personal data destroyed at the parent's request; the facts stay.
    destroyed = read.RecordsDestroyed.model_validate(seen.data)
    referral = case.referral
    if referral is not None:
        referral = referral.model_copy(update={"student_name": "[destroyed]"})
    return Step(replace(case, referral=referral, records_destroyed_on=destroyed.requested_on),
                Entry("records_destroyed", destroyed.requested_on), forget_personal=True)
