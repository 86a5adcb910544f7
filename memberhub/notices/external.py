"""Reading a drop of external notices (letters produced by each plan's own systems).

A drop is a folder of PDF files described either by one manifest (``manifest.json`` or
``manifest.csv``, one entry per file) or by a JSON sidecar per file (``letter.pdf`` +
``letter.json``). Each entry gives: file, plan, member identifier (``mbi``, ``cin`` or
``plan_member_id``), kind, date, language, must_mail, and optionally a title.

This module checks what can be checked without a database (fields present and well formed, kind and
language known, file present, no file described twice) and reports problems per file with the
manifest position. The app checks the PDF and the member, then imports each good file once
(idempotent on its SHA-256).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from memberhub.notices.errors import ManifestError

MANIFEST_NAMES = ("manifest.json", "manifest.csv")
IDENTIFIER_FIELDS = ("mbi", "cin", "plan_member_id")
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


@dataclass
class ExternalEntry:
    position: str  # "manifest.csv line 3", "letter.json"
    file_name: str
    path: Path | None
    plan: str = ""
    mbi: str = ""
    cin: str = ""
    plan_member_id: str = ""
    kind: str = ""
    notice_date: date | None = None
    language: str = "en"
    must_mail: bool = False
    title: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error_message(self) -> str:
        return "; ".join(f"{name}: {msg}" for name, msg in sorted(self.errors.items()))


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _entry_from(
    raw: Mapping[str, Any],
    *,
    position: str,
    drop: Path,
    default_plan: str,
    known_kinds: Iterable[str],
    known_languages: Iterable[str],
    default_file: str | None = None,
) -> ExternalEntry:
    def text(name: str) -> str:
        value = raw.get(name)
        return "" if value is None else str(value).strip()

    file_name = text("file") or (default_file or "")
    entry = ExternalEntry(position=position, file_name=file_name, path=None)
    if not file_name:
        entry.errors["file"] = "missing"
    else:
        candidate = (drop / file_name).resolve()
        if drop.resolve() not in candidate.parents:
            entry.errors["file"] = "must be inside the drop folder"
        elif not candidate.is_file():
            entry.errors["file"] = f"{file_name} not found in the drop"
        elif candidate.suffix.lower() != ".pdf":
            entry.errors["file"] = "must be a .pdf file"
        else:
            entry.path = candidate

    entry.plan = text("plan") or default_plan
    if entry.plan != default_plan:
        entry.errors["plan"] = f"{entry.plan!r} does not match the plan of this import ({default_plan})"
    entry.mbi, entry.cin, entry.plan_member_id = (
        text(n).upper() if n != "plan_member_id" else text(n) for n in IDENTIFIER_FIELDS
    )
    if not (entry.mbi or entry.cin or entry.plan_member_id):
        entry.errors["member"] = "one of mbi, cin or plan_member_id is required"
    entry.kind = text("kind")
    kinds = set(known_kinds)
    if not entry.kind:
        entry.errors["kind"] = "missing"
    elif entry.kind not in kinds:
        entry.errors["kind"] = f"unknown notice kind {entry.kind!r}"
    raw_date = text("date")
    if not raw_date:
        entry.errors["date"] = "missing"
    else:
        try:
            entry.notice_date = date.fromisoformat(raw_date)
        except ValueError:
            entry.errors["date"] = f"{raw_date!r} is not a date (YYYY-MM-DD)"
    entry.language = (text("language") or "en").lower()
    if entry.language not in set(known_languages):
        entry.errors["language"] = f"unknown language {entry.language!r}"
    must_mail = _bool(raw.get("must_mail"))
    if must_mail is None:
        entry.errors["must_mail"] = "must be true or false"
    else:
        entry.must_mail = must_mail
    entry.title = text("title")[:200]
    if "__error__" in raw:
        entry.errors["manifest"] = str(raw["__error__"])
    return entry


def _json_entries(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path.name}: not valid JSON: {exc}", extra={"file": path.name}) from exc
    if isinstance(data, Mapping) and "notices" in data:
        data = data["notices"]
    if not isinstance(data, list):
        raise ManifestError(
            f"{path.name}: must be a list of notices (or {{'notices': [...]}})", extra={"file": path.name}
        )
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, item in enumerate(data):
        position = f"{path.name} entry {i + 1}"
        if not isinstance(item, Mapping):
            out.append((position, {}))
        else:
            out.append((position, item))
    return out


def _csv_entries(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path.name}: not UTF-8 text", extra={"file": path.name}) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    required = {"file", "kind", "date"}
    missing = sorted(required - set(header))
    if missing:
        raise ManifestError(
            f"{path.name} line 1: missing columns: {', '.join(missing)}",
            extra={"file": path.name, "missing": missing},
        )
    if not set(IDENTIFIER_FIELDS) & set(header):
        raise ManifestError(
            f"{path.name} line 1: needs a column mbi, cin or plan_member_id", extra={"file": path.name}
        )
    reader.fieldnames = header
    return [(f"{path.name} line {reader.line_num}", {k: v for k, v in row.items() if k}) for row in reader]


def external_drop_read(
    drop: Path, *, plan: str, known_kinds: Iterable[str], known_languages: Iterable[str]
) -> list[ExternalEntry]:
    """Read and check a drop folder (or a single manifest file). Raises ManifestError when the drop
    as a whole is unusable; otherwise returns one entry per described or undescribed PDF."""
    drop = Path(drop)
    kinds = tuple(known_kinds)
    languages = tuple(known_languages)
    if drop.is_file():
        manifests = [drop]
        drop = drop.parent
    elif drop.is_dir():
        manifests = [drop / name for name in MANIFEST_NAMES if (drop / name).is_file()]
    else:
        raise ManifestError(f"{drop}: no such file or folder", extra={"file": str(drop)})

    raw_entries: list[tuple[str, Mapping[str, Any], str | None]] = []
    for manifest in manifests:
        rows = _json_entries(manifest) if manifest.suffix.lower() == ".json" else _csv_entries(manifest)
        raw_entries += [(pos, row, None) for pos, row in rows]
    if not manifests or drop.is_dir():
        for pdf in sorted(drop.glob("*.pdf")) + sorted(drop.glob("*.PDF")):
            sidecar = pdf.with_suffix(".json")
            if sidecar.is_file() and sidecar.name not in MANIFEST_NAMES:
                for pos, row in _json_sidecar(sidecar):
                    raw_entries.append((pos, row, pdf.name))

    entries = [
        _entry_from(
            row,
            position=pos,
            drop=drop,
            default_plan=plan,
            known_kinds=kinds,
            known_languages=languages,
            default_file=default,
        )
        for pos, row, default in raw_entries
    ]
    described: dict[str, ExternalEntry] = {}
    for entry in entries:
        if entry.file_name in described and "file" not in entry.errors:
            entry.errors["file"] = f"described twice (also at {described[entry.file_name].position})"
        described.setdefault(entry.file_name, entry)
    for pdf in sorted({*drop.glob("*.pdf"), *drop.glob("*.PDF")}):
        if pdf.name not in described:
            entries.append(
                ExternalEntry(
                    position=pdf.name,
                    file_name=pdf.name,
                    path=pdf,
                    errors={"manifest": "no manifest entry for this file"},
                )
            )
    if not entries:
        raise ManifestError(f"{drop}: no manifest and no PDF files", extra={"file": str(drop)})
    return entries


def _json_sidecar(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [(path.name, {"__error__": f"not valid JSON: {exc}"})]
    if not isinstance(data, Mapping):
        return [(path.name, {"__error__": "must be a JSON object"})]
    return [(path.name, data)]
