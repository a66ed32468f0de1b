"""Staff in the browser: assessments and eligibility from a student's file, with the
evaluation service's refusal shown in its own words."""

from playwright.async_api import expect


async def _assess(page, area: str, evaluator: str, role: str, instrument: str) -> None:
    form = page.locator("#form-assessment")
    await form.get_by_label("Area").select_option(area)
    await form.get_by_label("Evaluator's name").fill(evaluator)
    await form.get_by_label("Evaluator's role").select_option(role)
    await form.get_by_label("Test or method used").fill(instrument)
    await form.get_by_label("Summary of the results").fill(f"{instrument}: below grade level")
    await form.get_by_role("button", name="Record the assessment").click()
    await expect(page.locator("#done")).to_be_visible()


async def _determine(page) -> None:
    form = page.locator("#form-eligibility")
    await form.get_by_label("Specific learning disability").check()
    await form.get_by_label("It adversely affects educational performance").check()
    await form.get_by_label("The child needs special education").check()
    await form.get_by_label("The parent took part").check()
    await form.get_by_label("Member 1: name").fill("Grace Miller")
    await form.get_by_label("Member 2: name").fill("Ana Ruiz")
    await form.get_by_label("Member 3: name").fill("Eve Larsen")
    await form.get_by_label("Rationale").fill("Reading far below grade level on two measures")
    await form.get_by_role("button", name="Record the determination").click()


async def test_case_manager_records_assessments_and_eligibility_and_sees_the_409(
        site, browser, signed_in):
    referral = await site.refer("stu-eval", "demo-parent-miller", name="Maria Lopez")
    await site.ask_consent(referral["referral_id"])
    await site.give_consent(referral["referral_id"], "demo-parent-miller")
    await site.evaluation_of("stu-eval")
    page = await browser.new_page()
    await signed_in(page, site, "Ana Ruiz")
    await expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    await page.get_by_role("link", name="stu-eval").click()
    await expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()

    await _assess(page, "reading", "Mei Chen", "psychologist", "WIAT-4 reading")
    await _assess(page, "math", "Mei Chen", "psychologist", "WIAT-4 math")
    await _determine(page)
    alert = page.locator("#form-eligibility").get_by_role("alert")
    await expect(alert).to_contain_text("at least two different evaluators")
    await expect(page.locator("#form-eligibility").get_by_label("Rationale")).to_have_value(
        "Reading far below grade level on two measures")

    await _assess(page, "speech", "Dia Patel", "speech_therapist", "CELF-5")
    await _determine(page)
    await expect(page.locator("#done")).to_be_visible()
    await expect(page.locator("#form-eligibility")).to_have_count(0)
    await expect(page.locator(".timeline")).to_contain_text("EligibilityDetermined")


async def test_the_reason_staff_choose_is_kept_in_the_record_of_access(
        site, browser, signed_in):
    referral = await site.refer("stu-purpose", "demo-parent-miller", name="Maria Lopez")
    await site.seen_by_views(referral["position"], "referral")
    page = await browser.new_page()
    await signed_in(page, site, "Ana Ruiz")
    await page.get_by_label("Why you open students' records").select_option(
        "preparing a meeting with the family")
    await page.get_by_role("button", name="Use this reason").click()
    await page.get_by_role("link", name="stu-purpose").click()
    await expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()

    accesses = await site.system.client.get(
        "/api/views/record-accesses", params={"student_id": "stu-purpose"},
        headers=site.system.auth("parent", "demo-parent-miller"))
    assert [(a["accessor_id"], a["purpose"]) for a in accesses.json()] == [
        ("demo-case-manager", "preparing a meeting with the family")]
