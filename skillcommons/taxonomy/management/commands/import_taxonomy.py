"""Add or update skills from a JSON or CSV file; all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from skillcommons.taxonomy.actions import guess_format, import_taxonomy


class Command(BaseCommand):
    help = (
        "Import a skill taxonomy file (JSON or CSV, see skillcommons/taxonomy/interchange.py). "
        "Every problem is listed and nothing is written if there is any."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--format", choices=["json", "csv"], help="default: from the file name or content"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        file_format = options["format"] or guess_format(path.name, data)
        try:
            summary = import_taxonomy(actor=None, data=data, format=file_format)
        except ValidationError as exc:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {m}" for m in exc.messages)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {summary.created} skills added, {summary.updated} "
                f"changed, {summary.translations} labels written."
            )
        )
