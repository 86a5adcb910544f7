"""Formulary reads: snapshots in force (now or as of a date), unified coverage of a drug for an
aligned pair (with a member's cost), name/RxCUI/NDC search, pharmacy routing numbers of a pair.

The same input-gathering code feeds the unified-table rebuild (services) and the one-drug answers
here, so both apply memberhub.formulary.coverage identically.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import weakref
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.formulary.config import formulary_schedules
from apps.formulary.models import (
    Drug,
    DrugNdc,
    FormularySnapshot,
    PartDPlanFormulary,
    SnapshotSource,
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
            p_id, p_year, p_from, m_id, m_from, file_formulary_id = cursor.fetchone()
        return PairSnapshots(
            part_d=SnapshotRef(p_id, p_year, p_from) if p_id else None,
            medi_cal_rx=SnapshotRef(m_id, None, m_from) if m_id else None,
            formulary_id=(file_formulary_id or plan.formulary_id or None) if p_id else None,
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


# --------------------------------------------------------------------------- prepared statements

_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_NAMED_PARAM_RE = re.compile(r"%\((\w+)\)s")


def _to_positional(sql: str, order: list[str]) -> str:
    """``%(name)s`` placeholders -> ``$n`` in ``order`` (for PREPARE)."""
    return _NAMED_PARAM_RE.sub(lambda m: f"${order.index(m.group(1)) + 1}", sql)


def _fetch_prepared(
    name: str, types: str, body: str, args: list[Any]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a hot read as a server-side prepared statement (prepared once per connection), so
    PostgreSQL skips planning it on every request (planning cost more than executing these)."""
    connection.ensure_connection()
    done = _prepared.setdefault(connection.connection, set())
    with connection.cursor() as cursor:
        if name not in done:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"PREPARE {name} ({types}) AS {body}")
            done.add(name)
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(args))})", args)
        return [c.name for c in cursor.description or []], cursor.fetchall()


_DRUG_JSON = (
    "json_build_array(d.name, d.ingredient_key, d.strength, d.dose_form, d.is_brand, d.brand_name, d.tty)"
)

_BUNDLE_SQL = f"""
WITH s AS (
    SELECT
        CASE WHEN %(current)s THEN (SELECT id FROM formulary_formularysnapshot
              WHERE source = 'partd' AND contract_year = %(year)s AND is_current) ELSE %(p)s END AS p_id,
        CASE WHEN %(current)s THEN (SELECT id FROM formulary_formularysnapshot
              WHERE source = 'medi_cal_rx' AND contract_year IS NULL AND is_current) ELSE %(m)s END AS m_id
), sf AS (
    SELECT s.p_id, s.m_id, COALESCE(
        (SELECT f.formulary_id FROM formulary_partdplanformulary f WHERE f.snapshot_id = s.p_id
           AND f.contract_id = %(c)s AND f.plan_id = %(pl)s AND f.segment_id = %(seg)s), %(f)s) AS f_id
    FROM s
), d AS (
    (SELECT * FROM formulary_drug WHERE %(one)s AND rxcui = %(rx1)s)
    UNION
    (SELECT * FROM formulary_drug WHERE %(one)s AND ingredient_key = (
        SELECT ingredient_key FROM formulary_drug WHERE rxcui = %(rx1)s AND ingredient_key <> '')
     ORDER BY rxcui LIMIT 200)
)
SELECT 's' AS kind, '' AS rxcui, json_build_array(
    sf.p_id, p.contract_year, p.effective_from, sf.m_id, m.effective_from, sf.f_id) AS data, 0 AS o1, 0 AS o2
FROM sf LEFT JOIN formulary_formularysnapshot p ON p.id = sf.p_id
LEFT JOIN formulary_formularysnapshot m ON m.id = sf.m_id
UNION ALL
SELECT 'd', d.rxcui, {_DRUG_JSON}, 0, 0 FROM d
UNION ALL
SELECT 'p', e.rxcui, json_build_array(
    e.tier, e.has_quantity_limit, e.quantity_limit_amount::text, e.quantity_limit_days,
    e.has_prior_authorization, e.has_step_therapy, e.is_selected_drug, false), e.tier, e.source_line
FROM formulary_partdformularyentry e, sf
WHERE e.snapshot_id = sf.p_id AND e.formulary_id = sf.f_id
  AND (%(all)s OR e.rxcui IN (SELECT rxcui FROM d) OR e.rxcui = ANY(%(rx)s))
UNION ALL
SELECT 'x', x.rxcui, json_build_array(
    x.tier, x.has_quantity_limit, x.quantity_limit_amount::text, x.quantity_limit_days,
    x.has_prior_authorization, x.has_step_therapy, false, x.is_capped_benefit), 0, x.source_line
FROM formulary_partdexcludedentry x, sf
WHERE x.snapshot_id = sf.p_id AND x.contract_id = %(c)s AND x.plan_id = %(pl)s
  AND (%(all)s OR x.rxcui IN (SELECT rxcui FROM d) OR x.rxcui = ANY(%(rx)s))
UNION ALL
SELECT 'm', m.rxcui, json_build_array(
    m.cdl_part, m.is_code_1, m.restriction_text, m.age_min, m.age_max, m.quantity_limit_amount::text,
    m.quantity_limit_days, m.labeler_codes, m.diagnosis_restriction, m.has_step_therapy,
    m.has_prior_authorization, m.part_d_excluded_category, m.drug_name, m.strength, m.dosage_form,
    m.billing_unit, m.effective_from, m.effective_to), 0, m.source_line
FROM formulary_medicalrxdrug m, sf
WHERE m.snapshot_id = sf.m_id AND m.rxcui <> '' AND m.effective_from <= %(on)s
  AND (m.effective_to IS NULL OR m.effective_to >= %(on)s)
  AND (%(all)s OR m.rxcui IN (SELECT rxcui FROM d) OR m.rxcui = ANY(%(rx)s))
UNION ALL
SELECT 'c', '', json_build_array(
    c.coverage_level, c.tier, c.days_supply_code, c.pref_kind, c.pref_amount::text, c.pref_min::text,
    c.pref_max::text, c.std_kind, c.std_amount::text, c.std_min::text, c.std_max::text), c.tier, c.source_line
FROM formulary_partdcostshare c, sf
WHERE %(costs)s AND c.snapshot_id = sf.p_id AND c.contract_id = %(c)s AND c.plan_id = %(pl)s
  AND c.segment_id = %(seg)s AND c.coverage_level IN (0, 1) AND c.days_supply_code IN (1, 2)
UNION ALL
SELECT 'i', '', json_build_array(
    i.tier, i.days_supply_code, i.copay_pref::text, i.copay_std::text, i.coinsurance_pref::text,
    i.coinsurance_std::text), coalesce(i.tier, 0), i.source_line
FROM formulary_partdinsulincost i, sf
WHERE %(costs)s AND i.snapshot_id = sf.p_id AND i.contract_id = %(c)s AND i.plan_id = %(pl)s
  AND i.segment_id = %(seg)s
ORDER BY 1, 2, 4, 5
"""  # noqa: S608 - no user text is formatted in

_BUNDLE_ORDER = ["current", "year", "p", "m", "c", "pl", "seg", "f", "one", "rx1", "all", "rx", "on", "costs"]
_BUNDLE_TYPES = (
    "boolean, integer, uuid, uuid, text, text, text, text, boolean, text, boolean, text[], date, boolean"
)
_BUNDLE_PREPARED = _to_positional(_BUNDLE_SQL, _BUNDLE_ORDER)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@dataclass
class CoverageBundle:
    snapshots: PairSnapshots
    inputs: dict[str, CoverageInput]
    drug_rows: dict[str, dict[str, Any]]
    costs: dict[str, list[Any]]


def coverage_bundle(
    *,
    pair: AlignedPlanPair,
    on: dt.date,
    snapshots: PairSnapshots | None = None,
    rxcui: str | None = None,
    rxcuis: Collection[str] | None = None,
    with_costs: bool = False,
) -> CoverageBundle:
    """Everything the pure rules need, in one query: the snapshots in force (current when
    ``snapshots`` is None), the drug ``rxcui`` and its same-ingredient drugs (or ``rxcuis``, or with
    neither every drug either program lists), their Part D formulary entries, the plan's
    supplemental (excluded-drug) entries, the Medi-Cal Rx entries in force on ``on`` and, with
    ``with_costs``, the plan's cost-share and insulin rows."""
    plan = pair.medicare_plan
    params = {
        "current": snapshots is None,
        "year": pair.plan_year,
        "p": snapshots.part_d.pk if snapshots is not None and snapshots.part_d is not None else None,
        "m": snapshots.medi_cal_rx.pk
        if snapshots is not None and snapshots.medi_cal_rx is not None
        else None,
        "c": plan.contract_id,
        "pl": plan.pbp_id,
        "seg": plan.segment_id or "000",
        "f": plan.formulary_id or None,
        "one": rxcui is not None,
        "rx1": rxcui or "",
        "all": rxcui is None and rxcuis is None,
        "rx": list(rxcuis or []),
        "on": on,
        "costs": with_costs,
    }
    if rxcui is not None:  # the hot one-drug read: prepared once per connection
        _cols, rows = _fetch_prepared(
            "formulary_bundle_v1", _BUNDLE_TYPES, _BUNDLE_PREPARED, [params[k] for k in _BUNDLE_ORDER]
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(_BUNDLE_SQL, params)
            rows = cursor.fetchall()
    part_d: dict[str, PartDEntry] = {}
    supplemental: dict[str, PartDEntry] = {}
    medi_cal: dict[str, tuple[MediCalRxEntry, dict[str, Any]]] = {}
    costs: dict[str, list[Any]] = {}
    drug_rows: dict[str, dict[str, Any]] = {}
    found = PairSnapshots(None, None, None)
    for kind, row_rxcui, data, _o1, _o2 in rows:
        if kind == "s":
            p_id, p_year, p_from, m_id, m_from, f_id = data
            found = PairSnapshots(
                part_d=SnapshotRef(p_id, p_year, dt.date.fromisoformat(p_from)) if p_id else None,
                medi_cal_rx=SnapshotRef(m_id, None, dt.date.fromisoformat(m_from)) if m_id else None,
                formulary_id=f_id if p_id else None,
            )
        elif kind == "d":
            name, ingredient, strength, form, is_brand, brand, tty = data
            drug_rows[row_rxcui] = {
                "rxcui": row_rxcui, "name": name, "ingredient_key": ingredient, "strength": strength,
                "dose_form": form, "is_brand": is_brand, "brand_name": brand, "tty": tty,
            }  # fmt: skip
        elif kind in ("c", "i"):
            costs.setdefault("cost" if kind == "c" else "insulin", []).append(data)
        elif kind in ("p", "x"):
            target = part_d if kind == "p" else supplemental
            if row_rxcui in target:
                continue  # several NDCs of one RxCUI: the first (lowest tier) answers
            tier, has_ql, ql_amount, ql_days, has_pa, has_st, selected, capped = data
            target[row_rxcui] = PartDEntry(
                tier=tier,
                source=PartDSource.FORMULARY if kind == "p" else PartDSource.SUPPLEMENTAL,
                has_prior_authorization=has_pa,
                has_step_therapy=has_st,
                quantity_limit=_ql(has_ql, _dec(ql_amount), ql_days),
                is_selected_drug=selected,
                is_capped_benefit=capped,
            )
        elif row_rxcui not in medi_cal:
            (part, code_1, text, age_min, age_max, ql_amount, ql_days, labelers, diagnosis, has_st, has_pa,
             category, name, strength, form, unit, start, end) = data  # fmt: skip
            medi_cal[row_rxcui] = (
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
    if rxcui is not None:
        wanted = set(drug_rows)
    elif rxcuis is not None:
        wanted = set(rxcuis)
    else:
        wanted = set(part_d) | set(supplemental) | set(medi_cal)
    missing = wanted - set(drug_rows)
    if missing:
        for d in Drug.objects.filter(rxcui__in=sorted(missing)).values(*DRUG_FIELDS):
            drug_rows[d["rxcui"]] = d
    inputs: dict[str, CoverageInput] = {}
    for key in sorted(wanted):
        row = drug_rows.get(key)
        if row is None:
            continue
        mc = medi_cal.get(key)
        inputs[key] = CoverageInput(
            drug=drug_facts(row),
            part_d=part_d.get(key),
            supplemental=supplemental.get(key),
            medi_cal_rx=mc[0] if mc else None,
            medi_cal_row=mc[1] if mc else None,
        )
    return CoverageBundle(snapshots=found, inputs=inputs, drug_rows=drug_rows, costs=costs)


def coverage_inputs(
    *, pair: AlignedPlanPair, on: dt.date, snapshots: PairSnapshots | None = None
) -> tuple[PairSnapshots, dict[str, CoverageInput]]:
    """Inputs for every drug either program lists for the pair (the unified-table rebuild)."""
    bundle = coverage_bundle(pair=pair, on=on, snapshots=snapshots)
    return bundle.snapshots, bundle.inputs


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


def _tier_costs(cost_rows: list[Any], tier: int) -> dict[tuple[int, Pharmacy], CostShare]:
    """The plan's cost share for a tier, initial coverage level (pre-deductible level if absent)."""
    rows = [r for r in cost_rows if r[1] == tier]
    level = 1 if any(r[0] == 1 for r in rows) else 0
    costs: dict[tuple[int, Pharmacy], CostShare] = {}
    for lvl, _tier, days_code, p_kind, p_amt, p_min, p_max, s_kind, s_amt, s_min, s_max in rows:
        if lvl != level:
            continue
        days = 30 if days_code == 1 else 90
        costs[(days, Pharmacy.PREFERRED)] = CostShare(CostKind(p_kind), _dec(p_amt), _dec(p_min), _dec(p_max))
        costs[(days, Pharmacy.STANDARD)] = CostShare(CostKind(s_kind), _dec(s_amt), _dec(s_min), _dec(s_max))
    return costs


def _insulin_costs(
    insulin_rows: list[Any], tier: int, costs: dict[tuple[int, Pharmacy], CostShare]
) -> dict[tuple[int, Pharmacy], CostShare]:
    """Insulin Beneficiary Cost rows for the tier (or every tier, '.') override the tier's cost."""
    result = dict(costs)
    for row_tier, days_code, copay_pref, copay_std, coins_pref, coins_std in sorted(
        insulin_rows, key=lambda r: (r[0] is not None, r[0] or 0)
    ):
        if (row_tier is not None and row_tier != tier) or days_code not in (1, 2):
            continue
        days = 30 if days_code == 1 else 90
        for pharmacy, copay, coins in (
            (Pharmacy.PREFERRED, copay_pref, coins_pref),
            (Pharmacy.STANDARD, copay_std, coins_std),
        ):
            if copay is not None:
                result[(days, pharmacy)] = CostShare(CostKind.COPAY, Decimal(copay))
            elif coins is not None:
                result[(days, pharmacy)] = CostShare(CostKind.COINSURANCE, Decimal(coins))
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
    bundle = coverage_bundle(
        pair=pair,
        on=as_of,
        snapshots=pair_snapshots(pair=pair, on=on) if on is not None else None,
        rxcui=rxcui,
        with_costs=member is not None,
    )
    drug_row = bundle.drug_rows.get(rxcui)
    if drug_row is None or rxcui not in bundle.inputs:
        raise DrugNotFound(f"No drug with RxCUI {rxcui}.", rxcui=rxcui)
    snapshots = bundle.snapshots
    inputs = bundle.inputs
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
            decision=decision, inp=inp, member=member, on=as_of, costs=bundle.costs
        )
    return answer


def _member_cost(
    *, decision: CoverageDecision, inp: CoverageInput, member: Any, on: dt.date, costs: dict[str, list[Any]]
) -> dict[str, Any]:
    schedules = formulary_schedules()
    lis_level = int(member.lis_level or 0)
    lis = schedules.lis_copay(level=str(lis_level), on=on) if lis_level else None
    tier_costs: dict[tuple[int, Pharmacy], CostShare] = {}
    if decision.part_d is not None and decision.part_d.tier is not None:
        tier_costs = _tier_costs(costs.get("cost", []), decision.part_d.tier)
        if inp.drug.is_insulin:
            tier_costs = _insulin_costs(costs.get("insulin", []), decision.part_d.tier, tier_costs)
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

_SEARCH_PREPARED = _SEARCH_SQL.replace("%s", "$1", 1).replace("%s", "$2", 1).replace("%s", "$3", 1)

_CORRECTIONS_SQL = """
SELECT t.tok, w.word
FROM unnest(%s::text[]) AS t(tok)
CROSS JOIN LATERAL (
    SELECT word FROM formulary_drugword WHERE word %% t.tok ORDER BY word <-> t.tok, word LIMIT 3
) AS w
"""
_CORRECTIONS_PREPARED = _CORRECTIONS_SQL.replace("%s", "$1").replace("%%", "%")


def _tsquery(tokens: list[list[str]]) -> str:
    """Every token must prefix-match a word of the name; alternatives (typo fixes) are OR'ed."""
    return " & ".join("(" + " | ".join(f"'{alt}':*" for alt in alts) + ")" for alts in tokens)


def _run_search(tokens: list[list[str]], prefix: str, limit: int) -> list[dict[str, Any]]:
    columns, rows = _fetch_prepared(
        "formulary_search_v1", "text, text, integer", _SEARCH_PREPARED,
        [_tsquery(tokens), prefix.replace("%", "") + "%", limit],
    )  # fmt: skip
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _name_matches(text: str, limit: int) -> list[dict[str, Any]]:
    """Word-prefix matches (full-text index), whole-name prefix first; then, if that finds too
    little, the same with each long word also replaced by its closest vocabulary words (pg_trgm),
    so "atorvastatn" finds atorvastatin."""
    tokens = _TOKEN_RE.findall(text)
    rows = _run_search([[t] for t in tokens], text, limit)
    fixable = [t for t in tokens if t.isalpha() and len(t) >= 4]
    if len(rows) >= limit or not fixable:
        return rows
    _cols, found = _fetch_prepared("formulary_corrections_v1", "text[]", _CORRECTIONS_PREPARED, [fixable])
    corrections: dict[str, list[str]] = {}
    for tok, word in found:
        if word != tok:
            corrections.setdefault(tok, []).append(word)
    if not corrections:
        return rows
    seen = {r["rxcui"] for r in rows}
    more = _run_search([[t, *corrections.get(t, [])] for t in tokens], text, limit)
    return rows + [r for r in more if r["rxcui"] not in seen][: limit - len(rows)]


_PAIR_COVERAGE_SQL = """
SELECT rxcui, status, primary_payer, secondary_payer, tier, has_prior_authorization, has_step_therapy,
       has_quantity_limit, medi_cal_code_1
FROM formulary_unifiedcoverage WHERE pair_id = %s AND rxcui = ANY(%s)
"""
_PAIR_COVERAGE_PREPARED = _PAIR_COVERAGE_SQL.replace("%s", "$1", 1).replace("%s", "$2", 1)


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
    coverage: dict[str, dict[str, Any]] = {}
    if rows:
        columns, found_rows = _fetch_prepared(
            "formulary_pair_coverage_v1",
            "uuid, text[]",
            _PAIR_COVERAGE_PREPARED,
            [pair.pk, [r["rxcui"] for r in rows]],
        )
        coverage = {row[0]: dict(zip(columns, row, strict=True)) for row in found_rows}
    schedules = formulary_schedules()
    by_rxcui = {r["rxcui"]: r for r in rows}
    groups = group_by_ingredient_strength(
        [(r["ingredient_key"], r["strength"] or None, r["rxcui"]) for r in rows]
    )
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
        out_groups.append(
            {"ingredient": key.ingredient or None, "strength": key.strength, "drugs": out_drugs}
        )
    return {
        "pair": pair.code,
        "query": q,
        "kind": query.kind.value,
        "ndcs": [format_ndc(n) for n in query.ndcs],
        "count": len(rows),
        "groups": out_groups,
    }


_MEMBER_PAIR_SQL = """
SELECT p.code FROM plans_alignedplanpair p
JOIN members_enrollment e ON e.plan_id = p.medicare_plan_id
JOIN plans_plan pl ON pl.id = e.plan_id AND pl.kind = 'medicare_dsnp'
WHERE e.member_id = %s AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s) AND p.plan_year = %s
ORDER BY p.code LIMIT 1
"""
_MEMBER_PAIR_PREPARED = (
    _MEMBER_PAIR_SQL.replace("%s", "$1", 1)
    .replace("%s", "$2", 1)
    .replace("%s", "$2", 1)
    .replace("%s", "$3", 1)
)


def member_formulary_pair(*, member: Any, on: dt.date | None = None) -> AlignedPlanPair | None:
    """The pair whose formulary answers for the member on a date: the pair of the D-SNP the member
    is enrolled in that day, for that plan year (the Part D plan decides the formulary; Medi-Cal Rx
    is statewide)."""
    on = on or today()
    _cols, rows = _fetch_prepared(
        "formulary_member_pair_v1", "uuid, date, integer", _MEMBER_PAIR_PREPARED, [member.pk, on, on.year]
    )
    return pair_get(code=rows[0][0]) if rows else None


_pair_cache: dict[str, tuple[float, AlignedPlanPair]] = {}


def pair_cache_clear() -> None:
    _pair_cache.clear()


def pair_get(*, code: str) -> AlignedPlanPair:
    """The pair with its two plans; kept in memory for FORMULARY_PAIR_CACHE_SECONDS (reference data
    read on every formulary request)."""
    ttl = settings.FORMULARY_PAIR_CACHE_SECONDS
    now = time.monotonic()
    cached = _pair_cache.get(code)
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        pair = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").get(code=code)
    except AlignedPlanPair.DoesNotExist:
        raise PairNotFound(f"No aligned plan pair {code!r}.", field="pair") from None
    if ttl > 0:
        if len(_pair_cache) > 1000:
            _pair_cache.clear()
        _pair_cache[code] = (now + ttl, pair)
    return pair


def snapshot_list(*, source: str | None = None) -> Iterable[FormularySnapshot]:
    qs = FormularySnapshot.objects.all()
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("source", "-contract_year", "-effective_from", "-created_at")
