"""The JSON API at /api/v1/: one NinjaAPI with a router per app."""

from __future__ import annotations

from ninja import NinjaAPI

from skillcommons.accounts.api import router as people_router
from skillcommons.badges.api import router as badges_router
from skillcommons.badges.verify_api import router as badges_verify_router
from skillcommons.core.api import PUBLIC, TextSafeParser, install_error_handlers
from skillcommons.exchange.api import router as exchange_router
from skillcommons.exchange.program_api import router as programs_router
from skillcommons.needs.api import router as needs_router
from skillcommons.notifications.api import router as notifications_router
from skillcommons.organizations.api import router as organizations_router
from skillcommons.taxonomy.api import router as taxonomy_router

api = NinjaAPI(
    title="Skillcommons API",
    version="1",
    description=(
        "Skills, people and organizations of the Wikimedia skills commons. Reads are public and "
        "respect each person's visibility settings; sign in (session) or send a personal API "
        "token as `Authorization: Bearer sc_…` to see what members see and to write. Errors "
        'always have the shape `{"error": {"status", "code", "message", "fields"?}}`.'
    ),
    urls_namespace="api",
    auth=PUBLIC,
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=TextSafeParser(),
)
install_error_handlers(api)
api.add_router("/", taxonomy_router)
api.add_router("/", people_router)
api.add_router("/", organizations_router)
api.add_router("/", needs_router)
api.add_router("/", "skillcommons.needs.stats_api.router")
api.add_router("/", exchange_router)
api.add_router("/", notifications_router)
api.add_router("/", badges_router)
api.add_router("/", badges_verify_router)
api.add_router("/", programs_router)
api.add_router("/", "skillcommons.library.api.router")
