"""Screenshots of the main pages for the README: `python -m iep_web.screenshots --url
http://127.0.0.1:8000 --out docs/screenshots` against a running `make up` with the demo
district (Debian's Chromium at /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# file name, person (None: signed out), path, a link to follow after it (or None), viewport
SHOTS = (
    ("sign-in", None, "/sign-in", None, (1000, 760)),
    ("parent-child", "Grace Miller", "/children", "Leo Miller", (1000, 1100)),
    ("parent-spanish-phone", "Lucía Hernández", "/children", "Sofía Hernández", (390, 844)),
    ("staff-caseload", "Ana Ruiz", "/caseload", None, (1100, 800)),
    ("staff-student-file", "Ana Ruiz", "/caseload", "D-1010", (1000, 1100)),
    ("compliance", "Eve Larsen", "/compliance", None, (1000, 800)),
    ("audit-log", "Finn Moreau", "/audit", None, (1100, 760)),
)


def _sign_in(page: Page, url: str, person: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/sign-in")
    page.get_by_role("button", name=f"Sign in as {person}").click()
    page.wait_for_load_state()


def take(url: str, out: Path, chromium: str = "/usr/bin/chromium") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, person, path, follow, (width, height) in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            if person:
                _sign_in(page, url, person)
            page.goto(f"{url}{path}")
            if follow:
                page.get_by_role("link", name=follow).first.click()
                page.wait_for_load_state()
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            made.append(target)
            page.close()
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    for path in take(args.url, args.out, args.chromium):
        print(path)


if __name__ == "__main__":
    main()
