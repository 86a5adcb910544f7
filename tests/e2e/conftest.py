"""Shared fixtures for the headless-browser tests: Debian's /usr/bin/chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

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
PASSWORD = "correct horse battery"  # what tests.factories.accounts.UserFactory sets


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh page in a headless Chromium (1280x900, 20 s default timeout), closed after the test."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian chromium is required: apt-get install -y chromium")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls in tests are plain sync code.
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


@pytest.fixture
def console_sign_in(browser_page: Any) -> Callable[..., None]:
    """Fill in and submit the console sign-in form the browser page is showing."""

    def sign_in(username: str, password: str = PASSWORD) -> None:
        browser_page.get_by_label("Username").fill(username)
        browser_page.get_by_label("Password").fill(password)
        browser_page.get_by_role("button", name="Sign in").click()

    return sign_in
