"""Console pages for benefits (included under the "console" namespace)."""

from django.urls import path

from apps.console import benefits_views as views

urlpatterns = [
    path("benefits/catalogs/", views.benefits_catalogs, name="benefits-catalogs"),
    path("benefits/members/<uuid:member_pk>/", views.benefits_member_page, name="benefits-member"),
    path(
        "benefits/members/<uuid:member_pk>/search/",
        views.benefits_member_search,
        name="benefits-member-search",
    ),
]
