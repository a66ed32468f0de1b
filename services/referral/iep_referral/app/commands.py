"""Command handling glue: the stream of a referral, the district's date, and the query
table row written in the same transaction as the events (the `project=` hook)."""

from datetime import date, datetime
from functools import cache

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.calendar import local_date
from iep_kernel.decider import CommandHandler, CommandResult
from iep_kernel.runtime import ServiceRuntime
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from iep_referral.app.scope import within_reach_of
from iep_referral.app.views import ReferralSummary
from iep_referral.domain.commands import Command
from iep_referral.domain.decider import Referral


class ReferralSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IEP_REFERRAL_", extra="ignore")

    timezone: str = Field("UTC", description="The district's time zone: referral, notice and "
                                             "consent dates are the district's dates")


@cache
def settings() -> ReferralSettings:
    return ReferralSettings()


def district_date(moment: datetime, zone: str) -> date:
    """The date in the district at `moment`: a form handed in at 5 p.m. in California is
    received that day, not the next day of UTC."""
    return local_date(moment, zone)


def today(runtime: ServiceRuntime) -> date:
    """The district's date now, by the service clock (tests set it)."""
    return district_date(runtime.clock.now(), settings().timezone)


def stream_of(referral_id: str) -> str:
    return f"referral-{referral_id}"


def handler(runtime: ServiceRuntime, principal: Principal) -> CommandHandler[Referral, Command]:
    return CommandHandler(runtime.store, within_reach_of(principal))


def summary(result: CommandResult[Referral]) -> ReferralSummary:
    return ReferralSummary.of(result.state)


async def project(conn: asyncpg.Connection, result: CommandResult[Referral]) -> None:
    """Keep the referral's row in the query table, in the transaction of its events."""
    row = ReferralSummary.of(result.state, position=result.last_position or 0)
    await conn.execute(
        "INSERT INTO referrals (referral_id, student_id, school_id, status, referred_on, "
        "guardian_ids, consent_requested_on, consent_decision, consent_guardian_id, "
        "consent_signed_on, consent_method, consent_received_on, closed_on, close_reason, "
        "position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
        "ON CONFLICT (referral_id) DO UPDATE SET status = $4, guardian_ids = $6, "
        "consent_requested_on = $7, consent_decision = $8, consent_guardian_id = $9, "
        "consent_signed_on = $10, consent_method = $11, consent_received_on = $12, "
        "closed_on = $13, close_reason = $14, position = $15",
        row.referral_id, row.student_id, row.school_id, row.status, row.referred_on,
        row.guardian_ids, row.consent_requested_on, row.consent_decision,
        row.consent_guardian_id, row.consent_signed_on, row.consent_method,
        row.consent_received_on, row.closed_on, row.close_reason, row.position)
