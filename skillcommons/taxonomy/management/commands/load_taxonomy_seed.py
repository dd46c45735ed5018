"""Load (again) the shipped languages, region schemes and skills from taxonomy/data/."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from skillcommons.taxonomy.seed import load_all


class Command(BaseCommand):
    help = (
        "Load the shipped vocabulary (languages, region schemes, skills) from "
        "skillcommons/taxonomy/data/. Idempotent: records are matched by code or version and "
        "updated; nothing is deleted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = load_all(apps.get_model)
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded {languages} languages, {region_schemes} region schemes and "
                "{skills} skills.".format(**counts)
            )
        )
