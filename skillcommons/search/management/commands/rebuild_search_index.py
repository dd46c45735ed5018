"""``manage.py rebuild_search_index``: rebuild the search index from every registered source."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from skillcommons.search import service
from skillcommons.search.backends import get_backend
from skillcommons.search.documents import SearchDocument

BATCH = 500


def batches(docs: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, size)):
        yield batch


class Command(BaseCommand):
    help = "Rebuild the search index from every registered source (or the ones named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", default=[], help="rebuild only this source (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        registered = service.sources()
        names: list[str] = options["source"] or sorted(registered)
        unknown = [name for name in names if name not in registered]
        if unknown:
            raise CommandError(
                _("Unknown search source %(names)s. Registered sources: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(registered)) or "-"}
            )
        backend = get_backend()
        console = Console(file=cast(IO[str], self.stdout))
        total_docs = 0
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            for name in names:
                source = registered[name]
                total = source.count() if source.count else None
                task = progress.add_task(_("Indexing %(source)s") % {"source": name}, total=total)
                # One transaction per source: searches see the old index until the new one is
                # complete, and a failure leaves the old one in place.
                with transaction.atomic():
                    backend.delete_source(name)
                    for batch in batches(source.iter_documents(), BATCH):
                        backend.index(batch)
                        progress.advance(task, len(batch))
                        total_docs += len(batch)
                progress.update(task, total=progress.tasks[task].completed)
        if not options["source"]:
            with transaction.atomic():
                # Entries of sources nobody registers any more (or benchmark leftovers) go too,
                # and the typo vocabulary is rebuilt from what is left.
                backend.delete_other_sources(names)
                backend.rebuild_vocabulary()
        backend.optimize()
        self.stdout.write(
            ngettext(
                "Indexed %(count)d document (sources: %(names)s).",
                "Indexed %(count)d documents (sources: %(names)s).",
                total_docs,
            )
            % {"count": total_docs, "names": ", ".join(names) or "-"}
        )
