"""Versioned notice templates: the block structure of a letter, with an effective date.

A template says which blocks a letter has, in which order, under which condition (``when``), and which
catalog message keys they use. Text lives in the translation catalogs; values come from the per-kind
builders. A new version with a later ``effective_from`` replaces the old one for notices issued on or
after that date, and the old version keeps rendering the notices issued under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from memberhub.notices.errors import NoticeTemplateError
from memberhub.notices.kinds import NoticeKind


class BlockType(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    FACTS = "facts"
    DEADLINES = "deadlines"
    CHANGES = "changes"
    CONTACTS = "contacts"


@dataclass(frozen=True)
class FactSpec:
    label: str  # catalog key
    value: str  # name of a builder value


@dataclass(frozen=True)
class BlockSpec:
    type: BlockType
    text: str | None = None  # catalog key (heading/paragraph/list title)
    items: tuple[str, ...] = ()  # catalog keys (list)
    facts: tuple[FactSpec, ...] = ()
    when: str | None = None  # flag name, "not:<flag>" negates

    def applies(self, flags: frozenset[str]) -> bool:
        if self.when is None:
            return True
        if self.when.startswith("not:"):
            return self.when[4:] not in flags
        return self.when in flags

    def message_keys(self) -> set[str]:
        keys = set(self.items) | {f.label for f in self.facts}
        if self.text:
            keys.add(self.text)
        return keys


@dataclass(frozen=True)
class TemplateVersion:
    kind: NoticeKind
    version: int
    effective_from: date
    title: str  # catalog key
    blocks: tuple[BlockSpec, ...]
    omb_control_number: str | None = None
    source: str = ""  # file the template came from

    @property
    def label(self) -> str:
        return f"{self.kind.value}/v{self.version}"

    def message_keys(self) -> set[str]:
        keys = {self.title}
        for block in self.blocks:
            keys |= block.message_keys()
        return keys


def template_version_select(
    versions: tuple[TemplateVersion, ...], *, kind: NoticeKind, as_of: date
) -> TemplateVersion:
    """The version in effect on ``as_of``: the latest ``effective_from`` not after it."""
    in_effect = [v for v in versions if v.kind == kind and v.effective_from <= as_of]
    if not in_effect:
        raise NoticeTemplateError(
            f"No {kind.value} template is in effect on {as_of.isoformat()}",
            extra={"kind": kind.value, "as_of": as_of.isoformat()},
        )
    return max(in_effect, key=lambda v: (v.effective_from, v.version))


def template_version_get(
    versions: tuple[TemplateVersion, ...], *, kind: NoticeKind, version: int
) -> TemplateVersion:
    for v in versions:
        if v.kind == kind and v.version == version:
            return v
    raise NoticeTemplateError(
        f"Template {kind.value}/v{version} does not exist", extra={"kind": kind.value, "version": version}
    )
