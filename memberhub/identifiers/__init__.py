"""Validators and normalizers for the identifiers memberhub handles (DOMAIN.md §6)."""

from memberhub.identifiers.cin import generate_cin, is_valid_cin, normalize_cin
from memberhub.identifiers.drugs import ndc_to_11, normalize_rxcui
from memberhub.identifiers.mbi import generate_mbi, is_valid_mbi, mask_mbi, normalize_mbi
from memberhub.identifiers.medicare import PlanKey, parse_plan_key, validate_contract_id
from memberhub.identifiers.npi import card_issuer_id, is_valid_npi, normalize_npi, npi_check_digit

__all__ = [
    "PlanKey",
    "card_issuer_id",
    "generate_cin",
    "generate_mbi",
    "is_valid_cin",
    "is_valid_mbi",
    "is_valid_npi",
    "mask_mbi",
    "ndc_to_11",
    "normalize_cin",
    "normalize_mbi",
    "normalize_npi",
    "normalize_rxcui",
    "npi_check_digit",
    "parse_plan_key",
    "validate_contract_id",
]
