"""Console reads: member search scoped to the rep, the misaligned-members queue."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from apps.members.models import Member
from apps.members.selectors import member_queryset_for_user, members_alignment
from memberhub.identifiers import is_valid_cin, is_valid_mbi, mask_mbi, normalize_cin, normalize_mbi

MAX_RESULTS = 20
_MEMBER_ID = re.compile(r"^[A-Za-z]{1,4}\d{4,}$")
_NAME_TOKEN = re.compile(r"[^\w'\-]+", re.UNICODE)


class SearchKind:
    MBI = "mbi"
    CIN = "cin"
    MEMBER_ID = "member_id"
    NAME_DOB = "name_dob"


@dataclass(frozen=True)
class MemberSearch:
    """What the rep typed, understood: which identifier kind it is, or a name (+ date of birth)."""

    kind: str | None
    value: str = ""
    names: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    hint: str = ""

    @property
    def ready(self) -> bool:
        return self.kind is not None


def member_search_parse(*, q: str, date_of_birth: dt.date | None) -> MemberSearch:
    text = (q or "").strip()
    compact = text.replace("-", "").replace(" ", "")
    if not text and date_of_birth is None:
        return MemberSearch(kind=None, hint="Type a name, member id, MBI or CIN.")
    if compact and is_valid_mbi(compact):
        return MemberSearch(kind=SearchKind.MBI, value=normalize_mbi(compact))
    if compact and is_valid_cin(compact):
        return MemberSearch(kind=SearchKind.CIN, value=normalize_cin(compact))
    if _MEMBER_ID.match(compact):
        return MemberSearch(kind=SearchKind.MEMBER_ID, value=compact.upper())
    names = tuple(token for token in _NAME_TOKEN.split(text) if token)
    if date_of_birth is None:
        return MemberSearch(kind=None, hint="To search by name, add the date of birth.")
    if not names:
        return MemberSearch(kind=None, hint="Add at least part of the member's name.")
    if sum(len(n) for n in names) < 2:
        return MemberSearch(kind=None, hint="Type at least two letters of the name.")
    return MemberSearch(kind=SearchKind.NAME_DOB, names=names, date_of_birth=date_of_birth)


def member_search(*, user: Any, search: MemberSearch) -> list[dict[str, Any]]:
    """Up to MAX_RESULTS members the caller may see, identifiers masked for the list. One query."""
    if not search.ready:
        return []
    members: QuerySet[Member] = member_queryset_for_user(user=user)
    if search.kind == SearchKind.MBI:
        members = members.filter(mbi=search.value)
    elif search.kind == SearchKind.CIN:
        members = members.filter(medi_cal_cin=search.value)
    elif search.kind == SearchKind.MEMBER_ID:
        members = members.filter(member_id__istartswith=search.value)
    else:
        members = members.filter(date_of_birth=search.date_of_birth)  # type: ignore[misc]
        for name in search.names:
            members = members.filter(Q(first_name__istartswith=name) | Q(last_name__istartswith=name))
    rows = members.order_by("last_name", "first_name", "member_id").values(
        "id", "member_id", "first_name", "last_name", "date_of_birth", "mbi", "medi_cal_cin", "city"
    )[:MAX_RESULTS]
    return [
        {
            "pk": row["id"],
            "member_id": row["member_id"],
            "name": f"{row['last_name']}, {row['first_name']}",
            "date_of_birth": row["date_of_birth"],
            "mbi_masked": mask_mbi(row["mbi"]) if row["mbi"] else "",
            "cin_masked": mask_identifier(row["medi_cal_cin"]),
            "city": row["city"],
        }
        for row in rows
    ]


def mask_identifier(value: str | None, *, keep: int = 4) -> str:
    """All but the last `keep` characters replaced by '*' (CINs, subscriber ids)."""
    if not value:
        return ""
    return "*" * max(len(value) - keep, 0) + value[-keep:]


def misaligned_members(*, user: Any, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """Members in the caller's scope whose two plans do not match today: (count, first `limit`)."""
    scoped = member_queryset_for_user(user=user)
    ids = list(scoped.order_by("last_name", "first_name", "member_id").values_list("id", flat=True))
    alignments = members_alignment(member_ids=ids)
    misaligned = [pk for pk, alignment in alignments.items() if alignment.status == "misaligned"]
    rows = {
        row["id"]: row
        for row in Member.objects.filter(pk__in=misaligned[:limit]).values(
            "id", "member_id", "first_name", "last_name"
        )
    }
    items = []
    for pk in misaligned[:limit]:
        row = rows[pk]
        items.append(
            {
                "pk": pk,
                "member_id": row["member_id"],
                "name": f"{row['last_name']}, {row['first_name']}",
                "reason": alignments[pk].reason,
            }
        )
    return len(misaligned), items
