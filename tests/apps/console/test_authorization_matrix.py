"""Authorization matrix for EVERY console page, discovered from the URLconf (pages other areas add are
covered automatically): anonymous, another member, the member, a rep of another plan, a rep of the plan,
a vendor, an admin. GET only; a POST-only page answers 405 once the caller is let through.

* sign-in pages (login, logout, signed-in, second step): nobody gets a 5xx;
* audit and OAuth-app pages: anonymous -> login; everyone but an admin 403;
* pages about one member (/<member_pk>/ in the path): anonymous -> login; members and vendors 403; a rep
  of another plan 404 (or 405), never the page; the rep of the plan and an admin get it (200, or 405/404
  when the page needs another object that does not exist);
* every other page: anonymous -> login; members and vendors 403.
The member page of the rep of the plan must render every area's panel without an error box.
"""

from __future__ import annotations

import pytest

from tests.fixtures.doors import ROLES, Route, discover_routes

pytestmark = pytest.mark.django_db

SIGN_IN = {"console:login", "console:logout", "console:signed-in", "console:otp-verify"}
ADMIN_ONLY_PREFIXES = ("console:audit-", "console:accounts-")
ROUTES = discover_routes("/console/")
LOGIN = "/console/login/"


def kind(route: Route) -> str:
    if route.name in SIGN_IN:
        return "sign_in"
    if route.name.startswith(ADMIN_ONLY_PREFIXES):
        return "admin"
    if "member_pk" in route.params:
        return "member"
    return "staff"


def check(route: Route, role: str, response) -> str | None:  # type: ignore[no-untyped-def]
    status = response.status_code
    if status >= 500:
        return f"{role}: {status} (server error)"
    k = kind(route)
    if k == "sign_in":
        return None
    if role == "anonymous":
        if status != 302 or not response["Location"].startswith(LOGIN):
            return f"anonymous: got {status}, expected a redirect to the login page"
        return None
    if role in ("member", "other_member", "vendor"):
        return None if status == 403 else f"{role}: got {status}, expected 403"
    if k == "admin":
        allowed = {200, 405} if role == "admin" else {403}
    elif k == "member":
        extra_objects = len(route.params) > 1
        if role == "other_rep":
            allowed = {404, 405}
        else:
            allowed = {200, 405} | ({404} if extra_objects else set())
    else:
        allowed = {200, 302, 400, 403, 404, 405}
    return None if status in allowed else f"{role}: got {status}, expected one of {sorted(allowed)}"


def test_console_routes_are_discovered():
    names = {route.name for route in ROUTES}
    assert {
        "console:home",
        "console:member-detail",
        "console:work-queues",
        "console:audit-compliance",
    } <= names


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_console_authorization_matrix(route: Route, authz_world):
    member = authz_world.member
    url = route.url(member.pk)
    failures = []
    for role in ROLES:
        response = authz_world.console_client(role).get(url)
        problem = check(route, role, response)
        if problem:
            failures.append(problem)
        if role in ("other_rep", "vendor", "other_member") and response.status_code == 200:
            html = response.content.decode(errors="replace")
            if member.member_id in html or (member.mbi and member.mbi in html):
                failures.append(f"{role}: page shows the member")
        if role == "rep" and route.name == "console:member-detail":
            html = response.content.decode(errors="replace")
            assert "data-panel-error" not in html, "a member-page panel failed (see the log)"
    assert not failures, f"{route.path} ({route.name}):\n  " + "\n  ".join(failures)
