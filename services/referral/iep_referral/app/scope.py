"""Who may see which referral.

Staff see the referrals of the schools they serve (administrators and auditors: the whole
district); a parent sees the referrals of the children they are a recorded guardian of.
Anything outside that reach is answered as if it did not exist (404), so that whether a
child was referred never leaks. Reach follows the student's record as it stands (the school
they attend now, their guardians now), not the referral as it was made.

A referral of a student the district already knows is taken only from staff who serve the
student's school: anyone else is refused with a sentence (409). That answer tells the caller
that the id belongs to a student of another school, which the district's roster tells every
staff member anyway; it does not tell whether the child was referred or is in special
education.
"""

from collections.abc import Sequence

from iep_kernel.auth import Principal
from iep_kernel.decider import Decider, IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_referral.domain.commands import Command, MakeReferral
from iep_referral.domain.decider import NO_SUCH_REFERRAL, Referral, referral


def may_see(principal: Principal, school_id: str, guardian_ids: Sequence[str]) -> bool:
    if principal.role == "parent":
        return principal.subject in guardian_ids
    return principal.serves_school(school_id)


def in_reach(principal: Principal, state: Referral) -> bool:
    return state.made is not None and may_see(principal, state.school_id,
                                              [g.guardian_id for g in state.guardians])


def within_reach_of(principal: Principal) -> Decider[Referral, Command]:
    """The referral decider, refusing (as not found) referrals outside the caller's reach."""

    def decide(command: Command, state: Referral) -> list[Event]:
        if state.made is not None and not in_reach(principal, state):
            raise NotFound(NO_SUCH_REFERRAL)
        known = state.student
        if isinstance(command, MakeReferral) and known is not None and not may_see(
                principal, known.school_id, known.guardian_ids):
            raise IllegalTransition(
                f"Student {known.student.district_student_id} is recorded at a school you do "
                "not serve; a referral is made by staff of the student's school. If the "
                "student now attends your school, the district records the move first.")
        return list(referral.decide(command, state))

    return Decider(referral.initial, referral.evolve, decide)
