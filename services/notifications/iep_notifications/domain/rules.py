"""The rules of delivery in one place: identities, languages, channels, retries."""

import uuid
from datetime import timedelta

NOTICE_NAMESPACE = uuid.UUID("6f0d3c52-8d7e-4f41-9a57-0b1f6c4e2a91")
SOURCE_LANGUAGE = "en"


def notice_id_for(source_event_id: str, kind: str, recipient_id: str) -> str:
    """One notice per event, kind and recipient: a redelivered event finds the same id."""
    return str(uuid.uuid5(NOTICE_NAMESPACE, f"{source_event_id}|{kind}|{recipient_id}"))


def message_id_for(notice_id: str, domain: str) -> str:
    """The Message-ID header: the same on every attempt, so a resend is recognisable."""
    return f"<notice-{notice_id}@{domain}>"


def stream_of(notice_id: str) -> str:
    return f"notice-{notice_id}"


def choose_language(preferred: str | None, available: tuple[str, ...]) -> tuple[str, bool]:
    """The language to write in for a preferred one such as `es-MX`, and whether it falls
    back to English for want of a translation (34 CFR 300.503(c) asks for the parent's
    native language: a fallback is counted and the message says so)."""
    primary = (preferred or SOURCE_LANGUAGE).split("-")[0].split("_")[0].lower()
    if primary in available:
        return primary, False
    return SOURCE_LANGUAGE, True


def channel_for(preference: str | None, address: str | None) -> str:
    """Email only where the parent chose it or did not refuse it and has an address
    (34 CFR 300.505); otherwise paper, printed and mailed by the school office."""
    if preference == "paper" or not address:
        return "paper"
    return "email"


def retry_delay(attempt: int, first_seconds: float, max_seconds: float) -> timedelta:
    """Wait after failed attempt `attempt` (1-based): doubling, capped."""
    return timedelta(seconds=min(first_seconds * 2 ** (attempt - 1), max_seconds))
