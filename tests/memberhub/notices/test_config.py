import shutil

import pytest
import yaml

from memberhub.notices import NoticeKind, notice_config_load
from memberhub.notices.errors import NoticeConfigError
from tests.memberhub.notices.conftest import CONFIG_DIR


@pytest.fixture
def config_copy(tmp_path):
    target = tmp_path / "notices"
    shutil.copytree(CONFIG_DIR, target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_project_configuration_loads_complete(notice_config):
    assert notice_config.complete_languages == ("en", "es")
    assert set(notice_config.kinds) == set(NoticeKind)
    assert notice_config.policy(NoticeKind.COVERAGE_DECISION).requires_paper is True
    assert {
        "zh",
        "vi",
        "tl",
        "ko",
        "hy",
        "ru",
        "fa",
        "ar",
        "km",
        "hmn",
        "pa",
        "hi",
        "lo",
        "mien",
        "uk",
    } <= set(notice_config.languages)


def test_large_print_below_18_pt_is_refused(config_copy):
    _edit(
        config_copy / "rules.yaml",
        lambda d: d["formats"]["large_print"].update(
            min_font_size_pt=16, font_size_pt=16, heading_size_pt=18
        ),
    )
    with pytest.raises(
        NoticeConfigError,
        match=r"rules.yaml: formats.large_print.min_font_size_pt: large print is never below 18 pt",
    ):
        notice_config_load(config_copy)


def test_large_print_size_below_its_minimum_is_refused(config_copy):
    _edit(config_copy / "rules.yaml", lambda d: d["formats"]["large_print"].update(font_size_pt=17))
    with pytest.raises(NoticeConfigError, match=r"formats.large_print.font_size_pt"):
        notice_config_load(config_copy)


def test_spanish_catalog_missing_a_message_is_refused_naming_it(config_copy):
    _edit(config_copy / "catalogs" / "es.yaml", lambda d: d["messages"].pop("coverage_decision.appeal_how"))
    with pytest.raises(
        NoticeConfigError,
        match=r"es.yaml: messages missing for coverage_decision/v1: coverage_decision.appeal_how",
    ):
        notice_config_load(config_copy)


def test_missing_kind_policy_is_refused(config_copy):
    _edit(config_copy / "rules.yaml", lambda d: d["kinds"].pop("extension"))
    with pytest.raises(NoticeConfigError, match=r"kinds.extension: missing"):
        notice_config_load(config_copy)


def test_bad_due_rule_is_refused(config_copy):
    _edit(
        config_copy / "rules.yaml",
        lambda d: d["kinds"]["annual_notice_of_changes"]["due"].update(month=2, day=30),
    )
    with pytest.raises(
        NoticeConfigError, match=r"kinds.annual_notice_of_changes.due.day: 2/30 is not a calendar day"
    ):
        notice_config_load(config_copy)


def test_template_block_with_unknown_type_is_refused(config_copy):
    _edit(config_copy / "templates" / "welcome" / "v1.yaml", lambda d: d["blocks"].append({"type": "video"}))
    with pytest.raises(NoticeConfigError, match=r"welcome/v1.yaml: blocks\[8\].type: must be one of"):
        notice_config_load(config_copy)


def test_template_version_must_match_file_name(config_copy):
    _edit(config_copy / "templates" / "card_mailed" / "v1.yaml", lambda d: d.update(version=3))
    with pytest.raises(NoticeConfigError, match=r"card_mailed/v1.yaml: version: file name must be v3.yaml"):
        notice_config_load(config_copy)


def test_tagline_without_phone_is_refused(config_copy):
    def change(d):
        d["languages"][3]["tagline"] = "Call us."

    _edit(config_copy / "languages.yaml", change)
    with pytest.raises(NoticeConfigError, match=r"languages\[3\].tagline: must contain \{phone\}"):
        notice_config_load(config_copy)


def test_invalid_yaml_names_the_file(config_copy):
    (config_copy / "rules.yaml").write_text("kinds: [unclosed", encoding="utf-8")
    with pytest.raises(NoticeConfigError, match=r"rules.yaml: not valid YAML"):
        notice_config_load(config_copy)
