"""``manage.py bench_search``: time indexing and searching on synthetic documents.

Prints one JSON object with ``--json``; see ``skillcommons/search/benchmark.py`` for the keys and
``docs/search.md`` for measured numbers. It writes documents of the source "bench" into the
configured database and removes them afterwards (unless ``--keep``); run it on a scratch
database (``SKILLCOMMONS_DATA_DIR=/tmp/bench``, or ``scripts/with_postgres.sh``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from skillcommons.search.benchmark import WORD_MAKERS, clean_up, run

MAX_DOCS = 2_000_000
MAX_QUERIES = 100_000


class Command(BaseCommand):
    help = "Index synthetic documents in many languages and time searches against a LIKE search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--docs", type=int, default=100_000)
        parser.add_argument("--languages", type=int, default=len(WORD_MAKERS))
        parser.add_argument("--queries", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="leave the documents indexed")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["docs"] <= MAX_DOCS:
            raise CommandError(
                _("--docs must be between 1 and %(maximum)d.") % {"maximum": MAX_DOCS}
            )
        if not 1 <= options["languages"] <= len(WORD_MAKERS):
            raise CommandError(
                _("--languages must be between 1 and %(maximum)d.") % {"maximum": len(WORD_MAKERS)}
            )
        if not 1 <= options["queries"] <= MAX_QUERIES:
            raise CommandError(
                _("--queries must be between 1 and %(maximum)d.") % {"maximum": MAX_QUERIES}
            )
        result = run(
            docs=options["docs"],
            languages=options["languages"],
            queries=options["queries"],
            seed=options["seed"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
        self.stdout.flush()
        if not options["keep"]:
            # After printing: removing 100,000 documents takes about as long as indexing them.
            clean_up()
