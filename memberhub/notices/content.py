"""NoticeContent: everything a renderer (HTML/PDF) or a braille/audio vendor needs, already in words.

Built by ``memberhub.notices.builders.notice_content_build``; plain data, JSON-serializable through
``to_dict()``, readable as plain text (``plain_text()``) for the data export.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Block:
    type: str  # heading | paragraph | list | facts | deadlines | changes | contacts
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()  # facts / deadlines / contacts: (label, value)
    header: tuple[str, ...] = ()  # changes table header
    table: tuple[tuple[str, ...], ...] = ()  # changes table rows


@dataclass(frozen=True)
class InsertLine:
    language: str
    native_name: str
    direction: str
    text: str


@dataclass(frozen=True)
class NoticeContent:
    kind: str
    template_version: int
    language: str  # language the letter is written in
    requested_language: str  # the member's preferred written language
    language_fallback: bool  # True when the requested language had no complete catalog
    direction: str
    format: str  # standard | large_print (what is printed)
    alternate_format: str  # the member's standing request (may be braille/audio/data_cd)
    font_family: tuple[str, ...]
    font_size_pt: float
    heading_size_pt: float
    issued_on: date
    due_on: date | None
    title: str
    notice_date_label: str
    notice_date: str
    member_name: str
    member_id_label: str
    member_id: str
    address_lines: tuple[str, ...]
    product_name: str
    medicare_plan: str
    medi_cal_plan: str
    greeting: str
    blocks: tuple[Block, ...]
    closing: str
    signature: str
    omb: str  # "OMB Approval 0938-1386" line or ""
    deadlines: tuple[tuple[str, date], ...]  # (deadline key, date): machine-readable copy
    insert_heading: str
    insert: tuple[InsertLine, ...]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        data["due_on"] = self.due_on.isoformat() if self.due_on else None
        data["deadlines"] = [[key, on.isoformat()] for key, on in self.deadlines]
        return data

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: the same content always gives the same value."""
        payload = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def plain_text(self) -> str:
        """Reading-order text for braille and audio vendors (and tests)."""
        lines: list[str] = [self.member_name, *self.address_lines, ""] if self.address_lines else []
        lines += [
            self.title,
            f"{self.notice_date_label}: {self.notice_date}",
            f"{self.member_id_label}: {self.member_id}",
            "",
        ]
        lines += [self.greeting, ""]
        for block in self.blocks:
            if block.text:
                lines.append(block.text)
            lines += [f"- {item}" for item in block.items]
            lines += [f"{label}: {value}" for label, value in block.rows]
            if block.table:
                lines.append(" | ".join(block.header))
                lines += [" | ".join(row) for row in block.table]
            lines.append("")
        lines += [self.closing, self.signature]
        if self.omb:
            lines.append(self.omb)
        lines += ["", self.insert_heading]
        lines += [line.text for line in self.insert]
        return "\n".join(lines).strip() + "\n"
