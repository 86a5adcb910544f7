"""The rep console in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against
the live test server: sign in, search as you type, open the member, reissue the card, see it appear."""

from __future__ import annotations

import shutil

import pytest

from apps.audit.models import AuditEvent
from tests.factories.accounts import RepUserFactory
from tests.factories.members import aligned_member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"


@pytest.fixture
def browser_page(monkeypatch):  # type: ignore[no-untyped-def]
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian chromium is required: apt-get install -y chromium")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls below are plain sync code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            page.wait_for_load_state("networkidle")  # no request still running when the DB is flushed
            context.close()
            browser.close()


def test_rep_finds_member_and_reissues_card(live_server, pair, browser_page):
    from playwright.sync_api import expect

    # given a rep of the pair's organization and a member of the pair
    rep = RepUserFactory(parent_organization=pair.parent, username="rep.rivera")
    member = aligned_member(pair, first_name="Lucia", last_name="Fernandez")
    page = browser_page

    # sign in
    page.goto(f"{live_server.url}/console/")
    expect(page).to_have_url(f"{live_server.url}/console/login/?next=/console/")
    page.get_by_label("Username").fill(rep.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a member")).to_be_visible()

    # search as you type (htmx): "/" jumps to the box, the MBI finds the member, masked in the list
    page.keyboard.press("/")
    expect(page.get_by_label("Name, member id, MBI or CIN")).to_be_focused()
    page.keyboard.type(member.mbi, delay=20)
    result = page.get_by_role("link", name="Fernandez, Lucia")
    expect(result).to_be_visible()
    results_text = page.locator("#search-results").inner_text()
    assert member.mbi[-4:] in results_text
    assert member.mbi not in results_text

    # open the member page
    result.click()
    expect(page.get_by_role("heading", name="Lucia Fernandez")).to_be_visible()
    expect(page.locator("#panel-summary")).to_contain_text(pair.medicare_plan.name)
    cards = page.locator("#panel-cards")
    expect(cards).to_contain_text("No ID card has been issued yet.")

    # reissue the card (htmx swaps the cards panel) and see the new version appear
    cards.get_by_role("button", name="Reissue card").click()
    # (tests render eagerly inside the request: WeasyPrint takes a few seconds)
    expect(page.locator("#panel-cards")).to_contain_text("v1", timeout=60_000)
    expect(page.locator("#panel-cards [role=status]")).to_contain_text("Card")
    expect(page.locator("#panel-cards")).not_to_contain_text("No ID card has been issued yet.")

    # the reload shows it too (it was really saved), and everything was audited
    page.reload()
    expect(page.locator("#panel-cards")).to_contain_text("v1", timeout=30_000)
    # the card pictures (front and back, asked for at once) load and are audited
    for side in ("Front", "Back"):
        picture = page.get_by_role("img", name=f"{side} of the current ID card")
        expect(picture).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    page.wait_for_load_state("networkidle")
    resources = set(AuditEvent.objects.filter(actor_id=rep.pk).values_list("resource", flat=True))
    assert {"member.search", "member.console", "card_request", "id_card"} <= resources


def test_anonymous_browser_lands_on_login_and_bad_password_is_refused(live_server, browser_page, rep_user):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/console/queues/")
    page.get_by_label("Username").fill(rep_user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/console/login/")
