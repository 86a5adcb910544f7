from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.factories.accounts import MemberUserFactory, RepUserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("v1:formulary-search")


def drug_url(rxcui: str) -> str:
    return reverse("v1:formulary-drug", kwargs={"rxcui": rxcui})


def test_search_by_name_is_public_and_grouped(formulary_loaded, api_client) -> None:
    audit_before = AuditEvent.objects.count()
    response = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "lurasidone"})
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "name"
    groups = {(g["ingredient"], g["strength"]): [d["rxcui"] for d in g["drugs"]] for g in body["groups"]}
    assert set(groups[("lurasidone hydrochloride", "40 MG")]) == {"1040031", "1040036"}
    latuda = next(d for g in body["groups"] for d in g["drugs"] if d["rxcui"] == "1040036")
    assert latuda["coverage"] == {
        "status": "part_d", "primary_payer": "part_d", "secondary_payer": None, "tier": 4,
        "tier_label": "Non-preferred drug", "prior_authorization": True, "step_therapy": True,
        "quantity_limit": False, "medi_cal_code_1": False,
    }  # fmt: skip
    assert AuditEvent.objects.count() == audit_before  # nothing links a consumer to a drug search


def test_search_is_typo_tolerant(formulary_loaded, api_client) -> None:
    body = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "lurasidon hydroclorid"}).json()
    assert "1040031" in [d["rxcui"] for g in body["groups"] for d in g["drugs"]]
    body = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "atorvastatn"}).json()
    assert {"617310", "617312"} <= {d["rxcui"] for g in body["groups"] for d in g["drugs"]}


def test_search_by_brand(formulary_loaded, api_client) -> None:
    body = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "Latuda"}).json()
    found = [d for g in body["groups"] for d in g["drugs"]]
    assert {d["rxcui"] for d in found} >= {"1040036", "1040043", "1235249"}
    assert all(d["brand_name"] == "Latuda" for d in found[:3])


@pytest.mark.parametrize(("_case", "q"), [
    ("ndc11", "63402030410"), ("hyphen_5_4_2", "63402-0304-10"), ("ten_digits", "6340230410"),
])  # fmt: skip
def test_search_by_ndc_any_format(formulary_loaded, api_client, _case: str, q: str) -> None:
    body = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": q}).json()
    assert body["kind"] == "ndc"
    assert [d["rxcui"] for g in body["groups"] for d in g["drugs"]] == ["1040036"]


def test_search_by_rxcui(formulary_loaded, api_client) -> None:
    body = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "1100457"}).json()
    assert body["kind"] == "rxcui"
    drug = body["groups"][0]["drugs"][0]
    assert (drug["rxcui"], drug["coverage"]["status"], drug["coverage"]["primary_payer"]) == (
        "1100457", "medi_cal_rx", "medi_cal_rx",
    )  # fmt: skip


def test_search_errors(formulary_loaded, api_client) -> None:
    short = api_client.get(SEARCH, {"pair": "salud-medica-2026", "q": "lu"})
    assert short.status_code == 400
    assert short.json()["code"] == "formulary.bad_query"
    unknown = api_client.get(SEARCH, {"pair": "nope", "q": "lurasidone"})
    assert unknown.status_code == 404
    no_pair = api_client.get(SEARCH, {"q": "lurasidone"})
    assert no_pair.status_code == 400
    assert api_client.get(SEARCH, {"pair": "salud-medica-2026"}).status_code == 400


def test_drug_detail_part_d(formulary_loaded, api_client) -> None:
    body = api_client.get(drug_url("1040036"), {"pair": "salud-medica-2026"}).json()
    assert body["coverage"]["status"] == "part_d"
    assert body["coverage"]["part_d"]["tier"] == 4
    assert body["coverage"]["part_d"]["prior_authorization"] is True
    assert body["coverage"]["part_d"]["effective_from"] == "2026-01-15"
    assert body["pharmacy_routing"] == {
        "payer": "part_d", "bin": "610014", "pcn": "MEDDPRIME", "group": "SMHP001", "cardholder_id": "member_id",
    }  # fmt: skip
    assert [(a["rxcui"], a["reason"]) for a in body["alternatives"]] == [
        ("1040031", "generic"),
        ("1040041", "generic"),
    ]
    assert body["member_cost"] is None


def test_quantity_limit_is_reported(formulary_loaded, api_client) -> None:
    body = api_client.get(drug_url("1049221"), {"pair": "salud-medica-2026"}).json()
    assert body["coverage"]["part_d"]["quantity_limit"] == {"amount": "180", "days": 30}


def test_part_d_excluded_drug_is_paid_by_medi_cal_rx(formulary_loaded, api_client) -> None:
    body = api_client.get(drug_url("1100457"), {"pair": "salud-medica-2026"}).json()
    assert body["coverage"]["status"] == "medi_cal_rx"
    assert body["coverage"]["is_part_d_excluded"] is True
    assert body["coverage"]["medi_cal_rx"]["part_d_excluded_category"] == "otc"
    assert body["pharmacy_routing"] == {
        "payer": "medi_cal_rx", "bin": "022659", "pcn": "6334225", "group": "MEDICALRX", "cardholder_id": "cin",
    }  # fmt: skip


def test_supplemental_and_medi_cal_both(formulary_loaded, api_client) -> None:
    body = api_client.get(drug_url("1248057"), {"pair": "salud-medica-2026"}).json()
    coverage = body["coverage"]
    assert (coverage["status"], coverage["primary_payer"], coverage["secondary_payer"]) == (
        "both",
        "part_d",
        "medi_cal_rx",
    )
    assert coverage["part_d"]["source"] == "supplemental"
    assert coverage["medi_cal_rx"]["code_1"] is True
    assert coverage["medi_cal_rx"]["quantity_limit"] == {"amount": "240", "days": 30}


def test_unknown_drug_is_404(formulary_loaded, api_client) -> None:
    response = api_client.get(drug_url("99999999"), {"pair": "salud-medica-2026"})
    assert response.status_code == 404
    assert response.json()["code"] == "formulary.drug_not_found"


def test_signed_in_member_gets_their_lis_cost_for_their_pair(
    formulary_loaded, formulary_member, client_for
) -> None:
    client = client_for(MemberUserFactory(member=formulary_member))
    body = client.get(drug_url("1040031")).json()  # pair defaults to the member's
    assert body["pair"] == "salud-medica-2026"
    cost = body["member_cost"]
    assert cost["lis_level"] == 2
    assert [(q["days_supply"], q["pharmacy"], q["amount"], q["basis"]) for q in cost["quotes"]] == [
        (30, "preferred", "5.00", "plan_copay"), (30, "standard", "5.10", "lis_copay"),
        (90, "preferred", "5.10", "lis_copay"), (90, "standard", "5.10", "lis_copay"),
    ]  # fmt: skip
    event = AuditEvent.objects.get(member_id=formulary_member.pk)
    assert (event.resource, event.member_id, event.resource_id) == (
        "formulary_member_cost",
        formulary_member.pk,
        "",
    )


def test_member_cost_brand_coinsurance_and_medi_cal_zero(
    formulary_loaded, formulary_member, client_for
) -> None:
    client = client_for(MemberUserFactory(member=formulary_member))
    latuda = client.get(drug_url("1040036")).json()["member_cost"]["quotes"][0]
    assert (latuda["coinsurance_rate"], latuda["maximum"], latuda["basis"]) == (
        "0.4",
        "12.65",
        "coinsurance_capped_by_lis",
    )
    otc = client.get(drug_url("1100457")).json()["member_cost"]["quotes"]
    assert {(q["amount"], q["payer"]) for q in otc} == {("0.00", "medi_cal_rx")}


def test_member_asking_about_another_pair_gets_no_cost(
    formulary_loaded, formulary_other_pair, formulary_member, client_for
) -> None:
    client = client_for(MemberUserFactory(member=formulary_member))
    body = client.get(drug_url("1040031"), {"pair": formulary_other_pair.code}).json()
    assert body["member_cost"] is None


def test_rep_gets_the_member_cost_other_rep_gets_404(
    formulary_loaded, formulary_member, client_for, vendor_user
) -> None:
    url = reverse("v1:formulary-member-drug", kwargs={"member_pk": formulary_member.pk, "rxcui": "106892"})
    rep = RepUserFactory(parent_organization=formulary_loaded.parent)
    body = client_for(rep).get(url).json()
    assert [q["amount"] for q in body["member_cost"]["quotes"]] == ["12.65", "12.65", "12.65", "12.65"]
    assert (
        AuditEvent.objects.filter(resource="formulary_member_cost", member_id=formulary_member.pk).count()
        == 1
    )
    assert client_for(RepUserFactory()).get(url).status_code == 404
    assert client_for(vendor_user).get(url).status_code == 403
    assert client_for(None).get(url).status_code in (401, 403)


def test_as_of_before_the_medi_cal_end_date(formulary_loaded, api_client) -> None:
    url = drug_url("1093060")  # clomiphene: CDL row ended 2025-12-31
    assert (
        api_client.get(url, {"pair": "salud-medica-2026", "as_of": "2025-12-31"}).json()["coverage"][
            "medi_cal_rx"
        ]
        is not None
    )
    assert (
        api_client.get(url, {"pair": "salud-medica-2026", "as_of": "2026-02-01"}).json()["coverage"][
            "medi_cal_rx"
        ]
        is None
    )


def test_insulin_cost_uses_the_insulin_table_without_lis(formulary_loaded, client_for) -> None:
    from tests.factories.members import aligned_member

    member = aligned_member(formulary_loaded, lis_level=0)
    body = client_for(MemberUserFactory(member=member)).get(drug_url("106892")).json()
    assert body["member_cost"]["lis_copay"] is None
    assert [(q["amount"], q["basis"]) for q in body["member_cost"]["quotes"]] == [
        ("35.00", "plan_copay"), ("35.00", "plan_copay"), ("105.00", "plan_copay"), ("105.00", "plan_copay"),
    ]  # fmt: skip


def test_search_then_detail_agree_on_every_fixture_drug(formulary_loaded, api_client) -> None:
    from apps.formulary.models import UnifiedCoverage

    for row in UnifiedCoverage.objects.filter(pair=formulary_loaded).values("drug_id", "status", "tier"):
        body = api_client.get(drug_url(row["drug_id"]), {"pair": "salud-medica-2026"}).json()
        assert body["coverage"]["status"] == row["status"], row
        assert (body["coverage"]["part_d"] or {}).get("tier") == row["tier"], row
