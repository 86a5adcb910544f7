"""Base mixins for member-data APIs: the member comes from the caller, reads are audited."""

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.permissions import IsMemberUser, IsRepOrAdmin
from apps.api.throttling import RATE_LIMIT_ATTR, rate_limit_headers
from apps.audit.services import audit_record, audited_read
from apps.members.models import Member
from apps.members.selectors import member_get_for_user

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


class RateLimitHeadersApiMixin:
    """Adds the rate-limit headers recorded by apps.api.throttling to every response of the view."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        info = getattr(request._request, RATE_LIMIT_ATTR, None)
        if info:
            for name, value in rate_limit_headers(info).items():
                response[name] = value
        return response


class ConditionalGetMixin:
    """Strong ETag over the rendered body of a 200 GET; `If-None-Match` that matches answers 304.

    The body is rendered once (here) and hashed; the audit event was already written by the view, so a
    revalidation is audited like a read. Put this mixin before the other API mixins.
    """

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        if _etag_matches(request.headers.get("If-None-Match", ""), etag):
            not_modified = HttpResponseNotModified()
            for name in _KEEP_ON_304:
                if name in response:
                    not_modified[name] = response[name]
            return not_modified
        return response


_KEEP_ON_304 = (
    "ETag",
    "Cache-Control",
    "Vary",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
)


def _etag_matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates


class MemberApiMixin(RateLimitHeadersApiMixin):
    """For /api/v1/me/...: the member is request.user.member, never an id from the URL."""

    permission_classes: Sequence["_PermissionClass"] = [IsMemberUser]
    audit_resource: str = "member"
    request: Any
    kwargs: Any

    def get_member(self) -> Member:
        return self.request.user.member  # type: ignore[attr-defined]

    def get_member_pk(self) -> Any:
        """The caller's member pk without loading the Member row (hot read paths)."""
        return self.request.user.member_id

    def audit_view(
        self,
        *,
        member: Member | None = None,
        member_pk: Any = None,
        resource: str | None = None,
        resource_id: Any = None,
        **params: Any,
    ) -> None:
        request: HttpRequest = self.request._request  # type: ignore[attr-defined]
        audit_record(
            actor=self.request.user,
            action="view",
            resource=resource or self.audit_resource,  # type: ignore[attr-defined]
            member_id=member.pk if member is not None else member_pk,
            resource_id=resource_id,
            request=request,
            channel="api",
            **params,
        )

    def audited_view(self, *, member_pk: Any, resource: str | None = None, **params: Any) -> Any:
        """A context manager: the read inside the block is audited in the same database round trip as its
        first query (apps.audit.services.audited_read)."""
        return audited_read(
            actor=self.request.user,
            resource=resource or self.audit_resource,
            member_id=member_pk,
            request=self.request._request,
            channel="api",
            **params,
        )


class StaffMemberApiMixin(MemberApiMixin):
    """For /api/v1/members/{member_pk}/...: a rep (own plans only) or an admin; others' members answer 404."""

    permission_classes: Sequence["_PermissionClass"] = [IsRepOrAdmin]

    def get_member(self) -> Member:
        return member_get_for_user(user=self.request.user, member_pk=self.kwargs["member_pk"])  # type: ignore[attr-defined]
