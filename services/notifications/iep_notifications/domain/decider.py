"""The deciders of the three kinds of stream: a notice, a guardian's choice of channel for
one student, and a student's case manager. Pure functions of past events."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from iep_kernel.decider import Decider, IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_notifications.domain.commands import (
    AssignCaseManager,
    RecordMailing,
    SetDeliveryPreference,
)
from iep_notifications.domain.events import (
    CaseManagerAssigned,
    DeliveryPreferenceSet,
    NoticeMailed,
    NoticeQueued,
)

# -- a notice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    queued: NoticeQueued | None = None
    mailed: NoticeMailed | None = None


def evolve_notice(state: Notice, event: Event) -> Notice:
    if isinstance(event, NoticeQueued):
        return replace(state, queued=event)
    if isinstance(event, NoticeMailed):
        return replace(state, mailed=event)
    return state


def decide_notice(command: RecordMailing, state: Notice) -> Sequence[Event]:
    if state.queued is None:
        raise NotFound(f"no notice {command.notice_id}")
    if state.queued.channel != "paper":
        raise IllegalTransition("This notice goes by email; only notices on paper are mailed "
                                "by the school office.")
    if state.mailed is not None:
        raise IllegalTransition(f"This notice was already recorded as mailed on "
                                f"{state.mailed.mailed_on.isoformat()}.")
    # 300.503, 300.505: the notice is mailed once it is issued, never before, and not in
    # the future; an entry long after the mailing says why (the kernel's late-entry rule).
    issued_on = state.queued.issued_on or state.queued.queued_at.date()
    mailed_on = command.dated.check("this notice's mailing", not_before=issued_on,
                                    after="the notice, issued")
    return [NoticeMailed(student_id=state.queued.student_id, notice_id=command.notice_id,
                         mailed_on=mailed_on, mailed_by=command.mailed_by,
                         occurred_on=mailed_on, late_entry_reason=command.dated.reason)]


notice = Decider(Notice, evolve_notice, decide_notice)

# -- a guardian's channel for one student ---------------------------------------------------


@dataclass(frozen=True)
class Preference:
    channel: str | None = None


def evolve_preference(state: Preference, event: Event) -> Preference:
    if isinstance(event, DeliveryPreferenceSet):
        return Preference(event.channel)
    return state


def decide_preference(command: SetDeliveryPreference, state: Preference) -> Sequence[Event]:
    if state.channel == command.channel:
        return []  # already so: nothing to record
    return [DeliveryPreferenceSet(student_id=command.student_id,
                                  guardian_id=command.guardian_id, channel=command.channel,
                                  set_on=command.set_on)]


preference = Decider(Preference, evolve_preference, decide_preference)

# -- a student's case manager ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseManager:
    staff_id: str | None = None


def evolve_case_manager(state: CaseManager, event: Event) -> CaseManager:
    if isinstance(event, CaseManagerAssigned):
        return CaseManager(event.staff_id)
    return state


def decide_case_manager(command: AssignCaseManager, state: CaseManager) -> Sequence[Event]:
    if state.staff_id == command.staff_id:
        return []
    return [CaseManagerAssigned(student_id=command.student_id, staff_id=command.staff_id,
                                assigned_on=command.assigned_on)]


case_manager = Decider(CaseManager, evolve_case_manager, decide_case_manager)
