"""One rule per class (Blue Button style). Stack them on views."""

from typing import Any

from rest_framework.permissions import BasePermission


def _role(request: Any) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return "admin"
    return getattr(user, "role", None)


class IsMemberUser(BasePermission):
    """A signed-in member (linked to a Member)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return _role(request) == "member" and request.user.member_id is not None


class IsRep(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return _role(request) == "rep"


class IsRepOrAdmin(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return _role(request) in ("rep", "admin")


class IsVendor(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return _role(request) == "vendor" and request.user.vendor_id is not None


class IsAdminRole(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return _role(request) == "admin"
