"""Console: the member page's benefits panel (search "dental", "ride", "wheelchair" with htmx) and the
member's full benefits page with next year's changes."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from apps.audit.services import audit_record
from apps.benefits.errors import BenefitCatalogMissing, BenefitPairNotFound, MemberHasNoBenefitPlans
from apps.benefits.selectors import (
    BenefitsView,
    benefit_catalog_gaps,
    benefit_catalog_list,
    benefit_changes_between_years,
    member_benefits_get,
)
from apps.console.access import console_member_or_404, console_role, rep_required
from apps.console.queues import MAX_ITEMS, WorkQueue, WorkQueueItem
from apps.members.models import Member
from memberhub.benefits.catalog import LimitKind
from memberhub.benefits.categories import category_info
from memberhub.benefits.rules import CoverageStatus, UnifiedBenefitAnswer
from memberhub.benefits.sentences import benefit_sentence, cost_phrase, limit_phrase, phone_phrase

MAX_QUERY = 100


def _row(answer: UnifiedBenefitAnswer, member: Member) -> dict[str, Any]:
    cost = answer.member_cost
    spanish = member.spoken_language == "es" or member.written_language == "es"
    return {
        "category": answer.category.value,
        "label": category_info(answer.category).label_en,
        "status": answer.status.value,
        "status_text": {
            CoverageStatus.COVERED: "Covered",
            CoverageStatus.CARVED_OUT: "Other program",
            CoverageStatus.NOT_COVERED: "Not covered",
        }[answer.status],
        "you_pay": cost_phrase(cost.copay, cost.coinsurance_percent, cost.per, "en") if cost.known else "ask",
        "contact_name": answer.contact_name_en,
        "contact_phone": phone_phrase(answer.contact, "en"),
        "payers": [p.name("en") for p in answer.payers],
        "prior_authorization": answer.prior_authorization,
        "referral_required": answer.referral_required,
        "limits": [limit_phrase(s.limit, "en") for s in answer.limits],
        "has_dollar_limit": any(s.limit.kind is LimitKind.DOLLARS for s in answer.limits),
        "carve_outs": [
            {"name": c.name("en"), "phone": phone_phrase(c.contact, "en")} for c in answer.carve_outs
        ],
        "sentence_en": benefit_sentence(answer, "en"),
        "sentence_es": benefit_sentence(answer, "es"),
        "spanish_first": spanish,
    }


def _context(member: Member, query: str | None) -> dict[str, Any]:
    try:
        view: BenefitsView | None = member_benefits_get(member=member, query=query)
        problem = None
    except (BenefitCatalogMissing, MemberHasNoBenefitPlans) as exc:
        view, problem = None, exc.message
    return {
        "member": member,
        "view": view,
        "problem": problem,
        "query": query or "",
        "rows": [_row(a, member) for a in view.answers] if view is not None else [],
    }


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """The benefits panel on the member page (the member page audits the view)."""
    return render_to_string("console/benefits/member_panel.html", _context(member, None), request=request)


@rep_required
@require_http_methods(["GET", "POST"])
def benefits_member_search(request: HttpRequest, member_pk: str) -> HttpResponse:
    """htmx: the panel's results for the search words (POST body `q`, never in the URL)."""
    member = console_member_or_404(request, member_pk)
    query = (request.POST.get("q") or "")[:MAX_QUERY].strip() or None
    context = _context(member, query)
    audit_record(
        actor=request.user,
        action="search" if query else "view",
        resource="benefits",
        member_id=member.pk,
        request=request,
        channel="console",
        count=len(context["rows"]),
    )
    if getattr(request, "htmx", False):
        return render(request, "console/benefits/_answers.html", context)
    return _page(request, member, context)


def _base_template() -> str:
    """The doors' console layout once its core pages exist; a minimal layout otherwise."""
    try:
        get_template("console/base.html")
        reverse("console:home")
    except (TemplateDoesNotExist, NoReverseMatch):
        return "console/benefits/_standalone.html"
    return "console/base.html"


def _page(request: HttpRequest, member: Member, context: dict[str, Any]) -> HttpResponse:
    changes: list[dict[str, Any]] = []
    view = context["view"]
    if view is not None and view.pair_code is not None:
        try:
            changes = benefit_changes_between_years(
                pair_code=view.pair_code, from_year=view.plan_year, to_year=view.plan_year + 1
            )
        except (BenefitCatalogMissing, BenefitPairNotFound):
            changes = []
    try:
        member_url: str | None = reverse("console:member-detail", args=[member.pk])
    except NoReverseMatch:  # the member page is the doors area's; the benefits page works without it
        member_url = None
    return render(
        request,
        "console/benefits/member_benefits.html",
        {
            **context,
            "changes": changes,
            "member_url": member_url,
            "nav": "search",
            "base_template": _base_template(),
        },
    )


@rep_required
@require_http_methods(["GET"])
def benefits_member_page(request: HttpRequest, member_pk: str) -> HttpResponse:
    """The member's benefits on a page of their own, with what changes next plan year."""
    member = console_member_or_404(request, member_pk)
    context = _context(member, None)
    audit_record(
        actor=request.user,
        action="view",
        resource="benefits",
        member_id=member.pk,
        request=request,
        channel="console",
        count=len(context["rows"]),
    )
    return _page(request, member, context)


def _organization_scope(request: HttpRequest) -> Any:
    """None for admins (every organization); a rep's organization id otherwise."""
    if console_role(request.user) == "admin":
        return None
    return getattr(request.user, "parent_organization_id", None) or uuid.UUID(int=0)


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    """Benefit catalogs still to load for the caller's pairs (the annual notice of changes needs both years)."""
    gaps = benefit_catalog_gaps(parent_organization_id=_organization_scope(request))
    url = reverse("console:benefits-catalogs")
    items = [
        WorkQueueItem(
            label=f"{gap['pair_name']} {gap['plan_year']}: {gap['plan_code']}",
            url=url,
            detail=f"No {'D-SNP' if gap['program'] == 'medicare' else 'Medi-Cal plan'} benefit catalog loaded",
        )
        for gap in gaps[:MAX_ITEMS]
    ]
    return [
        WorkQueue(
            key="benefits-missing-catalogs",
            title="Benefit catalogs to load",
            description="Plan years without a benefit catalog: members and reps get no benefits answer for them.",
            count=len(gaps),
            items=items,
            more_url=url,
            area="benefits",
        )
    ]


@rep_required
@require_http_methods(["GET"])
def benefits_catalogs(request: HttpRequest) -> HttpResponse:
    """Loaded benefit catalogs and the gaps, for the caller's organization (admins: all)."""
    scope = _organization_scope(request)
    gaps = benefit_catalog_gaps(parent_organization_id=scope)
    catalogs = benefit_catalog_list(parent_organization_id=scope)
    return render(
        request,
        "console/benefits/catalogs.html",
        {"gaps": gaps, "catalogs": catalogs, "base_template": _base_template(), "nav": "queues"},
    )
