"""Reading referrals: one from its events, many from the query table, always within the
caller's reach."""

from iep_kernel.auth import Principal
from iep_kernel.decider import CommandHandler, NotFound
from iep_kernel.runtime import ServiceRuntime

from iep_referral.app.commands import stream_of
from iep_referral.app.scope import in_reach
from iep_referral.app.views import ReferralSummary
from iep_referral.domain.decider import NO_SUCH_REFERRAL, Referral, Status, referral


async def referral_in_reach(runtime: ServiceRuntime, referral_id: str, principal: Principal
                            ) -> Referral:
    state, _ = await CommandHandler(runtime.store, referral).load(stream_of(referral_id))
    if not in_reach(principal, state):
        raise NotFound(NO_SUCH_REFERRAL)
    return state


async def find_referrals(runtime: ServiceRuntime, principal: Principal, *,
                         student_id: str | None, school_id: str | None,
                         status: Status | None, limit: int) -> list[ReferralSummary]:
    """Referrals matching the filters that the caller may see, newest first."""
    schools = None if principal.district_wide else list(principal.schools)
    guardian = principal.subject if principal.role == "parent" else None
    if guardian is not None:
        schools = None  # a parent's reach is their children, wherever they go to school
    rows = await runtime.pool.fetch(
        "SELECT * FROM referrals WHERE ($1::text IS NULL OR student_id = $1) "
        "AND ($2::text IS NULL OR school_id = $2) AND ($3::text IS NULL OR status = $3) "
        "AND ($4::text[] IS NULL OR school_id = ANY($4)) "
        "AND ($5::text IS NULL OR $5 = ANY(guardian_ids)) "
        "ORDER BY referred_on DESC, referral_id LIMIT $6",
        student_id, school_id, status, schools, guardian, limit)
    return [ReferralSummary.of_row(r) for r in rows]


async def is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    """Whether `subject` is a recorded guardian of the student on any referral."""
    return bool(await runtime.pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM referrals WHERE student_id = $1 "
        "AND $2 = ANY(guardian_ids))", student_id, subject))
