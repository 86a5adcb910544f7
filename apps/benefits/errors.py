"""Benefits error codes (one error shape: the API handler maps http_status)."""

from memberhub.errors import DomainError


class BenefitPairNotFound(DomainError):
    code = "benefits.pair_not_found"
    http_status = 404


class BenefitCatalogMissing(DomainError):
    code = "benefits.catalog_missing"
    http_status = 404


class UnknownCategory(DomainError):
    code = "benefits.unknown_category"
    http_status = 404


class MemberHasNoBenefitPlans(DomainError):
    code = "benefits.no_plans"
    http_status = 404
