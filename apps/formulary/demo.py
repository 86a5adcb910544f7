"""Demo formularies for the demo pairs, imported through the real importers (idempotent).

1. The 329 real RxNorm drugs (demo_data/usdf-medicationknowledge.ndjson) as the drug reference.
2. A synthetic CMS Part D release per contract year (2026 January quarterly, 2027 October monthly)
   in the exact SPUF layouts (nested zips, Windows-1252 Plan Information) for every D-SNP plan in
   the database, with deterministic, realistic tiers and PA/ST/QL.
3. A Medi-Cal Rx Contract Drugs List CSV listing the Part D-excluded drugs of the seed (OTC, cough
   and cold, vitamins) plus a few Part D drugs, in memberhub's documented layout.

Files are generated deterministically, so a second run imports nothing (same content hash).
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from apps.formulary.services import formulary_import, pair_coverage_rebuild
from apps.ingest.models import ImportStatus
from apps.plans.models import AlignedPlanPair, Plan, PlanKind
from memberhub.formulary.rxnorm import SeedDrug, drug_record, infer_tty, read_medication_knowledge_ndjson

SEED = Path(__file__).resolve().parent / "demo_data" / "usdf-medicationknowledge.ndjson"

SPECIALTY = (
    "dasatinib", "crizotinib", "vemurafenib", "ruxolitinib", "lenalidomide", "axitinib", "vismodegib",
    "vandetanib", "ivacaftor", "fingolimod", "glatiramer", "everolimus", "abiraterone", "sapropterin",
    "icatibant", "belatacept", "octreotide", "docetaxel", "pentostatin",
)  # fmt: skip
OPIOIDS = ("oxycodone", "tapentadol", "hydrocodone", "buprenorphine")
STIMULANTS = ("methylphenidate", "dexmethylphenidate", "amphetamine")
VACCINES = ("vaccine",)
SELECTED = ("rivaroxaban",)  # IRA negotiated drugs for 2026 among the seed drugs
# Part D excludes these by law; Medi-Cal Rx lists some (DOMAIN.md §4.2).
EXCLUDED = {
    "1101446": ("Doxylamine Succinate", "25 mg", "Tablet", "each", 2, "", "otc"),
    "1100457": ("Pyridoxine Hydrochloride", "25 mg", "Tablet", "each", 2, "", "otc"),
    "1049906": ("Diphenhydramine Hydrochloride", "12.5 mg/5 ml", "Liquid", "ml", 3,
                "Restricted to individuals 2 years of age and older.", "otc"),
    "1248057": ("Phenylephrine HCl / Promethazine HCl", "5 mg/6.25 mg/5 ml", "Syrup", "ml", 1,
                "* Restricted to use in the treatment of cough and cold symptoms (Code I).", "cough_cold"),
    "1146002": ("Folic Acid / Pyridoxine / Cyanocobalamin", "2.5 mg/25 mg/2 mg", "Tablet", "each", 1,
                "* Restricted to use in patients with end-stage renal disease (Code I).", "vitamins_minerals"),
    "1234482": ("Multivitamin with Fluoride", "drops", "Drops", "ml", 1,
                "Restricted to individuals younger than 21 years of age.", "vitamins_minerals"),
    "1250090": ("Nonoxynol-9", "3%", "Vaginal Gel", "gm", 2, "", "otc"),
}  # fmt: skip
NOT_MEDI_CAL = {"1291312", "1291367", "1291371", "1093060", "1093073"}  # ED and fertility agents: nobody pays


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _ndc(rxcui: str) -> str:
    return (
        f"{(_h('ndc' + rxcui) % 90000) + 10000:05d}{_h('p' + rxcui) % 10000:04d}{_h('k' + rxcui) % 100:02d}"
    )


def _tier_and_flags(
    drug: SeedDrug, generic_keys: set[tuple[str, str]], year: int, formulary_id: str
) -> tuple[Any, ...] | None:
    rec = drug_record(rxcui=drug.rxcui, tty=infer_tty(drug.name), name=drug.name)
    name = drug.name.lower()
    if drug.rxcui in EXCLUDED or drug.rxcui in NOT_MEDI_CAL:
        return None
    if year == 2027 and drug.rxcui in {"1037049", "1037181"}:  # Pradaxa leaves the 2027 formulary
        return None
    pa = st = selected = False
    ql: tuple[int, int] | None = None
    if any(v in name for v in VACCINES):
        tier = 6
    elif any(s in name for s in SPECIALTY):
        tier, pa = 5, True
    elif rec.is_brand:
        has_generic = (rec.ingredient_key, rec.strength) in generic_keys
        tier = 4 if has_generic else 3
        st = has_generic
        pa = has_generic and _h(formulary_id + drug.rxcui) % 2 == 0
    else:
        tier = 1 if _h(drug.rxcui) % 3 == 0 else 2
        if year == 2027 and tier == 2 and _h("2027" + drug.rxcui) % 5 == 0:
            tier = 1
    if formulary_id.endswith("512") and tier == 4:  # Golden Valley: a four-tier design
        tier = 3
    if any(o in name for o in OPIOIDS):
        ql = (120 if "/" not in drug.name else 180, 30)
    elif any(s in name for s in STIMULANTS):
        ql = (60, 30)
    elif rec.is_brand and tier >= 3:
        ql = (30, 30) if _h("ql" + drug.rxcui) % 4 == 0 else None
    if any(s in name for s in SELECTED):
        selected = True
    return tier, pa, st, ql, selected


def _basic_rows(drugs: list[SeedDrug], formulary_ids: list[str], year: int) -> list[str]:
    generic_keys = set()
    for d in drugs:
        rec = drug_record(rxcui=d.rxcui, tty=infer_tty(d.name), name=d.name)
        if not rec.is_brand:
            generic_keys.add((rec.ingredient_key, rec.strength))
    rows = []
    for fid in formulary_ids:
        version = 18 if year == 2026 else 3
        for d in drugs:
            decided = _tier_and_flags(d, generic_keys, year, fid)
            if decided is None:
                continue
            tier, pa, st, ql, selected = decided
            rows.append(
                "|".join([
                    fid, f"{version:08d}", str(year), d.rxcui, _ndc(d.rxcui), str(tier), "Y" if ql else "N",
                    str(ql[0]) if ql else " ", str(ql[1]) if ql else " ", "Y" if pa else "N", "Y" if st else "N",
                    "Y" if selected else "N",
                ])
            )  # fmt: skip
    return rows


def _cost_rows(plans: list[Plan]) -> list[str]:
    def part(kind: int, amount: str) -> str:
        return f"{kind}|{amount}| | " if kind else "0| | | "

    rows = []
    for plan in plans:
        for level in (0, 1):
            for days in (1, 2):
                m = 1 if days == 1 else 3
                for tier, kind, amount in (
                    (1, 1, "0.00"), (2, 1, f"{5 * m:.2f}"), (3, 1, f"{47 * m:.2f}"), (4, 2, "0.40"),
                    (5, 2 if days == 1 else 0, "0.25"), (6, 1, "0.00"),
                ):  # fmt: skip
                    cost = part(kind, amount)
                    std = part(kind, f"{10 * m:.2f}") if tier == 2 else cost
                    rows.append(
                        "|".join([plan.contract_id, plan.pbp_id, plan.segment_id or "000", str(level), str(tier),
                                  str(days), cost, std, cost, cost, "Y" if tier == 5 else "N", "N"])
                    )  # fmt: skip
    return rows


def _release_zip(target: Path, *, year: int, stamp: str, plans: list[Plan], drugs: list[SeedDrug]) -> Path:
    plan_lines = [
        "CONTRACT_ID|PLAN_ID|SEGMENT_ID|CONTRACT_NAME|PLAN_NAME|FORMULARY_ID|PREMIUM|DEDUCTIBLE|MA_REGION_CODE|"
        "PDP_REGION_CODE|STATE|COUNTY_CODE|SNP|PLAN_SUPPRESSED_YN"
    ]
    for plan in plans:
        for county in ("05200", "05210"):
            plan_lines.append(
                f"{plan.contract_id}|{plan.pbp_id}|{plan.segment_id or '000'}|{plan.parent.name.upper()}, INC.|"
                f"{plan.name}|{plan.formulary_id}|0.00|0|11| |CA|{county}|2|N"
            )
    plan_lines.append(
        "S5601|042|000|SILVERSCRIPT INSURANCE COMPANY|SilverScript Choice (PDP)|00021234|38.20|615| |32|CA|05200|0|N"
    )
    basic = [
        "FORMULARY_ID|FORMULARY_VERSION|CONTRACT_YEAR|RXCUI|NDC|TIER_LEVEL_VALUE|QUANTITY_LIMIT_YN|"
        "QUANTITY_LIMIT_AMOUNT|QUANTITY_LIMIT_DAYS|PRIOR_AUTHORIZATION_YN|STEP_THERAPY_YN|SELECTED_DRUG_YN",
        *_basic_rows(drugs, sorted({p.formulary_id for p in plans}), year),
    ]
    excluded = ["CONTRACT_ID|PLAN_ID|RXCUI|TIER|QUANTITY_LIMIT_YN|QUANTITY_LIMIT_AMOUNT|QUANTITY_LIMIT_DAYS|"
                "PRIOR_AUTH_YN|STEP_THERAPY_YN|CAPPED_BENEFIT_YN"]  # fmt: skip
    for plan in plans:
        if plan.formulary_id.endswith("512"):  # Golden Valley covers two OTCs as a supplemental benefit
            excluded += [f"{plan.contract_id}|{plan.pbp_id}|1101446|1|0| | |N|N|N",
                         f"{plan.contract_id}|{plan.pbp_id}|1248057|1|1|240|30|N|N|N"]  # fmt: skip
    cost = [
        "CONTRACT_ID|PLAN_ID|SEGMENT_ID|COVERAGE_LEVEL|TIER|DAYS_SUPPLY|COST_TYPE_PREF|COST_AMT_PREF|COST_MIN_AMT_PREF|"
        "COST_MAX_AMT_PREF|COST_TYPE_NONPREF|COST_AMT_NONPREF|COST_MIN_AMT_NONPREF|COST_MAX_AMT_NONPREF|"
        "COST_TYPE_MAIL_PREF|COST_AMT_MAIL_PREF|COST_MIN_AMT_MAIL_PREF|COST_MAX_AMT_MAIL_PREF|COST_TYPE_MAIL_NONPREF|"
        "COST_AMT_MAIL_NONPREF|COST_MIN_AMT_MAIL_NONPREF|COST_MAX_AMT_MAIL_NONPREF|TIER_SPECIALTY_YN|DED_APPLIES_YN",
        *_cost_rows(plans),
    ]
    insulin = [
        "CONTRACT_ID|PLAN_ID|SEGMENT_ID|TIER|DAYS_SUPPLY|copay_amt_pref_insln|copay_amt_nonpref_insln|"
        "copay_amt_mail_pref_insln|copay_amt_mail_nonpref_insln|coin_amt_pref_insln|coin_amt_nonpref_insln|"
        "coin_amt_mail_pref_insln|coin_amt_mail_nonpref_insln"
    ]
    for plan in plans:
        insulin += [f"{plan.contract_id}|{plan.pbp_id}|{plan.segment_id or '000'}|.|1|35.00|35.00|35.00|35.00| | | | ",
                    f"{plan.contract_id}|{plan.pbp_id}|{plan.segment_id or '000'}|.|2|105.00|105.00|105.00|105.00| | | | "]  # fmt: skip
    tables = {
        f"plan information  {stamp}": ("\r\n".join(plan_lines) + "\r\n").encode("cp1252", errors="replace"),
        f"basic drugs formulary file  {stamp}": ("\r\n".join(basic) + "\r\n").encode("ascii"),
        f"excluded drugs formulary file  {stamp}": ("\r\n".join(excluded) + "\r\n").encode("ascii"),
        f"beneficiary cost file  {stamp}": ("\r\n".join(cost) + "\r\n").encode("ascii"),
        f"insulin beneficiary cost file  {stamp}": ("\r\n".join(insulin) + "\r\n").encode("ascii"),
    }
    fixed = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same content gives the same zip bytes
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as outer:
        for name, data in tables.items():
            inner_buf = io.BytesIO()
            with zipfile.ZipFile(inner_buf, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                inner.writestr(zipfile.ZipInfo(f"{name}.txt", fixed), data)
            outer.writestr(zipfile.ZipInfo(f"{name}.zip", fixed), inner_buf.getvalue())
    return target


def _cdl_csv(target: Path, drugs: list[SeedDrug]) -> Path:
    names = {d.rxcui: d for d in drugs}
    columns = ["DRUG_NAME", "STRENGTH", "DOSAGE_FORM", "BILLING_UNIT", "NDC", "RXCUI", "CDL_PART", "CODE_1",
               "RESTRICTION_TEXT", "AGE_MIN", "AGE_MAX", "QUANTITY_LIMIT_AMOUNT", "QUANTITY_LIMIT_DAYS",
               "LABELER_CODES", "DIAGNOSIS_RESTRICTION", "STEP_THERAPY", "PRIOR_AUTHORIZATION",
               "PART_D_EXCLUDED_CATEGORY", "EFFECTIVE_FROM", "EFFECTIVE_TO", "REVISION_DATE"]  # fmt: skip
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for rxcui, (name, strength, form, unit, part, text, category) in sorted(EXCLUDED.items()):
        if rxcui not in names:
            continue
        age_min = "2" if "2 years" in text else ""
        age_max = "20" if "younger than 21" in text else ""
        writer.writerow([name, strength, form, unit, "", rxcui, part, "*" if "Code I" in text else "N", text, age_min,
                         age_max, "", "", "", "", "N", "N", category, "2022-01-01", "", "2026-01-01"])  # fmt: skip
    for rxcui, name, strength, form in (
        ("1040031", "Lurasidone Hydrochloride", "40 mg", "Tablet"),
        ("105585", "Methotrexate", "2.5 mg", "Tablet"),
        ("1049221", "Acetaminophen / Oxycodone Hydrochloride", "325 mg/5 mg", "Tablet"),
    ):
        if rxcui in names:
            writer.writerow([name, strength, form, "each", "", rxcui, 1, "N", "", "", "", "", "", "", "", "N", "N", "",
                             "2022-01-01", "", "2026-01-01"])  # fmt: skip
    target.write_text(buf.getvalue(), encoding="utf-8")
    return target


def load_demo(*, stdout: Any) -> None:
    with SEED.open("rb") as fh:
        drugs = list(read_medication_knowledge_ndjson(fh, file=SEED.name))
    plans = list(
        Plan.objects.filter(kind=PlanKind.MEDICARE_DSNP)
        .exclude(formulary_id="")
        .select_related("parent")
        .order_by("code")
    )
    with tempfile.TemporaryDirectory(prefix="formulary-demo-") as tmp:
        root = Path(tmp)
        jobs: list[tuple[str, Path, int | None]] = [("rxnorm", SEED, None)]
        if plans:
            jobs.append(
                (
                    "partd",
                    _release_zip(
                        root / "SPUF_2026_20260115.zip", year=2026, stamp="20260115", plans=plans, drugs=drugs
                    ),
                    None,
                )
            )
            jobs.append(
                (
                    "partd",
                    _release_zip(
                        root / "2027_20261015.zip", year=2027, stamp="20261015", plans=plans, drugs=drugs
                    ),
                    2027,
                )
            )
        jobs.append(("medi_cal_rx", _cdl_csv(root / "medi-cal-rx-cdl-2026-01.csv", drugs), None))
        for source, path, year in jobs:
            run = formulary_import(source=source, path=path, contract_year=year)
            if run.status == ImportStatus.FAILED:
                stdout.write(f"formulary demo: {source} refused: {run.errors[0]['message']}\n")
                continue
            verb = "unchanged" if run.status == ImportStatus.DUPLICATE else "imported"
            stdout.write(f"formulary demo: {source} {path.name} {verb} {run.counts}\n")
    # Build the unified coverage now (the import also queues it for the worker; both are idempotent).
    for pair in AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").order_by("code"):
        count = pair_coverage_rebuild(pair=pair)
        stdout.write(f"formulary demo: {pair.code}: {count} drugs in the unified list\n")
