"""OAuth2 scopes read from the OAuthScope table (scopes as data, Blue Button style).

DOT asks this backend which scopes exist and which are defaults; `scopes_for_resource` answers which
scopes open an API resource (a URL name such as "v1:me-summary"). The table is tiny and read on every
token-authenticated request, so it is cached per process for SCOPES_CACHE_SECONDS and dropped whenever a
scope row is saved or deleted in this process.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass
from typing import Any

from oauth2_provider.scopes import BaseScopes

SCOPES_CACHE_SECONDS = 60.0

# The scopes memberhub ships with (migration 0003 seeds the same rows). Admins may edit them as data.
SCOPE_SEED: tuple[tuple[str, str, bool, list[str]], ...] = (
    (
        "member.read",
        "Read your member summary, plans, PCP and benefits",
        True,
        ["v1:me-summary", "v1:benefits-me-*"],
    ),
    ("card.read", "Read your ID card", True, ["v1:cards-me", "v1:cards-me-pdf", "v1:cards-me-png"]),
    ("card.request", "Request a replacement ID card", False, ["v1:cards-me-replacement"]),
    ("notices.read", "Read your letters", True, ["v1:notices-me-*"]),
    ("cases.read", "Read the status of your grievances and appeals", True, ["v1:appeals-me-*"]),
    (
        "directory.read",
        "Search the provider directory with your networks",
        True,
        ["v1:directory-search", "v1:directory-provider"],
    ),
    ("formulary.read", "Look up drugs with your costs", True, ["v1:formulary-search", "v1:formulary-drug"]),
    (
        "print_batches",
        "Mailing vendors: pull print batches and manifests, acknowledge, report returned mail",
        False,
        ["v1:print_batches-*"],
    ),
)


@dataclass(frozen=True)
class ScopeRow:
    name: str
    description: str
    is_default: bool
    resources: tuple[str, ...]


_cache: tuple[float, tuple[ScopeRow, ...]] | None = None


def scope_rows() -> tuple[ScopeRow, ...]:
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < SCOPES_CACHE_SECONDS:
        return _cache[1]
    from apps.accounts.models import OAuthScope

    rows = tuple(
        ScopeRow(name=n, description=d, is_default=i, resources=tuple(r))
        for n, d, i, r in OAuthScope.objects.order_by("name").values_list(
            "name", "description", "is_default", "resources"
        )
    )
    _cache = (now, rows)
    return rows


def scopes_cache_clear(**kwargs: Any) -> None:
    global _cache
    _cache = None


def scopes_seed() -> None:
    """Create the shipped scopes that are missing (existing rows, maybe edited by an admin, are kept)."""
    from apps.accounts.models import OAuthScope

    for name, description, is_default, resources in SCOPE_SEED:
        OAuthScope.objects.get_or_create(
            name=name, defaults={"description": description, "is_default": is_default, "resources": resources}
        )
    scopes_cache_clear()


def scopes_for_resource(view_name: str) -> set[str]:
    """Names of the scopes whose resources match this URL name (empty: not a token-protected resource)."""
    return {
        row.name
        for row in scope_rows()
        if any(fnmatch.fnmatchcase(view_name, pattern) for pattern in row.resources)
    }


class DatabaseScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {row.name: row.description for row in scope_rows()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [row.name for row in scope_rows()]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [row.name for row in scope_rows() if row.is_default]
