"""Synthetic California Plan-Net directories for an aligned pair (demo data and the benchmark).

`write_synthetic_directories` writes two NDJSON files (the D-SNP plan's and the Medi-Cal plan's
published directories) in the real Plan-Net shape: Practitioner / Organization / Location /
PractitionerRole / OrganizationAffiliation / Network. A share of each plan's provider locations is
also in the other plan (same NPI and address); a few of those state a different phone, language list
or new-patient status (conflicts); 10% of locations have no coordinates (ZIP-centroid geocoding).
Deterministic for a given seed.
"""

import json
import random
from pathlib import Path
from typing import Any

from memberhub.directory.reference import zip_centroids
from memberhub.identifiers import npi_check_digit

PN = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
Centre = tuple[float, float, float, float]

CENTRES = [
    (34.05, -118.25, 10.0, 0.28), (33.75, -117.87, 3.2, 0.15), (37.77, -122.42, 2.6, 0.12),
    (37.80, -122.27, 2.2, 0.13), (37.34, -121.89, 2.0, 0.13), (32.72, -117.16, 3.3, 0.18),
    (34.00, -117.40, 4.6, 0.30), (38.58, -121.49, 2.4, 0.20), (36.74, -119.79, 1.0, 0.15),
    (35.37, -119.02, 0.9, 0.15), (34.20, -119.18, 0.85, 0.10), (37.96, -121.29, 0.78, 0.10),
    (37.64, -120.99, 0.55, 0.10), (38.44, -122.71, 0.5, 0.10), (34.42, -119.70, 0.45, 0.08),
    (36.68, -121.66, 0.44, 0.10), (33.83, -116.55, 0.45, 0.12), (39.73, -121.84, 0.22, 0.08),
    (40.59, -122.39, 0.18, 0.08), (40.80, -124.16, 0.13, 0.06), (36.33, -119.29, 0.47, 0.10),
    (32.79, -115.56, 0.18, 0.08), (35.28, -120.66, 0.28, 0.08),
]  # fmt: skip
TAXONOMY = [
    ("207Q00000X", 14), ("207R00000X", 12), ("208000000X", 8), ("207V00000X", 5), ("363L00000X", 10),
    ("363A00000X", 6), ("207RC0000X", 3), ("207RE0101X", 1.2), ("207RG0100X", 1.5), ("207RN0300X", 0.8),
    ("207RP1001X", 1.0), ("207RH0003X", 1.2), ("207X00000X", 2.5), ("2084N0400X", 1.5), ("2084P0800X", 3),
    ("103T00000X", 4), ("101YM0800X", 3), ("1041C0700X", 3), ("207W00000X", 1.5), ("152W00000X", 2.5),
    ("207N00000X", 1.2), ("207Y00000X", 0.9), ("208800000X", 0.9), ("208600000X", 2), ("207P00000X", 4),
    ("2085R0202X", 2.5), ("207L00000X", 3), ("122300000X", 6), ("1223G0001X", 2), ("225100000X", 4),
    ("235Z00000X", 1), ("225X00000X", 1), ("133V00000X", 0.5), ("207RI0200X", 0.5), ("207RR0500X", 0.5),
    ("207VM0101X", 0.2), ("163W00000X", 2),
]  # fmt: skip
ORG_TAXONOMY = [("261QF0400X", 1.5), ("3336C0003X", 3), ("282N00000X", 0.3), ("261QM0801X", 0.5)]
LANGS = [("es", 0.35), ("zh", 0.06), ("vi", 0.04), ("tl", 0.04), ("ko", 0.03), ("fa", 0.02), ("hi", 0.02),
         ("hy", 0.015), ("ru", 0.015), ("ar", 0.015), ("pa", 0.015), ("ja", 0.01), ("hmn", 0.005)]  # fmt: skip
QUERY_LANGS = [("en", 55), ("es", 30), ("zh", 4), ("vi", 3), ("tl", 2), ("ko", 2), ("fa", 1), ("hy", 1),
               ("ru", 1), ("ar", 1)]  # fmt: skip
FIRST = ["Maria", "Jose", "Wei", "Linh", "James", "Ana", "Mohammed", "Priya", "David", "Sofia", "Hiroshi", "Fatima", "Carlos", "Emily", "Olga", "Juan", "Aisha", "Robert", "Mei", "Michael", "Jennifer", "Daniel", "Jessica", "Christopher", "Ashley", "Matthew", "Sarah", "Anthony", "Elizabeth", "Joshua", "Andrew", "Kevin", "Brian", "Steven", "Laura", "Rachel", "Thomas", "Nancy", "Karen", "Lisa", "Minh", "Thanh", "Hoa", "Jin", "Soo", "Young", "Arash", "Narine", "Armen", "Sergei", "Anil", "Sunita", "Rajesh", "Gurpreet", "Kenji", "Yuki", "Tou", "Mai", "Rosa", "Guadalupe", "Miguel", "Alejandro", "Ricardo", "Fernando", "Patricia", "Veronica", "Adriana", "Leticia", "Omar", "Layla"]  # fmt: skip
LAST = ["Garcia", "Hernandez", "Nguyen", "Smith", "Lopez", "Chen", "Kim", "Patel", "Rodriguez", "Johnson", "Martinez", "Tran", "Wong", "Singh", "Ramirez", "Brown", "Gonzalez", "Lee", "Flores", "Davis", "Sanchez", "Torres", "Rivera", "Gomez", "Diaz", "Reyes", "Cruz", "Morales", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz", "Alvarez", "Mendoza", "Castillo", "Jimenez", "Vasquez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar", "Vargas", "Guzman", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Shah", "Gupta", "Kumar", "Sharma", "Mehta", "Williams", "Jones", "Miller", "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Young", "Allen", "King", "Wright", "Scott", "Hill"]  # fmt: skip
SYL = [
    "ka",
    "ra",
    "mo",
    "ri",
    "an",
    "el",
    "so",
    "va",
    "te",
    "lin",
    "ber",
    "gar",
    "son",
    "ian",
    "ov",
    "ski",
    "man",
    "ton",
    "ley",
    "ez",
    "it",
    "ash",
    "da",
    "ne",
    "ro",
    "mi",
    "sa",
    "zu",
]
STREETS = ["Main Street", "Oak Avenue", "Mission Boulevard", "El Camino Real", "Broadway", "Wilshire Boulevard", "Harbor Drive", "Pacific Coast Highway", "University Avenue", "Alvarado Street", "First Street", "Valley Road"]  # fmt: skip


def weighted(rng: random.Random, items: list[Any], wi: int = 1) -> Any:
    total = sum(x[wi] for x in items)
    r = rng.random() * total
    for x in items:
        r -= x[wi]
        if r <= 0:
            return x
    return items[-1]


def sample_point(
    rng: random.Random, centres: list[Centre] | None = None, rural: float = 0.04
) -> tuple[float, float]:
    if rng.random() < rural:
        return rng.uniform(32.6, 41.9), rng.uniform(-124.2, -114.3)
    lat, lon, _w, sd = weighted(rng, centres or CENTRES, 2)
    return rng.gauss(lat, sd), rng.gauss(lon, sd * 1.2)


def npi_for(n: int) -> str:
    first = f"1{n:08d}"
    return first + str(npi_check_digit(first))


def last_name(rng: random.Random) -> str:
    if rng.random() < 0.75:
        return rng.choice(LAST)
    return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))).capitalize()


def ext_newpatients(code: str, network: str) -> dict[str, Any]:
    return {
        "url": f"{PN}/StructureDefinition/newpatients",
        "extension": [
            {"url": "acceptingPatients", "valueCodeableConcept": {"coding": [
                {"system": f"{PN}/CodeSystem/AcceptingPatientsCS", "code": code}]}},
            {"url": "fromNetwork", "valueReference": {"reference": f"Organization/{network}"}},
        ],
    }  # fmt: skip


def write_synthetic_directories(
    *,
    out_dir: Path,
    rows: int,
    seed: int = 7,
    overlap: float = 0.6,
    centres: list[Centre] | None = None,
    rural: float = 0.04,
    npi_base: int = 0,
    city: str = "Los Angeles",
    payer_name: str = "Bench Health",
    networks: tuple[str, str] = ("NetA", "NetB"),
) -> dict[str, Path]:
    """Plan A (`plan_A.ndjson`) has items [0, rows), plan B [(1-overlap)*rows, (2-overlap)*rows)."""
    rng = random.Random(seed)
    zips = sorted(zip_centroids().items())
    total = int(rows * (2 - overlap))
    n_locations = max(10, total // 5)
    locations = []
    for i in range(n_locations):
        lat, lon = sample_point(rng, centres, rural)
        zip_code, (_zlat, _zlon) = min(
            (rng.choice(zips) for _ in range(3)), key=lambda z: (z[1][0] - lat) ** 2 + (z[1][1] - lon) ** 2
        )
        has_position = rng.random() >= 0.10
        locations.append(
            {
                "resourceType": "Location", "id": f"loc{i}", "status": "active",
                "meta": {"lastUpdated": "2026-03-01T00:00:00Z"},
                "name": f"{rng.choice(LAST)} Medical Offices",
                "address": {"line": [f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", f"Suite {rng.randint(100, 499)}"],
                            "city": city, "state": "CA", "postalCode": zip_code},
                **({"position": {"latitude": round(lat, 6), "longitude": round(lon, 6)}} if has_position else {}),
                "telecom": [{"system": "phone", "value": f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}"}],
                "extension": [{"url": f"{PN}/StructureDefinition/accessibility", "valueCodeableConcept": {"coding": [
                    {"system": f"{PN}/CodeSystem/AccessibilityCS", "code": "adacomp"}]}}] if rng.random() < 0.6 else [],
            }
        )  # fmt: skip
    # items: (provider index, location index, taxonomy, is_org)
    items: list[tuple[int, int, str, bool]] = []
    provider = 0
    while len(items) < total:
        is_org = rng.random() < 0.06
        tax = weighted(rng, ORG_TAXONOMY if is_org else TAXONOMY)[0]
        for _ in range(1 if is_org else rng.choice((1, 1, 2, 2, 3))):
            items.append((provider, rng.randrange(n_locations), tax, is_org))
            if len(items) >= total:
                break
        provider += 1
    # one role per (provider, location): drop accidental duplicates
    seen: set[tuple[int, int]] = set()
    unique = []
    for item in items:
        if (item[0], item[1]) not in seen:
            seen.add((item[0], item[1]))
            unique.append(item)
    items = unique
    providers: dict[int, dict[str, Any]] = {}
    for prov, _loc, _tax, is_org in items:
        if prov in providers:
            continue
        langs = ["en"] if rng.random() < 0.95 else []
        langs += [code for code, p in LANGS if rng.random() < p]
        providers[prov] = {"org": is_org, "first": rng.choice(FIRST), "last": last_name(rng),
                           "gender": rng.choice(("female", "male")), "langs": langs or ["es"]}  # fmt: skip
    start_b = int(rows * (1 - overlap))
    plans = {"A": (0, rows, networks[0]), "B": (start_b, start_b + rows, networks[1])}
    out = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for label, (lo, hi, network) in plans.items():
        drng = random.Random(f"{seed}-{label}")
        chosen = items[lo:hi]
        path = out_dir / f"plan_{label}.ndjson"
        with path.open("w") as f:
            w = f.write
            w(json.dumps({"resourceType": "Organization", "id": "Payer", "active": True, "name": payer_name,
                          "type": [{"coding": [{"system": f"{PN}/CodeSystem/OrgTypeCS", "code": "payer"}]}]}) + "\n")  # fmt: skip
            w(json.dumps({"resourceType": "Organization", "id": network, "active": True, "name": f"Network {label}",
                          "partOf": {"reference": "Organization/Payer"},
                          "type": [{"coding": [{"system": f"{PN}/CodeSystem/OrgTypeCS", "code": "ntwk"}]}]}) + "\n")  # fmt: skip
            used_locs = sorted({loc for _p, loc, _t, _o in chosen})
            for loc in used_locs:
                w(json.dumps(locations[loc]) + "\n")
            used_provs = sorted({p for p, _l, _t, _o in chosen})
            for prov in used_provs:
                info = providers[prov]
                if info["org"]:
                    w(json.dumps({"resourceType": "Organization", "id": f"org{prov}", "active": True,
                                  "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi_for(npi_base + prov)}],
                                  "name": f"{info['last']} Health Center",
                                  "type": [{"coding": [{"system": f"{PN}/CodeSystem/OrgTypeCS", "code": "fac"}]}]}) + "\n")  # fmt: skip
                    continue
                langs = list(info["langs"])
                if label == "B" and drng.random() < 0.03:
                    langs = [*langs, "vi"] if "vi" not in langs else langs[:1]
                w(json.dumps({
                    "resourceType": "Practitioner", "id": f"pr{prov}", "active": True,
                    "meta": {"lastUpdated": "2026-02-01T00:00:00Z" if label == "A" else "2026-03-01T00:00:00Z"},
                    "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi_for(npi_base + prov)}],
                    "name": [{"family": info["last"], "given": [info["first"]]}], "gender": info["gender"],
                    "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": c}]} for c in langs],
                }) + "\n")  # fmt: skip
            for i, (prov, loc, tax, is_org) in enumerate(chosen, start=lo):
                accepting = "newpt" if (i * 7919) % 10 < 7 else "nopt"
                if label == "B" and drng.random() < 0.03:
                    accepting = "nopt" if accepting == "newpt" else "newpt"
                role: dict[str, Any] = {
                    "active": True, "meta": {"lastUpdated": "2026-03-01T00:00:00Z"},
                    "extension": [ext_newpatients(accepting, network)],
                    "specialty": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": tax}]}],
                    "location": [{"reference": f"Location/loc{loc}"}],
                }  # fmt: skip
                if drng.random() < 0.04:
                    role["telecom"] = [{"system": "phone", "value": f"(415) 555-{drng.randint(0, 9999):04d}"}]
                if is_org:
                    role.update(resourceType="OrganizationAffiliation", id=f"aff{i}",
                                participatingOrganization={"reference": f"Organization/org{prov}"},
                                network=[{"reference": f"Organization/{network}"}],
                                code=[{"coding": [{"system": f"{PN}/CodeSystem/OrganizationAffiliationRoleCS",
                                                   "code": "pharmacy" if tax.startswith("3336") else "outpatient"}]}])  # fmt: skip
                else:
                    role.update(resourceType="PractitionerRole", id=f"role{i}",
                                practitioner={"reference": f"Practitioner/pr{prov}"})  # fmt: skip
                    role["extension"].append({"url": f"{PN}/StructureDefinition/network-reference",
                                              "valueReference": {"reference": f"Organization/{network}"}})  # fmt: skip
                w(json.dumps(role) + "\n")
        out[label] = path
    return out
