"""The law behind the referral stage, in one place, each rule beside its regulation
(34 CFR Part 300, IDEA Part B), so an auditor can find the rule behind every decision."""

from collections.abc import Sequence
from datetime import date
from typing import Literal

from iep_referral.domain.events import CloseReason, Guardian, NoticeAction

# 300.504(a)(1): the procedural safeguards notice is given to the parents on the initial
# referral or the parents' request for evaluation.
SAFEGUARDS_OCCASION: Literal["initial_referral"] = "initial_referral"

# 300.503(a)(1): prior written notice before the district proposes to initiate the
# evaluation of the child; (b)(1) the notice describes the action proposed.
PROPOSE_EVALUATION: NoticeAction = "propose_initial_evaluation"
# 300.503(a)(2): the same notice when the district refuses to initiate the evaluation.
REFUSE_EVALUATION: NoticeAction = "refuse_initial_evaluation"

ACTION_DESCRIPTIONS: dict[NoticeAction, str] = {
    PROPOSE_EVALUATION: (
        "The district proposes an initial evaluation of your child, to find out whether your "
        "child has a disability and needs special education and related services. The "
        "district will not evaluate your child without your written consent."),
    REFUSE_EVALUATION: (
        "The district refuses to conduct an initial evaluation of your child for special "
        "education and related services at this time."),
}

# 300.503(b)(4): a statement that the parents have protection under the procedural
# safeguards and, when the notice is not an initial referral, how to get a copy of them.
SAFEGUARDS_STATEMENT = (
    "You have protection under the procedural safeguards of the Individuals with "
    "Disabilities Education Act (34 CFR 300.500 to 300.536). A copy of the procedural "
    "safeguards notice was given to you when your child was referred; ask your child's "
    "school for another copy at any time, free of charge.")


def notice_recipients(guardians: Sequence[Guardian]) -> tuple[Guardian, ...]:
    """300.503(a), 300.504(a): notices go to the parents; every recorded guardian gets one."""
    return tuple(guardians)


def notice_language(guardian: Guardian) -> str:
    """300.503(c)(1)(ii), 300.504(d): a notice is provided in the native language of the
    parent or other mode of communication the parent uses: the guardian's own language."""
    return guardian.preferred_language


def may_consent(guardian_id: str, guardians: Sequence[Guardian]) -> bool:
    """300.300(a), 300.30: consent to evaluate is the parent's; any recorded guardian may
    give or refuse it, and no one else."""
    return any(g.guardian_id == guardian_id for g in guardians)


def consent_is_informed(signed_on: date, requested_on: date) -> bool:
    """300.9(a): consent is informed only once the parent has the notice describing the
    proposed evaluation, so it is signed on or after the day consent was requested."""
    return signed_on >= requested_on


def received_once_signed(signed_on: date, received_on: date) -> bool:
    """300.301(c)(1): the 60 days run from the district's receipt of consent, the date of the
    act recorded here: a form is received on or after the day it was signed, never before."""
    return signed_on <= received_on


# The order of the referral's acts, each dated when it happened (`occurred_on`) and checked
# by `Dated.check`: the referral (300.301(b)), then the request for consent with its prior
# written notices (300.503(a)(1), 300.300(a)), then the receipt of the guardian's answer
# (300.301(c)(1)), a new request after a refusal, and the closing. No act is dated in the
# future or before the act it follows; one recorded more than the district's late-entry
# window (IEP_LATE_ENTRY_DAYS) after it happened carries the reason it is recorded late.


def notice_needed_to_close(reason: CloseReason) -> bool:
    """300.503(a)(2): refusing to evaluate needs prior written notice; a referral withdrawn
    by the family or the referrer needs none."""
    return reason == "district_declined"


def may_close(consent_given: bool) -> bool:
    """300.300(a), 300.301(c): once consent is given the evaluation has begun and must be
    completed within its timeframe; the referral is then no longer the district's to close."""
    return not consent_given


def missing_notice_elements(reasons: str, records_used: Sequence[str],
                            options_considered: Sequence[object],
                            sources_of_help: Sequence[str]) -> list[str]:
    """300.503(b)(2), (3), (5), (6): the elements staff must write into a prior written
    notice (the others come from this module), named as a person would name them."""
    missing = []
    if not reasons.strip():
        missing.append("why the district acts")
    if not records_used:
        missing.append("each evaluation, record or report the decision rests on")
    if not sources_of_help:
        missing.append("where the parents can get help")
    if not options_considered:
        missing.append("the other options considered and why they were rejected")
    return missing
