"""Pages of the needs assessment."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "needs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.wave_list, name="wave_list"),
    path("waves/new/", views.wave_create, name="wave_create"),
    path("waves/<slug:slug>/", views.wave_detail, name="wave_detail"),
    path("waves/<slug:slug>/respond/", views.respond, name="respond"),
    path("waves/<slug:slug>/invite/", views.wave_invite, name="wave_invite"),
    path("responses/", views.my_responses, name="my_responses"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/withdraw/", views.response_withdraw, name="response_withdraw"),
    path("questionnaires/", views.instrument_list, name="instrument_list"),
    path("questionnaires/import/", views.instrument_import, name="instrument_import"),
    path("questionnaires/<slug:slug>/", views.instrument_detail, name="instrument_detail"),
    path("questionnaires/<slug:slug>/new-version/", views.version_new, name="version_new"),
    path("questionnaires/<slug:slug>/v<int:number>/", views.version_detail, name="version_detail"),
    path(
        "questionnaires/<slug:slug>/v<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
    path(
        "questionnaires/<slug:slug>/v<int:number>/export.xlsx",
        views.version_export,
        name="version_export",
    ),
    path(
        "questionnaires/<slug:slug>/v<int:number>/questions/<slug:name>/remove/",
        views.question_remove,
        name="question_remove",
    ),
]
