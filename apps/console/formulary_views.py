"""Console: drug lookup scoped to the member's aligned pair (Part D + Medi-Cal Rx in one answer),
with the member's own cost (LIS-aware) and the BIN/PCN/Group the pharmacy must bill.

Search words travel in the POST body (never in a URL); every page that shows the member's cost is
audited with channel "console" (without the drug looked up).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from apps.audit.services import audit_record
from apps.console.access import console_member_or_404, rep_required
from apps.formulary.selectors import (
    DrugNotFound,
    FormularyQueryError,
    drug_coverage_get,
    drug_search,
    member_formulary_pair,
    pharmacy_routing_for_pair,
)
from apps.members.models import Member

MAX_QUERY = 100

PAYER_NAMES = {
    "part_d": "Part D (plan)",
    "medi_cal_rx": "Medi-Cal Rx",
    "medical_benefit": "Plan medical benefit",
}
STATUS_TEXT = {
    "part_d": "Covered by Part D",
    "medi_cal_rx": "Covered by Medi-Cal Rx",
    "both": "Covered: Part D first, then Medi-Cal Rx",
    "not_covered": "Not covered",
}


def _base_context(member: Member) -> dict[str, Any]:
    pair = member_formulary_pair(member=member)
    return {
        "member": member,
        "pair": pair,
        "routing": pharmacy_routing_for_pair(pair=pair) if pair is not None else None,
        "payer_names": PAYER_NAMES,
        "status_text": STATUS_TEXT,
    }


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """The formulary panel on the member page (the member page audits the view)."""
    return render_to_string(
        "console/formulary/member_panel.html", {**_base_context(member), "query": ""}, request=request
    )


def _member_url(member: Member) -> str | None:
    try:
        return reverse("console:member-detail", args=[member.pk])
    except NoReverseMatch:
        return None


@rep_required
@require_http_methods(["GET"])
def formulary_member_page(request: HttpRequest, member_pk: str) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    context = {**_base_context(member), "query": "", "member_url": _member_url(member), "nav": "search"}
    audit_record(
        actor=request.user, action="view", resource="formulary", member_id=member.pk, request=request,
        channel="console",
    )  # fmt: skip
    return render(request, "console/formulary/member_page.html", context)


@rep_required
@require_http_methods(["POST"])
def formulary_member_search(request: HttpRequest, member_pk: str) -> HttpResponse:
    """htmx: drugs matching the words (POST body ``q``), with the member's pair's coverage."""
    member = console_member_or_404(request, member_pk)
    context = _base_context(member)
    query = (request.POST.get("q") or "")[:MAX_QUERY].strip()
    result, problem = None, None
    if context["pair"] is None:
        problem = "The member is not in an aligned plan pair today."
    elif query:
        try:
            result = drug_search(pair=context["pair"], q=query)
        except FormularyQueryError as exc:
            problem = exc.message
    audit_record(
        actor=request.user, action="search", resource="formulary", member_id=member.pk, request=request,
        channel="console", count=result["count"] if result else 0,
    )  # fmt: skip
    context.update({"query": query, "result": result, "problem": problem})
    if getattr(request, "htmx", False):
        return render(request, "console/formulary/_results.html", context)
    return render(
        request,
        "console/formulary/member_page.html",
        {**context, "member_url": _member_url(member), "nav": "search"},
    )


@rep_required
@require_http_methods(["GET"])
def formulary_member_drug(request: HttpRequest, member_pk: str, rxcui: str) -> HttpResponse:
    """Who pays, tier, restrictions, the member's cost and the card numbers for one drug."""
    member = console_member_or_404(request, member_pk)
    context = _base_context(member)
    answer, problem = None, None
    if context["pair"] is None:
        problem = "The member is not in an aligned plan pair today."
    else:
        try:
            answer = drug_coverage_get(pair=context["pair"], rxcui=rxcui, member=member)
        except DrugNotFound as exc:
            problem = exc.message
    audit_record(
        actor=request.user, action="view", resource="formulary_member_cost", member_id=member.pk,
        request=request, channel="console",
    )  # fmt: skip
    status = 404 if problem and answer is None and context["pair"] is not None else 200
    return render(
        request,
        "console/formulary/member_drug.html",
        {**context, "answer": answer, "problem": problem, "member_url": _member_url(member), "nav": "search"},
        status=status,
    )
