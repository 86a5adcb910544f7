"""Deterministic synthetic members for demos and benchmarks (no real person's data)."""

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from memberhub.identifiers.cin import generate_cin
from memberhub.identifiers.mbi import generate_mbi
from memberhub.identifiers.npi import generate_npi

# California threshold languages, weighted roughly like the dual-eligible population (English and Spanish first).
LANGUAGE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("en", 46),
    ("es", 32),
    ("zh", 6),
    ("vi", 4),
    ("tl", 3),
    ("ko", 3),
    ("hy", 2),
    ("ru", 1),
    ("fa", 1),
    ("ar", 1),
    ("km", 1),
)
FIRST_NAMES = {
    "en": (
        ("Mary", "F"),
        ("Patricia", "F"),
        ("Linda", "F"),
        ("Barbara", "F"),
        ("James", "M"),
        ("Robert", "M"),
        ("John", "M"),
        ("William", "M"),
        ("Dorothy", "F"),
        ("Richard", "M"),
        ("Betty", "F"),
        ("Charles", "M"),
    ),
    "es": (
        ("María", "F"),
        ("José", "M"),
        ("Guadalupe", "F"),
        ("Juan", "M"),
        ("Rosa", "F"),
        ("Jesús", "M"),
        ("Carmen", "F"),
        ("Francisco", "M"),
        ("Socorro", "F"),
        ("Manuel", "M"),
        ("Esperanza", "F"),
        ("Luis", "M"),
    ),
    "zh": (("Mei", "F"), ("Wei", "M"), ("Li", "F"), ("Jian", "M"), ("Xiu Ying", "F"), ("Ming", "M")),
    "vi": (("Lan", "F"), ("Minh", "M"), ("Thu", "F"), ("Hung", "M"), ("Mai", "F"), ("Tuan", "M")),
    "tl": (("Maria Luz", "F"), ("Rogelio", "M"), ("Corazon", "F"), ("Eduardo", "M"), ("Remedios", "F")),
    "ko": (("Young-ja", "F"), ("Sung-ho", "M"), ("Mi-kyung", "F"), ("Jae-won", "M")),
    "hy": (("Anahit", "F"), ("Armen", "M"), ("Siranush", "F"), ("Vahe", "M")),
    "ru": (("Galina", "F"), ("Sergei", "M"), ("Tatiana", "F"), ("Vladimir", "M")),
    "fa": (("Parvin", "F"), ("Reza", "M"), ("Mahin", "F"), ("Hossein", "M")),
    "ar": (("Fatima", "F"), ("Ahmad", "M"), ("Layla", "F"), ("Omar", "M")),
    "km": (("Sophea", "F"), ("Sokha", "M"), ("Chanthou", "F"), ("Vuthy", "M")),
}
LAST_NAMES = {
    "en": (
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Jackson",
        "White",
        "Harris",
        "Martin",
        "Thompson",
        "Clark",
        "Lewis",
        "Walker",
    ),
    "es": (
        "García",
        "Hernández",
        "Martínez",
        "López",
        "González",
        "Rodríguez",
        "Pérez",
        "Sánchez",
        "Ramírez",
        "Flores",
        "Torres",
        "Rivera",
        "Gómez",
        "Díaz",
        "Cruz",
        "Morales",
        "Reyes",
        "Gutiérrez",
        "Ortiz",
    ),
    "zh": ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Wu", "Lin"),
    "vi": ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"),
    "tl": ("Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Mendoza", "Villanueva"),
    "ko": ("Kim", "Lee", "Park", "Choi", "Jung", "Kang"),
    "hy": ("Petrosyan", "Sargsyan", "Hakobyan", "Grigoryan", "Harutyunyan"),
    "ru": ("Ivanov", "Smirnova", "Kuznetsov", "Popova", "Volkov"),
    "fa": ("Hosseini", "Mohammadi", "Rezaei", "Karimi", "Ahmadi"),
    "ar": ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh"),
    "km": ("Sok", "Chea", "Keo", "Meas", "Phan"),
}
STREETS = (
    "Main St",
    "Oak Ave",
    "Maple St",
    "Cedar Ave",
    "Sunset Blvd",
    "Mission St",
    "Broadway",
    "Pine St",
    "Lincoln Ave",
    "Washington Blvd",
    "Figueroa St",
    "Alvarado St",
    "Harbor Blvd",
    "El Cajon Blvd",
)
# (FIPS county, city, ZIP, 2-digit DHCS county code) — real California places.
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "06037": (
        ("Los Angeles", "90012"),
        ("Los Angeles", "90033"),
        ("East Los Angeles", "90022"),
        ("Pasadena", "91101"),
        ("Long Beach", "90813"),
        ("Glendale", "91205"),
        ("Pomona", "91766"),
        ("Lancaster", "93534"),
        ("Inglewood", "90301"),
        ("El Monte", "91731"),
    ),
    "06059": (
        ("Santa Ana", "92701"),
        ("Anaheim", "92805"),
        ("Garden Grove", "92840"),
        ("Westminster", "92683"),
        ("Irvine", "92618"),
        ("Fullerton", "92832"),
    ),
    "06073": (
        ("San Diego", "92101"),
        ("Chula Vista", "91910"),
        ("National City", "91950"),
        ("El Cajon", "92020"),
        ("Escondido", "92025"),
        ("Oceanside", "92054"),
    ),
    "06065": (("Riverside", "92501"), ("Moreno Valley", "92553"), ("Indio", "92201"), ("Perris", "92570")),
}
DHCS_COUNTY = {"06037": "19", "06059": "30", "06073": "37", "06065": "33"}
AID_CODES = ("10", "20", "60", "1H", "6H", "17", "27", "67")
PCP_NAMES = (
    ("Ana Morales, MD", "Eastside Family Medical Group"),
    ("David Chen, MD", "Pacific Asian Health Partners"),
    ("Linh Tran, DO", "Harbor Community Clinic"),
    ("Robert Kim, MD", "Valley Independent Physicians"),
    ("Sarah Goldberg, MD", "Westside Medical Associates"),
    ("Miguel Ortega, MD", "Clínica Familiar del Sur"),
    ("Aisha Rahman, MD", "Community Health Alliance"),
    ("Grace Park, NP", "Golden Valley Primary Care"),
)
COORDINATORS = ("Jordan Ellis, RN", "Maribel Castro, LCSW", "Kevin Huang, RN", "Lucia Navarro, MSW")


@dataclass(frozen=True)
class PairChoice:
    pair_code: str
    medicare_plan_code: str
    medi_cal_plan_code: str
    counties: tuple[str, ...]
    phone: str


@dataclass(frozen=True)
class DemoEnrollment:
    plan_code: str
    start_date: dt.date
    end_date: dt.date | None
    subscriber_id: str


@dataclass(frozen=True)
class DemoMember:
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    mbi: str | None
    medi_cal_cin: str | None
    medi_cal_aid_code: str
    dual_status: str
    lis_level: int
    address_line1: str
    city: str
    zip_code: str
    county_fips: str
    phone: str
    email: str
    spoken_language: str
    written_language: str
    alternate_format: str
    delivery_preference: str
    enrollments: tuple[DemoEnrollment, ...]
    pcp_npi: str | None
    pcp_name: str
    pcp_group: str
    pcp_phone: str
    coordinator_name: str
    coordinator_phone: str
    scenario: str


def _weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weights], weights=[w[1] for w in weights], k=1)[0]


def generate_members(
    *, count: int, seed: int, pairs: Sequence[PairChoice], member_id_prefix: str = "MH", plan_year: int = 2026
) -> Iterator[DemoMember]:
    """Yield `count` members; the same (count, seed, pairs) always yields the same members."""
    if not pairs:
        return
    rng = random.Random(seed)
    used_mbi: set[str] = set()
    used_cin: set[str] = set()
    year_start = dt.date(plan_year, 1, 1)
    for index in range(1, count + 1):
        pair = pairs[(index - 1) % len(pairs)]
        other = pairs[index % len(pairs)]
        language = _weighted(rng, LANGUAGE_WEIGHTS)
        first, sex = rng.choice(FIRST_NAMES[language])
        last = rng.choice(LAST_NAMES[language])
        age = rng.choices((rng.randint(27, 64), rng.randint(65, 94)), weights=(25, 75), k=1)[0]
        dob = dt.date(plan_year - age, rng.randint(1, 12), rng.randint(1, 28))
        county = rng.choice(pair.counties)
        city, zip_code = rng.choice(PLACES.get(county, PLACES["06037"]))
        mbi = generate_mbi(rng)
        while mbi in used_mbi:
            mbi = generate_mbi(rng)
        used_mbi.add(mbi)
        cin = generate_cin(rng)
        while cin in used_cin:
            cin = generate_cin(rng)
        used_cin.add(cin)
        roll = rng.random()
        start = year_start if rng.random() < 0.7 else dt.date(plan_year, rng.randint(2, 11), 1)
        sub = f"{index:09d}"
        enrollments: tuple[DemoEnrollment, ...]
        scenario = "aligned"
        if roll < 0.03 and other.pair_code != pair.pair_code:
            scenario = "misaligned"
            enrollments = (
                DemoEnrollment(pair.medicare_plan_code, start, None, "M" + sub),
                DemoEnrollment(other.medi_cal_plan_code, start, None, "C" + sub),
            )
        elif roll < 0.05:
            scenario = "medicare_only"
            lost = dt.date(plan_year, rng.randint(3, 10), 1) - dt.timedelta(days=1)
            enrollments = (
                DemoEnrollment(pair.medicare_plan_code, year_start, None, "M" + sub),
                DemoEnrollment(pair.medi_cal_plan_code, year_start, lost, "C" + sub),
            )
        else:
            enrollments = (
                DemoEnrollment(pair.medicare_plan_code, start, None, "M" + sub),
                DemoEnrollment(pair.medi_cal_plan_code, start, None, "C" + sub),
            )
        dual_status = rng.choices(("full_benefit", "qmb_only", "slmb_only"), weights=(90, 7, 3), k=1)[0]
        lis_level = {"full_benefit": rng.choice((1, 1, 2, 3)), "qmb_only": 4, "slmb_only": 4}[dual_status]
        alt = rng.choices(("", "large_print", "braille", "audio"), weights=(94, 4, 1, 1), k=1)[0]
        pcp_name, pcp_group = rng.choice(PCP_NAMES)
        yield DemoMember(
            member_id=f"{member_id_prefix}{index:08d}",
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            sex=sex,
            mbi=mbi,
            medi_cal_cin=cin,
            medi_cal_aid_code=rng.choice(AID_CODES),
            dual_status=dual_status,
            lis_level=lis_level,
            address_line1=f"{rng.randint(100, 19999)} {rng.choice(STREETS)}",
            city=city,
            zip_code=zip_code,
            county_fips=county,
            phone=f"({rng.choice(('213', '323', '562', '714', '619', '951'))}) 555-{rng.randint(0, 9999):04d}",
            email=f"member{index}@example.com" if rng.random() < 0.3 else "",
            spoken_language=language,
            written_language=language if rng.random() < 0.9 else "en",
            alternate_format=alt,
            delivery_preference=rng.choices(("mail", "electronic", "both"), weights=(80, 10, 10), k=1)[0],
            enrollments=enrollments,
            pcp_npi=generate_npi(rng),
            pcp_name=pcp_name,
            pcp_group=pcp_group,
            pcp_phone=f"(800) 555-{rng.randint(1000, 9999)}",
            coordinator_name=rng.choice(COORDINATORS),
            coordinator_phone=pair.phone,
            scenario=scenario,
        )
