"""Console pages for enrollment (included under the "console" namespace)."""

from django.urls import path

from apps.console import enrollment_views as views

urlpatterns = [
    path("enrollment/queue/", views.enrollment_queue, name="enrollment-queue"),
    path(
        "enrollment/items/<uuid:item_pk>/resolve/",
        views.enrollment_item_resolve,
        name="enrollment-item-resolve",
    ),
    path(
        "enrollment/members/<uuid:member_pk>/as-of/",
        views.enrollment_member_as_of,
        name="enrollment-member-as-of",
    ),
    path("enrollment/imports/", views.enrollment_imports, name="enrollment-imports"),
    path("enrollment/imports/<uuid:run_pk>/", views.enrollment_import, name="enrollment-import"),
]
