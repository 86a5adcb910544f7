"""Writes for plans: load the plans-and-pairs YAML idempotently (refused whole on any problem)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from memberhub.errors import ValidationFailed
from memberhub.plans.config import PlansDocument, parse_plans_document


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(model: Any, lookup: dict[str, object], values: dict[str, object], result: LoadResult) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        result.created += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
        result.updated += 1
    else:
        result.unchanged += 1
    return obj


@transaction.atomic
def plans_apply(*, document: PlansDocument) -> LoadResult:
    result = LoadResult()
    parents = {}
    for parent in document.parents:
        parents[parent.code] = _upsert(
            ParentOrganization, {"code": parent.code}, {"name": parent.name}, result
        )
    plans = {}
    for spec in document.plans:
        phones = dict(spec.phones)
        values: dict[str, object] = {
            "kind": spec.kind,
            "parent": parents[spec.parent],
            "name": spec.name,
            "contract_id": spec.contract_id,
            "pbp_id": spec.pbp_id,
            "segment_id": spec.segment_id,
            "rx_bin": spec.rx_bin,
            "rx_pcn": spec.rx_pcn,
            "rx_group": spec.rx_group,
            "formulary_id": spec.formulary_id,
            "dhcs_plan_code": spec.dhcs_plan_code,
            "website": spec.website,
            "phone_member_services": phones.get("member_services", ""),
            "phone_tty": phones.get("tty", "711"),
            "phone_nurse_line": phones.get("nurse_line", ""),
            "phone_behavioral_health": phones.get("behavioral_health", ""),
            "phone_pharmacy_help": phones.get("pharmacy_help", ""),
        }
        plans[spec.code] = _upsert(Plan, {"code": spec.code}, values, result)
    for pair in document.pairs:
        medicare = plans[pair.medicare]
        _upsert(
            AlignedPlanPair,
            {"code": pair.code},
            {
                "name": pair.name,
                "parent": medicare.parent,
                "medicare_plan": medicare,  # type: ignore[attr-defined]
                "medi_cal_plan": plans[pair.medi_cal],
                "plan_year": pair.plan_year,
                "counties": list(pair.counties),
            },
            result,
        )
    return result


def plans_load_file(*, path: Path) -> LoadResult:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValidationFailed(f"{path}:{where} is not valid YAML", problems=[str(exc)]) from exc
    return plans_apply(document=parse_plans_document(data, source=str(path)))
