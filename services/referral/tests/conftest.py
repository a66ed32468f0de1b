"""The referral service running on real PostgreSQL, with a fixed clock, and a desk to call
its API as the people who use it."""

import copy
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from iep_kernel.clock import FixedClock
from iep_referral.service import service

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
API = "/api/referral/referrals"

REFERRAL = {
    "student": {"district_student_id": "stu-100", "name": "Maria Lopez",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-1",
                "primary_language": "es"},
    "guardians": [
        {"guardian_id": "g-1", "name": "Ana Lopez", "email": "ana.lopez@example.org",
         "phone": "+1 555 010 0100", "preferred_language": "es"},
        {"guardian_id": "g-2", "name": "Luis Lopez", "preferred_language": "en"}],
    "referred_by": {"name": "Grace Park", "role": "teacher"},
    "concerns": {"text": "Maria struggles to decode words and loses focus in reading",
                 "areas": ["schoolwork", "attention"]},
}
NOTICE = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral", "Spring reading benchmark"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
}
CONSENT_REQUEST = {**NOTICE, "assessments_proposed": [
    {"area": "reading", "description": "Standardized reading battery"},
    {"area": "cognitive", "description": "Cognitive assessment"}]}


class Desk:
    """Calls the referral API as a given person; bodies are valid unless a test changes them."""

    def __init__(self, system: Any) -> None:
        self.system = system
        self.client: httpx.AsyncClient = system.client

    def who(self, role: str = "case_manager", sub: str | None = None,
            schools: tuple[str, ...] = ("sch-1",), purpose: str | None = "referral review"
            ) -> dict[str, str]:
        headers = self.system.auth(role, sub or f"{role}-1", schools)
        if purpose and role != "parent":
            headers["X-Access-Purpose"] = purpose
        return headers

    @staticmethod
    def referral_body(**changes: Any) -> dict[str, Any]:
        body = copy.deepcopy(REFERRAL)
        for path, value in changes.items():
            *parents, leaf = path.split("__")
            target = body
            for part in parents:
                target = target[int(part)] if isinstance(target, list) else target[part]
            if isinstance(target, list):
                target[int(leaf)] = value
            elif value is ...:
                target.pop(leaf, None)
            else:
                target[leaf] = value
        return body

    @staticmethod
    def consent_request_body(**changes: Any) -> dict[str, Any]:
        return {**copy.deepcopy(CONSENT_REQUEST), **changes}

    @staticmethod
    def notice_body() -> dict[str, Any]:
        return copy.deepcopy(NOTICE)

    async def make(self, body: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(API, json=body or self.referral_body(),
                                      headers=headers or self.who())

    async def made(self, **changes: Any) -> str:
        response = await self.make(self.referral_body(**changes))
        assert response.status_code == 201, response.text
        return str(response.json()["referral_id"])

    async def ask(self, referral_id: str, body: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(f"{API}/{referral_id}/consent-request",
                                      json=body or self.consent_request_body(),
                                      headers=headers or self.who())

    async def consent(self, referral_id: str, headers: dict[str, str] | None = None,
                      **body: Any) -> httpx.Response:
        decision = {"decision": "given", "guardian_id": "g-1", "signed_on": "2026-03-02",
                    **body}
        return await self.client.post(f"{API}/{referral_id}/consent",
                                      json={k: v for k, v in decision.items() if v is not ...},
                                      headers=headers or self.who())

    async def close(self, referral_id: str, headers: dict[str, str] | None = None,
                    **body: Any) -> httpx.Response:
        return await self.client.post(f"{API}/{referral_id}/close",
                                      json={"reason": "withdrawn", **body},
                                      headers=headers or self.who())

    async def read(self, referral_id: str, headers: dict[str, str] | None = None
                   ) -> httpx.Response:
        return await self.client.get(f"{API}/{referral_id}", headers=headers or self.who())

    async def find(self, headers: dict[str, str] | None = None, **params: str
                   ) -> httpx.Response:
        return await self.client.get(API, params=params, headers=headers or self.who())

    async def events(self) -> list[Any]:
        """Every event of the referral log (record-of-access entries left out)."""
        store = self.system.runtime("referral").store
        return [e for e in await store.read_all(0) if e.event_type != "RecordAccessed"]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def system(isolation: Any, clock: FixedClock) -> Any:
    return await isolation.system([service], clock=clock)


@pytest.fixture
def desk(system: Any) -> Desk:
    return Desk(system)


@pytest.fixture
def desk_for() -> type[Desk]:
    """A desk for a system a test starts itself (with workers, say)."""
    return Desk
