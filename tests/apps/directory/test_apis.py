import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.directory.models import UnifiedEntry

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/directory/search"
HANS = ("practitioner", "9941339100", "123 MAIN ST|ANYTOWN|CT|00014")
NEAR_CT = "15,3"  # the IG examples put every location around lat 15, lon 3


def search(client, pair, **params):
    response = client.get(SEARCH, {"pair": pair.code, **params})
    assert response.status_code == 200, response.json()
    return response.json()


def names(body):
    return [r["name"] for r in body["results"]]


def test_search_is_public_and_lists_the_pair(api_client, imported_pair):
    body = search(api_client, imported_pair)
    assert body["pair"] == imported_pair.code
    assert body["sort"] == "name"
    assert len(body["results"]) == 11
    assert names(body) == sorted(names(body), key=str.upper)


def test_search_by_specialty_code_and_words(api_client, imported_pair):
    by_code = search(api_client, imported_pair, specialty="207Q00000X")
    assert set(names(by_code)) == {"Burr Clinic", "Hamilton Clinic", "Maria Garcia"}
    by_words = search(api_client, imported_pair, specialty="family medicine")
    assert set(names(by_words)) == set(names(by_code))
    assert "207QG0300X" in by_words["specialty_codes"]
    assert search(api_client, imported_pair, specialty="xylophonist")["results"] == []


def test_search_by_typo_tolerant_name(api_client, imported_pair):
    assert names(search(api_client, imported_pair, name="garsia")) == ["Maria Garcia"]
    assert names(search(api_client, imported_pair, name="Hans Slo")) == ["Hans Solo, MD"]
    body = search(api_client, imported_pair, name="smiht")
    assert set(names(body)) == {"Joe Smith, MD", "Susie Smith, LPC"}
    assert body["sort"] == "name_similarity"


def test_search_by_language_network_and_accepting(api_client, imported_pair):
    assert names(search(api_client, imported_pair, language="Spanish")) == ["Hans Solo, MD", "Maria Garcia"]
    assert names(search(api_client, imported_pair, language="ru")) == ["Susie Smith, LPC"]
    both = search(api_client, imported_pair, network="both")
    assert set(names(both)) == {"Hans Solo, MD", "Joe Smith, MD", "Pharm Chain"}
    assert names(search(api_client, imported_pair, network="medi_cal", provider_type="practitioner")) == [
        "Hans Solo, MD",
        "Joe Smith, MD",
        "Maria Garcia",
    ]
    # Hans Solo: the Medi-Cal network accepts new patients, the D-SNP one only existing patients
    assert names(search(api_client, imported_pair, accepting="true")) == ["Maria Garcia"]
    assert names(search(api_client, imported_pair, accepting="true", network="medi_cal")) == [
        "Hans Solo, MD",
        "Maria Garcia",
    ]
    assert names(search(api_client, imported_pair, accepting="true", network="medicare")) == []


def test_search_by_distance_zip_gender_accessibility_telehealth_type(api_client, imported_pair):
    near = search(api_client, imported_pair, near=NEAR_CT, radius=1)
    assert {r["distance_miles"] for r in near["results"]} == {0.0}
    assert near["sort"] == "distance"
    assert "Maria Garcia" not in names(near)
    # Echo Park (ZIP 90026) is about 2 miles from downtown Los Angeles (90012)
    la = search(api_client, imported_pair, zip="90012", radius=5)
    assert names(la) == ["Maria Garcia"]
    assert 0 < la["results"][0]["distance_miles"] < 5
    assert search(api_client, imported_pair, zip="90012", radius=1)["results"] == []
    assert names(search(api_client, imported_pair, gender="female")) == ["Maria Garcia"]
    assert names(search(api_client, imported_pair, accessibility="handiaccess")) == ["Maria Garcia"]
    assert set(
        names(
            search(api_client, imported_pair, accessibility="adacomp,pubtrans", provider_type="practitioner")
        )
    ) == {
        "Hans Solo, MD",
        "Joe Smith, MD",
    }
    tele = search(api_client, imported_pair, telehealth="true")
    assert set(names(tele)) == {"Susie Smith, LPC", "Pharm Chain", "Hartford General Hospital"}
    pharmacies = search(api_client, imported_pair, provider_type="pharmacy")
    assert names(pharmacies) == ["Pharm Chain", "Pharm Chain", "Pharm Chain"]


def test_search_combines_specialty_radius_language_accepting(api_client, imported_pair):
    body = search(api_client, imported_pair, specialty="family medicine", zip="90026", radius=10, language="es",
                  accepting="true")  # fmt: skip
    assert names(body) == ["Maria Garcia"]
    maria = body["results"][0]
    assert maria["networks"]["participation"] == "medi_cal"
    assert maria["networks"]["medi_cal"] == {"in_network": True, "accepting": "newpt",
                                             "accepting_text": "accepting new patients"}  # fmt: skip
    assert maria["position"]["geo_source"] == "zip_centroid"
    assert maria["specialties"] == [{"code": "207Q00000X", "name": "Family Medicine Physician"}]
    assert {"code": "es", "name": "Spanish"} in maria["languages"]


def test_search_cursor_pagination(api_client, imported_pair):
    seen = []
    body = search(api_client, imported_pair, limit=4)
    pages = 1
    seen += [r["id"] for r in body["results"]]
    while body["next_cursor"]:
        body = search(api_client, imported_pair, limit=4, cursor=body["next_cursor"])
        seen += [r["id"] for r in body["results"]]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 11
    near = search(api_client, imported_pair, near=NEAR_CT, radius=100, limit=2)
    assert near["next"].startswith("http")
    second = search(api_client, imported_pair, near=NEAR_CT, radius=100, limit=2, cursor=near["next_cursor"])
    assert not {r["id"] for r in near["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize(
    ("_case", "params", "field"),
    [
        ("bad near", {"near": "north"}, "near"),
        ("unknown zip", {"zip": "10001"}, "zip"),
        ("radius without place", {"radius": "5"}, "radius"),
        ("radius too big", {"near": "34,-118", "radius": "500"}, "radius"),
        ("bad network", {"network": "all"}, "network"),
        ("bad language", {"language": "klingon"}, "language"),
        ("bad flag", {"accepting": "maybe"}, "accepting"),
    ],
)
def test_search_rejects_bad_filters(api_client, imported_pair, _case, params, field):
    response = api_client.get(SEARCH, {"pair": imported_pair.code, **params})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["extra"]["fields"]


def test_search_unknown_pair_and_bad_cursor(api_client, imported_pair):
    assert api_client.get(SEARCH, {"pair": "nope"}).status_code == 404
    assert api_client.get(SEARCH).status_code == 400
    response = api_client.get(SEARCH, {"pair": imported_pair.code, "cursor": "garbage"})
    assert response.status_code == 400
    assert response.json()["code"] == "directory.invalid_cursor"


def test_member_gets_my_networks_and_default_pair(client_for, member_user, imported_pair):
    # the `member` fixture is aligned in `pair` (= imported_pair)
    client = client_for(member_user)
    body = client.get(SEARCH, {"network": "both"}).json()
    assert body["pair"] == imported_pair.code
    assert body["my_networks"] == {"pair": imported_pair.code, "same_pair": True}
    assert all(r["in_my_networks"] for r in body["results"])
    event = AuditEvent.objects.get(resource="directory_my_networks")
    assert event.member_id == member_user.member.pk
    assert "garcia" not in str(event.params).lower()


def test_provider_detail_has_locations_conflicts_and_sources(api_client, imported_pair):
    hans = UnifiedEntry.objects.get(
        pair=imported_pair, provider_type=HANS[0], identity=HANS[1], address_key=HANS[2]
    )
    response = api_client.get(reverse("v1:directory-provider", args=[hans.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["pair"] == imported_pair.code
    assert body["needs_review"] is True
    assert [c["field"] for c in body["conflicts"]] == ["accepting_new_patients", "languages", "phone"]
    phone = next(c for c in body["conflicts"] if c["field"] == "phone")
    assert (phone["medicare"], phone["medi_cal"], phone["chosen"]) == (
        "1112223333",
        "1112224444",
        "1112224444",
    )
    assert [s["side"] for s in body["sources"]] == ["medicare", "medi_cal"]
    assert "PractitionerRole/HansSoloRole1" in body["sources"][0]["resources"]
    assert body["networks"]["medicare"]["accepting"] == "existptonly"
    assert body["hours"][0]["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert next(loc["id"] for loc in body["locations"]) == str(hans.pk)
    # Hans Solo's NPI is shared in the examples by Joe Smith and the counselor, but they are other types/addresses
    assert len(body["locations"]) == 3


def test_provider_detail_unknown_is_404(api_client, imported_pair):
    response = api_client.get("/api/v1/directory/providers/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [(None, 401), ("member_user", 403), ("vendor_user", 403), ("other_rep_user", 404), ("rep_user", 200),
     ("admin_user", 200)],
)  # fmt: skip
def test_quality_report_authorization(request, client_for, imported_pair, user_fixture, expected):
    user = request.getfixturevalue(user_fixture) if user_fixture else None
    response = client_for(user).get("/api/v1/directory/quality", {"pair": imported_pair.code})
    assert response.status_code == expected


def test_quality_report_counts(client_for, admin_user, imported_pair):
    body = client_for(admin_user).get("/api/v1/directory/quality", {"pair": imported_pair.code}).json()
    counts = body["counts"]
    assert counts["total"] == 11
    assert (counts["both"], counts["medicare_only"], counts["medi_cal_only"]) == (3, 7, 1)
    assert counts["needs_review"] == 2
    assert counts["invalid_npi"] == 4
    assert counts["geocoded_from_zip"] == 1
    assert counts["virtual_only"] == 3
    assert body["conflicts_by_field"] == {
        "accepting_new_patients": 1,
        "languages": 1,
        "phone": 1,
        "specialties": 1,
    }
    assert body["by_provider_type"] == {"facility": 4, "pharmacy": 3, "practitioner": 4}
    assert body["sources"]["medicare"]["entries"] == 10


def test_name_search_by_dictionary_key_pages_and_combines_words(api_client, imported_pair):
    assert names(search(api_client, imported_pair, name="maria garsia")) == ["Maria Garcia"]
    assert search(api_client, imported_pair, name="xavier garsia")["results"] == []
    first = search(api_client, imported_pair, name="smith", limit=1)
    second = search(api_client, imported_pair, name="smith", limit=1, cursor=first["next_cursor"])
    assert [names(first), names(second)] == [["Joe Smith, MD"], ["Susie Smith, LPC"]]
    assert second["next_cursor"] is None
    # filters still apply on the dictionary path
    assert names(search(api_client, imported_pair, name="smith", language="ru")) == ["Susie Smith, LPC"]
