"""Domain errors: a stable dotted code, a readable message and structured extra data."""

from typing import Any


class DomainError(Exception):
    code: str = "memberhub.error"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra: dict[str, Any] = extra

    def __str__(self) -> str:
        return self.message


class InvalidIdentifier(DomainError):
    """An identifier failed one of its format rules; `rule` names the rule."""

    code = "identifiers.invalid"

    def __init__(self, kind: str, rule: str, message: str) -> None:
        super().__init__(
            f"Invalid {kind}: {message}", code=f"identifiers.{kind.lower().replace(' ', '_')}.{rule}"
        )
        self.kind = kind
        self.rule = rule


class ConfigurationError(DomainError):
    code = "config.invalid"


class ValidationFailed(DomainError):
    """Input (a file, a request) was refused; `problems` lists every problem found."""

    code = "validation.failed"

    def __init__(self, message: str, *, problems: list[str] | None = None, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.problems = problems or []
