"""Pages of this app (mounted at /skills/)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "taxonomy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.skill_list, name="skill_list"),
    path("new/", views.skill_create, name="skill_create"),
    path("import/", views.taxonomy_import, name="import"),
    path("export.<str:format>", views.taxonomy_export, name="export"),
    path("languages/", views.language_list, name="language_list"),
    path("regions/", views.region_list, name="region_list"),
    path("<slug:code>/", views.skill_detail, name="skill_detail"),
    path("<slug:code>/edit/", views.skill_edit, name="skill_edit"),
]
