"""The referral as a fold of its events (`evolve`) and the decisions on commands (`decide`).

The state also holds the student's record (`domain/students.py`) as it stands, loaded with
the referral: a referral's school, guardians and notices follow the record, and the first
referral of a child the district does not know registers the child.

Pure functions: no I/O, no clock (commands carry their `Dated`: the date of the act, the
district's today and its late-entry window). Every act is dated when it happened and
checked against the law's order: the referral, then the request for consent, then the
receipt of the guardian's decision, then the closing (`rules.py`). A refusal is an
`IllegalTransition` whose sentence tells district staff what is wrong and what would be
right; it never quotes personal data.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, assert_never

from iep_kernel.dates import Dated
from iep_kernel.decider import Decider, IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_referral.domain import rules
from iep_referral.domain.commands import (
    CloseReferral,
    Command,
    MakeReferral,
    NoticeContent,
    RecordConsent,
    RequestConsent,
)
from iep_referral.domain.events import (
    ConsentDecision,
    ConsentGiven,
    ConsentRefused,
    EvaluationConsentRequested,
    Guardian,
    Notice,
    NoticeAction,
    PriorWrittenNoticeIssued,
    ProceduralSafeguardsNoticeGiven,
    ProposedAssessment,
    ReferralClosed,
    ReferralMade,
    StudentRegistered,
)
from iep_referral.domain.students import StudentRecord

Status = Literal["referred", "consent_requested", "consent_given", "consent_refused", "closed"]
STATUSES: tuple[Status, ...] = ("referred", "consent_requested", "consent_given",
                                "consent_refused", "closed")
NO_SUCH_REFERRAL = "no such referral"


@dataclass(frozen=True)
class Referral:
    made: ReferralMade | None = None
    notices: tuple[Notice, ...] = ()
    requests: tuple[EvaluationConsentRequested, ...] = ()
    decisions: tuple[ConsentDecision, ...] = ()  # one per request, in order
    closed: ReferralClosed | None = None
    student: StudentRecord | None = None  # the student's record now, not as referred

    @property
    def guardians(self) -> tuple[Guardian, ...]:
        """The student's guardians now: notices go to them and only they may consent."""
        if self.student is not None:
            return self.student.guardians
        return self.made.guardians if self.made is not None else ()

    @property
    def school_id(self) -> str:
        """The school the student attends now (the referral's, for a student without one)."""
        if self.student is not None:
            return self.student.school_id
        return self.made.school_id if self.made is not None else ""

    @property
    def pending_request(self) -> EvaluationConsentRequested | None:
        """The consent request no guardian has answered yet, if any."""
        return self.requests[-1] if len(self.requests) > len(self.decisions) else None

    @property
    def decision(self) -> ConsentDecision | None:
        """The answer to the latest request, once there is one."""
        return self.decisions[-1] if self.decisions and not self.pending_request else None

    @property
    def consent(self) -> ConsentGiven | None:
        return self.decision if isinstance(self.decision, ConsentGiven) else None

    @property
    def last_act(self) -> tuple[date, str]:
        """The date of the referral's latest act, and its name as a refusal says it: a later
        act may not be dated before it."""
        assert self.made is not None
        acts = [(self.made.referred_on, "the referral")]
        acts += [(r.requested_on, "the request for consent") for r in self.requests]
        acts += [(d.received_on, "the receipt of the guardian's answer")
                 for d in self.decisions]
        return max(acts, key=lambda act: act[0])

    @property
    def status(self) -> Status:
        if self.closed is not None:
            return "closed"
        if self.pending_request is not None:
            return "consent_requested"
        if isinstance(self.decision, ConsentGiven):
            return "consent_given"
        if isinstance(self.decision, ConsentRefused):
            return "consent_refused"
        return "referred"


def evolve(state: Referral, event: Event) -> Referral:
    match event:
        case ReferralMade():
            return replace(state, made=event)
        case ProceduralSafeguardsNoticeGiven() | PriorWrittenNoticeIssued():
            return replace(state, notices=(*state.notices, event))
        case EvaluationConsentRequested():
            return replace(state, requests=(*state.requests, event))
        case ConsentGiven() | ConsentRefused():
            return replace(state, decisions=(*state.decisions, event))
        case ReferralClosed():
            return replace(state, closed=event)
    return state


def decide(command: Command, state: Referral) -> list[Event]:
    match command:
        case MakeReferral():
            return make_referral(command, state)
        case RequestConsent():
            return request_consent(command, referral_of(state), state)
        case RecordConsent():
            return record_consent(command, referral_of(state), state)
        case CloseReferral():
            return close_referral(command, referral_of(state), state)
    assert_never(command)


def referral_of(state: Referral) -> ReferralMade:
    if state.made is None:
        raise NotFound(NO_SUCH_REFERRAL)
    return state.made


def make_referral(command: MakeReferral, state: Referral) -> list[Event]:
    if state.made is not None:
        raise IllegalTransition("This referral has already been made; make a new referral "
                                "for a new concern.")
    dated = command.dated
    referred_on = dated.check("the referral")
    known = state.student
    student = command.student if known is None else known.as_enrolled()
    guardians = command.guardians if known is None else known.guardians
    if known is not None:
        require_as_recorded(command, known)
    born = student.date_of_birth
    if isinstance(born, date) and born >= referred_on:
        raise IllegalTransition("The date of birth is not before the referral date; "
                                "check the date of birth.")
    if not guardians:
        raise IllegalTransition("Name at least one parent or guardian: the notices and the "
                                "request for consent go to them.")
    ids = [g.guardian_id for g in guardians]
    if len(set(ids)) != len(ids):
        raise IllegalTransition("Each guardian is listed once; two guardians have the same "
                                "guardian id.")
    student_id, school = student.district_student_id, student.school_id
    registered: list[Event] = [] if known is not None else [StudentRegistered(
        student_id=student_id, school_id=school, student=student, guardians=guardians,
        registered_on=referred_on, source="referral", referral_id=command.referral_id)]
    made = ReferralMade(
        student_id=student_id, referral_id=command.referral_id, school_id=school,
        student=student, guardians=guardians,
        referred_by=command.referred_by, concerns=command.concerns, referred_on=referred_on,
        occurred_on=referred_on, late_entry_reason=dated.reason)
    # The notice is given by this system as the referral is recorded: dated today.
    safeguards = [ProceduralSafeguardsNoticeGiven(
        student_id=student_id, referral_id=command.referral_id, school_id=school,
        guardian_id=g.guardian_id, language=rules.notice_language(g),
        given_on=dated.today, occasion=rules.SAFEGUARDS_OCCASION)
        for g in rules.notice_recipients(guardians)]
    return [*registered, made, *safeguards]


def require_as_recorded(command: MakeReferral, known: StudentRecord) -> None:
    """A referral of a student the district knows takes the school and guardians from the
    student's record; naming others is refused rather than silently changing who the child
    belongs to (a district role records a move or a new guardian, with notice)."""
    if command.student.school_id != known.school_id:
        raise IllegalTransition(
            f"Student {known.student.district_student_id} is recorded at school "
            f"{known.school_id}, not {command.student.school_id}. A move to another school is "
            "recorded by the district first; refer the student at the school they attend.")
    unknown = [g.guardian_id for g in command.guardians if known.guardian(g.guardian_id) is None]
    if unknown:
        raise IllegalTransition(
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a recorded "
            "guardian of this student. A referral cannot add guardians: the district records "
            "a new parent or guardian, with notice to the family. Leave the guardians out "
            "(the recorded ones are used) or name only recorded ones.")


def request_consent(command: RequestConsent, made: ReferralMade, state: Referral
                    ) -> list[Event]:
    if state.closed is not None:
        raise IllegalTransition(f"This referral was closed on {state.closed.closed_on}; "
                                "consent cannot be requested on a closed referral. Make a new "
                                "referral if the concerns remain.")
    if state.consent is not None:
        raise IllegalTransition(f"Consent was already given on {state.consent.signed_on}; "
                                "the evaluation can go ahead without asking again.")
    if state.pending_request is not None:
        raise IllegalTransition(f"Consent was already requested on "
                                f"{state.pending_request.requested_on} and no guardian has "
                                "answered yet; record the guardian's decision instead of "
                                "asking again.")
    if not command.assessments_proposed:
        raise IllegalTransition("Say which assessments the district proposes: the notice "
                                "describes each evaluation procedure (34 CFR 300.304(a)).")
    require_complete(command.notice)
    last, after = state.last_act
    requested_on = command.dated.check("the request for consent", not_before=last,
                                       after=after)
    requested = EvaluationConsentRequested(
        student_id=made.student_id, referral_id=made.referral_id, school_id=state.school_id,
        requested_on=requested_on, guardian_ids=tuple(g.guardian_id for g in state.guardians),
        assessments_proposed=command.assessments_proposed, occurred_on=requested_on,
        late_entry_reason=command.dated.reason)
    notices = prior_written_notices(made, state, rules.PROPOSE_EVALUATION, command.notice,
                                    command.assessments_proposed, command.dated)
    return [requested, *notices]


def record_consent(command: RecordConsent, made: ReferralMade, state: Referral
                   ) -> list[Event]:
    if state.closed is not None:
        raise IllegalTransition(f"This referral was closed on {state.closed.closed_on}; "
                                "consent cannot be recorded on a closed referral.")
    if not state.requests:
        raise IllegalTransition("Consent can only be recorded after the district has "
                                "requested it; request consent first.")
    if state.consent is not None:
        raise IllegalTransition(f"Consent was already given on {state.consent.signed_on} by "
                                f"guardian {state.consent.guardian_id}; it cannot be recorded "
                                "twice.")
    request = state.pending_request
    if request is None:
        refused = state.decisions[-1].signed_on
        raise IllegalTransition(f"The guardian's refusal signed on {refused} is already "
                                "recorded; if the family has changed its mind, request consent "
                                "again first.")
    if not rules.may_consent(command.guardian_id, state.guardians):
        raise IllegalTransition(f"{command.guardian_id} is not a recorded guardian of this "
                                "student; only a recorded parent or guardian of the student "
                                "can give or refuse consent.")
    dated = command.dated
    received_on = dated.check("the receipt of the consent form",
                              not_before=request.requested_on, after="the request for consent")
    if command.signed_on > dated.today:
        raise IllegalTransition(f"The form is dated {command.signed_on}, after today "
                                f"({dated.today}); check the signed-on date.")
    if not rules.consent_is_informed(command.signed_on, request.requested_on):
        raise IllegalTransition(f"The form is dated {command.signed_on}, before the district "
                                f"requested consent on {request.requested_on}; consent is "
                                "signed after the guardian has the notice, so check the date.")
    if not rules.received_once_signed(command.signed_on, received_on):
        raise IllegalTransition(f"The form is signed on {command.signed_on}, after the "
                                f"district received it on {received_on}; a form is received "
                                "once signed, so check both dates.")
    decision = ConsentGiven if command.decision == "given" else ConsentRefused
    return [decision(student_id=made.student_id, referral_id=made.referral_id,
                     guardian_id=command.guardian_id, signed_on=command.signed_on,
                     method=command.method, school_id=state.school_id,
                     received_on=received_on, occurred_on=received_on,
                     late_entry_reason=dated.reason)]


def close_referral(command: CloseReferral, made: ReferralMade, state: Referral
                   ) -> list[Event]:
    if state.closed is not None:
        raise IllegalTransition(f"This referral was already closed on "
                                f"{state.closed.closed_on}.")
    if not rules.may_close(consent_given=state.consent is not None):
        signed = state.consent.signed_on if state.consent else ""
        raise IllegalTransition(f"Consent to evaluate was given on {signed}, so the "
                                "evaluation is under way; a referral cannot be closed once "
                                "consent is given.")
    last, after = state.last_act
    closed_on = command.dated.check("the closing of the referral", not_before=last,
                                    after=after)
    notices: list[Event] = []
    if rules.notice_needed_to_close(command.reason):
        if command.notice is None:
            raise IllegalTransition("A district that declines to evaluate gives the guardians "
                                    "prior written notice of its refusal; include the notice.")
        require_complete(command.notice)
        notices = list(prior_written_notices(made, state, rules.REFUSE_EVALUATION,
                                             command.notice, (), command.dated))
    elif command.notice is not None:
        raise IllegalTransition("A withdrawn referral needs no prior written notice; leave "
                                "the notice out.")
    closed = ReferralClosed(student_id=made.student_id, referral_id=made.referral_id,
                            reason=command.reason, school_id=state.school_id,
                            closed_on=closed_on, note=command.note,
                            occurred_on=closed_on, late_entry_reason=command.dated.reason)
    return [*notices, closed]


def require_complete(notice: NoticeContent) -> None:
    missing = rules.missing_notice_elements(notice.reasons, notice.records_used,
                                            notice.options_considered, notice.sources_of_help)
    if missing:
        raise IllegalTransition("The prior written notice is missing " + "; ".join(missing) +
                                " (34 CFR 300.503(b)).")


def prior_written_notices(made: ReferralMade, state: Referral, action: NoticeAction,
                          content: NoticeContent,
                          assessments: Sequence[ProposedAssessment], dated: Dated
                          ) -> list[PriorWrittenNoticeIssued]:
    """The notices of an act, issued on the act's date (already checked by the caller)."""
    first = len(state.notices) + 1
    return [PriorWrittenNoticeIssued(
        student_id=made.student_id, referral_id=made.referral_id, school_id=state.school_id,
        notice_id=f"{made.referral_id}/notice-{first + i}", guardian_id=g.guardian_id,
        language=rules.notice_language(g), issued_on=dated.occurred_on, action=action,
        action_description=rules.ACTION_DESCRIPTIONS[action], reasons=content.reasons,
        records_used=content.records_used, assessments_proposed=tuple(assessments),
        safeguards_statement=rules.SAFEGUARDS_STATEMENT,
        sources_of_help=content.sources_of_help,
        options_considered=content.options_considered, other_factors=content.other_factors,
        occurred_on=dated.occurred_on, late_entry_reason=dated.reason)
        for i, g in enumerate(rules.notice_recipients(state.guardians))]


referral = Decider(Referral, evolve, decide)
