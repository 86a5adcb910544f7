"""The rep console in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against
the live test server: sign in, search as you type, open the member, reissue the card, see it appear."""

from __future__ import annotations

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


def test_rep_finds_member_and_reissues_card(live_server, pair, browser_page, console_sign_in):
    from playwright.sync_api import expect

    # given a rep of the pair's organization and a member of the pair
    rep = RepUserFactory(parent_organization=pair.parent, username="rep.rivera")
    member = aligned_member(pair, first_name="Lucia", last_name="Fernandez")
    page = browser_page

    # sign in
    page.goto(f"{live_server.url}/console/")
    expect(page).to_have_url(f"{live_server.url}/console/login/?next=/console/")
    console_sign_in(rep.username)
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


def test_anonymous_browser_lands_on_login_and_bad_password_is_refused(
    live_server, browser_page, console_sign_in, rep_user
):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/console/queues/")
    console_sign_in(rep_user.username, "not the password")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/console/login/")
