"""Pure content builders: one function per notice kind turns its context into values, flags and
deadlines; the engine walks the template version in effect and fills the chosen language's catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from memberhub.notices.catalog import ENGLISH, Catalog, language_code_normalize
from memberhub.notices.config import COMMON_MESSAGE_KEYS, NoticeConfig
from memberhub.notices.content import Block, InsertLine, NoticeContent
from memberhub.notices.context import (
    MEDI_CAL,
    MEDICARE,
    AnnualNoticeContext,
    AppealAcknowledgmentContext,
    AppealDecisionContext,
    CardMailedContext,
    CoverageDecisionContext,
    ExpediteRefusedContext,
    ExtensionContext,
    GrievanceResolutionContext,
    KindContext,
    MisalignmentContext,
    PartDRoutedOutContext,
    PcpChangeContext,
    PlanPairInfo,
    Recipient,
    WelcomeContext,
    notice_context_parse,
)
from memberhub.notices.errors import NoticeTemplateError
from memberhub.notices.kinds import NoticeKind, kind_value_message_keys
from memberhub.notices.rules import (
    Deadline,
    appeal_decision_deadlines,
    coverage_decision_deadlines,
    forwards_to_ire,
    notice_due_date,
    notice_print_format,
)
from memberhub.notices.templates import (
    BlockType,
    TemplateVersion,
    template_version_get,
    template_version_select,
)

CONTACT_KEYS = ("member_services", "tty", "nurse_line", "behavioral_health", "pharmacy_help")


@dataclass
class KindValues:
    """What a per-kind builder returns: placeholder values (dates still as dates), flags, deadlines."""

    values: dict[str, object] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    deadlines: tuple[Deadline, ...] = ()
    changes: tuple[tuple[str, Mapping[str, str], Mapping[str, str], Mapping[str, str]], ...] = ()


def _programs_flags(programs: tuple[str, ...]) -> set[str]:
    flags = set()
    if MEDICARE in programs:
        flags.add("medicare")
    if MEDI_CAL in programs:
        flags.add("medi_cal")
    if MEDICARE in programs and MEDI_CAL in programs:
        flags.add("both_programs")
    return flags


def _welcome(ctx: WelcomeContext, config: NoticeConfig) -> KindValues:
    flags = {"card_included"} if ctx.card_included else set()
    return KindValues(values={"effective_date": ctx.effective_on}, flags=flags)


def _anoc(ctx: AnnualNoticeContext, config: NoticeConfig) -> KindValues:
    flags = {"has_changes"} if ctx.changes else {"no_changes"}
    return KindValues(
        values={"plan_year": str(ctx.plan_year), "current_year": str(ctx.plan_year - 1)},
        flags=flags,
        changes=tuple((c.program, c.topic, c.current, c.next) for c in ctx.changes),
    )


def _coverage_decision(ctx: CoverageDecisionContext, config: NoticeConfig) -> KindValues:
    rules = config.appeal_rights
    deadlines = coverage_decision_deadlines(context=ctx, rules=rules)
    flags = _programs_flags(ctx.programs) | {f"decision_{ctx.decision}"}
    if ctx.not_billed:
        flags.add("not_billed")
    if ctx.approved:
        flags.add("has_approved")
    if ctx.requesting_provider:
        flags.add("has_provider")
    if ctx.expedited:
        flags.add("expedited")
    if any(d.key == "deadline.continuation" for d in deadlines):
        flags.add("continuation")
    values: dict[str, object] = {
        "service": ctx.service,
        "decision_verb": ("@decision." + ctx.decision),
        "requested": ctx.requested,
        "approved": ctx.approved,
        "requesting_provider": ctx.requesting_provider,
        "reason": ctx.reason,
        "decision_date": ctx.decision_date,
        "standard_reconsideration_days": str(rules.standard_reconsideration_days),
        "expedited_reconsideration_hours": str(rules.expedited_reconsideration_hours),
        "reconsideration_window_days": str(rules.reconsideration_window_days),
        "continuation_window_days": str(rules.continuation_window_days),
    }
    for d in deadlines:
        values[d.key.replace("deadline.", "") + "_by"] = d.on
    return KindValues(values=values, flags=flags, deadlines=deadlines)


def _appeal_ack(ctx: AppealAcknowledgmentContext, config: NoticeConfig) -> KindValues:
    flags = {ctx.case_kind}
    if ctx.expedited:
        flags.add("expedited")
    values: dict[str, object] = {"received_date": ctx.received_on}
    if ctx.decision_due_on:
        flags.add("has_due")
        values["decision_due_date"] = ctx.decision_due_on
    return KindValues(values=values, flags=flags)


def _appeal_decision(ctx: AppealDecisionContext, config: NoticeConfig) -> KindValues:
    rules = config.appeal_rights
    deadlines = appeal_decision_deadlines(context=ctx, rules=rules)
    flags = _programs_flags(ctx.programs) | {ctx.outcome}
    if ctx.outcome != "favorable":
        flags.add("not_favorable")
    if forwards_to_ire(ctx):
        flags.add("ire")
    values: dict[str, object] = {
        "service": ctx.service,
        "reason": ctx.reason,
        "decision_date": ctx.decision_date,
        "state_hearing_window_days": str(rules.state_hearing_window_days),
    }
    if deadlines:
        flags.add("state_hearing")
        values["state_hearing_by"] = deadlines[0].on
    return KindValues(values=values, flags=flags, deadlines=deadlines)


def _grievance_resolution(ctx: GrievanceResolutionContext, config: NoticeConfig) -> KindValues:
    return KindValues(
        values={"received_date": ctx.received_on, "resolved_date": ctx.resolved_on, "summary": ctx.summary}
    )


def _extension(ctx: ExtensionContext, config: NoticeConfig) -> KindValues:
    flags = {ctx.case_kind, f"requested_by_{ctx.requested_by}"}
    return KindValues(
        values={
            "case_kind": "@case_kind." + ctx.case_kind,
            "original_due_date": ctx.original_due_on,
            "new_due_date": ctx.new_due_on,
            "reason": ctx.reason,
            "expedited_grievance_hours": str(config.appeal_rights.expedited_grievance_hours),
        },
        flags=flags,
        deadlines=(Deadline("deadline.new_decision", ctx.new_due_on),),
    )


def _pcp_change(ctx: PcpChangeContext, config: NoticeConfig) -> KindValues:
    flags = set()
    if ctx.pcp_phone:
        flags.add("has_phone")
    if ctx.medical_group:
        flags.add("has_group")
    return KindValues(
        values={
            "pcp_name": ctx.pcp_name,
            "pcp_phone": ctx.pcp_phone,
            "medical_group": ctx.medical_group,
            "effective_date": ctx.effective_on,
        },
        flags=flags,
    )


def _card_mailed(ctx: CardMailedContext, config: NoticeConfig) -> KindValues:
    return KindValues(values={"mailed_date": ctx.mailed_on})


def _misalignment(ctx: MisalignmentContext, config: NoticeConfig) -> KindValues:
    return KindValues(
        values={
            "current_medicare_plan": ctx.medicare_plan_name,
            "current_medi_cal_plan": ctx.medi_cal_plan_name,
            "detected_date": ctx.detected_on,
        }
    )


def _expedite_refused(ctx: ExpediteRefusedContext, config: NoticeConfig) -> KindValues:
    flags = {ctx.case_kind}
    if ctx.reason:
        flags.add("has_reason")
    return KindValues(
        values={
            "case_kind": "@case_kind." + ctx.case_kind,
            "received_date": ctx.received_on,
            "decision_due_date": ctx.decision_due_on,
            "reason": ctx.reason,
            "expedited_grievance_hours": str(config.appeal_rights.expedited_grievance_hours),
        },
        flags=flags,
    )


def _part_d_routed_out(ctx: PartDRoutedOutContext, config: NoticeConfig) -> KindValues:
    flags = set()
    values: dict[str, object] = {"received_date": ctx.received_on, "service": ctx.service}
    if ctx.service:
        flags.add("has_service")
    if ctx.rest_stays:
        flags.add("rest_stays")
    if ctx.part_d_phone:
        values["part_d_phone"] = ctx.part_d_phone  # else the pair's pharmacy help line (engine default)
    return KindValues(values=values, flags=flags)


_BUILDERS: dict[NoticeKind, Callable[[object, NoticeConfig], KindValues]] = {
    NoticeKind.WELCOME: _welcome,  # type: ignore[dict-item]
    NoticeKind.ANNUAL_NOTICE_OF_CHANGES: _anoc,  # type: ignore[dict-item]
    NoticeKind.COVERAGE_DECISION: _coverage_decision,  # type: ignore[dict-item]
    NoticeKind.APPEAL_ACKNOWLEDGMENT: _appeal_ack,  # type: ignore[dict-item]
    NoticeKind.APPEAL_DECISION: _appeal_decision,  # type: ignore[dict-item]
    NoticeKind.GRIEVANCE_RESOLUTION: _grievance_resolution,  # type: ignore[dict-item]
    NoticeKind.EXTENSION: _extension,  # type: ignore[dict-item]
    NoticeKind.PCP_CHANGE_CONFIRMATION: _pcp_change,  # type: ignore[dict-item]
    NoticeKind.CARD_MAILED: _card_mailed,  # type: ignore[dict-item]
    NoticeKind.MISALIGNMENT_OUTREACH: _misalignment,  # type: ignore[dict-item]
    NoticeKind.EXPEDITE_REFUSED: _expedite_refused,  # type: ignore[dict-item]
    NoticeKind.PART_D_ROUTED_OUT: _part_d_routed_out,  # type: ignore[dict-item]
}


# ------------------------------------------------------------------------------------------ language


@dataclass(frozen=True)
class LanguageChoice:
    catalog: Catalog
    requested: str
    fallback: bool


def notice_language_choose(
    *, config: NoticeConfig, template: TemplateVersion, requested: str
) -> LanguageChoice:
    """Use the member's language when its catalog covers this template completely, else English.

    A letter is never mixed: a partial catalog (e.g. only the insert tagline) falls back to English,
    and the multi-language insert tells the member how to get help in their language.
    """
    requested = language_code_normalize(requested)
    catalog = config.catalog(requested)
    needed = template.message_keys() | set(COMMON_MESSAGE_KEYS) | kind_value_message_keys(template.kind)
    if catalog is not None and catalog.can_format_dates() and catalog.covers(needed):
        return LanguageChoice(catalog=catalog, requested=requested, fallback=False)
    english = config.catalog(ENGLISH)
    if english is None:  # pragma: no cover - notice_config_load refuses this
        raise NoticeTemplateError("No English catalog")
    return LanguageChoice(catalog=english, requested=requested, fallback=requested != ENGLISH)


# ------------------------------------------------------------------------------------------- engine


def _localize(values: Mapping[str, object], catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, date):
            out[name] = catalog.format_date(value)
        elif isinstance(value, str) and value.startswith("@"):
            out[name] = catalog.text(value[1:])
        else:
            out[name] = str(value)
    return out


def _pick(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts[ENGLISH]


def notice_content_build(
    *,
    kind: NoticeKind,
    recipient: Recipient,
    pair: PlanPairInfo,
    context: Mapping[str, object],
    config: NoticeConfig,
    issued_on: date,
    template_version: int | None = None,
) -> NoticeContent:
    """Build the full content of one notice.

    ``template_version`` pins a version (re-rendering an old notice); otherwise the version in effect on
    ``issued_on`` is used. Raises NoticeContextError for a bad context, NoticeTemplateError for a
    template/catalog problem.
    """
    parsed: KindContext = notice_context_parse(kind, context)
    if template_version is None:
        template = template_version_select(config.templates, kind=kind, as_of=issued_on)
    else:
        template = template_version_get(config.templates, kind=kind, version=template_version)
    choice = notice_language_choose(config=config, template=template, requested=recipient.language)
    catalog = choice.catalog
    built = _BUILDERS[kind](parsed, config)
    policy = config.policy(kind)
    due_on = notice_due_date(policy=policy, context=parsed)

    phones = dict(pair.phones)
    phones.setdefault("tty", "711")
    raw_values: dict[str, object] = {
        "member_name": recipient.full_name,
        "member_id": recipient.member_id,
        "product_name": pair.product_name,
        "medicare_plan_name": pair.medicare_plan_name,
        "medicare_plan_id": pair.medicare_plan_id,
        "medi_cal_plan_name": pair.medi_cal_plan_name,
        "member_services_phone": phones.get("member_services", ""),
        "tty": phones["tty"],
        "notice_date": issued_on,
        # the Part D process's line (coverage determinations, redeterminations, Part D complaints)
        "part_d_phone": phones.get("pharmacy_help") or phones.get("member_services", ""),
        **built.values,
    }
    values = _localize(raw_values, catalog)
    flags = frozenset(built.flags)

    blocks: list[Block] = []
    for spec in template.blocks:
        if not spec.applies(flags):
            continue
        text = catalog.text(spec.text, values) if spec.text else ""
        if spec.type in (BlockType.HEADING, BlockType.PARAGRAPH):
            blocks.append(Block(type=spec.type.value, text=text))
        elif spec.type == BlockType.LIST:
            blocks.append(
                Block(type="list", text=text, items=tuple(catalog.text(k, values) for k in spec.items))
            )
        elif spec.type == BlockType.FACTS:
            rows = []
            for fact in spec.facts:
                if fact.value not in values:
                    raise NoticeTemplateError(
                        f"Template {template.label} shows value {fact.value!r}, which the builder does not provide",
                        extra={"template": template.label, "value": fact.value},
                    )
                if values[fact.value]:
                    rows.append((catalog.text(fact.label, values), values[fact.value]))
            blocks.append(Block(type="facts", text=text, rows=tuple(rows)))
        elif spec.type == BlockType.DEADLINES:
            rows = [(catalog.text(d.key, values), catalog.format_date(d.on)) for d in built.deadlines]
            if rows:
                blocks.append(
                    Block(
                        type="deadlines",
                        text=text or catalog.text("common.deadlines_heading"),
                        rows=tuple(rows),
                    )
                )
        elif spec.type == BlockType.CHANGES:
            header = tuple(
                catalog.text(k, values)
                for k in ("changes.program", "changes.topic", "changes.current", "changes.next")
            )
            table = tuple(
                (
                    catalog.text(f"common.program.{program}"),
                    _pick(topic, catalog.language),
                    _pick(current, catalog.language),
                    _pick(nxt, catalog.language),
                )
                for program, topic, current, nxt in built.changes
            )
            if table:
                blocks.append(Block(type="changes", text=text, header=header, table=table))
        elif spec.type == BlockType.CONTACTS:
            rows = [
                (catalog.text(f"common.contact.{key}"), phones[key])
                for key in CONTACT_KEYS
                if phones.get(key)
            ]
            blocks.append(
                Block(type="contacts", text=text or catalog.text("common.contacts_heading"), rows=tuple(rows))
            )

    insert_phone = phones.get("member_services", "")
    insert: list[InsertLine] = []
    order = list(config.insert_order)
    if choice.fallback and choice.requested in order:
        order.remove(choice.requested)
        order.insert(0, choice.requested)
    for code in order:
        lang = config.languages[code]
        insert.append(
            InsertLine(
                language=code,
                native_name=lang.native_name,
                direction=lang.direction,
                text=lang.tagline.format(phone=insert_phone, tty=phones["tty"]),
            )
        )

    print_format = notice_print_format(recipient.alternate_format)
    fmt_spec = config.format_spec(print_format)
    language_info = config.languages.get(catalog.language)
    return NoticeContent(
        kind=kind.value,
        template_version=template.version,
        language=catalog.language,
        requested_language=choice.requested,
        language_fallback=choice.fallback,
        direction=language_info.direction if language_info else "ltr",
        format=print_format.value,
        alternate_format=recipient.alternate_format.value,
        font_family=fmt_spec.font_family,
        font_size_pt=fmt_spec.font_size_pt,
        heading_size_pt=fmt_spec.heading_size_pt,
        issued_on=issued_on,
        due_on=due_on,
        title=catalog.text(template.title, values),
        notice_date_label=catalog.text("common.notice_date"),
        notice_date=values["notice_date"],
        member_name=recipient.full_name,
        member_id_label=catalog.text("common.member_id"),
        member_id=recipient.member_id,
        address_lines=recipient.address_lines,
        product_name=pair.product_name,
        medicare_plan=f"{pair.medicare_plan_name} ({pair.medicare_plan_id})",
        medi_cal_plan=pair.medi_cal_plan_name,
        greeting=catalog.text("common.greeting", values),
        blocks=tuple(blocks),
        closing=catalog.text("common.closing", values),
        signature=catalog.text("common.signature", values),
        omb=catalog.text("common.omb", {"omb": template.omb_control_number})
        if template.omb_control_number
        else "",
        deadlines=tuple((d.key, d.on) for d in built.deadlines),
        insert_heading=catalog.text("common.insert_heading"),
        insert=tuple(insert),
    )
