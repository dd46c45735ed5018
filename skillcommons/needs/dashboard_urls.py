"""URLs of the needs dashboards and open data (mounted at /needs/ by config/urls.py)."""

from django.urls import path

from skillcommons.needs import dashboard_views, opendata_views

app_name = "needs_stats"

urlpatterns = [
    path("dashboards/", dashboard_views.index, name="index"),
    path("dashboards/<slug:slug>/", dashboard_views.wave_dashboard, name="wave"),
    path(
        "dashboards/<slug:slug>/organizations/<slug:organization>/",
        dashboard_views.organization_dashboard,
        name="organization",
    ),
    path("open-data/", opendata_views.index, name="opendata_index"),
    path("open-data/<slug:slug>/", opendata_views.release_page, name="opendata_release"),
    path("open-data/<slug:slug>/publish", opendata_views.publish, name="opendata_publish"),
    path(
        "open-data/<slug:slug>/download/<str:fmt>",
        opendata_views.download,
        name="opendata_download",
    ),
]
