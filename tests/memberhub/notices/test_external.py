import json

import pytest

from memberhub.notices.errors import ManifestError
from memberhub.notices.external import external_drop_read

KINDS = ("claims_eob", "um_determination")
LANGS = ("en", "es")
PDF = b"%PDF-1.4\n%test\n"


def read(path, plan="MC-ACME-LA"):
    return external_drop_read(path, plan=plan, known_kinds=KINDS, known_languages=LANGS)


def test_csv_manifest_entries_are_read_and_checked_per_file(tmp_path):
    (tmp_path / "a.pdf").write_bytes(PDF)
    (tmp_path / "b.pdf").write_bytes(PDF)
    (tmp_path / "manifest.csv").write_text(
        "file,plan,cin,mbi,kind,date,language,must_mail,title\n"
        "a.pdf,MC-ACME-LA,91234567A,,claims_eob,2026-03-02,es,true,EOB\n"
        "b.pdf,MC-ACME-LA,,,lawsuit,2026-02-30,xx,maybe,\n"
        "missing.pdf,MC-ACME-LA,91234567A,,claims_eob,2026-03-02,en,false,\n",
        encoding="utf-8",
    )
    good, bad, missing = read(tmp_path)
    assert good.is_valid
    assert (good.cin, good.kind, good.language, good.must_mail, good.title) == (
        "91234567A",
        "claims_eob",
        "es",
        True,
        "EOB",
    )
    assert good.notice_date.isoformat() == "2026-03-02"
    assert bad.position == "manifest.csv line 3"
    assert set(bad.errors) == {"member", "kind", "date", "language", "must_mail"}
    assert missing.errors == {"file": "missing.pdf not found in the drop"}


def test_json_manifest_and_sidecars_and_undescribed_files(tmp_path):
    for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf"):
        (tmp_path / name).write_bytes(PDF)
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "notices": [
                    {
                        "file": "a.pdf",
                        "mbi": "1eg4-te5-mk73",
                        "kind": "um_determination",
                        "date": "2026-03-02",
                        "must_mail": False,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "b.json").write_text(
        json.dumps(
            {
                "plan_member_id": "P-77",
                "kind": "claims_eob",
                "date": "2026-03-01",
                "language": "en",
                "must_mail": True,
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "c.json").write_text("{not json", encoding="utf-8")
    entries = {e.file_name: e for e in read(tmp_path)}
    assert entries["a.pdf"].is_valid
    assert entries["a.pdf"].mbi == "1EG4-TE5-MK73"
    assert entries["b.pdf"].is_valid
    assert entries["b.pdf"].plan_member_id == "P-77"
    assert "manifest" in entries["c.pdf"].errors
    assert entries["d.pdf"].errors == {"manifest": "no manifest entry for this file"}


def test_plan_mismatch_and_path_escape_are_refused(tmp_path):
    (tmp_path / "drop").mkdir()
    (tmp_path / "outside.pdf").write_bytes(PDF)
    (tmp_path / "drop" / "manifest.json").write_text(
        json.dumps(
            [
                {"file": "../outside.pdf", "cin": "9", "kind": "claims_eob", "date": "2026-03-02"},
            ]
        ),
        encoding="utf-8",
    )
    (entry,) = read(tmp_path / "drop")
    assert entry.errors["file"] == "must be inside the drop folder"
    (tmp_path / "drop" / "x.pdf").write_bytes(PDF)
    (tmp_path / "drop" / "manifest.json").write_text(
        json.dumps(
            [{"file": "x.pdf", "plan": "OTHER", "cin": "9", "kind": "claims_eob", "date": "2026-03-02"}]
        ),
        encoding="utf-8",
    )
    (entry,) = read(tmp_path / "drop")
    assert "plan" in entry.errors


def test_file_described_twice_is_refused(tmp_path):
    (tmp_path / "a.pdf").write_bytes(PDF)
    row = {"file": "a.pdf", "cin": "9", "kind": "claims_eob", "date": "2026-03-02"}
    (tmp_path / "manifest.json").write_text(json.dumps([row, row]), encoding="utf-8")
    first, second = read(tmp_path)
    assert first.is_valid
    assert second.errors["file"].startswith("described twice")


@pytest.mark.parametrize(
    ("_case", "name", "content", "message"),
    [
        (
            "csv without columns",
            "manifest.csv",
            "file,cin\n",
            "manifest.csv line 1: missing columns: date, kind",
        ),
        (
            "csv without identifier column",
            "manifest.csv",
            "file,kind,date\n",
            "needs a column mbi, cin or plan_member_id",
        ),
        ("broken json", "manifest.json", "[{", "manifest.json: not valid JSON"),
        ("json object without notices", "manifest.json", "{}", "must be a list of notices"),
    ],
)
def test_unusable_manifest_is_refused_whole(_case, name, content, message, tmp_path):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        read(tmp_path)


def test_empty_drop_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="no manifest and no PDF files"):
        read(tmp_path)
