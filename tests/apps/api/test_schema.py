"""The OpenAPI schema is complete: every API route is in it, every operation documents the one error
shape, the generator raises no warning, Swagger UI is served (self-hosted assets)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.fixtures.doors import discover_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(oauth_scopes):  # type: ignore[no-untyped-def]
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema_path(route_path: str) -> str:
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", route_path)


def test_generation_is_valid_and_warning_free(tmp_path, oauth_scopes):
    GENERATOR_STATS.reset()
    document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)  # OpenAPI 3 JSON schema validation
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not messages, "drf-spectacular warnings:\n" + "\n".join(messages)
    call_command("spectacular", "--validate", "--file", str(tmp_path / "openapi.yaml"))
    assert (tmp_path / "openapi.yaml").read_text().startswith("openapi: 3")


def test_every_api_route_is_documented(document):
    documented = set(document["paths"])
    routes = [r for r in discover_routes("/api/v1/") if r.name != "api-not-found"]
    missing = sorted(_schema_path(r.path) for r in routes if _schema_path(r.path) not in documented)
    assert not missing, f"routes missing from the schema: {missing}"


def test_every_operation_documents_errors_in_the_one_shape(document):
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"code", "message", "extra"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation["responses"]
            for status in ("401", "403", "404", "429"):
                assert status in responses, f"{method.upper()} {path} lacks {status}"
            assert responses["429"]["headers"]["Retry-After"]
            assert operation.get("operationId"), f"{method.upper()} {path} has no operationId"
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if "operationId" in op
    ]
    assert len(ids) == len(set(ids))


def test_me_documents_etag_scope_and_shape(document):
    operation = document["paths"]["/api/v1/me"]["get"]
    assert "304" in operation["responses"]
    assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in operation["parameters"])
    assert {"oauth2": ["member.read"]} in operation["security"]
    scheme = document["components"]["securitySchemes"]["oauth2"]
    assert scheme["flows"]["authorizationCode"]["authorizationUrl"] == "/o/authorize/"
    assert "member.read" in scheme["flows"]["authorizationCode"]["scopes"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = document["components"]["schemas"][body]["properties"]
    assert {
        "plans",
        "alignment",
        "pcp",
        "care_coordinator",
        "preferred_language",
        "preferred_format",
        "card",
    } <= set(properties)


def test_schema_and_swagger_ui_are_served(client, oauth_scopes):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "memberhub API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html  # self-hosted assets (CSP: script-src 'self')
    assert "<script>" not in html.replace(" ", "")  # no inline script (the init script is its own response)
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()
    from django.contrib.staticfiles import finders

    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}")


def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such API endpoint.", "extra": {}}
