"""Console: doctor search scoped to the member's aligned pair ("in both my networks?"), for reps.

Search criteria travel in the POST body (never in a URL); the audit events name the member and the
kinds of criteria used, never their values.
"""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from apps.audit.services import audit_record
from apps.console.access import console_member_or_404, rep_required
from apps.directory.selectors import (
    DirectoryQuery,
    InvalidCursor,
    NetworkFilter,
    directory_entry_get,
    directory_entry_locations,
    directory_search,
)
from apps.members.models import Member
from apps.members.selectors import member_current_pair
from memberhub.directory.languages import LANGUAGE_NAMES, language_name, normalize_language
from memberhub.directory.reference import taxonomy_codes_for, taxonomy_name, zip_centroid

NETWORK_CHOICES = (
    ("both", "In both of the member's networks"),
    ("either", "In either network"),
    ("medicare", "D-SNP (Medicare) network"),
    ("medi_cal", "Medi-Cal network"),
)
ACCEPTING_TEXT = {
    "newpt": "Accepting new patients",
    "nopt": "Not accepting new patients",
    "existptonly": "Existing patients only",
    "existptfam": "Existing patients and families",
    "": "Not stated",
}
TYPE_CHOICES = (("", "Any"), ("practitioner", "Doctor / practitioner"), ("facility", "Clinic / facility"),
                ("pharmacy", "Pharmacy"))  # fmt: skip


def _member_url(member: Member) -> str | None:
    try:
        return reverse("console:member-detail", args=[member.pk])
    except NoReverseMatch:
        return None


def _defaults(member: Member) -> dict[str, Any]:
    return {
        "specialty": "",
        "name": "",
        "language": member.spoken_language
        if member.spoken_language and member.spoken_language != "en"
        else "",
        "zip": (member.zip_code or "")[:5],
        "radius": "10",
        "network": "both",
        "accepting": True,
        "provider_type": "",
    }


def _context(member: Member, form: dict[str, Any]) -> dict[str, Any]:
    return {
        "member": member,
        "pair": member_current_pair(member=member),
        "form": form,
        "network_choices": NETWORK_CHOICES,
        "type_choices": TYPE_CHOICES,
        "languages": sorted(LANGUAGE_NAMES.items(), key=lambda kv: kv[1]),
        "accepting_text": ACCEPTING_TEXT,
    }


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "specialty_names": [taxonomy_name(c) for c in row["specialties"][:3]],
        "language_names": [language_name(c) for c in row["languages"]],
        "participation": "both" if row["in_medicare"] and row["in_medi_cal"] else (
            "medicare" if row["in_medicare"] else "medi_cal"),
    }  # fmt: skip


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """The doctor-search panel on the member page (the member page audits the view)."""
    return render_to_string(
        "console/directory/member_panel.html", _context(member, _defaults(member)), request=request
    )


@rep_required
@require_http_methods(["GET"])
def directory_member_page(request: HttpRequest, member_pk: str) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    audit_record(actor=request.user, action="view", resource="directory", member_id=member.pk, request=request,
                 channel="console")  # fmt: skip
    context = {**_context(member, _defaults(member)), "member_url": _member_url(member)}
    return render(request, "console/directory/member_page.html", context)


@rep_required
@require_http_methods(["POST"])
def directory_member_search(request: HttpRequest, member_pk: str) -> HttpResponse:
    """Doctors for this member: POST body specialty, name, language, zip, radius, network, accepting."""
    member = console_member_or_404(request, member_pk)
    post = request.POST
    form: dict[str, Any] = {
        "specialty": post.get("specialty", "")[:100].strip(),
        "name": post.get("name", "")[:100].strip(),
        "language": post.get("language", "")[:20].strip(),
        "zip": post.get("zip", "")[:10].strip(),
        "radius": post.get("radius", "10")[:5].strip() or "10",
        "network": post.get("network", "both") if post.get("network") in dict(NETWORK_CHOICES) else "both",
        "accepting": post.get("accepting") == "on",
        "provider_type": post.get("provider_type", "")
        if post.get("provider_type") in dict(TYPE_CHOICES)
        else "",
    }
    context = _context(member, form)
    results: list[dict[str, Any]] = []
    problems: list[str] = []
    pair = context["pair"]
    if pair is None:
        problems.append("The member is not in an aligned plan pair today.")
    near = None
    if form["zip"]:
        near = zip_centroid(form["zip"])
        if near is None:
            problems.append(f"ZIP {form['zip']} is not a California ZIP code we know.")
    try:
        radius = min(max(float(form["radius"]), 0.5), 100.0)
    except ValueError:
        problems.append("Distance must be a number of miles.")
        radius = 10.0
    language = normalize_language(form["language"]) if form["language"] else None
    if form["language"] and language is None:
        problems.append("Unknown language.")
    specialty_codes = taxonomy_codes_for(form["specialty"]) if form["specialty"] else None
    if specialty_codes == ():
        problems.append(f"No specialty matches “{form['specialty']}”.")
    network: NetworkFilter = form["network"]  # type: ignore[assignment]
    if not problems and pair is not None:
        try:
            page = directory_search(
                pair=pair,
                query=DirectoryQuery(
                    specialty_codes=specialty_codes,
                    name=form["name"].lower(),
                    language=language,
                    accepting=True if form["accepting"] else None,
                    network=network,
                    near=near,
                    radius_miles=radius if near else None,
                    provider_type=str(form["provider_type"]) or None,
                ),
                limit=25,
            )
            results = [_shape(r) for r in page.results]
        except InvalidCursor as exc:
            problems.append(exc.message)
    audit_record(
        actor=request.user, action="search", resource="directory", member_id=member.pk, request=request,
        channel="console", criteria=sorted(k for k, v in form.items() if v and k != "network"),
        count=len(results),
    )  # fmt: skip
    context.update({"results": results, "problems": problems, "searched": True})
    if getattr(request, "htmx", False):
        return render(request, "console/directory/_results.html", context)
    return render(
        request, "console/directory/member_page.html", {**context, "member_url": _member_url(member)}
    )


@rep_required
@require_http_methods(["GET"])
def directory_member_provider(request: HttpRequest, member_pk: str, entry_id: UUID) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    pair = member_current_pair(member=member)
    entry = directory_entry_get(entry_id=entry_id)
    if entry is None or pair is None or entry.pair_id != pair.pk:
        raise Http404
    audit_record(actor=request.user, action="view", resource="directory_provider", member_id=member.pk,
                 resource_id=entry.pk, request=request, channel="console")  # fmt: skip
    locations = directory_entry_locations(entry=entry)
    context = {
        "member": member,
        "pair": pair,
        "entry": entry,
        "locations": locations,
        "specialties": [(c, taxonomy_name(c)) for c in entry.specialties],
        "languages": [language_name(c) for c in entry.languages],
        "medicare_accepting_text": ACCEPTING_TEXT.get(entry.medicare_accepting, entry.medicare_accepting),
        "medi_cal_accepting_text": ACCEPTING_TEXT.get(entry.medi_cal_accepting, entry.medi_cal_accepting),
        "member_url": _member_url(member),
    }
    return render(request, "console/directory/provider.html", context)
