"""After the plan: the parent consents to services in the browser, the provider logs a
session from the student's file (and reads the services-delivery API's answer there)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from iep_kernel.testing.waiting import eventually
from iep_views.seed.demo import Demo
from playwright.async_api import expect

LEO = ("T-2001", "Leo Miller", "sch-001", "5", "demo-parent-miller", "Grace Miller", "en",
       "plan_written")


class StartedLastWeek(Demo):
    def _content(self) -> dict[str, Any]:
        content = super()._content()
        # weekly from a week ago: a session is owed whatever the weekday today
        content["services"][0]["starts_on"] = (self.today - timedelta(days=7)).isoformat()
        content["services"][0]["frequency"] = "weekly"
        content["services"][0]["ends_on"] = (self.today + timedelta(days=300)).isoformat()
        return content


async def test_parent_consents_to_services_and_the_provider_logs_a_session(
        site, browser, signed_in):
    system = site.system
    await StartedLastWeek(system.client, lambda sub, role, schools: system.token(
        role, sub, schools), datetime.now(UTC).date()).student(LEO)
    page = await browser.new_page()
    await signed_in(page, site, "Grace Miller")
    await page.goto(f"{site.url}/children/T-2001")
    await expect(page.get_by_role("heading", name="Consent to the services in the plan")
                 ).to_be_visible()
    await page.get_by_label("I sign this decision electronically").check()
    await page.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Your signature was recorded")
    await expect(page.get_by_text("Nothing is waiting for you right now.")).to_be_visible()

    async def scheduled() -> bool:
        found = await system.client.get("/api/services-delivery/students/T-2001",
                                        headers=site.staff("provider"))
        return found.status_code == 200 and bool(found.json()["schedules"])

    await eventually(scheduled, what="the services scheduled")
    provider = await browser.new_page()
    await signed_in(provider, site, "Dia Patel")
    await provider.goto(f"{site.url}/students/T-2001")
    form = provider.locator("#form-session")
    await form.get_by_label("Outcome").select_option("delivered")
    await form.get_by_role("button", name="Log the session").click()
    if datetime.now(UTC).date().weekday() < 5:
        await expect(provider.locator("#done")).to_be_visible()
        await expect(provider.get_by_text("45 of")).to_be_visible()
    else:  # a plan taking effect on a weekend owes no session before Monday: the 409
        await expect(form.get_by_role("alert")).to_contain_text("0 session(s)")
