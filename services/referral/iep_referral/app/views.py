"""What the API answers: a summary without personal data (command responses and lists) and
the whole referral (one referral, read with a record of access).

Command responses carry no personal fields on purpose: the answer to a request with an
Idempotency-Key is kept for replay, and a command is not a read of the record.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from iep_referral.domain.decider import Referral, Status, referral_of
from iep_referral.domain.events import (
    CloseReason,
    Concerns,
    ConsentGiven,
    ConsentMethod,
    Guardian,
    NoticeAction,
    PriorWrittenNoticeIssued,
    ProposedAssessment,
    Referrer,
)
from iep_referral.domain.students import StudentRecord


class ReferralSummary(BaseModel):
    referral_id: str
    student_id: str
    school_id: str
    status: Status
    referred_on: date
    guardian_ids: list[str]
    consent_requested_on: date | None = None
    consent_decision: Literal["given", "refused"] | None = None
    consent_guardian_id: str | None = None
    consent_signed_on: date | None = None
    consent_method: ConsentMethod | None = None
    consent_received_on: date | None = None
    closed_on: date | None = None
    close_reason: CloseReason | None = None
    position: int = 0

    @classmethod
    def of(cls, state: Referral, position: int = 0) -> "ReferralSummary":
        made = referral_of(state)
        request = state.requests[-1] if state.requests else None
        decision = state.decision
        return cls(
            referral_id=made.referral_id, student_id=made.student_id,
            school_id=state.school_id, status=state.status, referred_on=made.referred_on,
            guardian_ids=[g.guardian_id for g in state.guardians],
            consent_requested_on=request.requested_on if request else None,
            consent_decision=(None if decision is None else
                              "given" if isinstance(decision, ConsentGiven) else "refused"),
            consent_guardian_id=decision.guardian_id if decision else None,
            consent_signed_on=decision.signed_on if decision else None,
            consent_method=decision.method if decision else None,
            consent_received_on=decision.received_on if decision else None,
            closed_on=state.closed.closed_on if state.closed else None,
            close_reason=state.closed.reason if state.closed else None,
            position=position)

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> "ReferralSummary":
        return cls.model_validate(dict(row))


class StudentView(BaseModel):
    district_student_id: str
    name: str
    # A date field reads "[destroyed]" once the student's records are destroyed (300.624).
    date_of_birth: date | Literal["[destroyed]"]
    grade: str
    school_id: str
    primary_language: str


class ConsentRequestView(BaseModel):
    requested_on: date
    guardian_ids: list[str]
    assessments_proposed: list[ProposedAssessment]


class ConsentDecisionView(BaseModel):
    decision: Literal["given", "refused"]
    guardian_id: str
    signed_on: date
    method: ConsentMethod
    received_on: date


class NoticeView(BaseModel):
    notice: Literal["procedural_safeguards", "prior_written_notice"]
    guardian_id: str
    language: str
    issued_on: date
    action: NoticeAction | None = None


class ReferralView(ReferralSummary):
    """The whole referral, personal data included."""

    student: StudentView
    guardians: list[Guardian]
    referred_by: Referrer
    concerns: Concerns
    consent_requests: list[ConsentRequestView]
    consent_decisions: list[ConsentDecisionView]
    notices: list[NoticeView]
    close_note: str | None = None

    @classmethod
    def whole(cls, state: Referral) -> "ReferralView":
        made = referral_of(state)
        return cls(
            **ReferralSummary.of(state).model_dump(exclude={"position"}),
            student=StudentView(**dict(made.student)), guardians=list(made.guardians),
            referred_by=made.referred_by, concerns=made.concerns,
            consent_requests=[ConsentRequestView(
                requested_on=r.requested_on, guardian_ids=list(r.guardian_ids),
                assessments_proposed=list(r.assessments_proposed)) for r in state.requests],
            consent_decisions=[ConsentDecisionView(
                decision="given" if isinstance(d, ConsentGiven) else "refused",
                guardian_id=d.guardian_id, signed_on=d.signed_on, method=d.method,
                received_on=d.received_on) for d in state.decisions],
            notices=[NoticeView(notice="prior_written_notice", guardian_id=n.guardian_id,
                                language=n.language, issued_on=n.issued_on, action=n.action)
                     if isinstance(n, PriorWrittenNoticeIssued) else
                     NoticeView(notice="procedural_safeguards", guardian_id=n.guardian_id,
                                language=n.language, issued_on=n.given_on)
                     for n in state.notices],
            close_note=state.closed.note if state.closed else None)


class StudentRecordView(BaseModel):
    """A student's record: who the student is, the school they attend, their guardians."""

    student: StudentView
    school_id: str
    guardians: list[Guardian]
    registered_on: date

    @classmethod
    def of(cls, record: StudentRecord) -> "StudentRecordView":
        return cls(student=StudentView(**dict(record.as_enrolled())),
                   school_id=record.school_id, guardians=list(record.guardians),
                   registered_on=record.registered_on)
