"""Demo logins: an admin, two reps (one per parent organization), a member and a mailing vendor.

Passwords are random, kept in var/demo-logins.json (git-ignored) so re-running keeps them; never in settings.
"""

import json
import secrets
from pathlib import Path

from django.conf import settings
from oauth2_provider.models import Application

from apps.accounts.models import Role, User
from apps.accounts.scopes import scopes_seed
from apps.documents.models import MailingVendor
from apps.members.models import Member
from apps.members.selectors import member_alignment
from apps.plans.models import AlignedPlanPair, ParentOrganization


def _logins_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-logins.json"


def scopes_ensure() -> None:
    """The scopes come from migration 0003 (data); recreate any that are missing."""
    scopes_seed()


DEMO_MOBILE_APP = "memberhub mobile (demo)"
DEMO_REDIRECT_URI = "org.memberhub.app:/oauth/callback"


def mobile_app_ensure() -> Application:
    """The demo mobile app: public client, authorization code + PKCE (S256), private-use redirect URI."""
    app, _ = Application.objects.get_or_create(
        name=DEMO_MOBILE_APP,
        defaults={
            "client_type": Application.CLIENT_PUBLIC,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": DEMO_REDIRECT_URI,
            "algorithm": "",
        },
    )
    return app


def demo_users_ensure() -> dict[str, dict[str, str]]:
    path = _logins_path()
    known: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
    scopes_ensure()
    vendor, _ = MailingVendor.objects.get_or_create(
        code="pacific-print", defaults={"name": "Pacific Print & Mail"}
    )
    vendor.pairs.set(AlignedPlanPair.objects.all())
    if not vendor.kinds:
        vendor.kinds = ["id_card", "notice"]
        vendor.save(update_fields=["kinds"])
    parents = list(ParentOrganization.objects.order_by("code"))
    member = None
    for candidate in Member.objects.order_by("member_id")[:50]:
        if member_alignment(member=candidate).status == "exclusively_aligned":
            member = candidate
            break
    specs = [
        ("admin", {"role": Role.ADMIN, "is_staff": True, "is_superuser": True}),
        (
            "rep",
            {"role": Role.REP, "is_staff": False, "parent_organization": parents[-1] if parents else None},
        ),
        (
            "rep2",
            {"role": Role.REP, "is_staff": False, "parent_organization": parents[0] if parents else None},
        ),
        ("vendor", {"role": Role.VENDOR, "vendor": vendor}),
    ]
    if member is not None:
        specs.append(("member", {"role": Role.MEMBER, "member": member}))
    out: dict[str, dict[str, str]] = {}
    for username, fields in specs:
        if fields.get("role") == Role.REP and fields.get("parent_organization") is None:
            continue
        password = known.get(username, {}).get("password") or secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username, defaults=fields)
        for name, value in fields.items():
            setattr(user, name, value)
        user.set_password(password)
        user.save()
        org = getattr(user.parent_organization, "name", "")
        out[username] = {"password": password, "role": user.role, "organization": org}
    mobile_app_ensure()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    path.chmod(0o600)
    return out
