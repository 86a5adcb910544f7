"""Console pages for notices (included under the "console" namespace)."""

from django.urls import path

from apps.console import notices_views as views

urlpatterns = [
    path("notices/late-risk/", views.notices_late_risk, name="notices-late-risk"),
    path("notices/members/<uuid:member_pk>/", views.notices_member_history, name="notices-member-history"),
    path(
        "notices/members/<uuid:member_pk>/<uuid:notice_pk>/pdf/",
        views.notices_notice_pdf,
        name="notices-notice-pdf",
    ),
    path(
        "notices/members/<uuid:member_pk>/<uuid:notice_pk>/resend/",
        views.notices_resend,
        name="notices-resend",
    ),
]
