from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "skillcommons.exchange"
    verbose_name = _("Peer exchange")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the matching cache to model changes)
