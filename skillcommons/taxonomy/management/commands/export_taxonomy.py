"""Write the skill taxonomy as JSON or CSV (format: skillcommons.taxonomy.interchange)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from skillcommons.taxonomy.actions import export_taxonomy


class Command(BaseCommand):
    help = "Export every skill with its labels as JSON or CSV (to stdout or --output FILE)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        body = export_taxonomy(format=options["format"])
        if options["output"]:
            Path(options["output"]).write_text(body, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(body, ending="")
