"""Who may see which referral.

Staff see the referrals of the schools they serve (administrators and auditors: the whole
district); a parent sees the referrals of the children they are a recorded guardian of.
Anything outside that reach is answered as if it did not exist (404), so that whether a
child was referred never leaks.
"""

from collections.abc import Sequence

from iep_kernel.auth import Principal
from iep_kernel.decider import Decider, NotFound
from iep_kernel.events import Event

from iep_referral.domain.commands import Command
from iep_referral.domain.decider import NO_SUCH_REFERRAL, Referral, referral


def may_see(principal: Principal, school_id: str, guardian_ids: Sequence[str]) -> bool:
    if principal.role == "parent":
        return principal.subject in guardian_ids
    return principal.serves_school(school_id)


def in_reach(principal: Principal, state: Referral) -> bool:
    made = state.made
    return made is not None and may_see(principal, made.school_id,
                                        [g.guardian_id for g in made.guardians])


def within_reach_of(principal: Principal) -> Decider[Referral, Command]:
    """The referral decider, refusing (as not found) referrals outside the caller's reach."""

    def decide(command: Command, state: Referral) -> list[Event]:
        if state.made is not None and not in_reach(principal, state):
            raise NotFound(NO_SUCH_REFERRAL)
        return list(referral.decide(command, state))

    return Decider(referral.initial, referral.evolve, decide)
