from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "skillcommons.library"
    verbose_name = _("Learning library")

    def ready(self) -> None:
        from . import search_sync

        search_sync.register()
