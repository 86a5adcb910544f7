"""Who may open console pages: reps and admins, second factor verified when they enrolled one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from apps.members.models import Member
from apps.members.selectors import member_get_for_user

CONSOLE_ROLES = ("rep", "admin")


def console_role(user: Any) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return "admin"
    return getattr(user, "role", None)


def needs_second_factor(request: HttpRequest) -> bool:
    """True when the user enrolled a confirmed device but has not verified it in this session."""
    user: Any = request.user
    if not user_has_device(user, confirmed=True):
        return False
    # right after login() the user is not wrapped by OTPMiddleware yet: not verified
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified() if callable(is_verified) else False)


def rep_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Login (redirect), role rep/admin (else 403), OTP verified when the user has a device (else redirect)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if console_role(request.user) not in CONSOLE_ROLES:
            raise PermissionDenied("The console is for member services reps.")
        if needs_second_factor(request):
            return redirect(f"/console/login/verify/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Like rep_required, but only admins."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if console_role(request.user) != "admin":
            raise PermissionDenied("Administrators only.")
        if needs_second_factor(request):
            return redirect(f"/console/login/verify/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped


def console_member_or_404(request: HttpRequest, member_pk: uuid.UUID | str) -> Member:
    """The member if the caller may see them (a rep: their organization's plans), else 404."""
    return member_get_for_user(user=request.user, member_pk=member_pk)
