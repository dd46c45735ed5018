"""Pages of the peer exchange, mounted at /exchange/."""

from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_exchanges, name="mine"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("learners/", views.learners, name="learners"),
    path("ask/<str:username>/<slug:code>/", views.new_request, name="new_request"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/<str:verb>/",
        views.answer_request,
        name="answer_request",
    ),
    path("<int:pk>/", views.exchange_detail, name="detail"),
    path("<int:pk>/sessions/", views.add_session, name="add_session"),
    path("sessions/<int:pk>/cancel/", views.cancel_session, name="cancel_session"),
    path("<int:pk>/feedback/", views.add_feedback, name="add_feedback"),
    path("<int:pk>/<str:verb>/", views.close_exchange, name="close"),
    path("people/<str:username>/", views.person_safety, name="person"),
    path("reports/", views.report_queue, name="reports"),
    path("reports/<int:pk>/resolve/", views.resolve_report, name="resolve_report"),
    path("", include("skillcommons.exchange.program_urls")),  # programs and circles
]
