"""Pages of cohort programs and circles, included by ``exchange/urls.py`` (namespace
``exchange``, under /exchange/)."""

from django.urls import URLPattern, URLResolver, path

from . import program_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("programs/<slug:slug>/edit/", views.program_edit, name="program_edit"),
    path("programs/<slug:slug>/apply/", views.program_apply, name="program_apply"),
    path(
        "programs/<slug:slug>/application/", views.program_application, name="program_application"
    ),
    path(
        "programs/<slug:slug>/application/withdraw/",
        views.program_withdraw,
        name="program_withdraw",
    ),
    path("programs/<slug:slug>/manage/", views.program_manage, name="program_manage"),
    path("programs/<slug:slug>/match/", views.program_match, name="program_match"),
    path("programs/<slug:slug>/runs/<int:pk>/", views.program_preview, name="program_preview"),
    path(
        "programs/<slug:slug>/runs/<int:pk>/publish/", views.program_publish, name="program_publish"
    ),
    path("programs/<slug:slug>/circles/", views.program_circles, name="program_circles"),
    path("programs/<slug:slug>/<str:verb>/", views.program_state, name="program_state"),
    path("circles/", views.circle_list, name="circle_list"),
    path("circles/form/", views.circle_form, name="circle_form"),
    path("circles/<int:pk>/", views.circle_detail, name="circle_detail"),
]
