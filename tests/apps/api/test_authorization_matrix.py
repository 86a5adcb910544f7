"""Authorization matrix for EVERY API endpoint, discovered from the URLconf (endpoints other areas add are
covered automatically): anonymous, another member, the member, a rep of another plan, a rep of the plan, a
vendor, an admin. Members call with OAuth bearer tokens (so a member endpoint no scope opens fails here),
vendors with their vendor token, reps/admins with a session.

Rules by kind of endpoint (GET; a POST-only endpoint answers 405 once the caller is let through):
* public (directory/formulary/benefits reference data, schema, docs): nobody is refused, nobody gets a 5xx;
* /api/v1/me...: anonymous 401; staff and vendors 403; the member gets through; another member gets
  their own data, never this member's;
* /api/v1/members/{member_pk}/...: anonymous 401; members and vendors 403; a rep of another plan 404 (or
  405), never data; the rep of the plan and an admin get through;
* /api/v1/print-batches...: anonymous 401; members and reps 403; the vendor gets through;
* other staff endpoints (imports, cases, reports): anonymous 401; members and vendors 403.
Nobody ever gets a 5xx.
"""

from __future__ import annotations

import pytest

from tests.fixtures.doors import ROLES, Route, discover_routes

pytestmark = pytest.mark.django_db

PUBLIC = {
    "api-schema",
    "api-docs",
    "v1:directory-search",
    "v1:directory-provider",
    "v1:formulary-search",
    "v1:formulary-drug",
    "v1:benefits-public-list",
    "v1:benefits-public-changes",
    "api-not-found",  # the JSON 404 for unknown /api/ paths
}
# exact expectations where the rule of its kind says less (status per role)
EXACT = {
    "v1:me-summary": {
        "anonymous": {401},
        "other_member": {200},
        "member": {200},
        "other_rep": {403},
        "rep": {403},
        "vendor": {403},
        "admin": {403},
    },
    "v1:me-member-summary": {
        "anonymous": {401},
        "other_member": {403},
        "member": {403},
        "other_rep": {404},
        "rep": {200},
        "vendor": {403},
        "admin": {200},
    },
}

THROUGH = {200, 201, 204, 302, 304, 400, 404, 405, 406, 409, 422}  # let in (the object may not exist)

ROUTES = discover_routes("/api/")


def kind(route: Route) -> str:
    if route.name in PUBLIC:
        return "public"
    if route.path == "/api/v1/me" or route.path.startswith(("/api/v1/me/", "/api/v1/me.")):
        return "me"
    if route.path.startswith("/api/v1/members/<uuid:member_pk>/"):
        return "member_scoped"
    if route.path.startswith("/api/v1/print-batches"):
        return "vendor"
    return "staff"


def expected(route: Route, role: str) -> set[int]:
    if route.name in EXACT:
        return EXACT[route.name][role]
    rules: dict[str, dict[str, set[int]]] = {
        "public": dict.fromkeys(ROLES, THROUGH),
        "me": {
            "anonymous": {401},
            "other_member": THROUGH,
            "member": THROUGH,
            "other_rep": {403},
            "rep": {403},
            "vendor": {403},
            "admin": {403},
        },
        "member_scoped": {
            "anonymous": {401},
            "other_member": {403},
            "member": {403},
            "other_rep": {404, 405},
            "rep": THROUGH,
            "vendor": {403},
            "admin": THROUGH,
        },
        "vendor": {
            "anonymous": {401},
            "other_member": {403},
            "member": {403},
            "other_rep": {403},
            "rep": {403},
            "vendor": THROUGH,
            "admin": THROUGH | {403},
        },
        "staff": {
            "anonymous": {401},
            "other_member": {403},
            "member": {403},
            "other_rep": THROUGH | {403},
            "rep": THROUGH | {403},
            "vendor": {403},
            "admin": THROUGH,
        },
    }
    return rules[kind(route)][role]


def test_every_api_route_is_in_the_matrix():
    # the discovery sees the endpoints (guards against an empty parametrization)
    names = {route.name for route in ROUTES}
    assert {"v1:me-summary", "v1:me-member-summary", "api-schema"} <= names
    assert len(ROUTES) >= 10


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_authorization_matrix(route: Route, authz_world):
    member = authz_world.member
    url = route.url(member.pk)
    failures = []
    for role in ROLES:
        response = authz_world.api_client(role).get(url, HTTP_ACCEPT="*/*")
        status = response.status_code
        if status >= 500:
            failures.append(f"{role}: {status} (server error)")
            continue
        if status not in expected(route, role):
            failures.append(f"{role}: got {status}, expected one of {sorted(expected(route, role))}")
        body = (
            response.content.decode(errors="replace")
            if response.get("Content-Type", "").startswith("application/json")
            else ""
        )
        # nobody but the member, the rep of the plan and an admin ever sees this member's identifiers
        if role not in ("member", "rep", "admin") and kind(route) != "public":
            for secret in (member.member_id, member.mbi, member.medi_cal_cin):
                if secret and secret in body:
                    failures.append(f"{role}: response leaks the member's identifier")
        if status in (401, 403, 404) and body:
            assert set(response.json()) == {"code", "message", "extra"}, f"{role}: error shape {body[:200]}"
    assert not failures, f"{route.path} ({route.name}):\n  " + "\n  ".join(failures)
