"""Where the views compute from an act's date, the producer's `occurred_on` wins over the
event's own field (an older event without it keeps its field); every act's timeline entry
is dated by the act. Without I/O."""

from datetime import date

from iep_views.domain.case import Case
from iep_views.domain.events import TABLE
from iep_views.domain.table import Seen

from .test_table import EVALUATION, REFERRAL, RULES, fold


def dated(event: Seen, occurred_on: str, reason: str | None = None) -> Seen:
    return Seen(event.source, event.event_type, event.position, event.recorded_at,
                event.actor_role, {**event.data, "occurred_on": occurred_on,
                                   "late_entry_reason": reason})


def test_the_consent_follow_up_runs_from_the_act_when_the_producer_dated_it() -> None:
    asked = dated(REFERRAL[1], "2026-01-02")  # its requested_on says 2026-01-06
    deadline = fold([REFERRAL[0], asked]).next_deadline(RULES)
    assert deadline is not None and deadline.due_on == date(2026, 1, 12)


def test_the_iep_meeting_deadline_runs_from_the_determination_as_dated_by_the_act() -> None:
    determined = dated(EVALUATION[2], "2026-01-30")  # its determined_on says 2026-02-01
    deadline = fold([*REFERRAL, *EVALUATION[:2], determined]).next_deadline(RULES)
    assert deadline is not None and deadline.due_on == date(2026, 3, 1)


def test_an_older_event_without_an_act_date_keeps_its_own_field() -> None:
    deadline = fold(REFERRAL[:2]).next_deadline(RULES)
    assert deadline is not None and deadline.due_on == date(2026, 1, 16)


def test_an_acts_entry_is_dated_by_the_act_and_keeps_the_reason_as_personal() -> None:
    given = dated(REFERRAL[2], "2026-01-09", "the form came by post")  # signed 01-07
    step = TABLE.apply(fold(REFERRAL[:2]), given)
    assert step is not None
    assert step.entry.on == step.entry.occurred_on == date(2026, 1, 9)
    assert step.entry.late_entry_reason_given is True
    assert step.entry.personal == {"late_entry_reason": "the form came by post"}
    plain = TABLE.apply(Case(student_id="s"), REFERRAL[0])
    assert plain is not None and plain.entry.occurred_on is None
    assert plain.entry.late_entry_reason_given is False
