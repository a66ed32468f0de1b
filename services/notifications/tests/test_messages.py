"""Each event that calls for a message yields it, in each recipient's language (Spanish for
Maria, English for Luis), to the right recipients and no one else: never to the guardian
of another student."""

from __future__ import annotations

import pytest
from iep_kernel.consumer import Outcome
from notices_people import (
    LUIS,
    MARIA,
    OTHER,
    STUDENT,
    deliver,
    guardian,
    notices,
    other_family,
    published,
    queued,
    referral_made,
)

OPTIONS = [{"option": "Continue small-group reading", "why_rejected": "No progress in two terms"}]


async def _given_two_families(runtime) -> None:
    assert await deliver(runtime, referral_made(), other_family()) == [Outcome.APPLIED] * 2


async def _messages_of(runtime, kind: str) -> dict[str, object]:
    found = await notices(runtime, kind=kind)
    return {n["recipient_id"]: await queued(runtime, n["notice_id"]) for n in found}


async def test_procedural_safeguards_notice_goes_to_the_guardian_named_in_their_language(
        runtime):
    await _given_two_families(runtime)
    await deliver(runtime, published("referral", "ProceduralSafeguardsNoticeGiven", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "guardian_id": MARIA, "language": "es",
        "given_on": "2026-03-02", "occasion": "initial_referral"}))
    await deliver(runtime, published("referral", "ProceduralSafeguardsNoticeGiven", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "guardian_id": LUIS, "language": "en",
        "given_on": "2026-03-02", "occasion": "initial_referral"}))
    sent = await _messages_of(runtime, "procedural_safeguards")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].language == "es"
    assert sent[MARIA].subject == "Aviso de garantías procesales"
    assert "2 de marzo de 2026" in sent[MARIA].body_text
    assert sent[MARIA].address == "maria@example.org"
    assert sent[LUIS].language == "en"
    assert sent[LUIS].subject == "Notice of procedural safeguards"
    assert "March 2, 2026" in sent[LUIS].body_text
    assert "Ana Lopez" in sent[LUIS].body_text and "Ana Lopez" in sent[LUIS].body_html
    assert sent[LUIS].legal_basis == "34 CFR 300.504"
