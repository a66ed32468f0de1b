"""Every template renders whatever the event carries, in every language: a field missing,
empty, of an unexpected shape or destroyed never stops a notice (a template error would
send the whole event to dead letters and no one would be told)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iep_kernel.events import DESTROYED
from iep_notifications.app import i18n

FIELDS = ("given_on", "issued_on", "requested_on", "meeting_on", "starts_at", "location",
          "purposes", "attending", "right_to_bring_others", "transition_statement",
          "rescheduled", "action_description", "reasons", "records_used",
          "assessments_proposed", "options_considered", "other_factors",
          "safeguards_statement", "sources_of_help", "effective_on", "version", "written_on",
          "amended_on", "review_due_on", "consent_required", "content", "period_starts_on",
          "period_ends_on", "kind", "filed_on", "response_due_on",
          "resolution_meeting_due_on", "decision_due_on", "due_on", "days_remaining")
scalars = st.one_of(st.none(), st.just(DESTROYED), st.just(""), st.text(max_size=20),
                    st.just("2026-03-02"), st.just("09:30:00"), st.integers(), st.booleans())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ("name", "roles", "area", "description", "option", "why_rejected", "services",
         "service", "minutes")), inner, max_size=3)), max_leaves=6)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(i18n.template_names()), st.sampled_from(("en", "es")),
       st.dictionaries(st.sampled_from(FIELDS), values, max_size=12), st.booleans())
def test_any_event_data_renders_in_every_language(kind, language, data, fallback):
    _renders(kind, language, data, fallback)


@pytest.mark.parametrize("kind", i18n.template_names())
@pytest.mark.parametrize("value", [None, DESTROYED, 7, "", [None], {"services": None}])
def test_every_field_missing_or_odd_at_once_still_renders(kind, value):
    _renders(kind, "es", dict.fromkeys(FIELDS, value), True)


def _renders(kind: str, language: str, data: dict, fallback: bool) -> None:
    subject, text, html = i18n.render(kind, language, {
        "student_id": "S-1", "student_name": DESTROYED, "school_id": "sch-1",
        "recipient_name": "", "fallback": fallback, "requested_language": "vi",
        "legal_basis": "34 CFR 300.503", "event_type": "PlanWritten", "deadline": "meeting",
        "attached": False, "day": "2026-03-02", "reminders": [{"subject": "x"}],
        "attention": [{"student_id": "S-1", "kind": "plan_copy", "status": "failed"}],
        "d": data})
    assert subject and text.strip() and html.strip()
