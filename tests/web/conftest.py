"""The whole system in this process on a real HTTP port: the referral, evaluation,
planning, views and audit services with their workers on the real database and broker,
their APIs and the web app served by uvicorn, and Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from iep_kernel.http import create_app
from iep_kernel.service import discover_services
from iep_kernel.testing.system import System
from iep_web.app import create_web
from iep_web.settings import WebSettings
from playwright.async_api import expect

SERVICES = ["referral", "evaluation", "planning", "views", "audit", "services-delivery",
            "notifications"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REFERRALS = "/api/referral/referrals"
NOTICE = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral", "Spring reading benchmark"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
}


# Pages wait for the services' consumers; on a busy machine that takes more than 5 s.
expect.set_options(timeout=20_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """The running system: its URL, and a desk acting through the APIs to set the scene."""

    system: System
    url: str

    def staff(self, role: str = "case_manager", schools: tuple[str, ...] = ("sch-001",)
              ) -> dict[str, str]:
        return {**self.system.auth(role, f"demo-{role.replace('_', '-')}", schools),
                "X-Access-Purpose": "test setup"}

    async def refer(self, student_id: str, guardian: str, language: str = "en",
                    name: str = "Maria Lopez") -> dict[str, Any]:
        body = {
            "student": {"district_student_id": student_id, "name": name,
                        "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-001",
                        "primary_language": language},
            "guardians": [{"guardian_id": guardian, "name": "A guardian",
                           "preferred_language": language}],
            "referred_by": {"name": "Ben Okafor", "role": "teacher"},
            "concerns": {"text": f"{name} struggles to decode words", "areas": ["schoolwork"]},
        }
        response = await self.system.client.post(REFERRALS, json=body, headers=self.staff())
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def ask_consent(self, referral_id: str) -> dict[str, Any]:
        response = await self.system.client.post(
            f"{REFERRALS}/{referral_id}/consent-request",
            json={**NOTICE, "assessments_proposed": [
                {"area": "reading", "description": "Standardized reading battery"}]},
            headers=self.staff())
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def give_consent(self, referral_id: str, guardian: str) -> dict[str, Any]:
        response = await self.system.client.post(
            f"{REFERRALS}/{referral_id}/consent",
            json={"decision": "given", "signed_on": _today()},
            headers=self.system.auth("parent", guardian))
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def seen_by_views(self, position: int, source: str) -> None:
        """Until the views show the event at `position` (read-your-writes)."""
        response = await self.system.client.get(
            "/api/views/caseload", params={"min_position": position, "source": source},
            headers=self.staff("administrator", ()))
        assert response.json()["caught_up"], response.text

    async def evaluation_of(self, student_id: str) -> str:
        """The evaluation the evaluation worker opens on consent (waits for the views to
        show it)."""
        from iep_kernel.testing.waiting import eventually

        found: dict[str, str] = {}

        async def opened() -> bool:
            response = await self.system.client.get(
                "/api/views/caseload", headers=self.staff("administrator", ()))
            for line in response.json()["students"]:
                if line["student_id"] == student_id and line["evaluation_id"]:
                    found["id"] = str(line["evaluation_id"])
            return "id" in found

        await eventually(opened, what="the evaluation opened")
        return found["id"]


    async def found_eligible(self, student_id: str) -> None:
        """Two assessments and an eligible determination, then the planning case opened."""
        from iep_kernel.testing.waiting import eventually

        evaluation = await self.evaluation_of(student_id)
        path = f"/api/evaluation/evaluations/{evaluation}"
        for area, name, role in (("reading", "Mei Chen", "psychologist"),
                                 ("speech", "Dia Patel", "speech_therapist")):
            response = await self.system.client.post(f"{path}/assessments", json={
                "area": area, "evaluator": {"name": name, "role": role},
                "instrument": "Standard battery", "completed_on": _today(),
                "summary": "Below grade level"}, headers=self.staff())
            assert response.status_code == 201, response.text
        response = await self.system.client.post(f"{path}/eligibility", json={
            "eligible": True, "categories": ["specific_learning_disability"],
            "adverse_effect": True, "needs_special_education": True,
            "team": [{"name": "Grace Miller", "role": "parent"},
                     {"name": "Ana Ruiz", "role": "district_representative"}],
            "parent_participated": True, "determined_on": _today(),
            "rationale": "Reading far below grade level"}, headers=self.staff())
        assert response.status_code == 201, response.text

        async def case_opened() -> bool:
            cases = await self.system.client.get(
                "/api/planning/cases", params={"student_id": student_id},
                headers=self.staff())
            return cases.status_code == 200 and bool(cases.json())

        await eventually(case_opened, what="the planning case opened")
        await self.seen_by_views(response.json()["position"], "evaluation")


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()


@pytest.fixture
async def site(isolation: Any) -> AsyncIterator[Site]:
    system = await isolation.system(discover_services(SERVICES), workers=True)
    app = create_app(system.runtimes)
    app.mount("/", create_web(system.settings, WebSettings(
        dev_sign_in=True, secret_key="test-secret-key-for-the-session-cookie"), api_app=app))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield Site(system, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def sign_in(page: Any, site: Site, name: str) -> None:
    await page.goto(f"{site.url}/sign-in")
    await page.get_by_role("button", name=f"Sign in as {name}").click()
    await page.wait_for_load_state()


@pytest.fixture
def signed_in() -> Any:
    return sign_in


@pytest.fixture
def port() -> int:
    """A free TCP port on this machine."""
    return free_port()
