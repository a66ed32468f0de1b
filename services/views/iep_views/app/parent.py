"""What a parent reads: where things stand, what is waiting for them, what happened when.

Every sentence is an English message id marked with `N_` (so the catalogs can be
extracted from this module) and spoken in the guardian's language by a `Speaker`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from iep_views.app.i18n import Speaker
from iep_views.domain import delivery
from iep_views.domain.case import Case, DisputePart, MeetingPart, PlanningPart, Stage
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
    elif case.current_planning is not None:
        text = _planning(case.current_planning, speaker, actions)
    else:
        text = speaker.say(N_("The school is updating your child's record."))
    return Standing(stage, text, actions)


def _meeting_values(speaker: Speaker, meeting: MeetingPart) -> dict[str, str]:
    return {"day": speaker.day(meeting.meeting_on), "time": speaker.time(meeting.starts_at),
            "location": meeting.location}


def _planning(planning: PlanningPart, speaker: Speaker, actions: list[dict[str, Any]]
              ) -> str:
    """Where a planning case stands, and what waits for the parent: a meeting invitation to
    answer, the consent to services."""
    for meeting in planning.meetings_pending:
        actions.append({
            "action": "answer_meeting_invitation", "case_id": planning.case_id,
            "meeting_id": meeting.meeting_id,
            "text": speaker.say(N_("Tell the school whether you can come to the meeting on "
                                   "%(day)s at %(time)s, or ask for another day or time."),
                                **_meeting_values(speaker, meeting))})
    stage = planning.stage
    if stage == Stage.AWAITING_SERVICES_CONSENT:
        actions.append({
            "action": "answer_services_consent", "case_id": planning.case_id,
            "plan_id": planning.plan_id, "version": planning.version,
            "text": speaker.say(N_("Read your child's IEP and the notice the school sent you, "
                                   "then give or refuse your consent for the services to "
                                   "start."))})
        return speaker.say(N_("The team has written your child's IEP. We are waiting for your "
                              "consent for services to start."))
    if stage == Stage.IN_DISPUTE:
        return _dispute_text(planning, speaker)
    if stage == Stage.MEETING_SCHEDULED:
        return speaker.say(N_("Your child's IEP meeting is on %(day)s at %(time)s at "
                              "%(location)s."),
                           **_meeting_values(speaker, planning.meetings_pending[0]))
    if stage == Stage.MEETING_DUE:
        return speaker.say(N_("The team will meet with you to write your child's plan (the "
                              "IEP). The meeting must be held by %(due)s; the school will "
                              "invite you."), due=speaker.day(planning.meeting_due_on))
    if stage == Stage.PLAN_BEING_WRITTEN:
        return speaker.say(N_("The team met and is writing your child's IEP. The school will "
                              "send you a copy."))
    if stage == Stage.SERVICES_CONSENT_REFUSED:
        return speaker.say(N_("You did not give consent for the services in your child's "
                              "IEP, so they have not started. You can change your mind at "
                              "any time by telling the school."))
    if stage == Stage.CONSENT_REVOKED:
        return speaker.say(N_("You withdrew your consent to special education services. The "
                              "school will send you a written notice before the services "
                              "stop."))
    if planning.review_due_on is not None:
        return speaker.say(N_("Services in your child's IEP are under way; the plan will be "
                              "reviewed by %(due)s."), due=speaker.day(planning.review_due_on))
    return speaker.say(N_("Services in your child's IEP are under way."))


def _dispute_text(planning: PlanningPart, speaker: Speaker) -> str:
    """The newest open dispute, its next deadline, and stay-put while it holds."""
    dispute: DisputePart = max(planning.open_disputes, key=lambda d: (d.filed_on,
                                                                      d.dispute_id))
    deadlines = dict(dispute.deadlines)
    filed = speaker.day(dispute.filed_on)
    if "resolution_meeting" in deadlines:
        text = speaker.say(N_("Your dispute was received on %(filed)s; a resolution meeting "
                              "must be held by %(due)s."), filed=filed,
                           due=speaker.day(deadlines["resolution_meeting"]))
    elif "hearing_decision" in deadlines:
        text = speaker.say(N_("Your dispute was received on %(filed)s; the hearing decision "
                              "is due by %(due)s."), filed=filed,
                           due=speaker.day(deadlines["hearing_decision"]))
    elif "resolution_period" in deadlines:
        text = speaker.say(N_("Your dispute was received on %(filed)s; if it is not resolved "
                              "by %(due)s, the hearing may go ahead."), filed=filed,
                           due=speaker.day(deadlines["resolution_period"]))
    elif "state_complaint_decision" in deadlines:
        text = speaker.say(N_("Your complaint was received on %(filed)s; the state must "
                              "decide it by %(due)s."), filed=filed,
                           due=speaker.day(deadlines["state_complaint_decision"]))
    else:
        text = speaker.say(N_("Your request was received on %(filed)s; the school will "
                              "contact you about it."), filed=filed)
    if dispute.stay_put:
        text += " " + speaker.say(N_("While it is pending, your child stays in the current "
                                     "placement with the current services."))
    return text


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


def _on(facts: dict[str, Any], key: str) -> date:
    return date.fromisoformat(facts[key])


def _meeting_on(speaker: Speaker, facts: dict[str, Any]) -> dict[str, str]:
    return {"day": speaker.day(_on(facts, "meeting_on")),
            "time": speaker.time(time.fromisoformat(facts["starts_at"])),
            "location": facts["location"]}


def _scheduled(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("An IEP meeting was scheduled for %(day)s at %(time)s at "
                          "%(location)s."), **_meeting_on(speaker, facts))


def _rescheduled(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The IEP meeting was moved to %(day)s at %(time)s at "
                          "%(location)s."), **_meeting_on(speaker, facts))


def _meeting_notice(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The school sent you a written invitation to the IEP meeting on "
                          "%(day)s."), day=speaker.day(_on(facts, "meeting_on")))


def _planning_opened(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The team will meet with you to write your child's IEP by %(due)s."),
                       due=speaker.day(_on(facts, "meeting_due_on")))


def _plan_written(speaker: Speaker, facts: dict[str, Any]) -> str:
    return speaker.say(N_("The team wrote your child's IEP. It will be reviewed by %(due)s."),
                       due=speaker.day(_on(facts, "review_due_on")))


def _plan_notice(speaker: Speaker, facts: dict[str, Any]) -> str:
    if facts.get("action") == "stop_services":
        return speaker.say(N_("The school sent you a written notice that the services will "
                              "stop."))
    if facts.get("action") == "initiate_services":
        return speaker.say(N_("The school sent you a written notice about the services it "
                              "proposes in your child's IEP."))
    return speaker.say(N_("The school sent you a written notice about a change to your "
                          "child's IEP."))


def _reevaluation(message: str) -> Say:
    return lambda speaker, facts: speaker.say(
        message, due=speaker.day(_on(facts, "reevaluation_due_on" if "reevaluation_due_on" in
                                     facts else "due_on")))


def _dispute_filed(speaker: Speaker, facts: dict[str, Any]) -> str:
    if facts.get("kind") == "state_complaint":
        return speaker.say(N_("Your state complaint was received."))
    if facts.get("kind") == "due_process_complaint":
        return speaker.say(N_("Your due process complaint was received."))
    if facts.get("kind") == "mediation":
        return speaker.say(N_("Your request for mediation was received."))
    return speaker.say(N_("Your request for a team meeting was received."))


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
    # planning
    "planning_opened": _planning_opened,
    "eligibility_redetermined": _reevaluation(N_(
        "A reevaluation found that your child is still eligible for special education. The "
        "next reevaluation is due by %(due)s.")),
    "meeting_scheduled": _scheduled,
    "meeting_rescheduled": _rescheduled,
    "meeting_notice": _meeting_notice,
    "meeting_held": _fixed(N_("The IEP meeting was held.")),
    "plan_written": _plan_written,
    "plan_amended": _fixed(N_("Your child's IEP was changed.")),
    "plan_notice": _plan_notice,
    "services_consent_given": _fixed(N_("Consent to the services in the IEP was given.")),
    "services_consent_refused": _fixed(N_("Consent to the services in the IEP was refused.")),
    "services_consent_revoked": _fixed(N_("Consent to special education services was "
                                          "withdrawn.")),
    "reevaluation_due": _reevaluation(N_("Your child's three-year reevaluation is due by "
                                         "%(due)s. The school will ask for your consent.")),
    "reevaluation_waived": _reevaluation(N_(
        "You and the school agreed that a reevaluation is not needed now. The next one is due "
        "by %(due)s.")),
    "dispute_filed": _dispute_filed,
    "resolution_meeting_held": _fixed(N_("A resolution meeting was held.")),
    "mediation_agreed": _fixed(N_("A mediation agreement was signed.")),
    "hearing_decision": _fixed(N_("The hearing officer decided the due process complaint.")),
    "state_complaint_decided": _fixed(N_("The state decided the complaint.")),
    "dispute_resolved": _fixed(N_("The dispute was resolved.")),
    "dispute_withdrawn": _fixed(N_("The dispute was withdrawn.")),
    # services delivery
    "service_scheduled": lambda speaker, facts: speaker.say(
        N_("Services began: %(service)s."), service=service_name(speaker, facts["service"])),
    "services_stopped": _fixed(N_("The services stopped.")),
    "progress_report_issued": _fixed(N_("A progress report on your child's goals was sent "
                                        "to you.")),
}


SERVICES = {
    "specially_designed_instruction": N_("specially designed instruction"),
    "audiology": N_("audiology"), "counseling": N_("counseling"),
    "early_identification_and_assessment": N_("early identification and assessment"),
    "interpreting": N_("interpreting"), "medical_services": N_("medical services"),
    "occupational_therapy": N_("occupational therapy"),
    "orientation_and_mobility": N_("orientation and mobility"),
    "parent_counseling_and_training": N_("parent counseling and training"),
    "physical_therapy": N_("physical therapy"),
    "psychological_services": N_("psychological services"), "recreation": N_("recreation"),
    "rehabilitation_counseling": N_("rehabilitation counseling"),
    "school_health_and_nurse_services": N_("school health and nurse services"),
    "social_work": N_("social work"),
    "speech_language_pathology": N_("speech and language therapy"),
    "transportation": N_("transportation"),
}
PDF = "/api/services-delivery/progress-reports/{report_id}.pdf"


def service_name(speaker: Speaker, service: str) -> str:
    return speaker.say(SERVICES[service]) if service in SERVICES else service


def services_and_reports(case: Case, speaker: Speaker, today: date
                         ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each service received against what the plan promised so far, and each progress
    report (with where its PDF is once issued), newest first."""
    if case.delivery is None:
        return [], []
    services = []
    for schedule in case.delivery.schedules:
        promised = delivery.minutes_required(schedule, today)
        received = delivery.minutes_delivered(schedule, today)
        name = service_name(speaker, schedule.service)
        text = speaker.say(N_("%(service)s: %(received)s of %(promised)s minutes received so "
                              "far."), service=name, received=received, promised=promised)
        if schedule.owed:
            text += " " + speaker.say(N_("The school owes your child %(owed)s minutes, to be "
                                         "made up."), owed=schedule.owed)
        services.append({"schedule_id": schedule.schedule_id, "service": schedule.service,
                         "minutes_promised": promised, "minutes_received": received,
                         "minutes_owed": schedule.owed, "text": text})
    reports = []
    for report in sorted(case.delivery.reports, key=lambda r: (r.due_on, r.report_id),
                         reverse=True):
        if report.issued_on is not None:
            text = speaker.say(N_("A progress report on your child's goals was sent on "
                                  "%(issued)s."), issued=speaker.day(report.issued_on))
        else:
            text = speaker.say(N_("A progress report on your child's goals is due on "
                                  "%(due)s."), due=speaker.day(report.due_on))
        reports.append({"report_id": report.report_id, "due_on": report.due_on,
                        "issued_on": report.issued_on,
                        "pdf": PDF.format(report_id=report.report_id)
                        if report.issued_on else None, "text": text})
    return services, reports
