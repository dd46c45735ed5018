"""``manage.py expire_exchange_requests``: close the requests whose time to answer ran out and
tell the learners. Pages already show such requests as expired; run this regularly (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from skillcommons.exchange.actions import expire_requests


class Command(BaseCommand):
    help = "Close exchange requests that were not answered in time."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_requests()
        self.stdout.write(_("Expired requests: %(count)d") % {"count": count})
