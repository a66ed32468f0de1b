"""Words the report looks up by key (statuses, service types): English msgids of the
catalog, listed here so the catalog test finds them."""

STATUS = {
    "met": "Met",
    "on_track": "On track",
    "some_progress": "Some progress",
    "not_on_track": "Not on track",
}

SERVICE_NAMES = {
    "specially_designed_instruction": "Specially designed instruction",
    "audiology": "Audiology",
    "counseling": "Counseling",
    "early_identification_and_assessment": "Early identification and assessment",
    "interpreting": "Interpreting",
    "medical_services": "Medical services",
    "occupational_therapy": "Occupational therapy",
    "orientation_and_mobility": "Orientation and mobility",
    "parent_counseling_and_training": "Parent counseling and training",
    "physical_therapy": "Physical therapy",
    "psychological_services": "Psychological services",
    "recreation": "Recreation",
    "rehabilitation_counseling": "Rehabilitation counseling",
    "school_health_and_nurse_services": "School health and nurse services",
    "social_work": "Social work",
    "speech_language_pathology": "Speech-language pathology",
    "transportation": "Transportation",
}
