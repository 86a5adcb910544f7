"""Formulary benchmark: national-size Part D import, name search and a member's coverage answer.

  python benchmarks/bench_formulary.py all [--queries 300]
  python benchmarks/bench_formulary.py generate      # the synthetic release zip only
  python benchmarks/bench_formulary.py load          # reference drugs + timed Part D import (+ rebuild)
  python benchmarks/bench_formulary.py api           # API latency (timed)

Data (deterministic, seed 2026): 50,000 distinct synthetic drugs (RxNorm-style SCD/SBD names over
~4,200 ingredients, brand and generic) loaded as the drug reference; a national Basic Drugs
Formulary of 1,200,000 rows across 4,000 formularies (300 drugs each), of which 6 belong to our
D-SNPs, in the exact SPUF layouts and packaging (release zip with one nested zip per table, Plan
Information in Windows-1252, CRLF), plus Plan Information (4,000 plans), Beneficiary Cost (80,000
rows), Excluded Drugs and Insulin Beneficiary Cost.

Targets (issue 4): import < 60 s; name search over 50,000 drugs p95 < 20 ms through the API; the
coverage answer with one member's cost p95 < 15 ms. The API is measured over HTTP against gunicorn
(1 sync worker, persistent DB connection, throttles raised out of the way) on 127.0.0.1:8130 with
sequential keep-alive requests; `--in-process` uses Django's test client instead.
Database: $DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mh_bench_formulary; created and
migrated if missing).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mh_bench_formulary")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")
os.environ["API_THROTTLE_ANON"] = "1000000/min"
os.environ["API_THROTTLE_USER"] = "1000000/min"
DATA = Path(os.environ.get("BENCH_FORMULARY_DATA", "/tmp/bench_formulary"))
PORT = 8130
SEED = 2026
N_DRUGS = 50_000
N_FORMULARIES = 4_000
PER_FORMULARY = 300
OURS = 6
YEAR = 2026
STAMP = "20260115"
ZIP_NAME = f"SPUF_{YEAR}_{STAMP}.zip"

SYL = ["ab", "ac", "ad", "al", "am", "an", "ar", "as", "at", "ba", "be", "bi", "bo", "bu", "ca", "ce", "ci", "co", "da", "de", "di", "do", "du", "fa", "fe", "fi", "fo", "ga", "ge", "gi", "go", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "vo", "za", "ze", "zi", "zo"]  # fmt: skip
SUFFIX = ["statin", "pril", "sartan", "olol", "dipine", "azole", "mycin", "cillin", "floxacin", "tidine", "prazole", "triptan", "gliptin", "glitazone", "parin", "xaban", "mab", "nib", "vir", "dronate", "lukast", "setron", "caine", "done", "pam", "lam"]  # fmt: skip
SALTS = ["", "", "", " hydrochloride", " sodium", " calcium", " potassium", " maleate", " succinate"]
FORMS = ["Oral Tablet", "Oral Capsule", "Oral Solution", "Extended Release Oral Tablet", "Injectable Solution",
         "Topical Cream", "Delayed Release Oral Capsule", "Chewable Tablet", "Ophthalmic Solution"]  # fmt: skip
STRENGTHS = ["1 MG", "2.5 MG", "5 MG", "10 MG", "20 MG", "25 MG", "40 MG", "50 MG", "80 MG", "100 MG", "250 MG",
             "500 MG", "1000 MG", "10 MG/ML", "0.1 MG/ML"]  # fmt: skip


def django_setup() -> None:
    import django

    _ensure_database()
    django.setup()
    from config.celery import app

    app.conf.task_always_eager = True  # rebuilds run in-process here, never via the shared broker


def _ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --------------------------------------------------------------------------- data


def synthetic_drugs() -> list[tuple[str, str, str]]:
    """(rxcui, tty, name) for N_DRUGS distinct drugs: generics and brands over many ingredients."""
    rng = random.Random(SEED)
    ingredients: list[str] = []
    seen: set[str] = set()
    while len(ingredients) < 4_200:
        stem = "".join(rng.choice(SYL) for _ in range(rng.randint(1, 3))) + rng.choice(SUFFIX)
        if stem not in seen:
            seen.add(stem)
            ingredients.append(stem + rng.choice(SALTS))
    drugs: list[tuple[str, str, str]] = []
    names: set[str] = set()
    rxcui = 3_000_000
    while len(drugs) < N_DRUGS:
        ing = rng.choice(ingredients)
        if rng.random() < 0.15:
            ing = f"{ing} {rng.choice(STRENGTHS)} / {rng.choice(ingredients)}"
        name = f"{ing} {rng.choice(STRENGTHS)} {rng.choice(FORMS)}"
        tty = "SCD"
        if rng.random() < 0.3:
            brand = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()
            name, tty = f"{name} [{brand}]", "SBD"
        if name in names:
            continue
        names.add(name)
        rxcui += 1
        drugs.append((str(rxcui), tty, name))
    return drugs


def ndc_for(rxcui: str) -> str:
    n = int(rxcui)
    return f"{(n * 7919) % 90000 + 10000:05d}{(n * 104729) % 10000:04d}{n % 100:02d}"


def our_plans() -> list[tuple[str, str, str]]:
    """(contract, pbp, formulary_id) of our 6 D-SNPs."""
    return [(f"H75{i:02d}", "001", f"{10_000 + i * 611:08d}") for i in range(OURS)]


def generate(drugs: list[tuple[str, str, str]]) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    target = DATA / ZIP_NAME
    if target.exists():
        return target
    rng = random.Random(SEED + 1)
    rxcuis = [d[0] for d in drugs]
    ours = {fid: (c, p) for c, p, fid in our_plans()}
    start = time.perf_counter()
    fids = [f"{10_000 + i:08d}" for i in range(N_FORMULARIES)]
    plan_lines = ["CONTRACT_ID|PLAN_ID|SEGMENT_ID|CONTRACT_NAME|PLAN_NAME|FORMULARY_ID|PREMIUM|DEDUCTIBLE|"
                  "MA_REGION_CODE|PDP_REGION_CODE|STATE|COUNTY_CODE|SNP|PLAN_SUPPRESSED_YN"]  # fmt: skip
    cost_lines = ["CONTRACT_ID|PLAN_ID|SEGMENT_ID|COVERAGE_LEVEL|TIER|DAYS_SUPPLY|COST_TYPE_PREF|COST_AMT_PREF|"
                  "COST_MIN_AMT_PREF|COST_MAX_AMT_PREF|COST_TYPE_NONPREF|COST_AMT_NONPREF|COST_MIN_AMT_NONPREF|"
                  "COST_MAX_AMT_NONPREF|COST_TYPE_MAIL_PREF|COST_AMT_MAIL_PREF|COST_MIN_AMT_MAIL_PREF|"
                  "COST_MAX_AMT_MAIL_PREF|COST_TYPE_MAIL_NONPREF|COST_AMT_MAIL_NONPREF|COST_MIN_AMT_MAIL_NONPREF|"
                  "COST_MAX_AMT_MAIL_NONPREF|TIER_SPECIALTY_YN|DED_APPLIES_YN"]  # fmt: skip
    insulin_lines = ["CONTRACT_ID|PLAN_ID|SEGMENT_ID|TIER|DAYS_SUPPLY|copay_amt_pref_insln|copay_amt_nonpref_insln|"
                     "copay_amt_mail_pref_insln|copay_amt_mail_nonpref_insln|coin_amt_pref_insln|"
                     "coin_amt_nonpref_insln|coin_amt_mail_pref_insln|coin_amt_mail_nonpref_insln"]  # fmt: skip
    excluded_lines = ["CONTRACT_ID|PLAN_ID|RXCUI|TIER|QUANTITY_LIMIT_YN|QUANTITY_LIMIT_AMOUNT|QUANTITY_LIMIT_DAYS|"
                      "PRIOR_AUTH_YN|STEP_THERAPY_YN|CAPPED_BENEFIT_YN"]  # fmt: skip
    basic = io.StringIO()
    basic.write("FORMULARY_ID|FORMULARY_VERSION|CONTRACT_YEAR|RXCUI|NDC|TIER_LEVEL_VALUE|QUANTITY_LIMIT_YN|"
                "QUANTITY_LIMIT_AMOUNT|QUANTITY_LIMIT_DAYS|PRIOR_AUTHORIZATION_YN|STEP_THERAPY_YN|"
                "SELECTED_DRUG_YN\r\n")  # fmt: skip
    for i, fid in enumerate(fids):
        contract, pbp = ours.get(fid, (f"{'HSR'[i % 3]}{1000 + i // 3:04d}", f"{i % 3 + 1:03d}"))
        snp = "2" if fid in ours else str(i % 3)
        name = "Plan Médica" if i % 7 == 0 else "Health Plan"
        plan_lines.append(
            f"{contract}|{pbp}|000|{name.upper()} INC.|{name} {i} (HMO)|{fid}|0.00|0| | |CA|05200|{snp}|N"
        )
        for level in (0, 1):
            for tier in range(1, 6):
                for days in (1, 2):
                    amt = f"{tier * 5 * (1 if days == 1 else 3):.2f}"
                    kind = "1" if tier < 4 else "2"
                    val = amt if kind == "1" else "0.25"
                    cost_lines.append(f"{contract}|{pbp}|000|{level}|{tier}|{days}|{kind}|{val}| | |{kind}|{val}| | |"
                                      f"{kind}|{val}| | |{kind}|{val}| | |{'Y' if tier == 5 else 'N'}|N")  # fmt: skip
        insulin_lines.append(f"{contract}|{pbp}|000|.|1|35.00|35.00|35.00|35.00| | | | ")
        if i % 50 == 0 or fid in ours:
            excluded_lines.append(f"{contract}|{pbp}|{rng.choice(rxcuis)}|1|0| | |N|N|N")
        for rxcui in rng.sample(rxcuis, PER_FORMULARY):
            tier = rng.randint(1, 5)
            ql = rng.random() < 0.1
            basic.write(f"{fid}|00000012|{YEAR}|{rxcui}|{ndc_for(rxcui)}|{tier}|{'Y' if ql else 'N'}|"
                        f"{'30' if ql else ' '}|{'30' if ql else ' '}|{'Y' if tier >= 4 and rng.random() < 0.3 else 'N'}|"
                        f"{'Y' if rng.random() < 0.05 else 'N'}|N\r\n")  # fmt: skip
    tables = {
        f"plan information  {STAMP}": ("\r\n".join(plan_lines) + "\r\n").encode("cp1252"),
        f"basic drugs formulary file  {STAMP}": basic.getvalue().encode("ascii"),
        f"beneficiary cost file  {STAMP}": ("\r\n".join(cost_lines) + "\r\n").encode("ascii"),
        f"insulin beneficiary cost file  {STAMP}": ("\r\n".join(insulin_lines) + "\r\n").encode("ascii"),
        f"excluded drugs formulary file  {STAMP}": ("\r\n".join(excluded_lines) + "\r\n").encode("ascii"),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as outer:
        for name, data in tables.items():
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as inner:
                inner.writestr(f"{name}.txt", data)
            outer.writestr(f"{name}.zip", buf.getvalue())
    rows = basic.getvalue().count("\n") - 1
    print(f"generated {target} ({target.stat().st_size / 1e6:.1f} MB zipped, {rows:,} basic formulary rows, "
          f"{len(cost_lines) - 1:,} cost rows) in {time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
    return target


# --------------------------------------------------------------------------- load


def setup_world() -> None:
    import datetime as dt

    from apps.accounts.models import Role, User
    from apps.members.models import Enrollment, Member
    from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan, PlanKind

    parent, _ = ParentOrganization.objects.get_or_create(
        code="bench-formulary", defaults={"name": "Bench Health"}
    )
    for i, (contract, pbp, fid) in enumerate(our_plans()):
        dsnp, _ = Plan.objects.get_or_create(
            code=f"{contract}-{pbp}-000",
            defaults={"kind": PlanKind.MEDICARE_DSNP, "parent": parent, "name": f"Bench D-SNP {i}", "contract_id": contract,
                          "pbp_id": pbp, "segment_id": "000", "formulary_id": fid, "rx_bin": "610011", "rx_pcn": "BENCH",
                          "rx_group": f"BG{i}"},
        )  # fmt: skip
        mc, _ = Plan.objects.get_or_create(
            code=f"MC-BENCH-{i}", defaults={"kind": PlanKind.MEDI_CAL, "parent": parent, "name": f"Bench Medi-Cal {i}",
                                               "dhcs_plan_code": f"9{i:02d}"},
        )  # fmt: skip
        AlignedPlanPair.objects.get_or_create(
            code=f"bench-formulary-{i}",
            defaults={"name": f"Bench Medi-Medi {i}", "parent": parent, "medicare_plan": dsnp, "medi_cal_plan": mc,
                          "plan_year": YEAR, "counties": ["06037"]},
        )  # fmt: skip
    member, created = Member.objects.get_or_create(
        member_id="MHBENCH0001",
        defaults={
            "first_name": "Bench",
            "last_name": "Member",
            "date_of_birth": dt.date(1950, 1, 1),
            "lis_level": 2,
        },
    )
    if created:
        for code in ("H7500-001-000", "MC-BENCH-0"):
            Enrollment.objects.create(member=member, plan=Plan.objects.get(code=code), start_date=dt.date(2026, 1, 1),
                                      subscriber_id=f"S{code}", source="manual")  # fmt: skip
    User.objects.get_or_create(username="bench-member", defaults={"role": Role.MEMBER, "member": member})


def load(zip_path: Path) -> dict[str, float]:
    from apps.formulary.models import Drug, FormularySnapshot, UnifiedCoverage
    from apps.formulary.services import (
        drug_search_indexes_refresh,
        drugs_upsert,
        formulary_import,
        ndc_links_add,
    )
    from apps.plans.models import AlignedPlanPair
    from memberhub.formulary.rxnorm import drug_record

    setup_world()
    figures: dict[str, float] = {}
    if Drug.objects.filter(is_placeholder=False).count() < N_DRUGS:
        start = time.perf_counter()
        drugs = synthetic_drugs()
        drugs_upsert(drug_record(rxcui=r, tty=t, name=n) for r, t, n in drugs)
        ndc_links_add(((ndc_for(r), r) for r, _t, _n in drugs), source="rxnorm")
        drug_search_indexes_refresh()
        print(
            f"drug reference: {N_DRUGS:,} drugs + NDCs loaded in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
    FormularySnapshot.objects.filter(source="partd").delete()  # time a real first import every run
    start = time.perf_counter()
    run = formulary_import(source="partd", path=zip_path)
    elapsed = time.perf_counter() - start
    if run.status != "succeeded":
        raise SystemExit(f"import failed: {run.errors}")
    pairs = AlignedPlanPair.objects.filter(code__startswith="bench-formulary-").count()
    unified = UnifiedCoverage.objects.filter(pair__code__startswith="bench-formulary-").count()
    figures["import_s"] = elapsed
    print(f"IMPORT national Part D release (1,200,000 basic rows, 4,000 formularies, {OURS} ours): {elapsed:.1f} s "
          f"[target < 60 s] -> kept {run.counts['formulary_entries']:,} rows; unified coverage rebuilt for "
          f"{pairs} pairs ({unified:,} rows) inside that time", flush=True)  # fmt: skip
    start = time.perf_counter()
    again = formulary_import(source="partd", path=zip_path)
    print(f"re-import of the same file: {again.status} in {time.perf_counter() - start:.1f} s", flush=True)
    return figures


# --------------------------------------------------------------------------- API


def _queries(n: int) -> tuple[list[str], list[str]]:
    from apps.formulary.models import Drug, PartDFormularyEntry

    rng = random.Random(SEED + 2)
    names = list(
        Drug.objects.filter(is_placeholder=False).values_list("search_text", flat=True)[
            :: max(1, N_DRUGS // 2000)
        ]
    )
    queries = []
    for i in range(n):
        words = rng.choice(names).split()
        word = words[0]
        if i % 3 == 0:  # prefix of the ingredient
            q = word[: max(4, len(word) - 3)]
        elif i % 3 == 1 and len(word) > 6:  # one typo (a dropped letter)
            cut = rng.randrange(2, len(word) - 1)
            q = word[:cut] + word[cut + 1 :]
        else:  # ingredient + strength
            q = " ".join(words[:3])
        queries.append(q)
    rxcuis = list(
        PartDFormularyEntry.objects.filter(formulary_id=our_plans()[0][2]).values_list("rxcui", flat=True)[
            : max(n, 50)
        ]
    )
    return queries, rxcuis


def api(n: int, in_process: bool) -> dict[str, float]:
    from django.test import Client

    from apps.accounts.models import User

    queries, rxcuis = _queries(n)
    member_client = Client()
    member_client.force_login(User.objects.get(username="bench-member"))
    session = member_client.cookies["sessionid"].value
    figures: dict[str, float] = {}
    server = None
    try:
        if in_process:
            anon = Client()

            def get(path: str, cookie: str | None = None) -> tuple[int, float]:
                client = member_client if cookie else anon
                start = time.perf_counter()
                response = client.get(path)
                return response.status_code, time.perf_counter() - start
        else:
            env = {**os.environ}
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "1",
                 "--log-level", "warning"], cwd=ROOT, env=env,
            )  # fmt: skip
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            for _ in range(100):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                    conn.request("GET", "/healthz")
                    conn.getresponse().read()
                    break
                except OSError:
                    time.sleep(0.2)

            def get(path: str, cookie: str | None = None) -> tuple[int, float]:
                headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status, time.perf_counter() - start

        def measure(label: str, paths: list[str], cookie: str | None, target_ms: float | None) -> None:
            for p in paths[:20]:  # warm-up
                get(p, cookie)
            samples = []
            for p in paths:
                status, seconds = get(p, cookie)
                if status != 200:
                    raise SystemExit(f"{label}: {p} answered {status}")
                samples.append(seconds * 1000)
            samples.sort()
            p50 = statistics.median(samples)
            p95 = samples[int(len(samples) * 0.95) - 1]
            figures[f"{label}_p95_ms"] = p95
            verdict = ""
            if target_ms is not None:
                verdict = f" [target p95 < {target_ms:.0f} ms: {'OK' if p95 < target_ms else 'MISSED'}]"
            where = "in-process" if in_process else "HTTP via gunicorn"
            print(
                f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms over {len(samples)} "
                f"requests{verdict} ({where})",
                flush=True,
            )

        # Reference: the same stack answering the cheapest endpoint (no database), to read the figures
        # below against this shared machine's noise.
        measure("REFERENCE GET /healthz (no DB)", ["/healthz"] * len(queries), None, None)
        search_paths = [
            "/api/v1/formulary/search?" + urlencode({"pair": "bench-formulary-0", "q": q}) for q in queries
        ]
        measure("SEARCH name over 50,000 drugs (prefix, typo, name+strength)", search_paths, None, 20)
        drug_paths = [f"/api/v1/formulary/drugs/{quote(r)}" for r in rxcuis[:n]]
        drug_paths = (drug_paths * (n // max(1, len(drug_paths)) + 1))[:n]
        measure("COVERAGE one member's answer (signed-in, LIS cost)", drug_paths, session, 15)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["all", "generate", "load", "api"])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    if args.command == "generate":
        generate(synthetic_drugs())
        return
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.command in ("all", "load"):
        load(generate(synthetic_drugs()))
    if args.command in ("all", "api"):
        print(
            f"machine load average before the API run: {os.getloadavg()[0]:.2f} (2 cores, shared)", flush=True
        )
        api(args.queries, args.in_process)
        print(f"machine load average after the API run: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
