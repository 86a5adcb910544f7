from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.factories.accounts import RepUserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_rep_looks_up_a_drug_for_the_member(formulary_loaded, formulary_member) -> None:
    rep = RepUserFactory(parent_organization=formulary_loaded.parent)
    client = _client(rep)
    page = client.get(reverse("console:formulary-member", args=[formulary_member.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "610014" in html  # Part D BIN
    assert "MEDICALRX" in html  # Medi-Cal Rx group
    results = client.post(
        reverse("console:formulary-member-search", args=[formulary_member.pk]),
        {"q": "latuda"},
        HTTP_HX_REQUEST="true",
    )
    assert results.status_code == 200
    assert 'data-rxcui="1040036"' in results.content.decode()
    detail = client.get(reverse("console:formulary-member-drug", args=[formulary_member.pk, "1040036"]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Non-preferred drug" in body
    assert "at most $12.65" in body
    assert "lurasidone hydrochloride 40 MG Oral Tablet" in body  # the generic alternative
    assert set(AuditEvent.objects.filter(member_id=formulary_member.pk).values_list("resource", flat=True)) == {
        "formulary", "formulary_member_cost",
    }  # fmt: skip
    assert "latuda" not in str(list(AuditEvent.objects.values_list("params", flat=True))).lower()


def test_medi_cal_drug_page_shows_medi_cal_numbers(formulary_loaded, formulary_member) -> None:
    client = _client(RepUserFactory(parent_organization=formulary_loaded.parent))
    body = client.get(
        reverse("console:formulary-member-drug", args=[formulary_member.pk, "1100457"])
    ).content.decode()
    assert "Covered by Medi-Cal Rx" in body
    assert "022659" in body
    assert "$0.00" in body


def test_other_organizations_rep_gets_404(formulary_loaded, formulary_member) -> None:
    client = _client(RepUserFactory())
    assert client.get(reverse("console:formulary-member", args=[formulary_member.pk])).status_code == 404
    assert (
        client.get(
            reverse("console:formulary-member-drug", args=[formulary_member.pk, "1040036"])
        ).status_code
        == 404
    )


def test_member_panel_renders(formulary_loaded, formulary_member, rf) -> None:
    from apps.console.formulary_views import member_panel

    request = rf.get("/")
    request.user = RepUserFactory(parent_organization=formulary_loaded.parent)
    html = member_panel(request, formulary_member)
    assert html is not None
    assert 'id="panel-formulary"' in html
    assert "SMHP001" in html
