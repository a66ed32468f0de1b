"""What a parent reads: where things stand, what is waiting for them, what happened when.

Every sentence is an English message id marked with `N_` (so the catalogs can be
extracted from this module) and spoken in the guardian's language by a `Speaker`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from iep_views.app.i18n import Speaker
from iep_views.domain.case import Case, Stage
from iep_views.domain.rules import ViewRules


def N_(message: str) -> str:
    """Marks a message for the catalogs; it is translated when spoken."""
    return message


@dataclass(frozen=True)
class Standing:
    """The case in a sentence, and the actions waiting for the parent."""

    stage: str
    summary: str
    actions: list[dict[str, Any]]


def _due(case: Case, district: ViewRules) -> date | None:
    deadline = case.next_deadline(district)
    return deadline.due_on if deadline else None


def standing(case: Case, speaker: Speaker, district: ViewRules) -> Standing:
    stage = case.stage
    due = _due(case, district)
    actions: list[dict[str, Any]] = []
    if stage == Stage.REFERRED:
        text = speaker.say(N_("Your child has been referred for an evaluation. The school "
                              "will contact you about the next step."))
    elif stage == Stage.AWAITING_CONSENT:
        text = speaker.say(N_("We are waiting for your signature on the evaluation consent "
                              "form."))
        assert case.referral is not None
        actions.append({
            "action": "answer_evaluation_consent", "referral_id": case.referral.referral_id,
            "text": speaker.say(N_("Read the notice the school sent you, then give or refuse "
                                   "your consent to the evaluation."))})
    elif stage == Stage.CONSENT_REFUSED:
        text = speaker.say(N_("You did not give consent for the evaluation, so your child "
                              "will not be evaluated. You can change your mind at any time "
                              "by telling the school."))
    elif stage == Stage.EVALUATING and due is not None:
        text = speaker.say(N_("Your child's evaluation is under way and must be finished by "
                              "%(due)s."), due=speaker.day(due))
    elif stage == Stage.EVALUATING:
        text = speaker.say(N_("You gave consent. Your child's evaluation is starting."))
    elif stage == Stage.ELIGIBLE and due is not None:
        text = speaker.say(N_("The team found that your child is eligible for special "
                              "education. A meeting to write your child's plan (the IEP) "
                              "must be held by %(due)s; the school will ask you to come."),
                           due=speaker.day(due))
    elif stage == Stage.NOT_ELIGIBLE:
        text = speaker.say(N_("The team found that your child does not need special "
                              "education at this time."))
    elif stage == Stage.SECTION_504:
        text = speaker.say(N_("The team found that your child does not need special "
                              "education, but may get support through a Section 504 plan. "
                              "The school will contact you about it."))
    elif stage == Stage.CLOSED:
        declined = case.referral is not None and \
            case.referral.close_reason == "district_declined"
        text = speaker.say(N_("The school decided not to evaluate your child and sent you a "
                              "written notice explaining why.") if declined else
                           N_("The referral was withdrawn, so your child will not be "
                              "evaluated."))
    else:
        text = speaker.say(N_("The school is updating your child's record."))
    return Standing(stage, text, actions)


AREAS = {
    "reading": N_("reading"), "math": N_("math"), "speech": N_("speech"),
    "language": N_("language"), "developmental": N_("developmental skills"),
    "hearing": N_("hearing"), "vision": N_("vision"), "motor": N_("movement (motor skills)"),
    "behavior": N_("behavior"), "cognitive": N_("thinking and learning (cognitive)"),
    "other": N_("another area"),
}

Say = Callable[[Speaker, dict[str, Any]], str]


def _opened(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The evaluation began. It must be finished by %(due)s."),
                       due=speaker.day(date.fromisoformat(facts["due_on"])))


def _assessed(speaker: Speaker, facts: dict[str, Any]) -> str:
    area = AREAS.get(facts.get("area", ""), AREAS["other"])
    return speaker.say(N_("An assessment was completed: %(area)s."), area=speaker.say(area))


def _notice(speaker: Speaker, facts: dict[str, Any]) -> str:
    if facts.get("action") == "refuse_initial_evaluation":
        return speaker.say(N_("The school sent you a written notice explaining why it will "
                              "not evaluate your child."))
    return speaker.say(N_("The school sent you a written notice explaining the evaluation "
                          "it proposes."))


def _determined(speaker: Speaker, facts: dict[str, Any]) -> str:
    if facts.get("eligible"):
        return speaker.say(N_("The team decided that your child is eligible for special "
                              "education."))
    return speaker.say(N_("The team decided that your child is not eligible for special "
                          "education."))


def _overdue(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The evaluation was not finished by its due date, %(due)s. You "
                          "may ask the school why."),
                       due=speaker.day(date.fromisoformat(facts["due_on"])))


def _fixed(message: str) -> Say:
    return lambda speaker, facts: speaker.say(message)


# Timeline entries a parent sees, by kind; the others are for staff.
TIMELINE: dict[str, Say] = {
    "referred": _fixed(N_("Your child was referred for an evaluation.")),
    "safeguards_notice": _fixed(N_("You were given the notice of your rights (procedural "
                                   "safeguards).")),
    "consent_requested": _fixed(N_("The school asked for your consent to evaluate your "
                                   "child.")),
    "prior_written_notice": _notice,
    "consent_given": _fixed(N_("Consent to the evaluation was given.")),
    "consent_refused": _fixed(N_("Consent to the evaluation was refused.")),
    "referral_closed": _fixed(N_("The referral was closed.")),
    "evaluation_opened": _opened,
    "assessment_completed": _assessed,
    "eligibility_determined": _determined,
    "section_504_referral": _fixed(N_("Your child was referred for a Section 504 plan.")),
    "evaluation_overdue": _overdue,
    "records_destroyed": _fixed(N_("Your child's records were destroyed at your request.")),
}
