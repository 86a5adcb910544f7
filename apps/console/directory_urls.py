"""Console pages for the provider directory (included under the "console" namespace)."""

from django.urls import path

from apps.console import directory_views as views

urlpatterns = [
    path("directory/members/<uuid:member_pk>/", views.directory_member_page, name="directory-member"),
    path(
        "directory/members/<uuid:member_pk>/search/",
        views.directory_member_search,
        name="directory-member-search",
    ),
    path(
        "directory/members/<uuid:member_pk>/providers/<uuid:entry_id>/",
        views.directory_member_provider,
        name="directory-member-provider",
    ),
]
