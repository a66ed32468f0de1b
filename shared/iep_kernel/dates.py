"""Dates of record: an act is dated when it happened, and recorded when it is recorded.

Every command that records an act in the world (a form received, a meeting held, a session
given) takes the date of the act, `occurred_on`, from the person recording it (default: the
district's today); the event carries it, and the envelope's `recorded_at` comes from the
server only. Deadlines run from the act. The law's order of steps is checked in each
service's decider with `Dated.check` (no act in the future, none before the act it follows),
and an entry recorded long after the act needs a reason, so a late entry is visible and
explained rather than hidden in a backdated form.

Pure: `today` and the district's late-entry window travel with the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from iep_kernel.decider import IllegalTransition

LATE_ENTRY_DAYS = 30  # the default window; the district sets its own (IEP_LATE_ENTRY_DAYS)


def _sentence(act: str) -> str:
    """The act's name opening a sentence (only its first letter raised: ids keep their case)."""
    return act[:1].upper() + act[1:]


def spoken(day: date) -> str:
    """A date as a refusal says it: "March 2, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


@dataclass(frozen=True)
class Dated:
    """When an act happened (as the person recording it says), the district's today when it
    is recorded, the reason given for a late entry, and the district's late-entry window."""

    occurred_on: date
    today: date
    late_entry_reason: str | None = None
    late_entry_days: int = LATE_ENTRY_DAYS

    @property
    def days_late(self) -> int:
        return (self.today - self.occurred_on).days

    def check(self, act: str, *, not_before: date | None = None, after: str = "") -> date:
        """The date of the act, or a refusal saying what is wrong and what would be right.

        `act` names the act for people ("the consent form's receipt"); `not_before` is the
        date of the act it follows in the law's order, named by `after` ("the request for
        consent")."""
        if self.occurred_on > self.today:
            raise IllegalTransition(
                f"{_sentence(act)} is dated {spoken(self.occurred_on)}, after today "
                f"({spoken(self.today)}); an act is recorded once it has happened.")
        if not_before is not None and self.occurred_on < not_before:
            raise IllegalTransition(
                f"{_sentence(act)} is dated {spoken(self.occurred_on)}, before {after} on "
                f"{spoken(not_before)}; it cannot come first, so check the date.")
        if self.days_late > self.late_entry_days and not (self.late_entry_reason or "").strip():
            raise IllegalTransition(
                f"{_sentence(act)} happened on {spoken(self.occurred_on)}, {self.days_late} "
                f"days ago; an entry more than {self.late_entry_days} days after the act needs "
                "a late_entry_reason saying why it is recorded only now.")
        return self.occurred_on

    @property
    def reason(self) -> str | None:
        """The late-entry reason the event keeps: only for an entry that is late at all."""
        reason = (self.late_entry_reason or "").strip()
        return reason if reason and self.days_late > 0 else None


class DatedRequest(BaseModel):
    """The fields every request recording an act adds: the date of the act and, for an
    entry recorded long after it, why."""

    occurred_on: date | None = Field(
        None, description="The day the act happened, in the district (default: today). Not in "
                          "the future, not before the act it follows.")
    late_entry_reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        None, description="Why the act is recorded only now: required when it is recorded more "
                          "than the district's late-entry window (default 30 days) after it "
                          "happened")

    def dated(self, today: date, late_entry_days: int = LATE_ENTRY_DAYS) -> Dated:
        return Dated(self.occurred_on or today, today, self.late_entry_reason, late_entry_days)
