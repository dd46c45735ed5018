"""Inbox pages, mounted at /inbox/."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("preferences/", views.preferences, name="preferences"),
]
