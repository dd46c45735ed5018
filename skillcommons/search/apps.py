from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The shared multilingual search engine: pillars index documents and query them through
    ``skillcommons.search.service``."""

    name = "skillcommons.search"
    verbose_name = _("Search")
