"""Console pages for the formulary (included under the "console" namespace)."""

from django.urls import path

from apps.console import formulary_views as views

urlpatterns = [
    path("formulary/members/<uuid:member_pk>/", views.formulary_member_page, name="formulary-member"),
    path(
        "formulary/members/<uuid:member_pk>/search/",
        views.formulary_member_search,
        name="formulary-member-search",
    ),
    path(
        "formulary/members/<uuid:member_pk>/drugs/<str:rxcui>/",
        views.formulary_member_drug,
        name="formulary-member-drug",
    ),
]
