from dataclasses import replace
from datetime import date

import pytest

from memberhub.notices import NoticeFormat, NoticeKind
from memberhub.notices.errors import NoticeContextError, NoticeTemplateError

# Key facts every letter of a kind must state, per language.
KEY_FACTS = {
    ("welcome", "en"): ["Welcome to Acme Medi-Medi Plan", "April 1, 2026", "One member ID card"],
    ("welcome", "es"): ["Bienvenido/a a Acme Medi-Medi Plan", "1 de abril de 2026", "Una sola tarjeta"],
    ("annual_notice_of_changes", "en"): [
        "Changes to Acme Medi-Medi Plan for 2027",
        "Specialist visit",
        "In 2026",
        "referral no longer needed",
    ],
    ("annual_notice_of_changes", "es"): [
        "Cambios en Acme Medi-Medi Plan para 2027",
        "Visita al especialista",
        "En 2026",
        "ya no necesita remisión",
        "Dental",
    ],
    ("coverage_decision", "en"): [
        "Coverage Decision Letter",
        "We reduced this request",
        "20 hours a week",
        "10 hours a week",
        "May 6, 2026",
        "March 20, 2026",
        "OMB Approval 0938-1386",
        "Dr. Ana Ruiz",
    ],
    ("coverage_decision", "es"): [
        "Carta de decisión de cobertura",
        "Redujimos esta solicitud",
        "6 de mayo de 2026",
        "20 de marzo de 2026",
        "Aprobación de la OMB 0938-1386",
    ],
    ("appeal_acknowledgment", "en"): ["We received your appeal on March 1, 2026", "by March 31, 2026"],
    ("appeal_acknowledgment", "es"): [
        "Recibimos su apelación el 1 de marzo de 2026",
        "el 31 de marzo de 2026",
    ],
    ("appeal_decision", "en"): [
        "Appeal Decision Letter",
        "did not change our decision about Power wheelchair",
        "Independent Review Entity",
        "June 30, 2026",
    ],
    ("appeal_decision", "es"): [
        "Carta de decisión de la apelación",
        "Entidad de Revisión Independiente",
        "30 de junio de 2026",
    ],
    ("grievance_resolution", "en"): ["February 10, 2026", "March 2, 2026", "transportation vendor"],
    ("grievance_resolution", "es"): ["10 de febrero de 2026", "2 de marzo de 2026", "Respuesta a su queja"],
    ("extension", "en"): [
        "We need more time for your appeal",
        "April 14, 2026",
        "March 31, 2026",
        "fast complaint",
        "24 hours",
    ],
    ("extension", "es"): ["Necesitamos más tiempo para su apelación", "14 de abril de 2026", "queja rápida"],
    ("pcp_change_confirmation", "en"): [
        "Dr. Kevin Tran",
        "Downtown Medical Group",
        "213-555-0199",
        "April 1, 2026",
    ],
    ("pcp_change_confirmation", "es"): ["Dr. Kevin Tran", "Grupo médico", "1 de abril de 2026"],
    ("card_mailed", "en"): ["We mailed your Acme Medi-Medi Plan member ID card on March 2, 2026"],
    ("card_mailed", "es"): ["el 2 de marzo de 2026"],
    ("misalignment_outreach", "en"): [
        "no longer match",
        "Other Medicare Advantage HMO",
        "You are never required",
    ],
    ("misalignment_outreach", "es"): ["ya no coinciden", "Other Medicare Advantage HMO", "Nunca se le exige"],
    ("expedite_refused", "en"): [
        "right to make a fast complaint",
        "On March 1, 2026 you asked us to decide your appeal fast",
        "standard timeline",
        "by March 31, 2026",
        "within 24 hours",
        "did not say waiting",
    ],
    ("expedite_refused", "es"): [
        "queja rápida",
        "El 1 de marzo de 2026",
        "plazo estándar",
        "el 31 de marzo de 2026",
        "24 horas",
    ],
    ("part_d_routed_out", "en"): [
        "Part D process",
        "Eliquis 5 mg",
        "March 1, 2026",
        "Part D pharmacy line at 1-800-555-0177",
    ],
    ("part_d_routed_out", "es"): [
        "proceso de la Parte D",
        "Eliquis 5 mg",
        "1 de marzo de 2026",
        "1-800-555-0177",
    ],
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_notice_content_build_states_key_facts_in_english_and_spanish(
    kind, language, notice_config, recipient, build_notice
):
    # given a member who reads `language`
    member = replace(recipient, language=language)
    # when the notice is built
    content = build_notice(kind, recipient=member)
    text = content.plain_text()
    # then it is written in that language, names the member and both plans' phone, and states the key facts
    assert content.language == language
    assert not content.language_fallback
    assert "Maria Elena Lopez" in text
    assert "MH-000123" in text
    assert "1-800-555-0100" in text
    for fact in KEY_FACTS[(kind.value, language)]:
        assert fact in text, fact
    assert "{" not in text
    assert "}" not in text
    # and every notice carries the multi-language insert
    assert len(content.insert) == len(notice_config.languages)


def test_welcome_names_both_plans(build_notice):
    content = build_notice(NoticeKind.WELCOME)
    text = content.plain_text()
    assert "Acme Medicare Complete (HMO D-SNP) (H1234-001)" in text
    assert "Acme Medi-Cal Los Angeles" in text
    assert "Your new member ID card is in this envelope." in text
    # due 10 days after the enrollment confirmation
    assert content.due_on == date(2026, 3, 11)


def test_coverage_decision_deadlines_are_machine_readable(build_notice):
    content = build_notice(NoticeKind.COVERAGE_DECISION)
    assert content.deadlines == (
        ("deadline.reconsideration", date(2026, 5, 6)),  # 2 March + 5 presumed receipt + 60 days
        ("deadline.continuation", date(2026, 3, 20)),  # later of 2 March + 10 days and the effective date
    )
    assert content.due_on == date(2026, 3, 5)
    assert content.to_dict()["deadlines"] == [
        ["deadline.reconsideration", "2026-05-06"],
        ["deadline.continuation", "2026-03-20"],
    ]


def test_coverage_decision_not_billed_and_no_continuation_for_new_request(contexts, build_notice):
    ctx = contexts["coverage_decision"] | {
        "decision": "denied",
        "previously_authorized": False,
        "not_billed": True,
        "approved": "",
    }
    content = build_notice(NoticeKind.COVERAGE_DECISION, context=ctx)
    text = content.plain_text()
    assert "You will not be billed for this service." in text
    assert "keep getting this service" not in text
    assert "Approved:" not in text
    assert [key for key, _ in content.deadlines] == ["deadline.reconsideration"]


def test_favorable_appeal_decision_has_no_rights_section(contexts, build_notice):
    ctx = contexts["appeal_decision"] | {"outcome": "favorable"}
    content = build_notice(NoticeKind.APPEAL_DECISION, context=ctx)
    text = content.plain_text()
    assert "We approved Power wheelchair." in text
    assert "Independent Review Entity" not in text
    assert content.deadlines == ()


def test_medicare_only_adverse_appeal_goes_to_ire_without_state_hearing(contexts, build_notice):
    ctx = contexts["appeal_decision"] | {"programs": ["medicare"]}
    content = build_notice(NoticeKind.APPEAL_DECISION, context=ctx)
    text = content.plain_text()
    assert "Independent Review Entity" in text
    assert "State Hearing" not in text


@pytest.mark.parametrize(
    ("_case", "language"), [("partial catalog", "vi"), ("no catalog", "zh"), ("unknown", "xx")]
)
def test_language_without_complete_catalog_falls_back_to_english_with_insert_first(
    _case, language, notice_config, recipient, build_notice
):
    member = replace(recipient, language=language)
    content = build_notice(NoticeKind.WELCOME, recipient=member)
    assert content.language == "en"
    assert content.requested_language == language
    assert content.language_fallback is True
    assert "Welcome to Acme Medi-Medi Plan" in content.title
    if language in notice_config.languages:
        assert content.insert[0].language == language
    assert {line.language for line in content.insert} == set(notice_config.languages)


def test_rtl_insert_lines_are_marked(build_notice):
    content = build_notice(NoticeKind.CARD_MAILED)
    directions = {line.language: line.direction for line in content.insert}
    assert directions["ar"] == "rtl"
    assert directions["fa"] == "rtl"
    assert directions["es"] == "ltr"


@pytest.mark.parametrize(
    ("_case", "alternate", "printed", "size"),
    [
        ("standard", NoticeFormat.STANDARD, "standard", 12),
        ("large print", NoticeFormat.LARGE_PRINT, "large_print", 20),
        ("braille carrier is large print", NoticeFormat.BRAILLE, "large_print", 20),
        ("audio carrier is large print", NoticeFormat.AUDIO, "large_print", 20),
    ],
)
def test_member_format_preference_sets_print_format(_case, alternate, printed, size, recipient, build_notice):
    member = replace(recipient, alternate_format=alternate)
    content = build_notice(NoticeKind.WELCOME, recipient=member)
    assert content.format == printed
    assert content.alternate_format == alternate.value
    assert content.font_size_pt == size
    assert content.font_size_pt >= (18 if printed == "large_print" else 12)
    assert content.font_family[0] == "Liberation Sans"


def test_template_version_follows_issue_date_and_can_be_pinned(build_notice):
    v1 = build_notice(NoticeKind.WELCOME, issued_on=date(2026, 12, 31))
    v2 = build_notice(NoticeKind.WELCOME, issued_on=date(2027, 1, 1))
    pinned = build_notice(NoticeKind.WELCOME, issued_on=date(2027, 1, 1), template_version=1)
    assert (v1.template_version, v2.template_version, pinned.template_version) == (1, 2, 1)
    assert "integrated Medicare and Medi-Cal card design" in v2.plain_text()
    assert "integrated Medicare and Medi-Cal card design" not in pinned.plain_text()


def test_no_template_in_effect_is_a_template_error(build_notice):
    with pytest.raises(NoticeTemplateError, match="No welcome template is in effect on 2025-12-31"):
        build_notice(NoticeKind.WELCOME, issued_on=date(2025, 12, 31))


def test_bad_context_names_every_bad_field(build_notice):
    with pytest.raises(NoticeContextError) as exc:
        build_notice(
            NoticeKind.COVERAGE_DECISION,
            context={
                "case_id": "c",
                "decision_date": "03/02/2026",
                "decision": "maybe",
                "programs": ["part_d"],
            },
        )
    assert set(exc.value.extra["fields"]) == {
        "decision_date",
        "decision",
        "programs",
        "service",
        "requested",
        "reason",
    }
    assert exc.value.code == "notices.context_invalid"


def test_same_input_gives_same_fingerprint(recipient, build_notice):
    def build():
        return build_notice(NoticeKind.WELCOME)

    assert build().fingerprint() == build().fingerprint()
    other = build_notice(NoticeKind.WELCOME, recipient=replace(recipient, language="es"))
    assert other.fingerprint() != build().fingerprint()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "en"),
        ("", "en"),
        ("ES", "es"),
        ("es-MX", "es"),
        ("spa", "es"),
        ("zh_Hant", "zh"),
        ("yue", "zh"),
        ("fil", "tl"),
        ("Spanish", "es"),
    ],
)
def test_language_code_normalize(value, code):
    from memberhub.notices.catalog import language_code_normalize

    assert language_code_normalize(value) == code


def test_bcp47_spanish_member_gets_spanish_letter(recipient, build_notice):
    content = build_notice(NoticeKind.CARD_MAILED, recipient=replace(recipient, language="es-MX"))
    assert content.language == "es"
    assert content.language_fallback is False


def test_expedite_refused_is_due_three_days_after_receipt_and_has_no_reason_line_without_one(
    contexts, build_notice
):
    context = contexts["expedite_refused"]
    del context["reason"]
    content = build_notice(NoticeKind.EXPEDITE_REFUSED, context=context)
    assert content.due_on == date(2026, 3, 4)
    assert "Why:" not in content.plain_text()


def test_expedite_refused_refuses_a_grievance_case_kind(contexts, build_notice):
    context = {**contexts["expedite_refused"], "case_kind": "grievance"}
    with pytest.raises(NoticeContextError) as exc:
        build_notice(NoticeKind.EXPEDITE_REFUSED, context=context)
    assert "case_kind" in exc.value.extra["fields"]


def test_part_d_routed_out_prints_the_pairs_pharmacy_line_by_default(pair, contexts, build_notice):
    # given a pair whose Part D pharmacy help line is known and a context without a phone
    pair = replace(pair, phones={**pair.phones, "pharmacy_help": "1-800-555-0188"})
    context = {k: v for k, v in contexts["part_d_routed_out"].items() if k != "part_d_phone"}
    context["rest_stays"] = True
    content = build_notice(NoticeKind.PART_D_ROUTED_OUT, pair=pair, context=context)
    text = content.plain_text()
    assert "Part D pharmacy line at 1-800-555-0188" in text
    assert "We are still handling that part" in text
    assert content.due_on == date(2026, 3, 6)
