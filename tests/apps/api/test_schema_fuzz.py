"""Fuzz the whole OpenAPI schema with schemathesis (bounded examples per operation), in-process through
Django's WSGI handler against the real PostgreSQL test database: no 5xx, every status code, content type,
header and body the schema documents. Run once as a member (OAuth bearer token with every member scope)
and once as an admin (session)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = 4
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]
MEMBER_SCOPES = "member.read card.read card.request notices.read cases.read directory.read formulary.read"


@pytest.fixture
def api_schema(db, oauth_scopes):  # type: ignore[no-untyped-def]
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(document)


@pytest.fixture
def member_headers(bearer_for, member_user):  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {bearer_for(member_user, scope=MEMBER_SCOPES)}"}


@pytest.fixture
def admin_cookies(admin_user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    return {"sessionid": client.cookies["sessionid"].value}


APP = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_test_connection():  # type: ignore[no-untyped-def]
    """Like Django's test client: the WSGI handler must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(api_schema, **auth) -> list[str]:  # type: ignore[no-untyped-def]
    """Every operation, MAX_EXAMPLES generated cases each (derandomized: the same cases every run)."""
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):  # type: ignore[no-untyped-def]
            response = case.call(app=APP, **auth)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them all
            label = f"{operation.method.upper()} {operation.path}"
            failures.append(f"{label}: {str(exc)[:1500]}")
    assert operations >= 10
    return failures


def test_api_as_member(api_schema, member_headers):  # type: ignore[no-untyped-def]
    failures = _fuzz(api_schema, headers=member_headers)
    assert not failures, "\n\n".join(failures)


def test_api_as_admin(api_schema, admin_cookies):  # type: ignore[no-untyped-def]
    failures = _fuzz(api_schema, cookies=admin_cookies)
    assert not failures, "\n\n".join(failures)
