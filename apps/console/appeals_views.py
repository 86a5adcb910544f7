"""Console pages for grievances and appeals: intake, case page, work queue, timeliness report, and the
member's cases panel. Reps see their organization's members only (others answer 404); admins all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.appeals.models import (
    ActionType,
    Case,
    CaseKind,
    Channel,
    ExtensionRequester,
    Filer,
    Outcome,
    Program,
    Status,
)
from apps.appeals.rules import rule_table
from apps.appeals.selectors import (
    case_clock,
    case_get_for_user,
    case_list_for_member,
    case_queryset_for_user,
    case_queue,
    timeliness_csv,
    timeliness_rows,
)
from apps.appeals.services import (
    case_attachment_add,
    case_decide,
    case_extend,
    case_intake,
    case_state_hearing_record,
    case_transition,
)
from apps.audit.services import audit_record
from apps.console.access import console_member_or_404, rep_required
from apps.console.queues import MAX_ITEMS, WorkQueue, WorkQueueItem
from apps.members.models import Member
from apps.members.selectors import member_queryset_for_user
from apps.plans.models import AlignedPlanPair
from memberhub.appeals.errors import AppealsError
from memberhub.appeals.status import transitions_allowed
from memberhub.errors import DomainError


def _base_template() -> str:
    """The doors engineer's console layout when it is fully wired; a minimal standalone layout otherwise."""
    try:
        get_template("console/base.html")
        reverse("console:home")
    except (TemplateDoesNotExist, NoReverseMatch):
        return "console/appeals/_standalone.html"
    return "console/base.html"


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"base_template": _base_template(), "nav": "queues", **context}
    return render(request, template, context, status=status)


def _tz() -> ZoneInfo:
    return rule_table().timezone


# -------------------------------------------------------------------------------------------- intake


class CaseIntakeForm(forms.Form):
    member_number = forms.CharField(
        label="Member ID", max_length=20, help_text="Unified member ID, e.g. MH00000001"
    )
    kind = forms.ChoiceField(label="Kind", choices=CaseKind.choices)
    received_at = forms.DateTimeField(
        label="Received (Los Angeles time)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="First receipt anywhere in the organization",
    )
    channel = forms.ChoiceField(choices=Channel.choices)
    filer = forms.ChoiceField(label="Filed by", choices=Filer.choices)
    representative_name = forms.CharField(required=False, max_length=160)
    representative_authorization_received_at = forms.DateTimeField(
        label="Representative authorization received",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    provider_npi = forms.CharField(label="Provider NPI", required=False, max_length=12)
    programs = forms.MultipleChoiceField(
        label="Program covering the service", choices=Program.choices, widget=forms.CheckboxSelectMultiple
    )
    service_description = forms.CharField(label="Service, item or drug", max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    expedited_requested = forms.BooleanField(label="Expedited handling requested", required=False)
    expedited_decision = forms.ChoiceField(
        label="Expedite decision",
        required=False,
        choices=[("", "—"), ("grant", "Granted"), ("refuse", "Refused")],
    )
    expedite_refusal_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notice_date = forms.DateField(
        label="Date on the notice appealed", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    good_cause_reason = forms.CharField(
        label="Good cause for late filing", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    continuation_requested = forms.BooleanField(label="Member asks benefits to continue", required=False)
    action_type = forms.ChoiceField(label="What the notice did", choices=ActionType.choices, required=False)
    is_previously_authorized = forms.BooleanField(label="Previously authorized service", required=False)
    is_ordered_by_authorized_provider = forms.BooleanField(
        label="Ordered by an authorized provider", required=False
    )
    action_effective_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    authorization_end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_received_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["received_at"]
        return value.replace(tzinfo=_tz()) if timezone.is_naive(value) else value.astimezone(_tz())

    def clean_representative_authorization_received_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("representative_authorization_received_at")
        if value is None:
            return None
        return value.replace(tzinfo=_tz()) if timezone.is_naive(value) else value.astimezone(_tz())


_FIELD_ALIASES = {"expedited_granted": "expedited_decision", "status": None, "days": None}


@rep_required
@require_http_methods(["GET", "POST"])
def appeals_intake(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"received_at": timezone.now().astimezone(_tz()).strftime("%Y-%m-%dT%H:%M")}
    member: Member | None = None
    if request.GET.get("member"):
        member = console_member_or_404(request, request.GET["member"])
        initial["member_number"] = member.member_id
    form = CaseIntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_queryset_for_user(user=request.user).get(
                member_id=data["member_number"].strip().upper()
            )
        except Member.DoesNotExist:
            form.add_error("member_number", "No member with this ID among your plans' members.")
        else:
            try:
                case = case_intake(
                    member=member,
                    actor=request.user,
                    kind=data["kind"],
                    received_at=data["received_at"],
                    channel=data["channel"],
                    filer=data["filer"],
                    programs=data["programs"],
                    service_description=data["service_description"],
                    description=data["description"],
                    expedited_requested=data["expedited_requested"],
                    expedited_granted=data["expedited_requested"] and data["expedited_decision"] == "grant",
                    expedite_refusal_reason=data["expedite_refusal_reason"],
                    representative_name=data["representative_name"],
                    representative_authorization_received_at=data["representative_authorization_received_at"],
                    provider_npi=data["provider_npi"],
                    notice_date=data["notice_date"],
                    good_cause_reason=data["good_cause_reason"],
                    continuation_requested=data["continuation_requested"],
                    action_type=data["action_type"],
                    is_previously_authorized=data["is_previously_authorized"],
                    action_effective_date=data["action_effective_date"],
                    authorization_end_date=data["authorization_end_date"],
                    is_ordered_by_authorized_provider=data["is_ordered_by_authorized_provider"],
                    request=request,
                )
            except DomainError as exc:
                field = exc.extra.get("field")
                field = _FIELD_ALIASES.get(field, field) if field else None
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Case {case.number} logged.")
                return redirect("console:appeals-case", case_pk=case.pk)
    return _render(
        request,
        "console/appeals/intake.html",
        {"form": form, "member": member},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------------------- case page

_ACTION_LABELS = {
    Status.ACKNOWLEDGED: "Acknowledge",
    Status.IN_REVIEW: "Start review",
    Status.NOTIFIED: "Mark member notified",
    Status.CLOSED: "Close",
    Status.WITHDRAWN: "Withdrawn by member",
}


class ExtendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=14)
    requested_by = forms.ChoiceField(choices=ExtensionRequester.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=[c for c in Outcome.choices if c[0]])
    summary = forms.CharField(label="Decision and reasons", widget=forms.Textarea(attrs={"rows": 4}))


class StateHearingForm(forms.Form):
    requested_on = forms.DateField(
        label="Hearing requested on", widget=forms.DateInput(attrs={"type": "date"})
    )
    with_continuation = forms.BooleanField(label="Member asks benefits to continue", required=False)


class AttachForm(forms.Form):
    file = forms.FileField()


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    allowed = transitions_allowed(case.status)  # type: ignore[arg-type]
    actions = [
        {"status": s.value, "label": _ACTION_LABELS[Status(s.value)]}
        for s in sorted(allowed, key=lambda s: list(Status.values).index(s.value))
        if s.value in _ACTION_LABELS
    ]
    decide_form = DecideForm()
    if case.kind == CaseKind.GRIEVANCE:
        cast(forms.ChoiceField, decide_form.fields["outcome"]).choices = [
            (Outcome.RESOLVED.value, Outcome.RESOLVED.label)
        ]
    else:
        cast(forms.ChoiceField, decide_form.fields["outcome"]).choices = [
            c for c in Outcome.choices if c[0] and c[0] != Outcome.RESOLVED
        ]
    return {
        "case": case,
        "clock": case_clock(case=case),
        "events": case.events.select_related("actor").all(),
        "extensions": case.extensions.all(),
        "letters": case.letters.all(),
        "attachments": case.attachments.all(),
        "actions": actions,
        "can_decide": Status.DECIDED.value in allowed,
        "can_extend": case.is_open and case.due_at is not None,
        "extend_form": ExtendForm(),
        "decide_form": decide_form,
        "attach_form": AttachForm(),
        "state_hearing_form": StateHearingForm(),
        "can_record_state_hearing": case.state_hearing_last_day is not None
        and case.state_hearing_requested_on is None,
    }


@rep_required
def appeals_case(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)
    audit_record(
        actor=request.user,
        action="view",
        resource="appeal_case",
        member_id=case.member_id,
        resource_id=case.pk,
        request=request,
        channel="console",
    )
    return _render(request, "console/appeals/case.html", _case_context(request, case))


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("console:appeals-case", kwargs={"case_pk": case.pk}))


def _form_errors(form: forms.Form) -> str:
    """Every field's errors on one line, for a flash message."""
    return "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())


def _case_action(
    request: HttpRequest,
    case: Case,
    action: Callable[[dict[str, Any]], str],
    *,
    form: forms.Form | None = None,
    invalid: str = "",
) -> HttpResponse:
    """Run one action from the case page, flash how it went, and go back to the case page.

    An invalid ``form`` flashes ``invalid`` (``{errors}`` in it stands for the form's errors) and runs
    nothing. Otherwise ``action`` gets the cleaned data and returns the success message; an AppealsError
    it raises (the service changed nothing) is flashed instead.
    """
    if form is not None and not form.is_valid():
        messages.error(request, invalid.format(errors=_form_errors(form)))
        return _back(case)
    try:
        done = action(form.cleaned_data if form is not None else {})
    except AppealsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(case)


@rep_required
@require_POST
def appeals_case_transition(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)

    def transition(_data: dict[str, Any]) -> str:
        moved = case_transition(
            case=case,
            target=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            request=request,
        )
        return f"Case is now {moved.get_status_display().lower()}."

    return _case_action(request, case, transition)


@rep_required
@require_POST
def appeals_case_extend(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)

    def extend(data: dict[str, Any]) -> str:
        extension = case_extend(case=case, actor=request.user, request=request, **data)
        new_due = extension.new_due_at.astimezone(_tz())
        return f"Extended by {extension.days} days; now due {new_due:%b %d, %Y %I:%M %p}."

    return _case_action(request, case, extend, form=ExtendForm(request.POST), invalid="Extension: {errors}")


@rep_required
@require_POST
def appeals_case_decide(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)
    form = DecideForm(request.POST)
    cast(forms.ChoiceField, form.fields["outcome"]).choices = Outcome.choices

    def decide(data: dict[str, Any]) -> str:
        decided = case_decide(case=case, actor=request.user, request=request, **data)
        return f"Decision recorded: {decided.get_outcome_display().lower()}."

    return _case_action(request, case, decide, form=form, invalid="Decision: {errors}")


@rep_required
@require_POST
def appeals_case_state_hearing(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)

    def record(data: dict[str, Any]) -> str:
        case_state_hearing_record(case=case, actor=request.user, request=request, **data)
        return "State Hearing request recorded."

    return _case_action(
        request,
        case,
        record,
        form=StateHearingForm(request.POST),
        invalid="State Hearing: give the date the member asked for it.",
    )


@rep_required
@require_POST
def appeals_case_attach(request: HttpRequest, case_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)

    def attach(data: dict[str, Any]) -> str:
        case_attachment_add(case=case, upload=data["file"], actor=request.user, request=request)
        return "Attachment added."

    return _case_action(
        request,
        case,
        attach,
        form=AttachForm(request.POST, request.FILES),
        invalid="Choose a file to attach.",
    )


@rep_required
def appeals_attachment_download(request: HttpRequest, case_pk: str, attachment_pk: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_pk=case_pk)
    attachment = case.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    audit_record(
        actor=request.user,
        action="download",
        resource="appeal_attachment",
        member_id=case.member_id,
        resource_id=attachment.pk,
        request=request,
        channel="console",
    )
    with attachment.file.open("rb") as fh:
        content = fh.read()
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    return response


# ------------------------------------------------------------------------------- queue and member panel


@rep_required
def appeals_queue(request: HttpRequest) -> HttpResponse:
    pair_code = request.GET.get("pair", "")
    items = case_queue(user=request.user, pair_code=pair_code)
    audit_record(
        actor=request.user, action="search", resource="appeal_queue", request=request, channel="console"
    )
    return _render(
        request,
        "console/appeals/queue.html",
        {"items": items, "pairs": _pairs_for(request), "pair_code": pair_code},
    )


def member_cases_panel_context(*, user: Any, member: Member) -> dict[str, Any]:
    """Context for console/appeals/_member_cases.html (the member page includes it)."""
    now = timezone.now()
    cases = list(case_list_for_member(member=member)[:50])
    return {
        "member": member,
        "case_rows": [{"case": c, "clock": case_clock(case=c, now=now)} for c in cases],
    }


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """The member page's grievances-and-appeals panel (latest 10 cases; the member page audits)."""
    now = timezone.now()
    cases = list(case_list_for_member(member=member).select_related("pair")[:10])
    return render_to_string(
        "console/appeals/member_panel.html",
        {
            "member": member,
            "case_rows": [{"case": c, "clock": case_clock(case=c, now=now)} for c in cases],
            "total": Case.objects.filter(member=member).count(),
        },
        request=request,
    )


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    """'Cases due' for the console's work-queue page: overdue and at-risk first, expedited flagged."""
    items = case_queue(user=request.user, limit=MAX_ITEMS * 5)
    total = case_queryset_for_user(user=request.user).open().filter(due_at__isnull=False).count()
    shown = [
        WorkQueueItem(
            label=f"{item.case.number} · {item.case.get_kind_display()}"
            + (" · EXPEDITED" if item.is_expedited else ""),
            url=reverse("console:appeals-case", kwargs={"case_pk": item.case.pk}),
            detail=item.clock.text,
            member_pk=item.case.member_id,
        )
        for item in items[:MAX_ITEMS]
    ]
    return [
        WorkQueue(
            key="appeals-cases-due",
            title="Grievances and appeals due",
            description="Open cases by time left: overdue and at risk first.",
            count=total,
            items=shown,
            more_url=reverse("console:appeals-queue"),
            area="appeals",
        )
    ]


@rep_required
def appeals_member_cases(request: HttpRequest, member_pk: str) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    audit_record(
        actor=request.user,
        action="view",
        resource="appeal_case",
        member_id=member.pk,
        request=request,
        channel="console",
    )
    return _render(
        request,
        "console/appeals/member_cases.html",
        member_cases_panel_context(user=request.user, member=member),
    )


# ---------------------------------------------------------------------------------------- timeliness


def _pairs_for(request: HttpRequest) -> list[AlignedPlanPair]:
    user: Any = request.user
    pairs = AlignedPlanPair.objects.order_by("code")
    if not (user.is_superuser or user.role == "admin"):
        pairs = pairs.filter(parent_id=user.parent_organization_id)
    return list(pairs)


@rep_required
def appeals_timeliness(request: HttpRequest) -> HttpResponse:
    pair_code = request.GET.get("pair", "")
    month_from = request.GET.get("from", "")
    month_to = request.GET.get("to", "")
    rows = timeliness_rows(user=request.user, pair_code=pair_code, month_from=month_from, month_to=month_to)
    export = request.GET.get("export") == "csv"
    audit_record(
        actor=request.user,
        action="export" if export else "view",
        resource="appeal_timeliness",
        request=request,
        channel="console",
        rows=len(rows),
    )
    if export:
        response = HttpResponse(timeliness_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="appeals-timeliness.csv"'
        return response
    return _render(
        request,
        "console/appeals/timeliness.html",
        {
            "rows": rows,
            "pairs": _pairs_for(request),
            "pair_code": pair_code,
            "month_from": month_from,
            "month_to": month_to,
        },
    )
