"""Console pages for grievances and appeals (included under the "console" namespace)."""

from django.urls import path

from apps.console import appeals_views as views

urlpatterns = [
    path("appeals/new/", views.appeals_intake, name="appeals-intake"),
    path("appeals/queue/", views.appeals_queue, name="appeals-queue"),
    path("appeals/timeliness/", views.appeals_timeliness, name="appeals-timeliness"),
    path("appeals/members/<uuid:member_pk>/", views.appeals_member_cases, name="appeals-member-cases"),
    path("appeals/cases/<uuid:case_pk>/", views.appeals_case, name="appeals-case"),
    path(
        "appeals/cases/<uuid:case_pk>/transition/",
        views.appeals_case_transition,
        name="appeals-case-transition",
    ),
    path("appeals/cases/<uuid:case_pk>/extend/", views.appeals_case_extend, name="appeals-case-extend"),
    path("appeals/cases/<uuid:case_pk>/decide/", views.appeals_case_decide, name="appeals-case-decide"),
    path(
        "appeals/cases/<uuid:case_pk>/state-hearing/",
        views.appeals_case_state_hearing,
        name="appeals-case-state-hearing",
    ),
    path("appeals/cases/<uuid:case_pk>/attach/", views.appeals_case_attach, name="appeals-case-attach"),
    path(
        "appeals/cases/<uuid:case_pk>/attachments/<uuid:attachment_pk>/",
        views.appeals_attachment_download,
        name="appeals-attachment",
    ),
]
