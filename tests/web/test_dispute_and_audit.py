"""A parent disagrees from their child's page; an auditor searches the log, reads a case as
of today and verifies the chain."""

from datetime import UTC, datetime

from iep_kernel.testing.waiting import eventually
from iep_views.seed.demo import Demo
from playwright.async_api import expect

MATEO = ("T-3001", "Mateo Miller", "sch-001", "2", "demo-parent-miller", "Grace Miller", "en",
         "meeting_scheduled")


async def test_a_parent_asks_for_a_team_meeting_and_staff_see_the_dispute(
        site, browser, signed_in):
    system = site.system
    await Demo(system.client, lambda sub, role, schools: system.token(role, sub, schools),
               datetime.now(UTC).date()).student(MATEO)
    page = await browser.new_page()
    await signed_in(page, site, "Grace Miller")
    await page.goto(f"{site.url}/children/T-3001")
    await expect(page.get_by_text("You are invited to a meeting")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("heading", name="Tell the school"))
    await form.get_by_label("Ask for a meeting with the IEP team").check()
    await form.get_by_role("button", name="Send").click()  # nothing written yet
    await expect(form.get_by_role("alert")).to_be_visible()
    await expect(form.locator(".field-error").first).to_be_visible()

    form = page.locator("form", has=page.get_by_role("heading", name="Tell the school"))
    await form.get_by_label("What is the problem?").fill("The plan has too little reading")
    await form.get_by_label("What would solve it?").fill("Daily reading support")
    await form.get_by_role("button", name="Send").click()
    await expect(page.get_by_role("status").first).to_contain_text("sent to the school")

    staff = await browser.new_page()
    await signed_in(staff, site, "Ana Ruiz")
    await staff.goto(f"{site.url}/students/T-3001")
    await expect(staff.get_by_role("heading", name="Disputes")).to_be_visible()
    await expect(staff.locator("#form-advance")).to_be_visible()


async def test_an_auditor_searches_reads_as_of_and_verifies(site, browser, signed_in):
    referral = await site.refer("T-4001", "demo-parent-miller", name="Maria Lopez")
    await site.ask_consent(referral["referral_id"])

    async def audited() -> bool:  # the audit store is a consumer of every topic
        found = await site.system.client.get(
            "/api/audit/events", params={"student_id": "T-4001",
                                         "event_type": "EvaluationConsentRequested"},
            headers=site.staff("auditor", ()))
        return bool(found.json()["events"])

    await eventually(audited, what="the audit store receiving the events")
    page = await browser.new_page()
    await signed_in(page, site, "Finn Moreau")
    await expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    await page.get_by_label("Student id", exact=True).fill("T-4001")
    await page.get_by_role("button", name="Search").click()
    events = page.locator("tbody")
    await expect(events).to_contain_text("EvaluationConsentRequested")
    await expect(events).to_contain_text("ReferralMade")

    await page.get_by_role("link", name="A case as of a date").click()
    await page.get_by_label("Student id", exact=True).fill("T-4001")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator("main")).to_contain_text("consent_requested")

    await page.get_by_role("link", name="Verify the chain").click()
    await page.get_by_role("button", name="Verify").click()
    await expect(page.get_by_role("status")).to_contain_text("The log is intact.")
