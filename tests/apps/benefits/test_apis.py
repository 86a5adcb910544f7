import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_public_benefits_of_a_pair_need_no_sign_in(api_client, benefits_pair):
    response = api_client.get(reverse("v1:benefits-public-list"), {"pair": benefits_pair.code})
    assert response.status_code == 200
    body = response.json()
    assert body["pair"]["code"] == benefits_pair.code
    assert body["pair"]["plan_year"] == 2026
    assert body["dual_status"]["code"] == "full_benefit"
    benefits = {b["category"]: b for b in body["benefits"]}
    specialist = benefits["specialist"]
    assert specialist["member_cost"] == {
        "known": True,
        "is_zero": True,
        "copay": "0",
        "coinsurance_percent": None,
        "per": None,
        "reason": "medi_cal_pays_medicare_cost_sharing",
    }
    assert specialist["pays_first"] == "dsnp_medicare"
    assert specialist["sentence"]["en"].startswith("Covered. You pay $0.")
    assert specialist["sentence"]["es"].startswith("Cubierto. Usted paga $0.")
    assert benefits["dental"]["carve_outs"][0]["contact"]["phone"] == "1-800-322-6384"
    assert not AuditEvent.objects.exists()  # no member data read


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"pair": "no-such-pair"}, 404, "benefits.pair_not_found"),
        ({"pair": "PAIR", "category": "dentl"}, 404, "benefits.unknown_category"),
        ({"pair": "PAIR", "dual_status": "martian"}, 400, "invalid"),
    ],
)
def test_public_benefits_errors(api_client, benefits_pair, params, status, code):
    params = {k: (benefits_pair.code if v == "PAIR" else v) for k, v in params.items()}
    response = api_client.get("/api/v1/benefits", params)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_public_answers_for_another_dual_status(api_client, benefits_pair):
    params = {"pair": benefits_pair.code, "category": "specialist", "dual_status": "slmb_only"}
    body = api_client.get("/api/v1/benefits", params).json()
    assert body["dual_status"]["code"] == "slmb_only"
    assert body["benefits"][0]["member_cost"]["coinsurance_percent"] == "20"


def test_public_search_box_words(api_client, benefits_pair):
    for word, category in (
        ("dental", "dental"),
        ("ride", "transportation"),
        ("wheelchair", "durable_medical_equipment"),
    ):
        response = api_client.get("/api/v1/benefits", {"pair": benefits_pair.code, "q": word})
        assert response.status_code == 200
        assert response.json()["benefits"][0]["category"] == category


def test_public_plan_year_changes(api_client, benefits_pair):
    response = api_client.get("/api/v1/benefits/changes", {"pair": benefits_pair.code})
    assert response.status_code == 200
    body = response.json()
    assert (body["from_year"], body["to_year"]) == (2026, 2027)
    assert any(c["category"] == "dental" and c["change"] == "limits" for c in body["changes"])
    missing = api_client.get("/api/v1/benefits/changes", {"pair": benefits_pair.code, "to_year": 2028})
    assert missing.status_code == 404
    assert missing.json()["code"] == "benefits.catalog_missing"


# --- the signed-in member -------------------------------------------------------------------------------


def test_member_sees_own_benefits_and_the_read_is_audited(client_for, member_user, benefits_pair):
    response = client_for(member_user).get("/api/v1/me/benefits")
    assert response.status_code == 200
    body = response.json()
    assert body["dual_status"]["code"] == member_user.member.dual_status
    assert body["pair"]["code"] == benefits_pair.code
    event = AuditEvent.objects.get()
    assert (event.action, event.resource, event.member_id) == ("view", "benefits", member_user.member.pk)


def test_member_one_category_and_unknown_category(client_for, member_user, benefits_pair):
    client = client_for(member_user)
    response = client.get("/api/v1/me/benefits/transportation")
    assert response.status_code == 200
    assert response.json()["benefit"]["category"] == "transportation"
    assert AuditEvent.objects.get().resource_id == "transportation"
    assert client.get("/api/v1/me/benefits/dentl").status_code == 404


def test_partial_dual_member_sees_their_share(client_for, member_user, benefits_pair):
    member = member_user.member
    member.dual_status = "slmb_only"
    member.save(update_fields=["dual_status"])
    body = client_for(member_user).get("/api/v1/me/benefits/durable_medical_equipment").json()
    assert body["benefit"]["member_cost"]["coinsurance_percent"] == "20"
    assert body["benefit"]["sentence"]["en"].startswith("Covered. You pay 20% of the cost per item.")


@pytest.mark.parametrize("who", ["anonymous", "rep", "vendor", "admin"])
def test_me_benefits_only_for_members(
    api_client, client_for, rep_user, vendor_user, admin_user, benefits_pair, who
):
    user = {"anonymous": None, "rep": rep_user, "vendor": vendor_user, "admin": admin_user}[who]
    response = client_for(user).get("/api/v1/me/benefits")
    assert response.status_code in (401, 403)
    assert not AuditEvent.objects.exists()


# --- a rep looking at a member ------------------------------------------------------------------------


def test_rep_sees_a_member_of_their_plans(client_for, rep_user, member, benefits_pair):
    response = client_for(rep_user).get(f"/api/v1/members/{member.pk}/benefits", {"q": "ride"})
    assert response.status_code == 200
    assert response.json()["benefits"][0]["category"] == "transportation"
    detail = client_for(rep_user).get(f"/api/v1/members/{member.pk}/benefits/dental")
    assert detail.status_code == 200
    assert detail.json()["benefit"]["supplemental"]["description"]["en"].startswith("Cleanings")
    assert AuditEvent.objects.filter(member_id=member.pk, resource="benefits", channel="api").count() == 2


@pytest.mark.parametrize("who", ["other_rep", "other_member", "member", "vendor"])
def test_others_cannot_see_a_members_benefits(
    client_for, other_rep_user, other_member_user, member_user, vendor_user, member, benefits_pair, who
):
    user = {
        "other_rep": other_rep_user,
        "other_member": other_member_user,
        "member": member_user,
        "vendor": vendor_user,
    }[who]
    response = client_for(user).get(f"/api/v1/members/{member.pk}/benefits")
    # a rep of another organization gets 404 (not 403) so the member's existence is not revealed
    assert response.status_code == (404 if who == "other_rep" else 403)
    assert not AuditEvent.objects.exists()


def test_admin_sees_any_member(client_for, admin_user, member, benefits_pair):
    assert client_for(admin_user).get(f"/api/v1/members/{member.pk}/benefits").status_code == 200


# --- admins upload catalogs ---------------------------------------------------------------------------


def _upload(client, plan_code, content, name="catalog.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/benefits/catalogs",
        {"plan": plan_code, "file": SimpleUploadedFile(name, content, content_type="application/x-yaml")},
        format="multipart",
    )


def test_admin_uploads_a_catalog_idempotently(client_for, admin_user, pair):
    from tests.fixtures.benefits import catalog_bytes

    client = client_for(admin_user)
    content = catalog_bytes("medi_cal_2026", pair.medi_cal_plan.code)
    first = _upload(client, pair.medi_cal_plan.code, content)
    assert first.status_code == 201
    assert (first.json()["action"], first.json()["entries"], first.json()["plan_year"]) == (
        "created",
        21,
        2026,
    )
    again = _upload(client, pair.medi_cal_plan.code, content)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    listing = client.get("/api/v1/benefits/catalogs").json()
    assert [(c["plan_code"], c["plan_year"], c["entries"]) for c in listing] == [
        (pair.medi_cal_plan.code, 2026, 21)
    ]


def test_refused_upload_names_the_problems(client_for, admin_user, pair):
    from apps.benefits.models import BenefitCatalog
    from tests.fixtures.benefits import catalog_bytes

    content = catalog_bytes(
        "medi_cal_2026", pair.medi_cal_plan.code, **{"category: dialysis": "category: kidney"}
    )
    response = _upload(client_for(admin_user), pair.medi_cal_plan.code, content, "bad.yaml")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "benefits.catalog_invalid"
    [problem] = body["extra"]["problems"]
    assert (problem["file"], problem["field"]) == ("bad.yaml", "category")
    assert problem["segment"].endswith("(kidney)")
    assert not BenefitCatalog.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "member", "rep", "vendor"])
def test_only_admins_upload_catalogs(client_for, member_user, rep_user, vendor_user, pair, who):
    user = {"anonymous": None, "member": member_user, "rep": rep_user, "vendor": vendor_user}[who]
    response = _upload(client_for(user), pair.medi_cal_plan.code, b"plan: x")
    assert response.status_code in (401, 403)
