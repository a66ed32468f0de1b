"""Names of codes as people read them (English message ids, translated when shown)."""

from iep_web.i18n import N_

ROLES = {
    "parent": N_("Parent"), "teacher": N_("Teacher"), "case_manager": N_("Case manager"),
    "evaluator": N_("Evaluator"), "provider": N_("Service provider"),
    "administrator": N_("Administrator"), "auditor": N_("Auditor"),
    "system": N_("The system"),
}

STAGES = {
    "referred": N_("Referred"), "awaiting_consent": N_("Awaiting consent"),
    "consent_refused": N_("Consent refused"), "evaluating": N_("Evaluating"),
    "eligible": N_("Eligible: plan to write"), "not_eligible": N_("Not eligible"),
    "section_504": N_("Section 504"), "closed": N_("Closed"),
    "meeting_due": N_("IEP meeting to hold"), "meeting_scheduled": N_("IEP meeting scheduled"),
    "plan_being_written": N_("Plan being written"),
    "awaiting_services_consent": N_("Awaiting consent to services"),
    "services_consent_refused": N_("Consent to services refused"),
    "plan_in_effect": N_("Plan in effect"), "consent_revoked": N_("Consent revoked"),
    "in_dispute": N_("In dispute"), "unknown": N_("Unknown"),
}

DEADLINES = {
    "consent_follow_up": N_("Follow up on consent"), "evaluation_due": N_("Evaluation due"),
    "iep_meeting_due": N_("IEP meeting due"), "annual_review_due": N_("Annual review due"),
    "reevaluation_due": N_("Reevaluation due"),
    "dispute_response_due": N_("Response to a complaint due"),
    "resolution_meeting_due": N_("Resolution meeting due"),
    "resolution_period_ends": N_("Resolution period ends"),
    "hearing_decision_due": N_("Hearing decision due"),
    "complaint_decision_due": N_("State complaint decision due"),
    "dispute_open": N_("Open dispute"), "progress_report_due": N_("Progress report due"),
}

# The compliance dashboard's lists, in the order shown (a list the views add later is
# shown under its own name until it is named here).
BUCKETS = {
    "evaluations_overdue": N_("Evaluations overdue"),
    "evaluations_due_soon": N_("Evaluations due soon"),
    "consents_unanswered": N_("Consents unanswered"),
    "meetings_overdue": N_("IEP meetings overdue"),
    "meetings_due_soon": N_("IEP meetings due soon"),
    "reviews_overdue": N_("Annual reviews overdue"),
    "reviews_due_soon": N_("Annual reviews due soon"),
    "reevaluations_overdue": N_("Reevaluations overdue"),
    "reevaluations_due_soon": N_("Reevaluations due soon"),
    "disputes_open": N_("Open disputes"),
    "progress_reports_overdue": N_("Progress reports overdue"),
    "progress_reports_due_soon": N_("Progress reports due soon"),
}

ASSESSMENT_AREAS = {
    "reading": N_("Reading"), "math": N_("Math"), "speech": N_("Speech"),
    "language": N_("Language"), "developmental": N_("Developmental skills"),
    "hearing": N_("Hearing"), "vision": N_("Vision"), "motor": N_("Motor skills"),
    "behavior": N_("Behavior"), "cognitive": N_("Cognitive"), "other": N_("Other"),
}

EVALUATOR_ROLES = {
    "psychologist": N_("Psychologist"), "counselor": N_("Counselor"),
    "healthcare_provider": N_("Healthcare provider"),
    "hearing_specialist": N_("Hearing specialist"),
    "occupational_therapist": N_("Occupational therapist"),
    "physical_therapist": N_("Physical therapist"), "speech_therapist": N_("Speech therapist"),
    "teacher": N_("Teacher"), "special_educator": N_("Special educator"),
    "vision_specialist": N_("Vision specialist"),
}

CATEGORIES = {
    "autism": N_("Autism"), "deaf_blindness": N_("Deaf-blindness"), "deafness": N_("Deafness"),
    "developmental_delay": N_("Developmental delay"),
    "emotional_disturbance": N_("Emotional disturbance"),
    "hearing_impairment": N_("Hearing impairment"),
    "intellectual_disability": N_("Intellectual disability"),
    "multiple_disabilities": N_("Multiple disabilities"),
    "orthopedic_impairment": N_("Orthopedic impairment"),
    "other_health_impairment": N_("Other health impairment"),
    "specific_learning_disability": N_("Specific learning disability"),
    "speech_or_language_impairment": N_("Speech or language impairment"),
    "traumatic_brain_injury": N_("Traumatic brain injury"),
    "visual_impairment": N_("Visual impairment"),
}

TEAM_ROLES = {
    "parent": N_("Parent"), "general_education_teacher": N_("General education teacher"),
    "special_education_teacher": N_("Special education teacher"),
    "district_representative": N_("District representative"),
    "psychologist": N_("Psychologist"), "evaluator": N_("Evaluator"),
    "related_service_provider": N_("Related service provider"), "other": N_("Other"),
}

CONCERN_AREAS = {
    "behavior": N_("Behavior"), "schoolwork": N_("Schoolwork"), "adaptation": N_("Adaptation"),
    "coping": N_("Coping"), "attention": N_("Attention"),
}

DISPUTE_KINDS = {
    "team_meeting_request": N_("Ask for a meeting with the IEP team"),
    "mediation": N_("Ask for mediation"),
    "due_process_complaint": N_("File a due process complaint"),
    "state_complaint": N_("File a state complaint"),
}

MEETING_ROLES = {
    "parent": N_("Parent"), "regular_education_teacher": N_("Regular education teacher"),
    "special_education_teacher": N_("Special education teacher"),
    "district_representative": N_("District representative"),
    "evaluation_interpreter": N_("Interprets the evaluation"),
    "related_service_provider": N_("Related service provider"), "student": N_("Student"),
    "agency_representative": N_("Agency representative"), "other": N_("Other"),
}

# Why a staff member opens students' records: sent with every read (X-Access-Purpose) and
# kept in the record of access, in English whatever the page's language.
PURPOSES = {
    "case work in the web app": N_("Case work"),
    "preparing a meeting with the family": N_("Preparing a meeting with the family"),
    "evaluation of the student": N_("Evaluating the student"),
    "delivering the student's services": N_("Delivering the student's services"),
    "compliance review": N_("Compliance review"),
    "answering the parent's request": N_("Answering the parent's request"),
}

GRADES = ("PK", "TK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")

ALL = {"roles": ROLES, "stages": STAGES, "deadlines": DEADLINES, "areas": ASSESSMENT_AREAS,
       "evaluator_roles": EVALUATOR_ROLES, "categories": CATEGORIES, "team_roles": TEAM_ROLES,
       "meeting_roles": MEETING_ROLES, "concern_areas": CONCERN_AREAS,
       "dispute_kinds": DISPUTE_KINDS, "grades": GRADES, "buckets": BUCKETS,
       "purposes": PURPOSES}
