"""Helpers of the FHIR tests: GET with validation against the fhir.resources R4B models."""

import importlib


def validate(resource):
    """Validate with the fhir.resources R4B model of the resource type (raises on an invalid resource)."""
    rtype = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{rtype.lower()}")
    getattr(module, rtype).model_validate(resource)


def get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    validate(body)
    if body["resourceType"] == "Bundle":
        for entry in body["entry"]:
            validate(entry["resource"])
    return body


def resources(bundle, mode="match"):
    return [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == mode]


def ids(bundle, mode="match"):
    return {r["id"] for r in resources(bundle, mode)}
