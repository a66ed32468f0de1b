"""Reading referrals: one from its events, many from the query table, always within the
caller's reach."""

from iep_kernel.auth import Principal
from iep_kernel.decider import NotFound
from iep_kernel.runtime import ServiceRuntime

from iep_referral.app.commands import load, stream_of
from iep_referral.app.scope import in_reach
from iep_referral.app.views import ReferralSummary
from iep_referral.domain.decider import NO_SUCH_REFERRAL, Referral, Status


async def referral_in_reach(runtime: ServiceRuntime, referral_id: str, principal: Principal
                            ) -> Referral:
    state = (await load(runtime.store, stream_of(referral_id))).state
    if not in_reach(principal, state):
        raise NotFound(NO_SUCH_REFERRAL)
    return state


async def find_referrals(runtime: ServiceRuntime, principal: Principal, *,
                         student_id: str | None, school_id: str | None,
                         status: Status | None, limit: int) -> list[ReferralSummary]:
    """Referrals matching the filters that the caller may see, newest first. The school and
    guardians that decide reach are the student's record's, as it stands."""
    schools = None if principal.district_wide else list(principal.schools)
    guardian = principal.subject if principal.role == "parent" else None
    if guardian is not None:
        schools = None  # a parent's reach is their children, wherever they go to school
    rows = await runtime.pool.fetch(
        "SELECT r.referral_id, r.student_id, s.school_id, r.status, r.referred_on, "
        "s.guardian_ids, r.consent_requested_on, r.consent_decision, r.consent_guardian_id, "
        "r.consent_signed_on, r.consent_method, r.consent_received_on, r.closed_on, "
        "r.close_reason, r.position FROM referrals r "
        "JOIN students s USING (student_id) WHERE ($1::text IS NULL OR r.student_id = $1) "
        "AND ($2::text IS NULL OR s.school_id = $2) AND ($3::text IS NULL OR r.status = $3) "
        "AND ($4::text[] IS NULL OR s.school_id = ANY($4)) "
        "AND ($5::text IS NULL OR $5 = ANY(s.guardian_ids)) "
        "ORDER BY r.referred_on DESC, r.referral_id LIMIT $6",
        student_id, school_id, status, schools, guardian, limit)
    return [ReferralSummary.of_row(r) for r in rows]


async def is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    """Whether `subject` is a recorded guardian of the student now."""
    return bool(await runtime.pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM students WHERE student_id = $1 "
        "AND $2 = ANY(guardian_ids))", student_id, subject))
