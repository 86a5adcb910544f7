"""Errors raised by the appeals domain: a stable dotted code, a message, and extra context."""

from __future__ import annotations

from memberhub.errors import DomainError


class AppealsError(DomainError):
    """Base class for every appeals rule violation. ``code`` is stable and machine-readable."""

    code = "appeals.error"


class RuleTableError(AppealsError):
    """The rule table file is malformed; ``extra`` names the file, rule and field."""

    code = "appeals.rule_table_invalid"


class RuleNotFound(AppealsError):
    code = "appeals.rule_not_found"


class InvalidTimestamp(AppealsError):
    code = "appeals.invalid_timestamp"


class IllegalTransition(AppealsError):
    code = "appeals.illegal_transition"
    http_status = 409


class ExtensionNotAllowed(AppealsError):
    code = "appeals.extension_not_allowed"


class FilingWindowExpired(AppealsError):
    code = "appeals.filing_window_expired"


class ExpediteRefusalNotAllowed(AppealsError):
    code = "appeals.expedite_refusal_not_allowed"


class InvalidCase(AppealsError):
    code = "appeals.invalid_case"


class InvalidDecision(AppealsError):
    code = "appeals.invalid_decision"
