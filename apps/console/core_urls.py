"""Core console pages (doors): sign-in, search, member page, work queues."""

from django.urls import path

from apps.console import core_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("login/verify/", views.otp_verify, name="otp-verify"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("signed-in/", views.signed_in, name="signed-in"),
    path("security/", views.otp_setup, name="otp-setup"),
    path("search/", views.member_search_results, name="member-search"),
    path("members/<uuid:member_pk>/", views.member_detail, name="member-detail"),
    path("queues/", views.work_queues_page, name="work-queues"),
]
