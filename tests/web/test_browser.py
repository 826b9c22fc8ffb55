"""End to end in headless Chromium: sign in, open every page, answer a survey, see it counted.

Screenshots of every page go to ``artifacts/screenshots/`` (or ``$CX_ARTIFACTS``).
Needs Debian's ``chromium`` (``.ci/run`` installs it); Playwright drives it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.web.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CX_ARTIFACTS", Path(__file__).parents[2] / "artifacts"))
SHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 390, "height": 844}

PAGES = {
    "overview": ("/", "Overview"),
    "metrics": ("/metrics?metric=csat&by=touchpoint&period=month", "Metrics explorer"),
    "journeys": ("/journeys", "Journeys"),
    "voice": ("/voice", "Voice of customer"),
    "customers": ("/customers?q=C00000", "Customers"),
    "customer": ("/customers/C0000005", "Customer C0000005"),
    "segments": ("/segments", "Segments and personas"),
    "strategy": ("/strategy", "Customer experience strategy"),
    "team": ("/team", "Team performance"),
    "surveys": ("/surveys", "Surveys"),
    "survey": ("/surveys/nps-relationship", "Relationship NPS"),
    "admin": ("/admin", "Users and API keys"),
}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's chromium (see .ci/run)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_every_page_in_a_browser(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = _watch_errors(page)
    _sign_in(page, live, "admin")
    for name, (path, heading) in PAGES.items():
        page.goto(f"{live}{path}")
        assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading)
        charts = page.locator("[data-figure]")
        for i in range(charts.count()):  # Plotly (served locally) drew every chart
            charts.nth(i).locator(".main-svg").first.wait_for(timeout=15_000)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert errors == [], errors  # no script errors, no blocked resources (CSP)
    context.close()


def test_pages_fit_a_phone(browser, live):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    _sign_in(page, live, "viewer")
    for name in ("overview", "team", "customer"):
        page.goto(f"{live}{PAGES[name][0]}")
        page.wait_for_load_state("networkidle")
        # The page itself does not scroll sideways (wide tables scroll in their own box).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        page.screenshot(path=SHOTS / f"phone-{name}.png", full_page=True)
    context.close()


def test_answer_a_survey_from_an_invitation_link(browser, live):
    staff = browser.new_context()
    admin = staff.new_page()
    _sign_in(admin, live, "analyst")
    admin.goto(f"{live}/surveys/nps-relationship")
    before = int(admin.locator("#responses").inner_text())
    admin.get_by_label("Customer ids, one per line").fill("C0000005")
    admin.get_by_role("button", name="Create links").click()
    link = admin.locator("a.invitation").first.get_attribute("href")
    assert link and re.match(rf"{re.escape(live)}/s/", link)

    # The customer, on a phone, with the keyboard only.
    customer = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    errors = _watch_errors(customer)
    customer.goto(link)
    customer.screenshot(path=SHOTS / "survey-answer.png", full_page=True)
    customer.get_by_label("9", exact=True).focus()
    customer.keyboard.press("Space")
    assert customer.get_by_label("9", exact=True).is_checked()
    customer.keyboard.press("Tab")
    customer.keyboard.type("Fast delivery <b>and</b> friendly staff")
    customer.keyboard.press("Tab")
    customer.keyboard.press("Enter")
    customer.wait_for_url(f"{live}/s/thanks")
    assert "Thank you" in customer.content()
    customer.screenshot(path=SHOTS / "survey-thanks.png", full_page=True)
    assert errors == []
    customer.goto(link)  # single use: the second visit is refused (410)
    assert "already been answered" in customer.content()

    admin.goto(f"{live}/surveys/nps-relationship")
    assert int(admin.locator("#responses").inner_text()) == before + 1
    assert admin.get_by_text("Fast delivery <b>and</b> friendly staff").count() == 1
    admin.screenshot(path=SHOTS / "survey-counted.png", full_page=True)
    staff.close()


def test_anonymous_survey_works_without_javascript(browser, live):
    staff = browser.new_context()
    admin = staff.new_page()
    _sign_in(admin, live, "analyst")
    admin.goto(f"{live}/surveys/nps-relationship")
    link = admin.locator("dd a").first.get_attribute("href")
    assert link
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(link)
    plain.get_by_text("3", exact=True).click()
    plain.get_by_label("What is the main reason for your score?").fill("no js here")
    plain.get_by_role("button", name="Send").click()
    assert "Thank you" in plain.content()
    admin.reload()
    assert admin.get_by_text("no js here").count() == 1
    staff.close()
