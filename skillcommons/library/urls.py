"""Pages of the library."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "library"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("queue/", views.queue, name="queue"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("works/new/", views.work_create, name="work_create"),
    path("works/<int:pk>/", views.work_detail, name="work"),
    path("works/<int:pk>/edit/", views.work_edit, name="work_edit"),
    path("works/<int:pk>/submit/", views.work_submit, name="work_submit"),
    path("works/<int:pk>/start-review/", views.work_start_review, name="work_start_review"),
    path("works/<int:pk>/review/", views.work_review, name="work_review"),
    path("works/<int:pk>/flag/", views.work_flag, name="work_flag"),
    path("works/<int:pk>/rate/", views.work_rate, name="work_rate"),
    path("works/<int:pk>/done/", views.work_complete, name="work_complete"),
    path("works/<int:pk>/quiz/", views.quiz, name="quiz"),
    path("works/<int:pk>/translate/", views.translate, name="translate"),
    path("works/<int:pk>/<str:locale>/edit/", views.variant_edit, name="variant_edit"),
    path("works/<int:pk>/<str:locale>/history/", views.variant_history, name="history"),
    path("works/<int:pk>/<str:locale>/delete/", views.variant_delete, name="variant_delete"),
    path("works/<int:pk>/<str:locale>/questions/", views.quiz_edit, name="quiz_edit"),
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<slug:slug>/", views.pack_detail, name="pack"),
    path("packs/<slug:slug>/start/", views.pack_start, name="pack_start"),
    path("packs/<slug:slug>/offline.zip", views.pack_export, name="pack_export"),
]
