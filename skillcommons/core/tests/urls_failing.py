"""The site's URLs plus pages that fail, to see the 500 pages (used with ``pytest.mark.urls``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from config import urls as site_urls


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns: list[URLPattern | URLResolver] = [
    path("broken/", broken),
    path("api/v1/broken-outside-ninja/", broken),
    path("", include(site_urls)),
]

handler404 = "skillcommons.core.views.page_not_found"
handler500 = "skillcommons.core.views.server_error"
