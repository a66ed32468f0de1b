"""The domain's coded values (`initial_plan`, `due_process_complaint`, ...) as words in the
reader's language. A value not listed reads as itself with spaces."""


def N_(message: str) -> str:  # marks a sentence for the catalog; translated when used
    return message


TERMS = {
    # meeting purposes (planning MeetingPurpose)
    "initial_plan": N_("writing the first IEP"),
    "annual_review": N_("the annual review"),
    "amendment": N_("amending the IEP"),
    "reevaluation_review": N_("reviewing the reevaluation"),
    "transition": N_("transition to adult life"),
    "resolution": N_("resolving a disagreement"),
    # team roles (planning TeamRole)
    "parent": N_("parent"),
    "regular_education_teacher": N_("regular education teacher"),
    "special_education_teacher": N_("special education teacher"),
    "district_representative": N_("district representative"),
    "evaluation_interpreter": N_("interprets the evaluation results"),
    "related_service_provider": N_("related service provider"),
    "student": N_("student"),
    "agency_representative": N_("agency representative"),
    # disputes (planning DisputeKind)
    "team_meeting_request": N_("request for a team meeting"),
    "mediation": N_("request for mediation"),
    "due_process_complaint": N_("due process complaint"),
    "state_complaint": N_("state complaint"),
    # assessment areas (referral AssessmentArea)
    "reading": N_("reading"),
    "math": N_("math"),
    "speech": N_("speech"),
    "language": N_("language"),
    "developmental": N_("development"),
    "hearing": N_("hearing"),
    "vision": N_("vision"),
    "motor": N_("motor skills"),
    "behavior": N_("behavior"),
    "cognitive": N_("cognition"),
    "other": N_("other"),
}
