"""The district clock in the browser: while it is moved, every page shows the district's date
in the person's language, and a parent's signature is dated by it."""

from datetime import UTC, datetime, timedelta

import asyncpg
from axe_playwright_python.async_playwright import Axe
from babel.dates import format_date
from iep_kernel.district_clock import move_clock
from iep_kernel.testing.waiting import eventually
from playwright.async_api import expect


async def test_a_moved_district_clock_shows_its_date_on_every_page_and_dates_signatures(
        site, browser, signed_in, isolation):
    referral = await site.refer("stu-rehearsal", "demo-parent-miller", name="Maria Lopez")
    asked = await site.ask_consent(referral["referral_id"])
    await site.seen_by_views(asked["position"], "referral")
    page = await browser.new_page()
    banner = page.locator(".district-clock")
    await page.goto(f"{site.url}/sign-in")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(banner).to_have_count(0)  # the real date: no banner

    conn = await asyncpg.connect(isolation.dsn)
    try:  # what `iep clock advance 70` does
        await move_clock(conn, f"{isolation.prefix}_iep_clock", "UTC", days=70)
    finally:
        await conn.close()

    async def moved() -> bool:
        return bool((await site.system.client.get("/api/views/clock")).json()["moved"])
    await eventually(moved, what="the views service following the moved clock")
    district_today = datetime.now(UTC).date() + timedelta(days=70)
    await page.reload()
    await expect(banner).to_have_text(
        "Rehearsal: the district clock is moved 70 days ahead. The district's date is "
        f"{format_date(district_today, format='long', locale='en')}.")

    await signed_in(page, site, "Grace Miller")
    await expect(banner).to_contain_text(format_date(district_today, format="long",
                                                     locale="en"))
    await page.get_by_role("link", name="Maria Lopez").click()
    await expect(banner).to_be_visible()
    await page.get_by_label("I sign this decision electronically").check()
    await page.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Your signature was recorded")
    due = district_today + timedelta(days=60)  # signed on the district's date
    await expect(page.locator("#summary")).to_contain_text(
        format_date(due, format="long", locale="en"), timeout=30_000)

    await page.get_by_label("Language").select_option("es")
    await page.get_by_role("button", name="Change").click()
    await expect(banner).to_have_text(
        "Ensayo: el reloj del distrito va adelantado 70 días. La fecha del distrito es el "
        f"{format_date(district_today, format='long', locale='es')}.")
    results = await Axe().run(page)  # the banner keeps the page usable by everyone
    assert [v["id"] for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")] == []
