"""Register OAuth applications: mobile apps (public, authorization code + PKCE) and vendor integrations
(confidential, client credentials, owned by a vendor-role user so their tokens act as that vendor).
Admins only; the client secret is shown once (it is stored hashed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings

from apps.accounts.models import Role, User
from apps.audit.services import audit_record
from apps.console.access import admin_required

MOBILE = "mobile"
VENDOR = "vendor"


class OAuthAppForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(MOBILE, "Mobile app (members sign in; PKCE)"), (VENDOR, "Mailing vendor integration")],
    )
    name = forms.CharField(label="Name", max_length=255)
    redirect_uris = forms.CharField(
        label="Redirect URIs (mobile apps; one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A private-use scheme such as org.memberhub.app:/oauth/callback, or an https URL.",
    )
    vendor_user = forms.ModelChoiceField(
        label="Vendor account (vendor integrations)",
        queryset=User.objects.filter(role=Role.VENDOR, vendor__isnull=False).order_by("username"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        uris = " ".join((data.get("redirect_uris") or "").split())
        data["redirect_uris"] = uris
        if data.get("kind") == MOBILE:
            if not uris:
                self.add_error("redirect_uris", "A mobile app needs at least one redirect URI.")
            allowed = oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
            for uri in uris.split():
                scheme = uri.split(":", 1)[0].lower()
                if scheme not in allowed:
                    self.add_error("redirect_uris", f"{uri}: the scheme must be one of {', '.join(allowed)}.")
        if data.get("kind") == VENDOR and data.get("vendor_user") is None:
            self.add_error("vendor_user", "Choose the vendor account this integration acts as.")
        return data


@admin_required
@require_http_methods(["GET", "POST"])
def oauth_apps(request: HttpRequest) -> HttpResponse:
    form = OAuthAppForm(request.POST if request.method == "POST" else None)
    created: dict[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == MOBILE:
            application = Application(
                name=data["name"],
                user=request.user,  # type: ignore[misc]
                client_type=Application.CLIENT_PUBLIC,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                redirect_uris=data["redirect_uris"],
                algorithm="",
            )
            secret = ""
        else:
            secret = oauth2_settings.CLIENT_SECRET_GENERATOR_CLASS().hash()
            application = Application(
                name=data["name"],
                user=data["vendor_user"],
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                client_secret=secret,
                algorithm="",
            )
        application.full_clean()
        application.save()
        audit_record(
            actor=request.user,
            action="create",
            resource="oauth.application",
            resource_id=application.pk,
            request=request,
            channel="console",
            kind=data["kind"],
        )
        created = {"name": application.name, "client_id": application.client_id, "client_secret": secret}
        form = OAuthAppForm()
    apps = Application.objects.select_related("user").order_by("name")
    return render(
        request,
        "console/accounts/oauth_apps.html",
        {"form": form, "apps": apps, "created": created, "nav": "oauth"},
    )
