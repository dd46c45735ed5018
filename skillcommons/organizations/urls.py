"""Pages of this app."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "organizations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/edit/", views.organization_edit, name="edit"),
    path("<slug:slug>/skills/", views.organization_skills, name="skills"),
    path("<slug:slug>/members/", views.organization_members, name="members"),
    path("<slug:slug>/members/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/join/", views.organization_join, name="join"),
    path("<slug:slug>/leave/", views.organization_leave, name="leave"),
]
