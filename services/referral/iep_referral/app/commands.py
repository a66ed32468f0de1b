"""Command handling glue: the stream of a referral, the district's date, and the query
table rows written in the same transaction as the events (the `project=` hook).

A referral is decided together with its student's record: `ReferralHandler` loads both
streams, and the first referral of a child the district does not know registers the child on
the student's stream in the same transaction. Two first referrals of one child racing each
other both expect an empty student stream; the loser's append conflicts and is decided
again, now attaching to the registered child."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.calendar import local_date
from iep_kernel.decider import CommandResult, Decider
from iep_kernel.events import Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.store import Append, EventStore
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from iep_referral.app.scope import within_reach_of
from iep_referral.app.students import project_student, student_stream
from iep_referral.app.views import ReferralSummary
from iep_referral.domain.commands import Command, MakeReferral
from iep_referral.domain.decider import Referral, referral
from iep_referral.domain.events import StudentRecordEvent
from iep_referral.domain.students import students


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


def late_entry_days(runtime: ServiceRuntime) -> int:
    """The district's late-entry window: an act recorded later than this many days after it
    happened needs a late_entry_reason (IEP_LATE_ENTRY_DAYS)."""
    return runtime.settings.late_entry_days


def stream_of(referral_id: str) -> str:
    return f"referral-{referral_id}"


@dataclass(frozen=True)
class Loaded:
    """A referral with its student's record, and the versions the decision is based on."""

    state: Referral
    version: int
    record_stream: str | None
    record_version: int


async def load(store: EventStore, stream_id: str, command: Command | None = None, *,
               conn: asyncpg.Connection | None = None) -> Loaded:
    """The referral folded, with its student's record as it stands now (for a new
    referral, the record of the student the command names, if the district knows them)."""
    history = await store.read_stream(stream_id, conn=conn)
    state = referral.fold([e.data for e in history])
    student_id = (state.made.student_id if state.made is not None
                  else command.student.district_student_id
                  if isinstance(command, MakeReferral) else None)
    if student_id is None:
        return Loaded(state, len(history), None, 0)
    record_stream = student_stream(student_id)
    record = await store.read_stream(record_stream, conn=conn)
    state = replace(state, student=students.fold([e.data for e in record]).record)
    return Loaded(state, len(history), record_stream, len(record))


class ReferralHandler:
    """Runs a referral's command on the referral and its student's record, atomically."""

    def __init__(self, store: EventStore, decider: Decider[Referral, Command]) -> None:
        self.store = store
        self.decider = decider

    async def execute(self, stream_id: str, command: Command, metadata: Metadata, *,
                      conn: asyncpg.Connection) -> CommandResult[Referral]:
        loaded = await load(self.store, stream_id, command, conn=conn)
        state = loaded.state
        new_events = list(self.decider.decide(command, state))
        if not new_events:
            return CommandResult(stream_id, loaded.version, state, (), None)
        registered = [e for e in new_events if isinstance(e, StudentRecordEvent)]
        of_referral = [e for e in new_events if not isinstance(e, StudentRecordEvent)]
        appends = [Append(stream_id, loaded.version, of_referral)]
        if registered and loaded.record_stream is not None:
            # Positions follow the order of the appends: the record first, so every
            # consumer learns who the student is before the referral that names them.
            appends.insert(0, Append(loaded.record_stream, loaded.record_version, registered))
        results = await self.store.append_many(appends, metadata, conn=conn)
        if registered:
            await project_student(conn, results[0])
            state = replace(state, student=students.fold(registered).record)
        ours = results[-1]
        return CommandResult(stream_id, ours.stream_version,
                             self.decider.fold(of_referral, state),
                             tuple(e for r in results for e in r.envelopes),
                             ours.last_position)


def handler(runtime: ServiceRuntime, principal: Principal) -> ReferralHandler:
    return ReferralHandler(runtime.store, within_reach_of(principal))


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
