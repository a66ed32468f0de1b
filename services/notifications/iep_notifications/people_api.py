"""Who receives notices, and how: a guardian's choice of email or paper (300.505), the
staff directory of case managers and administrators, a student's case manager, and in
embedded mode the local mail sink."""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from iep_kernel.auth import Principal
from iep_kernel.decider import NotFound
from iep_kernel.fields import Id as BodyId
from pydantic import BaseModel, Field

from iep_notifications.app import digest, queries, sink
from iep_notifications.app.delivery import sink_folder
from iep_notifications.domain.commands import AssignCaseManager, SetDeliveryPreference
from iep_notifications.routing import Commands, Id, Runtime, case_managers, permit, preferences

router = APIRouter()
Chooser = Annotated[Principal, permit("choose_delivery", "parent", "case_manager",
                                      "administrator")]
Admin = Annotated[Principal, permit("manage_staff_directory", "administrator")]
SinkReader = Annotated[Principal, permit("read_outbox_sink", "administrator")]
NO_SUCH_GUARDIAN = ("no such guardian of this student among the records you may reach; "
                    "check the student and guardian ids")


def _today(runtime) -> dt.date:  # type: ignore[no-untyped-def]
    return runtime.clock.now().date()  # type: ignore[no-any-return]


class DeliveryBody(BaseModel):
    channel: Literal["email", "paper"] = Field(description="email, or paper by post")


class DeliveryView(BaseModel):
    student_id: str
    guardian_id: str
    channel: str | None


@router.put("/students/{student_id}/guardians/{guardian_id}/delivery",
            response_model=DeliveryView)
async def choose_delivery(student_id: Id, guardian_id: Id, body: DeliveryBody,
                          runtime: Runtime, who: Chooser, commands: Commands) -> JSONResponse:
    """A guardian chooses email or paper for the notices about this student; staff may
    record a guardian's choice on their behalf."""
    # One answer for every record out of reach, whether the student or the guardian exists
    # or not: any difference would tell a stranger which children and guardians are known.
    school = await queries.school_of(runtime.pool, student_id)
    reachable = (who.subject == guardian_id if who.role == "parent"
                 else who.serves_school(school or ""))
    if not reachable or not await queries.is_guardian_of(runtime.pool, guardian_id,
                                                         student_id):
        raise NotFound(NO_SUCH_GUARDIAN)

    async def project(conn, result) -> None:  # type: ignore[no-untyped-def]
        await conn.execute("UPDATE guardians SET channel = $3 WHERE student_id = $1 "
                           "AND guardian_id = $2", student_id, guardian_id,
                           result.state.channel)

    def render(result) -> DeliveryView:  # type: ignore[no-untyped-def]
        return DeliveryView(student_id=student_id, guardian_id=guardian_id,
                            channel=result.state.channel)

    behalf = guardian_id if who.role != "parent" else None
    response: JSONResponse = await commands.execute(
        preferences(runtime), f"delivery-{student_id}-{guardian_id}",
        SetDeliveryPreference(student_id, guardian_id, body.channel, _today(runtime)), who,
        render, project=project, on_behalf_of=behalf)
    return response


class StaffBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: Literal["case_manager", "administrator"]
    schools: list[BodyId] = Field(default_factory=list, max_length=100)
    language: str = Field("en", min_length=2, max_length=16, pattern=r"^[A-Za-z-_]+$")
    channel: Literal["email", "paper"] = "email"


class StaffMember(StaffBody):
    staff_id: str


@router.put("/staff/{staff_id}", response_model=StaffMember)
async def record_staff_member(staff_id: Id, body: StaffBody, runtime: Runtime,
                              who: Admin) -> StaffMember:
    """Add or change a member of the staff directory (the token subject is `staff_id`).
    A case manager's daily digest starts with the next digest hour."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO staff (staff_id, name, email, role, schools, language, channel, "
            "updated_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) "
            "ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, "
            "email = excluded.email, role = excluded.role, schools = excluded.schools, "
            "language = excluded.language, channel = excluded.channel, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            staff_id, body.name, body.email, body.role, body.schools, body.language,
            body.channel, who.subject, runtime.clock.now())
        if body.role == "case_manager":
            day = digest.next_digest_day(runtime, runtime.clock.now())
            await digest.schedule_digest(runtime, conn, staff_id, day)
    return StaffMember(staff_id=staff_id, **body.model_dump())


@router.get("/staff", response_model=list[StaffMember])
async def staff_directory(runtime: Runtime, who: Admin) -> list[StaffMember]:
    """The staff directory: who receives deadline reminders and digests."""
    rows = await runtime.pool.fetch(
        "SELECT staff_id, name, email, role, schools, language, channel FROM staff "
        "ORDER BY staff_id")
    return [StaffMember(**dict(r)) for r in rows]


class CaseManagerBody(BaseModel):
    staff_id: BodyId


class CaseManagerView(BaseModel):
    student_id: str
    staff_id: str | None


@router.put("/students/{student_id}/case-manager", response_model=CaseManagerView)
async def assign_case_manager(student_id: Id, body: CaseManagerBody, runtime: Runtime,
                              who: Admin, commands: Commands) -> JSONResponse:
    """Assign the student's case manager (otherwise the staff member who referred)."""
    if await queries.school_of(runtime.pool, student_id) is None:
        raise NotFound(f"no student {student_id} has been referred")
    role = await runtime.pool.fetchval("SELECT role FROM staff WHERE staff_id = $1",
                                       body.staff_id)
    if role != "case_manager":
        raise HTTPException(409, f"{body.staff_id} is not a case manager in the staff "
                                 "directory; add them there first")

    async def project(conn, result) -> None:  # type: ignore[no-untyped-def]
        await conn.execute("UPDATE students SET case_manager = $2 WHERE student_id = $1",
                           student_id, result.state.staff_id)

    def render(result) -> CaseManagerView:  # type: ignore[no-untyped-def]
        return CaseManagerView(student_id=student_id, staff_id=result.state.staff_id)

    response: JSONResponse = await commands.execute(
        case_managers(runtime), f"case-manager-{student_id}",
        AssignCaseManager(student_id, body.staff_id, _today(runtime)), who, render,
        project=project)
    return response


class SinkMessage(BaseModel):
    file: str
    message_id: str
    to: str
    subject: str
    date: str
    language: str
    attachments: list[str | None]


@router.get("/outbox-sink", response_model=list[SinkMessage])
async def outbox_sink(runtime: Runtime, who: SinkReader) -> list[SinkMessage]:
    """Embedded mode only: the messages the local mail sink received, newest first."""
    if runtime.settings.environment != "embedded":
        raise NotFound("there is no local mail sink outside embedded mode")
    return [SinkMessage(**m) for m in sink.listing(sink_folder(runtime))]
