"""Notice configuration: rules, formats, languages, catalogs and templates, loaded from YAML files.

Layout of the configuration directory (``config/notices/`` in the project)::

    rules.yaml                    timing anchors, appeal-rights windows, paper rules, formats, co-mailing
    languages.yaml                written languages: names, direction, "help in your language" tagline
    catalogs/<language>.yaml      translation catalog per language (en and es complete)
    templates/<kind>/v<N>.yaml    versioned templates with their effective date

Every value DOMAIN.md tags [U] lives here, with its source, so compliance can confirm it yearly.
Errors name the file and the key that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from memberhub.notices.catalog import ENGLISH, Catalog
from memberhub.notices.errors import NoticeConfigError, UnknownNoticeKind
from memberhub.notices.kinds import NoticeFormat, NoticeKind, kind_value_message_keys, notice_kind_parse
from memberhub.notices.templates import BlockSpec, BlockType, FactSpec, TemplateVersion

_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DUE_AFTER = "after"
DUE_FIXED = "fixed"
DUE_CONTEXT = "context"


@dataclass(frozen=True)
class DueRule:
    """How a kind's due date is computed.

    - ``after``: ``days`` calendar days after the context date ``anchor``;
    - ``fixed``: ``month``/``day`` of the year ``context[year_field] + year_offset``;
    - ``context``: the caller's own clock, context field ``field`` (e.g. the case's decision due date).
    """

    rule: str
    source: str
    anchor: str | None = None
    days: int = 0
    month: int = 0
    day: int = 0
    year_field: str | None = None
    year_offset: int = 0
    field: str | None = None


@dataclass(frozen=True)
class KindPolicy:
    requires_paper: bool
    comail: bool
    late_risk_days: int
    due: DueRule | None


@dataclass(frozen=True)
class AppealRightsRules:
    reconsideration_presumed_receipt_days: int
    reconsideration_window_days: int
    continuation_window_days: int
    state_hearing_window_days: int
    standard_reconsideration_days: int
    expedited_reconsideration_hours: int
    expedited_grievance_hours: int


@dataclass(frozen=True)
class FormatSpec:
    font_family: tuple[str, ...]
    font_size_pt: float
    min_font_size_pt: float
    heading_size_pt: float


@dataclass(frozen=True)
class ComailingRules:
    max_sheets_per_envelope: int
    duplex: bool
    postage_per_envelope_cents: int
    standalone_kinds: frozenset[str]


@dataclass(frozen=True)
class LanguageInfo:
    code: str
    name_en: str
    native_name: str
    direction: str  # "ltr" or "rtl"
    tagline: str  # "help in your language" sentence, with {phone} and {tty}


@dataclass(frozen=True)
class ExternalKind:
    """A kind of letter a plan's own systems produce (claims, UM, the state), imported as a PDF."""

    code: str
    labels: Mapping[str, str]  # language -> label ("en" required)
    comail: bool

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class NoticeConfig:
    timezone: str
    kinds: Mapping[NoticeKind, KindPolicy]
    appeal_rights: AppealRightsRules
    formats: Mapping[NoticeFormat, FormatSpec]
    comailing: ComailingRules
    languages: Mapping[str, LanguageInfo]
    insert_order: tuple[str, ...]
    catalogs: Mapping[str, Catalog]
    templates: tuple[TemplateVersion, ...]
    #: languages whose catalog must cover every template (checked at load time)
    complete_languages: tuple[str, ...]
    external_kinds: Mapping[str, ExternalKind]

    def policy(self, kind: NoticeKind) -> KindPolicy:
        return self.kinds[kind]

    def format_spec(self, fmt: NoticeFormat) -> FormatSpec:
        # Vendor formats (braille, audio, data CD) print their carrier copy like standard print.
        return self.formats.get(fmt) or self.formats[NoticeFormat.STANDARD]

    def catalog(self, language: str) -> Catalog | None:
        return self.catalogs.get(language)


# --------------------------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C or Python)
    except FileNotFoundError:
        raise NoticeConfigError(f"{path}: file not found", extra={"file": str(path)}) from None
    except yaml.YAMLError as exc:
        raise NoticeConfigError(f"{path}: not valid YAML: {exc}", extra={"file": str(path)}) from exc


class _Reader:
    """Typed access to a YAML mapping that names the file and key on every error."""

    def __init__(self, data: Any, *, file: Path, where: str = "") -> None:
        if not isinstance(data, Mapping):
            raise NoticeConfigError(
                f"{file}: {where or 'top level'} must be a mapping", extra={"file": str(file)}
            )
        self.data = data
        self.file = file
        self.where = where

    def _err(self, key: str, problem: str) -> NoticeConfigError:
        path = f"{self.where}.{key}" if self.where else key
        return NoticeConfigError(
            f"{self.file}: {path}: {problem}", extra={"file": str(self.file), "key": path}
        )

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise self._err(key, "missing")
        return self.data[key]

    def sub(self, key: str) -> _Reader:
        path = f"{self.where}.{key}" if self.where else key
        return _Reader(self.raw(key), file=self.file, where=path)

    def str_(self, key: str, default: str | None = None) -> str:
        if key not in self.data and default is not None:
            return default
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self._err(key, "must be a non-empty string")
        return value

    def int_(self, key: str, default: int | None = None, *, minimum: int = 0) -> int:
        if key not in self.data and default is not None:
            return default
        value = self.raw(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self._err(key, f"must be an integer >= {minimum}")
        return value

    def num(self, key: str, *, minimum: float = 0) -> float:
        value = self.raw(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < minimum:
            raise self._err(key, f"must be a number >= {minimum}")
        return float(value)

    def bool_(self, key: str, default: bool | None = None) -> bool:
        if key not in self.data and default is not None:
            return default
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self._err(key, "must be true or false")
        return value

    def date_(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self._err(key, "must be a date (YYYY-MM-DD)")

    def str_list(self, key: str, default: list[str] | None = None) -> list[str]:
        if key not in self.data and default is not None:
            return default
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._err(key, "must be a list of strings")
        return value


def _due_rule(r: _Reader) -> DueRule:
    rule = r.str_("rule")
    source = r.str_("source")
    if rule == DUE_AFTER:
        return DueRule(rule=rule, source=source, anchor=r.str_("anchor"), days=r.int_("days"))
    if rule == DUE_FIXED:
        month, day = r.int_("month", minimum=1), r.int_("day", minimum=1)
        try:
            date(2000, month, day)
        except ValueError:
            raise r._err("day", f"{month}/{day} is not a calendar day") from None
        return DueRule(
            rule=rule,
            source=source,
            month=month,
            day=day,
            year_field=r.str_("year_field"),
            year_offset=r.int_("year_offset", 0, minimum=-5),
        )
    if rule == DUE_CONTEXT:
        return DueRule(rule=rule, source=source, field=r.str_("field"))
    raise r._err("rule", f"must be one of {DUE_AFTER}, {DUE_FIXED}, {DUE_CONTEXT}")


def _load_external_kinds(root: _Reader) -> dict[str, ExternalKind]:
    er = root.sub("external_kinds")
    out: dict[str, ExternalKind] = {}
    for code in er.data:
        kr = er.sub(str(code))
        labels = kr.sub("label")
        label_map = {str(k): labels.str_(str(k)) for k in labels.data}
        if "en" not in label_map:
            raise labels._err("en", "missing")
        out[str(code)] = ExternalKind(code=str(code), labels=label_map, comail=kr.bool_("comail", True))
    return out


def _load_rules(
    path: Path,
) -> tuple[
    str,
    dict[NoticeKind, KindPolicy],
    AppealRightsRules,
    dict[NoticeFormat, FormatSpec],
    ComailingRules,
    dict[str, ExternalKind],
]:
    root = _Reader(_read_yaml(path), file=path)
    timezone = root.str_("timezone")
    kinds_r = root.sub("kinds")
    kinds: dict[NoticeKind, KindPolicy] = {}
    for kind in NoticeKind:
        kr = kinds_r.sub(kind.value)
        kinds[kind] = KindPolicy(
            requires_paper=kr.bool_("requires_paper"),
            comail=kr.bool_("comail", True),
            late_risk_days=kr.int_("late_risk_days", 3),
            due=_due_rule(kr.sub("due")) if kr.has("due") and kr.raw("due") is not None else None,
        )
    for key in kinds_r.data:
        try:
            notice_kind_parse(str(key))
        except UnknownNoticeKind:
            raise kinds_r._err(str(key), "is not a notice kind") from None

    ar = root.sub("appeal_rights")
    appeal_rights = AppealRightsRules(
        reconsideration_presumed_receipt_days=ar.int_("reconsideration_presumed_receipt_days"),
        reconsideration_window_days=ar.int_("reconsideration_window_days", minimum=1),
        continuation_window_days=ar.int_("continuation_window_days", minimum=1),
        state_hearing_window_days=ar.int_("state_hearing_window_days", minimum=1),
        standard_reconsideration_days=ar.int_("standard_reconsideration_days", minimum=1),
        expedited_reconsideration_hours=ar.int_("expedited_reconsideration_hours", minimum=1),
        expedited_grievance_hours=ar.int_("expedited_grievance_hours", minimum=1),
    )

    fr = root.sub("formats")
    formats: dict[NoticeFormat, FormatSpec] = {}
    for fmt in (NoticeFormat.STANDARD, NoticeFormat.LARGE_PRINT):
        f = fr.sub(fmt.value)
        spec = FormatSpec(
            font_family=tuple(f.str_list("font_family")),
            font_size_pt=f.num("font_size_pt", minimum=1),
            min_font_size_pt=f.num("min_font_size_pt", minimum=1),
            heading_size_pt=f.num("heading_size_pt", minimum=1),
        )
        if spec.font_size_pt < spec.min_font_size_pt or spec.heading_size_pt < spec.min_font_size_pt:
            raise f._err("font_size_pt", f"is below min_font_size_pt {spec.min_font_size_pt}")
        formats[fmt] = spec
    # CMS-10716 minimum is 12 pt; DHCS large print is 20 pt Arial and never below 18 pt.
    if formats[NoticeFormat.STANDARD].min_font_size_pt < 12:
        raise fr._err("standard.min_font_size_pt", "CMS notices are at least 12 pt")
    if formats[NoticeFormat.LARGE_PRINT].min_font_size_pt < 18:
        raise fr._err("large_print.min_font_size_pt", "large print is never below 18 pt")

    cr = root.sub("comailing")
    standalone = set(cr.str_list("standalone_kinds", []))
    for k in standalone:
        if k not in {kind.value for kind in NoticeKind} | {"id_card", "external"}:
            raise cr._err("standalone_kinds", f"{k!r} is not a piece kind")
    comailing = ComailingRules(
        max_sheets_per_envelope=cr.int_("max_sheets_per_envelope", minimum=1),
        duplex=cr.bool_("duplex"),
        postage_per_envelope_cents=cr.int_("postage_per_envelope_cents"),
        standalone_kinds=frozenset(standalone),
    )
    return timezone, kinds, appeal_rights, formats, comailing, _load_external_kinds(root)


def _load_languages(path: Path) -> tuple[dict[str, LanguageInfo], tuple[str, ...], tuple[str, ...]]:
    root = _Reader(_read_yaml(path), file=path)
    complete = tuple(root.str_list("complete"))
    items = root.raw("languages")
    if not isinstance(items, list) or not items:
        raise root._err("languages", "must be a non-empty list")
    languages: dict[str, LanguageInfo] = {}
    order: list[str] = []
    for i, item in enumerate(items):
        r = _Reader(item, file=path, where=f"languages[{i}]")
        code = r.str_("code")
        direction = r.str_("direction", "ltr")
        if direction not in ("ltr", "rtl"):
            raise r._err("direction", "must be ltr or rtl")
        tagline = r.str_("tagline")
        if "{phone}" not in tagline:
            raise r._err("tagline", "must contain {phone}")
        if code in languages:
            raise r._err("code", f"duplicate language {code!r}")
        languages[code] = LanguageInfo(
            code=code,
            name_en=r.str_("name_en"),
            native_name=r.str_("native_name"),
            direction=direction,
            tagline=tagline,
        )
        order.append(code)
    if ENGLISH not in languages:
        raise root._err("languages", "must include English (en)")
    for code in complete:
        if code not in languages:
            raise root._err("complete", f"{code!r} is not a listed language")
    return languages, tuple(order), complete


def _load_catalog(path: Path) -> Catalog:
    root = _Reader(_read_yaml(path), file=path)
    messages = root.raw("messages")
    if not isinstance(messages, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in messages.items()
    ):
        raise root._err("messages", "must map message keys to strings")
    months = root.str_list("months", [])
    if months and len(months) != 12:
        raise root._err("months", "must list 12 month names")
    return Catalog(
        language=root.str_("language"),
        name=root.str_("name"),
        months=tuple(months),
        date_format=root.str_("date_format", "{month} {day}, {year}"),
        messages=dict(messages),
    )


def _load_template(path: Path, kind: NoticeKind) -> TemplateVersion:
    root = _Reader(_read_yaml(path), file=path)
    if root.str_("kind") != kind.value:
        raise root._err("kind", f"must be {kind.value!r} (the folder it is in)")
    blocks_raw = root.raw("blocks")
    if not isinstance(blocks_raw, list) or not blocks_raw:
        raise root._err("blocks", "must be a non-empty list")
    blocks: list[BlockSpec] = []
    for i, raw in enumerate(blocks_raw):
        b = _Reader(raw, file=path, where=f"blocks[{i}]")
        try:
            btype = BlockType(b.str_("type"))
        except ValueError:
            raise b._err("type", f"must be one of {', '.join(t.value for t in BlockType)}") from None
        facts: list[FactSpec] = []
        if b.has("facts"):
            facts_raw = b.raw("facts")
            if not isinstance(facts_raw, list):
                raise b._err("facts", "must be a list")
            for j, fraw in enumerate(facts_raw):
                fr = _Reader(fraw, file=path, where=f"blocks[{i}].facts[{j}]")
                facts.append(FactSpec(label=fr.str_("label"), value=fr.str_("value")))
        block = BlockSpec(
            type=btype,
            text=b.str_("text") if b.has("text") else None,
            items=tuple(b.str_list("items", [])),
            facts=tuple(facts),
            when=b.str_("when") if b.has("when") else None,
        )
        if btype in (BlockType.HEADING, BlockType.PARAGRAPH) and not block.text:
            raise b._err("text", f"a {btype.value} block needs a text key")
        if btype == BlockType.LIST and not block.items:
            raise b._err("items", "a list block needs items")
        if btype == BlockType.FACTS and not block.facts:
            raise b._err("facts", "a facts block needs facts")
        blocks.append(block)
    version = root.int_("version", minimum=1)
    expected = f"v{version}.yaml"
    if path.name != expected:
        raise root._err("version", f"file name must be {expected}")
    return TemplateVersion(
        kind=kind,
        version=version,
        effective_from=root.date_("effective_from"),
        title=root.str_("title"),
        blocks=tuple(blocks),
        omb_control_number=root.str_("omb_control_number") if root.has("omb_control_number") else None,
        source=str(path),
    )


def notice_config_load(directory: Path) -> NoticeConfig:
    """Load and validate the whole notices configuration; raises NoticeConfigError naming file and key."""
    directory = Path(directory)
    timezone, kinds, appeal_rights, formats, comailing, external_kinds = _load_rules(directory / "rules.yaml")
    languages, order, complete = _load_languages(directory / "languages.yaml")

    catalogs: dict[str, Catalog] = {}
    for path in sorted((directory / "catalogs").glob("*.yaml")):
        catalog = _load_catalog(path)
        if catalog.language != path.stem:
            raise NoticeConfigError(
                f"{path}: language: must be {path.stem!r} (the file name)", extra={"file": str(path)}
            )
        if catalog.language not in languages:
            raise NoticeConfigError(
                f"{path}: language {catalog.language!r} is not listed in languages.yaml",
                extra={"file": str(path)},
            )
        catalogs[catalog.language] = catalog

    templates: list[TemplateVersion] = []
    for kind in NoticeKind:
        folder = directory / "templates" / kind.value
        paths = sorted(folder.glob("v*.yaml"))
        if not paths:
            raise NoticeConfigError(
                f"{folder}: no template versions for {kind.value}", extra={"file": str(folder)}
            )
        seen: set[date] = set()
        for path in paths:
            template = _load_template(path, kind)
            if template.effective_from in seen:
                raise NoticeConfigError(
                    f"{path}: effective_from {template.effective_from} repeats another version",
                    extra={"file": str(path)},
                )
            seen.add(template.effective_from)
            templates.append(template)

    # Complete languages must cover every template, plus the shared messages every letter uses.
    for code in complete:
        found = catalogs.get(code)
        if found is None:
            raise NoticeConfigError(f"{directory / 'catalogs'}: no catalog for complete language {code!r}")
        catalog = found
        if not catalog.can_format_dates():
            raise NoticeConfigError(f"{directory / 'catalogs' / (code + '.yaml')}: months: missing")
        for template in templates:
            missing = catalog.missing(
                template.message_keys() | set(COMMON_MESSAGE_KEYS) | kind_value_message_keys(template.kind)
            )
            if missing:
                raise NoticeConfigError(
                    f"{directory / 'catalogs' / (code + '.yaml')}: messages missing for {template.label}: "
                    + ", ".join(missing),
                    extra={"language": code, "template": template.label, "missing": missing},
                )

    return NoticeConfig(
        timezone=timezone,
        kinds=kinds,
        appeal_rights=appeal_rights,
        formats=formats,
        comailing=comailing,
        languages=languages,
        insert_order=order,
        catalogs=catalogs,
        templates=tuple(templates),
        complete_languages=complete,
        external_kinds=external_kinds,
    )


#: Messages every letter uses outside its template blocks (header, greeting, contacts, footer, values).
COMMON_MESSAGE_KEYS: tuple[str, ...] = (
    "common.greeting",
    "common.member_id",
    "common.notice_date",
    "common.closing",
    "common.signature",
    "common.contacts_heading",
    "common.contact.member_services",
    "common.contact.tty",
    "common.contact.nurse_line",
    "common.contact.behavioral_health",
    "common.contact.pharmacy_help",
    "common.deadlines_heading",
    "common.omb",
    "common.insert_heading",
    "common.program.medicare",
    "common.program.medi_cal",
    "common.program.both",
    "common.none",
    "deadline.reconsideration",
    "deadline.continuation",
    "deadline.state_hearing",
    "deadline.new_decision",
)
