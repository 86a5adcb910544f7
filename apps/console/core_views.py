"""Core console pages: sign-in (password, lockout, optional TOTP step), member search, member page,
work queues. Reps see their organization's members only; admins everyone; members/vendors get 403."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.api.selectors import member_summary_get
from apps.audit.services import audit_record
from apps.console.access import (
    CONSOLE_ROLES,
    console_member_or_404,
    console_role,
    needs_second_factor,
    rep_required,
)
from apps.console.panels import member_panels
from apps.console.panels import work_queues as all_work_queues
from apps.console.queues import WorkQueue, WorkQueueItem
from apps.console.selectors import mask_identifier, member_search, member_search_parse, misaligned_members
from apps.members.models import Member
from memberhub.identifiers.mbi import format_mbi

# ----------------------------------------------------------------------------------------- sign-in


class ConsoleLoginView(auth_views.LoginView):
    """Password step. django-axes counts failures (AxesStandaloneBackend) and locks the username out."""

    template_name = "console/login.html"
    redirect_authenticated_user = False

    def get_success_url(self) -> str:
        user: Any = self.request.user
        target = self.get_redirect_url()
        if needs_second_factor(self.request):
            verify = reverse("console:otp-verify")
            return f"{verify}?next={target}" if target else verify
        if target:
            return target
        if console_role(user) in CONSOLE_ROLES:
            return reverse("console:home")
        return reverse("console:signed-in")


def signed_in(request: HttpRequest) -> HttpResponse:
    """Where a member lands after signing in without a `next` (the console itself is for reps)."""
    if not request.user.is_authenticated:
        return redirect("console:login")
    return render(request, "console/signed_in.html")


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = "console:login"


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step for users who enrolled a TOTP device."""
    if not request.user.is_authenticated:
        return redirect("console:login")
    next_url = _safe_next(request, reverse("console:home"))
    if not needs_second_factor(request):
        return redirect(next_url)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify_any_device(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", "That code is not valid. Codes change every 30 seconds.")
    return render(request, "console/otp_verify.html", {"form": form, "next": next_url})


def _verify_any_device(user: Any, token: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@rep_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enroll (or remove) the optional TOTP second factor."""
    user: Any = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if request.method == "POST" and request.POST.get("action") == "remove" and confirmed is not None:
        TOTPDevice.objects.filter(user=user).delete()
        messages.success(request, "Two-step sign-in is off.")
        return redirect("console:otp-setup")
    if confirmed is not None:
        return render(request, "console/otp_setup.html", {"enabled": True, "nav": "security"})
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "console"})
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on. You will be asked for a code at each sign-in.")
            return redirect("console:otp-setup")
        form.add_error("token", "That code is not valid. Check the time on your phone and try again.")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "enabled": False,
        "form": form,
        "secret": secret,
        "qr_svg": _qr_svg(device.config_url),
        "nav": "security",
    }
    return render(request, "console/otp_setup.html", context)


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "console/locked_out.html", status=429)


# ------------------------------------------------------------------------------------------ search


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, member id, MBI or CIN",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "id": "member-search-q"}),
    )
    dob = forms.DateField(
        label="Date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "id": "member-search-dob"}),
    )


def _run_search(request: HttpRequest) -> dict[str, Any]:
    form = MemberSearchForm(request.POST)
    if not form.is_valid():
        return {"form": form, "results": [], "hint": "Check the date of birth.", "searched": False}
    search = member_search_parse(q=form.cleaned_data["q"], date_of_birth=form.cleaned_data["dob"])
    results = member_search(user=request.user, search=search)
    if search.ready:
        audit_record(
            actor=request.user,
            action="search",
            resource="member.search",
            request=request,
            channel="console",
            kind=search.kind,
            count=len(results),
            member_ids=[str(r["pk"]) for r in results],
        )
    return {"form": form, "results": results, "hint": search.hint, "searched": search.ready}


@rep_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Find a member. Results come as you type (htmx POST to member-search); POST without JS works too."""
    if request.method == "POST":
        context = _run_search(request)
    else:
        context = {"form": MemberSearchForm(), "results": [], "hint": "", "searched": False}
    return render(request, "console/core/home.html", {**context, "nav": "search"})


@rep_required
@require_http_methods(["POST"])
def member_search_results(request: HttpRequest) -> HttpResponse:
    """The results list only (htmx target). Search terms travel in the body, never in the URL."""
    return render(request, "console/core/search_results.html", _run_search(request))


# ------------------------------------------------------------------------------------- member page


def _member_details(member: Member) -> dict[str, Any]:
    return {
        "date_of_birth": member.date_of_birth,
        "mbi": format_mbi(member.mbi) if member.mbi else "",
        "mbi_masked": mask_identifier(member.mbi),
        "cin": member.medi_cal_cin or "",
        "cin_masked": mask_identifier(member.medi_cal_cin),
        "aid_code": member.medi_cal_aid_code,
        "dual_status": member.get_dual_status_display(),
        "lis_level": member.lis_level,
        "address": ", ".join(
            part
            for part in (
                member.address_line1,
                member.address_line2,
                member.city,
                f"{member.state} {member.zip_code}".strip(),
            )
            if part
        ),
        "phone": member.phone,
        "email": member.email,
        "needs_address_check": member.needs_address_check,
        "date_of_death": member.date_of_death,
    }


@rep_required
@require_http_methods(["GET"])
def member_detail(request: HttpRequest, member_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    summary = member_summary_get(member_pk=member.pk)
    panels = member_panels(request, member)
    audit_record(
        actor=request.user,
        action="view",
        resource="member.console",
        member_id=member.pk,
        request=request,
        channel="console",
        panels=["summary", *(p.area for p in panels if not p.failed)],
    )
    context = {
        "member": member,
        "summary": summary,
        "details": _member_details(member),
        "panels": panels,
        "nav": "search",
    }
    return render(request, "console/core/member.html", context)


# ------------------------------------------------------------------------------------- work queues


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    """The doors' own queue: misaligned members (their two plans do not match today)."""
    count, items = misaligned_members(user=request.user)
    return [
        WorkQueue(
            key="core-misaligned",
            area="core",
            title="Misaligned members",
            description="Enrolled in a Medicare plan and a Medi-Cal plan that are not a pair: help them align.",
            count=count,
            items=[
                WorkQueueItem(
                    label=f"{item['name']} ({item['member_id']})",
                    url=reverse("console:member-detail", args=[item["pk"]]),
                    detail=item["reason"],
                    member_pk=item["pk"],
                )
                for item in items
            ],
        )
    ]


@rep_required
@require_http_methods(["GET"])
def work_queues_page(request: HttpRequest) -> HttpResponse:
    queues, failed = all_work_queues(request)
    member_ids = sorted({str(i.member_pk) for q in queues for i in q.items if i.member_pk is not None})
    audit_record(
        actor=request.user,
        action="view",
        resource="console.work_queues",
        request=request,
        channel="console",
        queues=[q.key for q in queues],
        member_ids=member_ids,
    )
    return render(
        request,
        "console/core/work_queues.html",
        {"queues": queues, "failed": failed, "nav": "queues"},
    )
