"""Base mixins for member-data APIs: the member comes from the caller, reads are audited."""

from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.permissions import IsMemberUser, IsRepOrAdmin
from apps.audit.services import audit_record
from apps.members.models import Member
from apps.members.selectors import member_get_for_user


class RateLimitHeadersApiMixin:
    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        info = getattr(request._request, "_ratelimit", None) or getattr(request, "_ratelimit", None)
        if info:
            response["X-RateLimit-Limit"] = str(info["limit"])
            response["X-RateLimit-Remaining"] = str(info["remaining"])
        return response


class MemberApiMixin(RateLimitHeadersApiMixin):
    """For /api/v1/me/...: the member is request.user.member, never an id from the URL."""

    permission_classes: list[Any] = [IsMemberUser]
    audit_resource: str = "member"
    request: Any
    kwargs: Any

    def get_member(self) -> Member:
        return self.request.user.member  # type: ignore[attr-defined]

    def audit_view(
        self, *, member: Member, resource: str | None = None, resource_id: Any = None, **params: Any
    ) -> None:
        request: HttpRequest = self.request._request  # type: ignore[attr-defined]
        audit_record(
            actor=self.request.user,
            action="view",
            resource=resource or self.audit_resource,  # type: ignore[attr-defined]
            member_id=member.pk,
            resource_id=resource_id,
            request=request,
            channel="api",
            **params,
        )


class StaffMemberApiMixin(MemberApiMixin):
    """For /api/v1/members/{member_pk}/...: a rep (own plans only) or an admin; others' members answer 404."""

    permission_classes: list[Any] = [IsRepOrAdmin]

    def get_member(self) -> Member:
        return member_get_for_user(user=self.request.user, member_pk=self.kwargs["member_pk"])  # type: ignore[attr-defined]
