"""Cursor pagination for every list endpoint, and the schema of a page for @extend_schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes
from rest_framework import pagination, serializers


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"


CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="Opaque cursor from `next` / `previous`"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Items per page (max 100)"),
]

_pages: dict[type, type] = {}


def paginated(item_serializer: type[serializers.BaseSerializer[Any]]) -> type[serializers.Serializer[Any]]:
    """The response schema of one cursor page of `item_serializer` items, for APIViews that paginate by
    hand: `@extend_schema(parameters=CURSOR_PARAMETERS, responses=paginated(ItemSerializer))`."""
    if item_serializer not in _pages:
        name = item_serializer.__name__.removesuffix("Serializer")
        _pages[item_serializer] = type(
            f"{name}PageSerializer",
            (serializers.Serializer,),
            {
                "__module__": item_serializer.__module__,
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item_serializer(many=True),
            },
        )
    return _pages[item_serializer]
