"""The other services' events as the notifications service receives them (`PublishedEvent`s
with the contracts' fields), the families and staff of the tests, a real SMTP inbox, and
the worker's steps run one at a time (apply an event, fire the due timers)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from iep_kernel.consumer import Outcome, Subscription, apply_message
from iep_kernel.events import Actor, Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import TimerLoop
from iep_notifications.worker import handlers, timers

STUDENT, OTHER_STUDENT = "S-1001", "S-2002"
MARIA, LUIS, OTHER = "g-maria", "g-luis", "g-other"  # Maria reads Spanish, Luis English
PURPOSE = {"X-Access-Purpose": "checking notice was given"}


class Inbox:
    """An aiosmtpd handler keeping each message; it can refuse, or hold a message
    after keeping it (a sender killed between the send and its record)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.hold = False
        self.received = threading.Event()
        self._held: list[asyncio.Event] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
        self.received.set()
        if self.hold:
            held = asyncio.Event()
            self._held.append(held)
            await held.wait()
        return "250 OK"

    def release(self) -> None:
        self.hold = False

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def published(service: str, event_type: str, student_id: str, data: dict[str, Any],
              actor: Actor | None = None) -> PublishedEvent:
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=f"{service}-{student_id}", stream_version=1,
        global_position=1, student_id=student_id, event_type=event_type, schema_version=1,
        occurred_at=now, recorded_at=now,
        metadata=Metadata(correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
                          **({"actor": actor} if actor else {})),
        data={"student_id": student_id, **data}, prev_hash="0" * 64, hash="1" * 64,
        service=service)


def guardian(guardian_id: str, language: str, email: str | None) -> dict[str, Any]:
    return {"guardian_id": guardian_id, "name": f"Name of {guardian_id}", "email": email,
            "phone": None, "preferred_language": language}


def referral_made(student_id: str = STUDENT, guardians: list[dict[str, Any]] | None = None,
                  referred_by: str = "cm-1", school_id: str = "sch-1") -> PublishedEvent:
    guardians = guardians if guardians is not None else [
        guardian(MARIA, "es", "maria@example.org"), guardian(LUIS, "en", "luis@example.org")]
    return published("referral", "ReferralMade", student_id, {
        "referral_id": f"r-{student_id}", "school_id": school_id,
        "student": {"district_student_id": student_id, "name": "Ana Lopez",
                    "date_of_birth": "2018-09-14", "grade": "2", "school_id": school_id,
                    "primary_language": "es"},
        "guardians": guardians, "referred_by": {"name": "Jo Park", "role": "teacher"},
        "concerns": {"text": "struggles to read aloud", "areas": ["schoolwork"]},
        "referred_on": "2026-02-20"}, actor=Actor(id=referred_by, role="case_manager"))


def other_family() -> PublishedEvent:
    """Another student at the same school, whose guardian must never get this family's."""
    return referral_made(OTHER_STUDENT, [guardian(OTHER, "en", "other@example.org")],
                         referred_by="cm-2")


async def deliver(runtime: ServiceRuntime, *events: PublishedEvent) -> list[Outcome]:
    """Apply events as the worker applies Kafka messages, without the broker."""
    (handler,) = handlers(runtime)
    sub = Subscription(handler, runtime.pool, runtime.vault)
    return [await apply_message(sub, f"iep.{e.service}.events", e.model_dump_json().encode())
            for e in events]


async def tick(runtime: ServiceRuntime) -> int:
    """The worker's timer loop, once, at the service clock's time."""
    return await TimerLoop(runtime, timers(runtime)).tick()


async def notices(runtime: ServiceRuntime, **where: Any) -> list[dict[str, Any]]:
    rows = await runtime.pool.fetch("SELECT * FROM notices ORDER BY recipient_id, kind")
    return [dict(r) for r in rows if all(r[k] == v for k, v in where.items())]


async def queued(runtime: ServiceRuntime, notice_id: str) -> Any:
    history = await runtime.store.read_stream(f"notice-{notice_id}")
    return history[0].data
