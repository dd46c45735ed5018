"""``manage.py bench_needs``: time the needs tables (roll-up, suppression, audit) on a synthetic wave.

Prints one JSON object with ``--json``; see ``skillcommons/needs/benchmark.py`` for the keys and
``docs/needs.md`` for measured numbers.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from skillcommons.needs.benchmark import run, run_database

MAX_RESPONDENTS = 2_000_000
MAX_SKILLS = 500
MAX_VALUES = 100_000


class Command(BaseCommand):
    help = "Time the needs and assets tables, with disclosure control, on a synthetic wave."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--respondents", type=int, default=100_000)
        parser.add_argument("--skills", type=int, default=40, help="nodes of the 3-level tree")
        parser.add_argument("--regions", type=int, default=8)
        parser.add_argument("--countries", type=int, default=60)
        parser.add_argument("--languages", type=int, default=30)
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--k", type=int, default=5, help="minimum published cell size")
        parser.add_argument(
            "--protected-k", type=int, default=10, help="minimum cell size for protected countries"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--db",
            action="store_true",
            help="write the wave into the database and aggregate it from there (rolled back)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limits = {
            "respondents": MAX_RESPONDENTS,
            "skills": MAX_SKILLS,
            "regions": MAX_VALUES,
            "countries": MAX_VALUES,
            "languages": MAX_VALUES,
            "organizations": MAX_VALUES,
        }
        for name, maximum in limits.items():
            if not 1 <= options[name] <= maximum:
                raise CommandError(
                    _("--%(option)s must be between 1 and %(maximum)d.")
                    % {"option": name, "maximum": maximum}
                )
        if options["db"] and options["countries"] > 26 * 26:
            raise CommandError(_("--db supports at most 676 countries."))
        if options["countries"] < options["regions"]:
            raise CommandError(_("There must be at least as many countries as regions."))
        if options["k"] < 1 or options["protected_k"] < options["k"]:
            raise CommandError(_("--k must be at least 1 and --protected-k at least --k."))
        result = (run_database if options["db"] else run)(
            respondents=options["respondents"],
            skills=options["skills"],
            regions=options["regions"],
            countries=options["countries"],
            languages=options["languages"],
            organizations=options["organizations"],
            k=options["k"],
            protected_k=options["protected_k"],
            seed=options["seed"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for key, value in result.items():
            if key != "notes":
                self.stdout.write(f"{key}: {value}")
        for note in result["notes"]:
            self.stdout.write(f"- {note}")
