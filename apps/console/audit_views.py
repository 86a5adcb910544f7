"""Compliance view: audit events for a member or a user over a time range, CSV export. Admins only;
using it is itself audited. Criteria travel in POST bodies, never in URLs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_event_list, audit_events_csv
from apps.audit.services import audit_record
from apps.console.access import admin_required
from apps.members.models import Member

PAGE_LIMIT = 500


class AuditFilterForm(forms.Form):
    member = forms.CharField(
        label="Member (member id or record id)",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    username = forms.CharField(label="User (username)", required=False, max_length=150)
    start = forms.DateTimeField(
        label="From", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label="Until", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        member_text = (data.get("member") or "").strip()
        username = (data.get("username") or "").strip()
        if not member_text and not username:
            raise forms.ValidationError("Choose a member or a user.")
        data["member_pk"] = None
        if member_text:
            member_pk = _member_pk(member_text)
            if member_pk is None:
                self.add_error("member", "No member with that id.")
            data["member_pk"] = member_pk
        data["actor_id"] = None
        if username:
            actor_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
            if actor_id is None:
                self.add_error("username", "No user with that username.")
            data["actor_id"] = actor_id
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "Must be after the start.")
        return data


def _member_pk(text: str) -> uuid.UUID | None:
    try:
        return Member.objects.values_list("pk", flat=True).get(pk=uuid.UUID(text))
    except (ValueError, Member.DoesNotExist):
        pass
    return Member.objects.filter(member_id=text.upper()).values_list("pk", flat=True).first()


def _criteria(form: AuditFilterForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "member_id": data["member_pk"],
        "actor_id": data["actor_id"],
        "start": data.get("start"),
        "end": data.get("end"),
    }


def _audit_use(request: HttpRequest, *, action: str, criteria: dict[str, Any], count: int) -> None:
    audit_record(
        actor=request.user,
        action=action,
        resource="audit.events",
        member_id=criteria["member_id"],
        request=request,
        channel="console",
        actor_filter=criteria["actor_id"],
        start=criteria["start"].isoformat() if criteria["start"] else None,
        end=criteria["end"].isoformat() if criteria["end"] else None,
        count=count,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def audit_compliance(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.POST if request.method == "POST" else None)
    events: list[Any] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        criteria = _criteria(form)
        queryset = audit_event_list(**criteria)
        total = queryset.count()
        events = list(queryset[:PAGE_LIMIT])
        _audit_use(request, action="view", criteria=criteria, count=len(events))
    context = {"form": form, "events": events, "total": total, "limit": PAGE_LIMIT, "nav": "audit"}
    return render(request, "console/audit/compliance.html", context)


@admin_required
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "console/audit/compliance.html",
            {"form": form, "events": [], "total": 0, "limit": PAGE_LIMIT, "nav": "audit"},
            status=400,
        )
    criteria = _criteria(form)
    # the export shows what existed when it was asked for (not its own audit event, written next)
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    queryset = audit_event_list(**criteria).filter(id__lte=last_id)
    _audit_use(request, action="export", criteria=criteria, count=queryset.count())
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(audit_events_csv(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
