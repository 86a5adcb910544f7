"""Formulary reads: snapshots in force (now or as of a date), unified coverage of a drug for an
aligned pair (with a member's cost), name/RxCUI/NDC search, pharmacy routing numbers of a pair.

The same input-gathering code feeds the unified-table rebuild (services) and the one-drug answers
here, so both apply memberhub.formulary.coverage identically.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from apps.formulary.config import formulary_schedules
from apps.formulary.models import (
    Drug,
    DrugNdc,
    FormularySnapshot,
    MediCalRxDrug,
    PartDCostShare,
    PartDExcludedEntry,
    PartDFormularyEntry,
    PartDInsulinCost,
    PartDPlanFormulary,
    SnapshotSource,
    UnifiedCoverage,
)
from apps.plans.models import AlignedPlanPair, Plan
from memberhub.errors import DomainError
from memberhub.formulary.coverage import (
    Candidate,
    CoverageDecision,
    CoverageStatus,
    DrugFacts,
    MediCalRxEntry,
    PartDEntry,
    PartDSource,
    Pharmacy,
    decide_coverage,
    find_alternatives,
    member_costs,
    pharmacy_routing,
    restriction_summary,
)
from memberhub.formulary.matching import QueryKind, classify_query, group_by_ingredient_strength
from memberhub.formulary.schedules import RoutingNumbers
from memberhub.formulary.spuf import CostKind, CostShare, QuantityLimit
from memberhub.formulary.values import format_ndc


class FormularyQueryError(DomainError):
    code = "formulary.bad_query"
    http_status = 400


class PairNotFound(DomainError):
    code = "formulary.pair_not_found"
    http_status = 404


class DrugNotFound(DomainError):
    code = "formulary.drug_not_found"
    http_status = 404


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- snapshots


def snapshot_in_force(
    *, source: str, contract_year: int | None = None, on: dt.date | None = None
) -> FormularySnapshot | None:
    """The current snapshot (``on`` None) or the one in force on a date.

    As of a date: the latest snapshot whose ``effective_from`` is on or before it; before the
    first one, the earliest (its rows carry their own dates).
    """
    qs = FormularySnapshot.objects.filter(source=source)
    if contract_year is not None:
        qs = qs.filter(contract_year=contract_year)
    if on is None:
        return qs.filter(is_current=True).first()
    found = qs.filter(effective_from__lte=on).order_by("-effective_from", "-created_at").first()
    return found or qs.order_by("effective_from", "created_at").first()


@dataclass(frozen=True)
class SnapshotRef:
    pk: Any
    contract_year: int | None
    effective_from: dt.date


@dataclass(frozen=True)
class PairSnapshots:
    part_d: SnapshotRef | None
    medi_cal_rx: SnapshotRef | None
    formulary_id: str | None


_CURRENT_SNAPSHOTS_SQL = """
WITH p AS (
    SELECT id, contract_year, effective_from FROM formulary_formularysnapshot
    WHERE source = 'partd' AND contract_year = %s AND is_current
), m AS (
    SELECT id, effective_from FROM formulary_formularysnapshot
    WHERE source = 'medi_cal_rx' AND contract_year IS NULL AND is_current
)
SELECT p.id, p.contract_year, p.effective_from, m.id, m.effective_from,
       (SELECT f.formulary_id FROM formulary_partdplanformulary f
        WHERE f.snapshot_id = p.id AND f.contract_id = %s AND f.plan_id = %s AND f.segment_id = %s)
FROM (SELECT 1) AS one LEFT JOIN p ON TRUE LEFT JOIN m ON TRUE
"""


def pair_snapshots(*, pair: AlignedPlanPair, on: dt.date | None = None) -> PairSnapshots:
    """The Part D snapshot of the pair's plan year and the Medi-Cal Rx snapshot, current (one query)
    or in force on ``on``; plus the D-SNP's formulary id in that Part D release."""
    plan = pair.medicare_plan
    segment = plan.segment_id or "000"
    if on is None:
        with connection.cursor() as cursor:
            cursor.execute(_CURRENT_SNAPSHOTS_SQL, [pair.plan_year, plan.contract_id, plan.pbp_id, segment])
            p_id, p_year, p_from, m_id, m_from, formulary_id = cursor.fetchone()
        return PairSnapshots(
            part_d=SnapshotRef(p_id, p_year, p_from) if p_id else None,
            medi_cal_rx=SnapshotRef(m_id, None, m_from) if m_id else None,
            formulary_id=(formulary_id or plan.formulary_id or None) if p_id else None,
        )
    part_d = snapshot_in_force(source=SnapshotSource.PART_D, contract_year=pair.plan_year, on=on)
    medi_cal = snapshot_in_force(source=SnapshotSource.MEDI_CAL_RX, on=on)
    formulary_id: str | None = None
    if part_d is not None:
        formulary_id = (
            PartDPlanFormulary.objects.filter(
                snapshot=part_d, contract_id=plan.contract_id, plan_id=plan.pbp_id, segment_id=segment
            )
            .values_list("formulary_id", flat=True)
            .first()
        ) or (plan.formulary_id or None)
    return PairSnapshots(
        part_d=SnapshotRef(part_d.pk, part_d.contract_year, part_d.effective_from) if part_d else None,
        medi_cal_rx=SnapshotRef(medi_cal.pk, None, medi_cal.effective_from) if medi_cal else None,
        formulary_id=formulary_id,
    )


# --------------------------------------------------------------------------- coverage inputs


@dataclass(frozen=True)
class CoverageInput:
    drug: DrugFacts
    part_d: PartDEntry | None
    supplemental: PartDEntry | None
    medi_cal_rx: MediCalRxEntry | None
    medi_cal_row: dict[str, Any] | None


def _ql(flag: bool, amount: Decimal | None, days: int | None) -> QuantityLimit | None:
    if not flag and amount is None and days is None:
        return None
    return QuantityLimit(amount=amount, days=days)


def drug_facts(row: dict[str, Any]) -> DrugFacts:
    return DrugFacts(
        rxcui=row["rxcui"],
        name=row["name"],
        ingredient_key=row["ingredient_key"],
        strength=row["strength"] or None,
        dose_form=row["dose_form"] or None,
        is_brand=row["is_brand"],
    )


DRUG_FIELDS = ("rxcui", "name", "ingredient_key", "strength", "dose_form", "is_brand", "brand_name", "tty")


_INPUTS_SQL = """
SELECT 'p' AS kind, e.rxcui, json_build_array(
    e.tier, e.has_quantity_limit, e.quantity_limit_amount::text, e.quantity_limit_days,
    e.has_prior_authorization, e.has_step_therapy, e.is_selected_drug, false) AS data, e.tier AS o1, e.source_line AS o2
FROM formulary_partdformularyentry e
WHERE e.snapshot_id = %(p)s AND e.formulary_id = %(f)s AND (%(all)s OR e.rxcui = ANY(%(rx)s))
UNION ALL
SELECT 'x', x.rxcui, json_build_array(
    x.tier, x.has_quantity_limit, x.quantity_limit_amount::text, x.quantity_limit_days,
    x.has_prior_authorization, x.has_step_therapy, false, x.is_capped_benefit), 0, x.source_line
FROM formulary_partdexcludedentry x
WHERE x.snapshot_id = %(p)s AND x.contract_id = %(c)s AND x.plan_id = %(pl)s AND (%(all)s OR x.rxcui = ANY(%(rx)s))
UNION ALL
SELECT 'm', m.rxcui, json_build_array(
    m.cdl_part, m.is_code_1, m.restriction_text, m.age_min, m.age_max, m.quantity_limit_amount::text,
    m.quantity_limit_days, m.labeler_codes, m.diagnosis_restriction, m.has_step_therapy,
    m.has_prior_authorization, m.part_d_excluded_category, m.drug_name, m.strength, m.dosage_form,
    m.billing_unit, m.effective_from, m.effective_to), 0, m.source_line
FROM formulary_medicalrxdrug m
WHERE m.snapshot_id = %(m)s AND m.rxcui <> '' AND m.effective_from <= %(on)s
  AND (m.effective_to IS NULL OR m.effective_to >= %(on)s) AND (%(all)s OR m.rxcui = ANY(%(rx)s))
ORDER BY 1, 2, 4, 5
"""


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def coverage_inputs(
    *,
    pair: AlignedPlanPair,
    snapshots: PairSnapshots,
    rxcuis: Collection[str] | None,
    on: dt.date,
    drug_rows: Iterable[dict[str, Any]] | None = None,
) -> dict[str, CoverageInput]:
    """Everything the pure rules need for ``rxcuis`` (None = every drug either program lists):
    Part D formulary entries, the plan's supplemental (excluded-drug) entries and the Medi-Cal Rx
    entries in force on ``on``, read in one query."""
    plan = pair.medicare_plan
    part_d: dict[str, PartDEntry] = {}
    supplemental: dict[str, PartDEntry] = {}
    medi_cal: dict[str, tuple[MediCalRxEntry, dict[str, Any]]] = {}
    params = {
        "p": snapshots.part_d.pk if snapshots.part_d is not None and snapshots.formulary_id else None,
        "f": snapshots.formulary_id or "",
        "c": plan.contract_id,
        "pl": plan.pbp_id,
        "m": snapshots.medi_cal_rx.pk if snapshots.medi_cal_rx is not None else None,
        "on": on,
        "all": rxcuis is None,
        "rx": list(rxcuis or []),
    }
    with connection.cursor() as cursor:
        cursor.execute(_INPUTS_SQL, params)
        rows = cursor.fetchall()
    for kind, rxcui, data, _o1, _o2 in rows:
        if kind in ("p", "x"):
            target = part_d if kind == "p" else supplemental
            if rxcui in target:
                continue  # several NDCs of one RxCUI: the first (lowest tier) answers
            tier, has_ql, ql_amount, ql_days, has_pa, has_st, selected, capped = data
            target[rxcui] = PartDEntry(
                tier=tier,
                source=PartDSource.FORMULARY if kind == "p" else PartDSource.SUPPLEMENTAL,
                has_prior_authorization=has_pa,
                has_step_therapy=has_st,
                quantity_limit=_ql(has_ql, _dec(ql_amount), ql_days),
                is_selected_drug=selected,
                is_capped_benefit=capped,
            )
        elif rxcui not in medi_cal:
            (part, code_1, text, age_min, age_max, ql_amount, ql_days, labelers, diagnosis, has_st, has_pa,
             category, name, strength, form, unit, start, end) = data  # fmt: skip
            medi_cal[rxcui] = (
                MediCalRxEntry(
                    cdl_part=part,
                    is_code_1=code_1,
                    restriction_text=text or None,
                    age_min=age_min,
                    age_max=age_max,
                    quantity_limit=_ql(False, _dec(ql_amount), ql_days),
                    labeler_codes=tuple(c for c in labelers.split(";") if c),
                    diagnosis_restriction=diagnosis or None,
                    has_step_therapy=has_st,
                    has_prior_authorization=has_pa,
                    part_d_excluded_category=category or None,
                ),
                {
                    "drug_name": name,
                    "strength": strength,
                    "dosage_form": form,
                    "billing_unit": unit,
                    "effective_from": dt.date.fromisoformat(start),
                    "effective_to": dt.date.fromisoformat(end) if end else None,
                },
            )
    wanted = set(rxcuis) if rxcuis is not None else set(part_d) | set(supplemental) | set(medi_cal)
    if drug_rows is None:
        drug_rows = Drug.objects.filter(rxcui__in=list(wanted)).values(*DRUG_FIELDS)
    drugs = {d["rxcui"]: d for d in drug_rows}
    result: dict[str, CoverageInput] = {}
    for rxcui in sorted(wanted):
        row = drugs.get(rxcui)
        if row is None:
            continue
        mc = medi_cal.get(rxcui)
        result[rxcui] = CoverageInput(
            drug=drug_facts(row),
            part_d=part_d.get(rxcui),
            supplemental=supplemental.get(rxcui),
            medi_cal_rx=mc[0] if mc else None,
            medi_cal_row=mc[1] if mc else None,
        )
    return result


def decide(inp: CoverageInput, *, member_age: int | None = None) -> CoverageDecision:
    return decide_coverage(
        drug=inp.drug,
        part_d=inp.part_d,
        supplemental=inp.supplemental,
        medi_cal_rx=inp.medi_cal_rx,
        member_age=member_age,
    )


# --------------------------------------------------------------------------- routing


def _plan_numbers(plan: Plan) -> RoutingNumbers | None:
    if plan.rx_bin and plan.rx_pcn and plan.rx_group:
        return RoutingNumbers(bin=plan.rx_bin, pcn=plan.rx_pcn, group=plan.rx_group)
    return None


def pharmacy_routing_numbers(
    *, pair: AlignedPlanPair, on: dt.date | None = None
) -> dict[str, RoutingNumbers | None]:
    on = on or today()
    medi_cal = formulary_schedules().medi_cal_rx_numbers(on=on) or _plan_numbers(pair.medi_cal_plan)
    return {"partd": _plan_numbers(pair.medicare_plan), "medi_cal_rx": medi_cal}


def pharmacy_routing_for_pair(
    *, pair: AlignedPlanPair, on: dt.date | None = None
) -> dict[str, dict[str, str] | None]:
    """BIN/PCN/Group a pharmacy bills for this pair: ``partd`` (the D-SNP's numbers) and
    ``medi_cal_rx`` (the effective-dated Medi-Cal Rx numbers from config, falling back to the
    Medi-Cal plan's own rx fields). For ID cards and apps."""
    numbers = pharmacy_routing_numbers(pair=pair, on=on)
    return {key: (value.as_dict() if value is not None else None) for key, value in numbers.items()}


# --------------------------------------------------------------------------- one drug


def _plain(value: Decimal | None) -> str | None:
    """Decimal without exponent or trailing zeros: 240.00000 -> "240", 0.40 -> "0.4"."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _ql_json(ql: Any) -> dict[str, Any] | None:
    if ql is None:
        return None
    return {"amount": _plain(ql["amount"]), "days": ql["days"]}


def _tier_costs(
    *, snapshot: FormularySnapshot, plan: Plan, tier: int
) -> dict[tuple[int, Pharmacy], CostShare]:
    rows = list(
        PartDCostShare.objects.filter(
            snapshot_id=snapshot.pk,
            contract_id=plan.contract_id,
            plan_id=plan.pbp_id,
            segment_id=plan.segment_id or "000",
            tier=tier,
            coverage_level__in=[0, 1],
            days_supply_code__in=[1, 2],
        ).values()
    )
    level = 1 if any(r["coverage_level"] == 1 for r in rows) else 0
    costs: dict[tuple[int, Pharmacy], CostShare] = {}
    for r in rows:
        if r["coverage_level"] != level:
            continue
        days = 30 if r["days_supply_code"] == 1 else 90
        costs[(days, Pharmacy.PREFERRED)] = CostShare(
            CostKind(r["pref_kind"]), r["pref_amount"], r["pref_min"], r["pref_max"]
        )
        costs[(days, Pharmacy.STANDARD)] = CostShare(
            CostKind(r["std_kind"]), r["std_amount"], r["std_min"], r["std_max"]
        )
    return costs


def _insulin_costs(
    *, snapshot: SnapshotRef, plan: Plan, tier: int, costs: dict[tuple[int, Pharmacy], CostShare]
) -> dict[tuple[int, Pharmacy], CostShare]:
    rows = PartDInsulinCost.objects.filter(
        snapshot_id=snapshot.pk,
        contract_id=plan.contract_id,
        plan_id=plan.pbp_id,
        segment_id=plan.segment_id or "000",
    ).filter(Q(tier=tier) | Q(tier__isnull=True))
    result = dict(costs)
    for r in rows.order_by("tier").values():
        if r["days_supply_code"] not in (1, 2):
            continue
        days = 30 if r["days_supply_code"] == 1 else 90
        for pharmacy, copay, coins in (
            (Pharmacy.PREFERRED, r["copay_pref"], r["coinsurance_pref"]),
            (Pharmacy.STANDARD, r["copay_std"], r["coinsurance_std"]),
        ):
            if copay is not None:
                result[(days, pharmacy)] = CostShare(CostKind.COPAY, copay)
            elif coins is not None:
                result[(days, pharmacy)] = CostShare(CostKind.COINSURANCE, coins)
    return result


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def drug_coverage_get(
    *,
    pair: AlignedPlanPair,
    rxcui: str,
    on: dt.date | None = None,
    member: Any = None,
) -> dict[str, Any]:
    """The unified answer for one drug in a pair: payer(s), tier, restrictions, effective dates,
    pharmacy routing, alternatives, and (with ``member``) that member's cost."""
    as_of = on or today()
    # the drug and every drug with the same ingredient(s) (alternatives), in one query
    same = Drug.objects.filter(rxcui=rxcui).exclude(ingredient_key="").values("ingredient_key")[:1]
    siblings = Drug.objects.filter(ingredient_key=Subquery(same)).order_by("rxcui").values(*DRUG_FIELDS)[:200]
    rows = list(Drug.objects.filter(rxcui=rxcui).values(*DRUG_FIELDS).union(siblings))
    drug_row = next((r for r in rows if r["rxcui"] == rxcui), None)
    if drug_row is None:
        raise DrugNotFound(f"No drug with RxCUI {rxcui}.", rxcui=rxcui)
    snapshots = pair_snapshots(pair=pair, on=on)
    inputs = coverage_inputs(
        pair=pair, snapshots=snapshots, rxcuis=[r["rxcui"] for r in rows], on=as_of, drug_rows=rows
    )
    inp = inputs[rxcui]
    member_age = _age_on(member.date_of_birth, as_of) if member is not None else None
    decision = decide(inp, member_age=member_age)
    schedules = formulary_schedules()
    restrictions = restriction_summary(decision)
    part_d_json = None
    if decision.part_d is not None:
        part_d_json = {
            "source": decision.part_d.source.value,
            "tier": decision.part_d.tier,
            "tier_label": schedules.tier_label(decision.part_d.tier),
            "prior_authorization": restrictions["prior_authorization"],
            "step_therapy": restrictions["step_therapy"],
            "quantity_limit": _ql_json(restrictions["quantity_limit"]),
            "is_selected_drug": decision.part_d.is_selected_drug,
            "formulary_id": snapshots.formulary_id,
            "contract_year": snapshots.part_d.contract_year if snapshots.part_d else None,
            "effective_from": snapshots.part_d.effective_from.isoformat() if snapshots.part_d else None,
            "effective_to": f"{snapshots.part_d.contract_year}-12-31" if snapshots.part_d else None,
        }
    medi_cal_json = None
    if decision.medi_cal_rx is not None and inp.medi_cal_row is not None:
        mc = restrictions["medi_cal_rx"]
        assert isinstance(mc, dict)
        row = inp.medi_cal_row
        medi_cal_json = {
            **mc,
            "quantity_limit": _ql_json(mc["quantity_limit"]),
            "cdl_part": decision.medi_cal_rx.cdl_part,
            "drug_name": row["drug_name"],
            "strength": row["strength"],
            "dosage_form": row["dosage_form"],
            "billing_unit": row["billing_unit"],
            "effective_from": row["effective_from"].isoformat(),
            "effective_to": row["effective_to"].isoformat() if row["effective_to"] else None,
        }
    numbers = pharmacy_routing_numbers(pair=pair, on=as_of)
    routing = pharmacy_routing(
        decision, part_d_numbers=numbers["partd"], medi_cal_rx_numbers=numbers["medi_cal_rx"]
    )
    candidates = []
    for other, other_inp in inputs.items():
        if other == rxcui:
            continue
        other_decision = decide(other_inp)
        candidates.append(
            Candidate(
                rxcui=other,
                name=other_inp.drug.name,
                ingredient_key=other_inp.drug.ingredient_key,
                strength=other_inp.drug.strength,
                is_brand=other_inp.drug.is_brand,
                tier=other_decision.part_d.tier if other_decision.part_d else None,
                status=other_decision.status,
            )
        )
    # same-ingredient drugs that no program lists are not candidates (coverage_inputs skips none)
    alternatives = find_alternatives(drug=inp.drug, decision=decision, candidates=candidates)
    answer: dict[str, Any] = {
        "pair": pair.code,
        "as_of": as_of.isoformat(),
        "drug": _drug_json(drug_row),
        "coverage": {
            "status": decision.status.value,
            "is_covered": decision.is_covered,
            "primary_payer": decision.primary_payer.value if decision.primary_payer else None,
            "secondary_payer": decision.secondary_payer.value if decision.secondary_payer else None,
            "is_part_d_excluded": decision.is_part_d_excluded,
            "part_d": part_d_json,
            "medi_cal_rx": medi_cal_json,
            "notes": [{"code": n.code, "text": n.text} for n in decision.notes],
        },
        "pharmacy_routing": None
        if routing is None
        else {
            "payer": routing.payer.value,
            "bin": routing.numbers.bin if routing.numbers else None,
            "pcn": routing.numbers.pcn if routing.numbers else None,
            "group": routing.numbers.group if routing.numbers else None,
            "cardholder_id": routing.cardholder_id,
        },
        "alternatives": [
            {
                "rxcui": a.rxcui,
                "name": a.name,
                "reason": a.reason.value,
                "tier": a.tier,
                "tier_label": schedules.tier_label(a.tier),
                "status": a.status.value,
                "same_strength": a.same_strength,
            }
            for a in alternatives
        ],
        "member_cost": None,
    }
    if member is not None:
        answer["member_cost"] = _member_cost(
            pair=pair, snapshots=snapshots, decision=decision, inp=inp, member=member, on=as_of
        )
    return answer


def _member_cost(
    *,
    pair: AlignedPlanPair,
    snapshots: PairSnapshots,
    decision: CoverageDecision,
    inp: CoverageInput,
    member: Any,
    on: dt.date,
) -> dict[str, Any]:
    schedules = formulary_schedules()
    lis_level = int(member.lis_level or 0)
    lis = schedules.lis_copay(level=str(lis_level), on=on) if lis_level else None
    tier_costs: dict[tuple[int, Pharmacy], CostShare] = {}
    if decision.part_d is not None and decision.part_d.tier is not None and snapshots.part_d is not None:
        tier_costs = _tier_costs(
            snapshot=snapshots.part_d, plan=pair.medicare_plan, tier=decision.part_d.tier
        )
        if inp.drug.is_insulin:
            tier_costs = _insulin_costs(
                snapshot=snapshots.part_d,
                plan=pair.medicare_plan,
                tier=decision.part_d.tier,
                costs=tier_costs,
            )
    quotes = member_costs(
        decision=decision,
        drug=inp.drug,
        tier_costs=tier_costs,
        lis=lis,
        insulin_monthly_cap=schedules.insulin_cap(on=on),
        medi_cal_rx_copay=schedules.medi_cal_rx_copay,
    )
    return {
        "lis_level": lis_level,
        "lis_copay": None if lis is None else {"generic": _money(lis.generic), "brand": _money(lis.brand)},
        "quotes": [
            {
                "days_supply": q.days_supply,
                "pharmacy": q.pharmacy.value,
                "payer": q.payer.value,
                "amount": _money(q.amount),
                "coinsurance_rate": _plain(q.coinsurance_rate),
                "maximum": _money(q.maximum),
                "basis": q.basis,
            }
            for q in quotes
        ],
    }


def _drug_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rxcui": row["rxcui"],
        "name": row["name"],
        "ingredient": row["ingredient_key"] or None,
        "strength": row["strength"] or None,
        "dose_form": row["dose_form"] or None,
        "brand_name": row["brand_name"] or None,
        "is_brand": row["is_brand"],
        "tty": row["tty"] or None,
    }


# --------------------------------------------------------------------------- search


_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9./-]*")

_SEARCH_SQL = """
SELECT rxcui, name, ingredient_key, strength, dose_form, is_brand, brand_name, tty
FROM formulary_drug
WHERE NOT is_placeholder
  AND to_tsvector('simple'::regconfig, search_text) @@ to_tsquery('simple'::regconfig, %s)
ORDER BY (search_text LIKE %s) DESC, length(search_text), search_text, rxcui
LIMIT %s
"""

_CORRECTIONS_SQL = """
SELECT t.tok, w.word
FROM unnest(%s::text[]) AS t(tok)
CROSS JOIN LATERAL (
    SELECT word FROM formulary_drugword WHERE word %% t.tok ORDER BY word <-> t.tok, word LIMIT 3
) AS w
"""


def _tsquery(tokens: list[list[str]]) -> str:
    """Every token must prefix-match a word of the name; alternatives (typo fixes) are OR'ed."""
    return " & ".join("(" + " | ".join(f"'{alt}':*" for alt in alts) + ")" for alts in tokens)


def _run_search(tokens: list[list[str]], prefix: str, limit: int) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_SQL, [_tsquery(tokens), prefix.replace("%", "") + "%", limit])
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _name_matches(text: str, limit: int) -> list[dict[str, Any]]:
    """Word-prefix matches (full-text index), whole-name prefix first; then, if that finds too
    little, the same with each long word also replaced by its closest vocabulary words (pg_trgm),
    so "atorvastatn" finds atorvastatin."""
    tokens = _TOKEN_RE.findall(text)
    rows = _run_search([[t] for t in tokens], text, limit)
    fixable = [t for t in tokens if t.isalpha() and len(t) >= 4]
    if len(rows) >= limit or not fixable:
        return rows
    with connection.cursor() as cursor:
        cursor.execute(_CORRECTIONS_SQL, [fixable])
        corrections: dict[str, list[str]] = {}
        for tok, word in cursor.fetchall():
            if word != tok:
                corrections.setdefault(tok, []).append(word)
    if not corrections:
        return rows
    seen = {r["rxcui"] for r in rows}
    more = _run_search([[t, *corrections.get(t, [])] for t in tokens], text, limit)
    return rows + [r for r in more if r["rxcui"] not in seen][: limit - len(rows)]


def drug_search(*, pair: AlignedPlanPair, q: str, limit: int | None = None) -> dict[str, Any]:
    """Search by name (word prefixes, typo tolerant), brand or generic, RxCUI, or NDC in any common
    format; results grouped by ingredient and strength, with the pair's coverage."""
    limit = limit or settings.FORMULARY_SEARCH_LIMIT
    query = classify_query(q)
    if query.kind == QueryKind.RXCUI:
        rows = list(Drug.objects.filter(rxcui=query.text).values(*DRUG_FIELDS))
    elif query.kind == QueryKind.NDC:
        rxcuis = DrugNdc.objects.filter(ndc__in=query.ndcs).values_list("drug_id", flat=True)
        rows = list(Drug.objects.filter(rxcui__in=rxcuis).order_by("name").values(*DRUG_FIELDS)[:limit])
    else:
        text = query.text
        if sum(ch.isalnum() for ch in text) < settings.FORMULARY_SEARCH_MIN_LENGTH:
            raise FormularyQueryError(
                f"Type at least {settings.FORMULARY_SEARCH_MIN_LENGTH} letters of a drug name.", field="q"
            )
        rows = _name_matches(text, limit)
    coverage = {
        c["drug_id"]: c
        for c in UnifiedCoverage.objects.filter(pair=pair, drug_id__in=[r["rxcui"] for r in rows]).values(
            "drug_id", "status", "primary_payer", "secondary_payer", "tier", "has_prior_authorization",
            "has_step_therapy", "has_quantity_limit", "medi_cal_code_1",
        )
    }  # fmt: skip
    schedules = formulary_schedules()
    by_rxcui = {r["rxcui"]: r for r in rows}
    groups = group_by_ingredient_strength([(r["ingredient_key"], r["strength"] or None, r["rxcui"]) for r in rows])
    out_groups = []
    for key, members in groups:
        out_drugs = []
        for member_rxcui in members:
            r = by_rxcui[member_rxcui]
            c = coverage.get(member_rxcui)
            out_drugs.append(
                {
                    **_drug_json(r),
                    "coverage": {
                        "status": c["status"] if c else CoverageStatus.NOT_COVERED.value,
                        "primary_payer": (c["primary_payer"] or None) if c else None,
                        "secondary_payer": (c["secondary_payer"] or None) if c else None,
                        "tier": c["tier"] if c else None,
                        "tier_label": schedules.tier_label(c["tier"]) if c else None,
                        "prior_authorization": bool(c and c["has_prior_authorization"]),
                        "step_therapy": bool(c and c["has_step_therapy"]),
                        "quantity_limit": bool(c and c["has_quantity_limit"]),
                        "medi_cal_code_1": bool(c and c["medi_cal_code_1"]),
                    },
                }
            )
        out_groups.append({"ingredient": key.ingredient or None, "strength": key.strength, "drugs": out_drugs})
    return {
        "pair": pair.code,
        "query": q,
        "kind": query.kind.value,
        "ndcs": [format_ndc(n) for n in query.ndcs],
        "count": len(rows),
        "groups": out_groups,
    }


def member_formulary_pair(*, member: Any, on: dt.date | None = None) -> AlignedPlanPair | None:
    """The pair whose formulary answers for the member on a date: the pair of the D-SNP the member
    is enrolled in that day, for that plan year (one query; the Part D plan decides the formulary,
    Medi-Cal Rx is statewide)."""
    on = on or today()
    from apps.members.models import Enrollment

    dsnp_ids = (
        Enrollment.objects.filter(member=member, start_date__lte=on, plan__kind="medicare_dsnp")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("plan_id")
    )
    return (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(medicare_plan_id__in=dsnp_ids, plan_year=on.year)
        .order_by("code")
        .first()
    )


def pair_get(*, code: str) -> AlignedPlanPair:
    try:
        return AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").get(code=code)
    except AlignedPlanPair.DoesNotExist:
        raise PairNotFound(f"No aligned plan pair {code!r}.", field="pair") from None


def snapshot_list(*, source: str | None = None) -> Iterable[FormularySnapshot]:
    qs = FormularySnapshot.objects.all()
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("source", "-contract_year", "-effective_from", "-created_at")
