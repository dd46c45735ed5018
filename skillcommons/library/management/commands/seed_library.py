"""``manage.py seed_library --author NAME --reviewer NAME``: load the starter works and learning
packs (``library/data/seed.json``) into an empty library, published under those two accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from skillcommons.accounts.models import User
from skillcommons.library.models import Pack, is_curator
from skillcommons.library.seed import load_seed


class Command(BaseCommand):
    help = "Load the library's starter works and learning packs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--author", required=True, help="user name of the works' author")
        parser.add_argument("--reviewer", required=True, help="user name of a library curator")

    def handle(self, *args: Any, **options: Any) -> None:
        people = {}
        for role in ("author", "reviewer"):
            user = User.objects.filter(username=options[role], is_active=True).first()
            if user is None:
                raise CommandError(
                    _("No active account is named “%(name)s”.") % {"name": options[role]}
                )
            people[role] = user
        if not is_curator(people["reviewer"]):
            raise CommandError(_("The reviewer must be a library curator."))
        if people["author"].pk == people["reviewer"].pk:
            raise CommandError(_("The author and the reviewer must be two different people."))
        if Pack.objects.filter(slug="first-steps").exists():
            raise CommandError(_("The starter content is already loaded."))
        works = load_seed(author=people["author"], reviewer=people["reviewer"])
        self.stdout.write(
            _("Loaded %(count)d works and their learning packs.") % {"count": len(works)}
        )
