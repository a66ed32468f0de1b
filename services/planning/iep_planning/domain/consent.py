"""Consent to services (34 CFR 300.300(b)): given or refused by a recorded guardian,
revoked in writing, with prior written notice before services stop; and the agreement
that a reevaluation is unnecessary (300.303(b)(2))."""

from __future__ import annotations

from iep_kernel.decider import IllegalTransition
from iep_kernel.events import Event

from iep_planning.domain import rules
from iep_planning.domain.checks import (
    finalized_on,
    require_guardian,
    require_services_not_revoked,
    require_signed,
    spoken,
)
from iep_planning.domain.commands import (
    DecideOnServices,
    GiveNoticeOfServicesStopping,
    RevokeConsent,
    WaiveReevaluation,
)
from iep_planning.domain.events import (
    ConsentToServicesGiven,
    ConsentToServicesRefused,
    ConsentToServicesRevoked,
    ReevaluationWaived,
)
from iep_planning.domain.notices import prior_written_notices, require_complete
from iep_planning.domain.state import Case
from iep_planning.domain.values import NoticeAction


def decide_on_services(command: DecideOnServices, state: Case) -> list[Event]:
    opened = state.case
    require_services_not_revoked(state, "accept a new consent")
    written, version = state.written, state.current_version
    if written is None or version is None:
        raise IllegalTransition(
            "No plan has been written yet: the parent consents to the services of a plan "
            "the team finalized at a meeting.")
    if isinstance(state.consent, ConsentToServicesGiven):
        raise IllegalTransition(
            f"Consent to services was already given on {spoken(state.consent.signed_on)}; "
            "later plans need no new consent, and a parent who no longer agrees revokes "
            "consent in writing.")
    if not command.given and isinstance(state.consent, ConsentToServicesRefused):
        raise IllegalTransition(
            f"The refusal signed on {spoken(state.consent.signed_on)} is already recorded.")
    require_guardian(state, command.guardian_id, "consent to special education services "
                                                 "(34 CFR 300.300(b))")
    # 300.300(b)(1): consent to the services the finalized plan proposes, so the district
    # receives it on or after the plan's finalizing, signed on or after the plan's date.
    received_on = command.dated.check("the consent form's receipt",
                                      not_before=finalized_on(written),
                                      after="the plan's finalizing")
    require_signed(command.signed_on, written.written_on, "the plan was written", received_on)
    decision = ConsentToServicesGiven if command.given else ConsentToServicesRefused
    return [decision(student_id=opened.student_id, case_id=opened.case_id,
                     guardian_id=command.guardian_id, signed_on=command.signed_on,
                     plan_id=version.plan_id, version=version.number,
                     received_on=received_on, occurred_on=received_on,
                     late_entry_reason=command.dated.reason)]


def revoke_consent(command: RevokeConsent, state: Case) -> list[Event]:
    opened = state.case
    if state.revoked is not None:
        raise IllegalTransition(f"Consent to services was already revoked on "
                                f"{spoken(state.revoked.signed_on)}.")
    consent = state.consent
    if not isinstance(consent, ConsentToServicesGiven):
        raise IllegalTransition("Consent to services has not been given, so there is no "
                                "consent to revoke.")
    require_guardian(state, command.guardian_id, "revoke consent to services "
                                                 "(34 CFR 300.300(b)(4))")
    received_on = command.dated.check("the revocation's receipt",
                                      not_before=consent.received_on,
                                      after="the receipt of the consent it revokes")
    require_signed(command.signed_on, consent.signed_on, "consent was given", received_on)
    return [ConsentToServicesRevoked(student_id=opened.student_id, case_id=opened.case_id,
                                     guardian_id=command.guardian_id,
                                     signed_on=command.signed_on, received_on=received_on,
                                     occurred_on=received_on,
                                     late_entry_reason=command.dated.reason)]


def give_notice_of_services_stopping(command: GiveNoticeOfServicesStopping, state: Case
                                     ) -> list[Event]:
    _ = state.case  # a case that does not exist is not found
    if state.revoked is None:
        raise IllegalTransition("Services stop only after the parent revokes consent in "
                                "writing (34 CFR 300.300(b)(4)); no revocation is recorded.")
    if state.services_stop_on is not None:
        raise IllegalTransition(f"Notice was already given: services stop on "
                                f"{spoken(state.services_stop_on)}.")
    require_complete(command.notice)
    # 300.300(b)(4)(i): prior written notice before the district stops the services, after
    # the revocation it answers; services stop counted from the day it was given.
    given_on = command.dated.check("the notice of services stopping",
                                   not_before=state.revoked.received_on,
                                   after="the revocation's receipt")
    return list(prior_written_notices(
        state, NoticeAction.STOP_SERVICES, command.notice, command.dated,
        effective_on=rules.services_stop_on(given_on, command.rules)))


def waive_reevaluation(command: WaiveReevaluation, state: Case) -> list[Event]:
    opened = state.case
    require_services_not_revoked(state, "plan a reevaluation")
    due = state.reevaluation_due_on
    assert due is not None  # set when the case opens
    require_guardian(state, command.guardian_id, "agree that a reevaluation is unnecessary")
    # 300.303(b)(2): the parent and district may agree a reevaluation is unnecessary; the
    # next one is then due three years after the one waived. The agreement is about the
    # reevaluation the last determination started, so it comes after that determination.
    last = state.last_determined_on or opened.determined_on
    agreed_on = command.dated.check("the agreement", not_before=last,
                                    after="the last eligibility determination")
    return [ReevaluationWaived(
        student_id=opened.student_id, case_id=opened.case_id, guardian_id=command.guardian_id,
        agreed_on=agreed_on, waived_due_on=due,
        reevaluation_due_on=rules.add_years(due, command.rules.reevaluation_years),
        occurred_on=agreed_on, late_entry_reason=command.dated.reason)]
