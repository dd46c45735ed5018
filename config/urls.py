"""URL map: HTML pages at /, the JSON API at /api/v1/, the admin at /admin/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api
from skillcommons.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("skillcommons.accounts.urls")),
    path("skills/", include("skillcommons.taxonomy.urls")),
    path("organizations/", include("skillcommons.organizations.urls")),
    path("", include("skillcommons.badges.verify_urls")),
    path("", include("skillcommons.badges.urls")),
    path("needs/", include("skillcommons.needs.urls")),
    path("needs/", include("skillcommons.needs.dashboard_urls")),
    path("exchange/", include("skillcommons.exchange.urls")),
    path("inbox/", include("skillcommons.notifications.urls")),
    path("library/", include("skillcommons.library.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "skillcommons.core.views.page_not_found"
handler500 = "skillcommons.core.views.server_error"
handler403 = "skillcommons.core.views.permission_denied"
handler400 = "skillcommons.core.views.bad_request"
