"""Verification: recompute each stream's hash chain with the kernel's own functions.

A chain belongs to one stream of one service (stream ids are unique within a service's
log). The kernel's `verify_chain` recomputes every hash from the stored content and checks
each link to the event before, so the audit store is held to exactly what the service
computed when it appended the event.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from iep_kernel.store import verify_chain

from iep_audit.domain.record import AuditedEvent


@dataclass(frozen=True)
class ChainBreak:
    """The first event of a stream whose chain does not hold, and why."""

    service: str
    stream_id: str
    stream_version: int
    global_position: int
    recorded_at: datetime
    reason: str


def check_stream(events: Sequence[AuditedEvent]) -> ChainBreak | None:
    """The first break in one stream's chain (`events` in version order), if any."""
    if not events:
        return None
    service, stream_id = events[0].service, events[0].stream_id
    report = verify_chain(stream_id, [e.stored() for e in events])
    if report.ok:
        return None
    broken = next(e for e in events if e.stream_version == report.broken_at_version)
    return ChainBreak(service, stream_id, broken.stream_version, broken.global_position,
                      broken.recorded_at, report.reason or "the chain does not hold")


@dataclass
class Verification:
    """What a verification run found: counts, and the breaks in order of recording."""

    scope: str
    streams_checked: int = 0
    events_checked: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

    def add(self, events: Sequence[AuditedEvent]) -> None:
        self.streams_checked += 1
        self.events_checked += len(events)
        found = check_stream(events)
        if found is not None:
            self.breaks.append(found)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def ordered_breaks(self) -> list[ChainBreak]:
        """Breaks, earliest recorded first: the first is where the log stopped holding."""
        return sorted(self.breaks, key=lambda b: (b.recorded_at, b.service,
                                                        b.global_position))

    def summary(self, max_breaks: int = 100) -> dict[str, Any]:
        """The report as JSON: counts, the first break, and the breaks (at most
        `max_breaks` of them, with how many more there were)."""
        breaks = [{**asdict(b), "recorded_at": b.recorded_at.isoformat()}
                  for b in self.ordered_breaks()]
        return {"scope": self.scope, "ok": self.ok, "streams_checked": self.streams_checked,
                "events_checked": self.events_checked,
                "first_break": breaks[0] if breaks else None,
                "breaks": breaks[:max_breaks], "more_breaks": max(0, len(breaks) - max_breaks)}
