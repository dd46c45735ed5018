from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "skillcommons.badges"
    verbose_name = _("Open Badges")

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the outcome receiver)
