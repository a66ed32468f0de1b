"""axe-core over every page, as the people who use them, on a desktop and a phone screen:
no violation of serious or critical impact; the skip link and keyboard reach the content."""

from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import expect

PHONE = {"width": 375, "height": 740}
axe = Axe()


async def _check(page: Any, failures: list[str]) -> None:
    results = await axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            failures.append(f"{page.url}: {violation['id']} ({violation['impact']}): "
                            f"{violation['help']} at {targets}")
    wide = await page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    if wide and page.viewport_size["width"] <= PHONE["width"]:
        failures.append(f"{page.url}: wider than a phone screen")


async def _visit(browser: Any, site: Any, signed_in: Any, person: str | None,
                 paths: list[str], failures: list[str]) -> None:
    for viewport in (None, PHONE):
        page = await browser.new_page(viewport=viewport) if viewport else \
            await browser.new_page()
        if person:
            await signed_in(page, site, person)
        for path in paths:
            await page.goto(f"{site.url}{path}")
            await _check(page, failures)
        await page.close()


async def test_no_serious_or_critical_violation_on_any_page(site, browser, signed_in):
    waiting = await site.refer("stu-waiting", "demo-parent-miller", name="Maria Lopez")
    await site.ask_consent(waiting["referral_id"])
    planned = await site.refer("stu-planned", "demo-parent-miller", name="Leo Miller")
    await site.ask_consent(planned["referral_id"])
    await site.give_consent(planned["referral_id"], "demo-parent-miller")
    await site.found_eligible("stu-planned")
    spanish = await site.refer("stu-es", "demo-parent-hernandez", language="es",
                               name="Sofia Hernandez")
    asked = await site.ask_consent(spanish["referral_id"])
    await site.seen_by_views(asked["position"], "referral")
    failures: list[str] = []

    await _visit(browser, site, signed_in, None, ["/sign-in", "/children/nowhere"], failures)
    await _visit(browser, site, signed_in, "Grace Miller", [
        "/children", "/children/stu-waiting", "/children/stu-planned", "/children/stu-es"],
        failures)
    await _visit(browser, site, signed_in, "Lucía Hernández",
                 ["/children", "/children/stu-es"], failures)
    await _visit(browser, site, signed_in, "Ana Ruiz", [
        "/caseload", "/caseload?overdue=1", "/compliance", "/students/stu-waiting",
        "/students/stu-planned", "/referrals/new"], failures)
    await _visit(browser, site, signed_in, "Mei Chen", ["/caseload", "/students/stu-waiting"],
                 failures)
    await _visit(browser, site, signed_in, "Finn Moreau", [
        "/audit", "/audit?student_id=stu-planned", "/audit/as-of?student_id=stu-planned",
        "/audit/verify?run=1"], failures)

    # forms showing the APIs' refusals: 422 beside the fields, 409 at the top
    page = await browser.new_page()
    await signed_in(page, site, "Ana Ruiz")
    await page.goto(f"{site.url}/referrals/new")
    await page.get_by_role("button", name="Make the referral").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await _check(page, failures)
    await page.goto(f"{site.url}/students/stu-planned")
    await page.locator("#form-meeting").get_by_role("button").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await _check(page, failures)

    assert not failures, "\n".join(failures)


async def test_keyboard_reaches_the_content_through_the_skip_link(site, browser, signed_in):
    page = await browser.new_page()
    await page.goto(f"{site.url}/sign-in")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    await expect(skip).to_be_focused()
    assert await skip.evaluate("e => getComputedStyle(e).top") != "-64px"  # visible on focus
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    await page.keyboard.press("Enter")  # the first demo person's sign-in button
    await expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
