"""Parents in the browser: signing consent, only their own children, their language."""

from datetime import UTC, datetime, timedelta

from babel.dates import format_date
from playwright.async_api import expect


async def test_parent_signs_consent_and_sees_the_evaluation_open_with_its_due_date(
        site, browser, signed_in):
    referral = await site.refer("stu-consent", "demo-parent-miller", name="Maria Lopez")
    asked = await site.ask_consent(referral["referral_id"])
    await site.seen_by_views(asked["position"], "referral")
    page = await browser.new_page()
    await signed_in(page, site, "Grace Miller")
    await page.get_by_role("link", name="Maria Lopez").click()
    await expect(page.get_by_role("heading", name="Consent to the evaluation")).to_be_visible()

    await page.get_by_role("button", name="Sign", exact=True).click()  # box not ticked
    await expect(page.get_by_text("Tick the box to sign").first).to_be_visible()

    await page.get_by_label("I sign this decision electronically").check()
    await page.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Your signature was recorded")
    due = datetime.now(UTC).date() + timedelta(days=60)
    summary = page.locator("#summary")
    await expect(summary).to_contain_text("evaluation is under way", timeout=30_000)
    await expect(summary).to_contain_text(format_date(due, format="long", locale="en"))
    await expect(page.get_by_text("Nothing is waiting for you right now.")).to_be_visible()


async def test_a_parent_cannot_open_another_familys_child_by_editing_the_url(
        site, browser, signed_in):
    await site.refer("stu-ours", "demo-parent-miller", name="Maria Lopez")
    theirs = await site.refer("stu-theirs", "demo-parent-hernandez", language="es",
                              name="Sofia Hernandez")
    await site.seen_by_views(theirs["position"], "referral")
    page = await browser.new_page()
    await signed_in(page, site, "Grace Miller")
    await expect(page.get_by_role("link", name="Maria Lopez")).to_be_visible()

    response = await page.goto(f"{site.url}/children/stu-theirs")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "Sofia" not in await page.content()


async def test_a_spanish_preferring_parent_reads_spanish_and_may_switch(
        site, browser, signed_in):
    referral = await site.refer("stu-es", "demo-parent-hernandez", language="es",
                                name="Sofia Hernandez")
    asked = await site.ask_consent(referral["referral_id"])
    await site.seen_by_views(asked["position"], "referral")
    page = await browser.new_page()
    await signed_in(page, site, "Lucía Hernández")
    await expect(page.get_by_role("heading", name="Mis hijos")).to_be_visible()
    assert await page.get_attribute("html", "lang") == "es"
    await page.get_by_role("link", name="Sofia Hernandez").click()
    await expect(page.get_by_role("heading", name="Pendiente de usted")).to_be_visible()
    await expect(page.locator("#summary")).to_contain_text("Estamos esperando su firma")
    await expect(page.get_by_role("button", name="Firmar", exact=True)).to_be_visible()

    await page.get_by_label("Idioma").select_option("en")
    await page.get_by_role("button", name="Cambiar").click()
    await expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    assert await page.get_attribute("html", "lang") == "en"
