"""Checks every part of the decider shares, and the words its refusals are made of.

A refusal never quotes personal data: it names dates, roles, ids and rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from iep_kernel.decider import IllegalTransition

from iep_planning.domain.events import PlanWritten
from iep_planning.domain.state import Case

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def spoken(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def count(n: int, noun: str) -> str:
    word = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def require_guardian(state: Case, guardian_id: str, doing: str) -> None:
    """Only a recorded guardian acts for the parents (34 CFR 300.30, 300.300)."""
    if guardian_id not in {g.guardian_id for g in state.guardians}:
        raise IllegalTransition(
            f"{guardian_id} is not a recorded guardian of this student; only a parent or "
            f"guardian named on the referral can {doing}.")


def require_not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise IllegalTransition(f"{what} is dated {spoken(day)}, after today "
                                f"({spoken(today)}); record it once it has happened.")


def require_signed(signed_on: date, first: date, since: str, received_on: date) -> None:
    """A form is signed on or after the act it answers, and on or before the district
    received it (its receipt is the act's date of record)."""
    if signed_on > received_on:
        raise IllegalTransition(
            f"The form is signed on {spoken(signed_on)}, after the district received it on "
            f"{spoken(received_on)}; a form is received once it is signed, so check the "
            "dates.")
    if signed_on < first:
        raise IllegalTransition(f"The form is dated {spoken(signed_on)}, before {since} on "
                                f"{spoken(first)}; check the date.")


def finalized_on(written: PlanWritten) -> date:
    """The day a plan was finalized; events recorded before acts were dated carry only the
    meeting's day."""
    return written.occurred_on or written.written_on


def require_services_not_revoked(state: Case, doing: str) -> None:
    if state.revoked is not None:
        raise IllegalTransition(
            f"The parent revoked consent to services on {spoken(state.revoked.signed_on)}, "
            f"so the district no longer provides special education to this child and cannot "
            f"{doing} (34 CFR 300.300(b)(4)); a new referral starts the process again.")
