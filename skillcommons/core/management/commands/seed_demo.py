"""``manage.py seed_demo``: a realistic, multilingual demo dataset for local use.

Deterministic: the same ``--seed`` and sizes give the same people, organizations and choices.
Fast at scale: everything is generated in memory from one seeded random generator and written with
``bulk_create`` in batches (no query per row), so ``--people 100000`` takes under a minute on
SQLite. Skills, languages and the country-to-region mapping come from the taxonomy already in the
database (loaded by its migrations).

The demo sign-ins share one documented password; the command refuses to run in production mode
unless ``--force`` is given.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import import_module
from itertools import islice
from typing import IO, Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.core.management.demo_data import (
    BIOS,
    COUNTRIES,
    CULTURES,
    ORGANIZATIONS,
    PRONOUNS,
    SECOND_LANGUAGES,
    USERNAME_PATTERNS,
    Country,
    OrganizationSeed,
)
from skillcommons.core.visibility import Visibility
from skillcommons.organizations.models import Membership, Organization, OrganizationSkill
from skillcommons.taxonomy.models import CountryRegion, Language, Skill

DEMO_PASSWORD = "demo-password"  # noqa: S105 (documented password of the local demo only)
#: The documented demo sign-ins: user name → role.
DEMO_ACCOUNTS: dict[str, str] = {
    "demo-admin": "admin",
    "demo-curator": "curator",
    "demo-coordinator": "coordinator",
    "demo-organizer": "organizer",
    "demo-member": "member",
}
MAX_PEOPLE = 1_000_000
MAX_ORGANIZATIONS = 100_000
# People are generated and written this many at a time, which bounds memory at any size.
CHUNK = 5000
# Dates are drawn back from a fixed day, so the same seed gives the same dataset on any day.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FAMILY_NAME_FIRST = {"japanese", "korean", "taiwanese"}
METHODS = [choice.value for choice in Profile.Method]
LEVEL_WEIGHTS = ((None, 5), (0, 10), (1, 25), (2, 30), (3, 20), (4, 10))

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


LANGUAGE_COLUMNS = ("profile", "language", "proficiency")
SKILL_COLUMNS = (
    "profile",
    "skill",
    "level",
    "wants_to_learn",
    "offers_teaching",
    "offers_mentoring",
    "offers_consulting",
    "offers_review",
)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert plain rows with one prepared statement per batch (``executemany``).

    For the largest tables (a person's languages and skills: several rows per person, no ids
    needed back) this does what ``bulk_create`` does without building a model instance and
    compiling SQL per row, which is most of the time ``bulk_create`` takes. Values must already be
    what the column stores (ids, numbers, booleans).
    """
    meta = model._meta
    quote = connection.ops.quote_name
    names = []
    for name in fields:
        column = meta.get_field(name)
        assert isinstance(column, Field)
        names.append(quote(str(column.column)))
    columns = ", ".join(names)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in batched(rows, 10_000):
            cursor.executemany(sql, chunk)


@dataclass
class Taxonomy:
    """What the generator may refer to, read once from the database."""

    person_skills: list[int]
    all_skills: list[int]
    languages: dict[str, int]
    regions: dict[str, str]

    @classmethod
    def load(cls) -> Taxonomy:
        skills = list(
            Skill.objects.filter(is_active=True).order_by("code").values_list("pk", "depth")
        )
        regions = dict(
            CountryRegion.objects.filter(scheme__is_current=True).values_list(
                "country", "region__code"
            )
        )
        return cls(
            person_skills=[pk for pk, depth in skills if depth >= 1] or [pk for pk, _d in skills],
            all_skills=[pk for pk, _depth in skills],
            languages=dict(Language.objects.filter(is_active=True).values_list("code", "pk")),
            regions=regions,
        )

    def region_of(self, country: Country) -> str:
        return self.regions.get(country.code, country.region)


@dataclass
class PersonPlan:
    """Everything about one generated person, before it becomes rows."""

    username: str
    email: str
    joined: datetime
    country: Country
    region: str
    profile: dict[str, Any]
    languages: list[tuple[int, int]] = field(default_factory=list)  # (language id, proficiency)
    skills: list[dict[str, Any]] = field(default_factory=list)
    user_id: int = 0


@dataclass
class Counts:
    people: int = 0
    languages: int = 0
    skills: int = 0
    organizations: int = 0
    memberships: int = 0
    organization_skills: int = 0


class Generator:
    """Draws the dataset from one seeded random generator; knows nothing about the database."""

    def __init__(self, seed: int, taxonomy: Taxonomy, taken_usernames: set[str]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (demo data, reproducible by design)
        self.taxonomy = taxonomy
        self.taken = {name.casefold() for name in taken_usernames}
        self.name_counts: dict[str, int] = defaultdict(int)
        self.country_weights = [country.weight for country in COUNTRIES]
        self.username_patterns = [pattern for pattern, _w in USERNAME_PATTERNS]
        self.username_weights = [weight for _p, weight in USERNAME_PATTERNS]

    def when(self, days: int) -> datetime:
        return EPOCH - timedelta(days=self.rng.randint(0, days), minutes=self.rng.randint(0, 1439))

    def unique_username(self, base: str) -> str:
        while True:
            self.name_counts[base] += 1
            count = self.name_counts[base]
            candidate = base if count == 1 else f"{base} {count}"
            if candidate.casefold() not in self.taken:
                self.taken.add(candidate.casefold())
                return candidate

    def visibility(self, sharing: int) -> int:
        """Mostly the person's general sharing habit, sometimes a field-by-field choice."""
        if self.rng.random() < 0.75:
            return sharing
        return self.rng.choice(Visibility.values)

    def person(self, index: int) -> PersonPlan:
        rng = self.rng
        country = rng.choices(COUNTRIES, weights=self.country_weights)[0]
        culture = CULTURES[country.culture]
        given_latin, given_local = rng.choice(culture.given)
        family_latin, family_local = rng.choice(culture.family)
        if country.culture in FAMILY_NAME_FIRST:
            display_name = f"{family_local}{given_local}"
        else:
            display_name = f"{given_local} {family_local}"
        pattern = rng.choices(self.username_patterns, weights=self.username_weights)[0]
        username = self.unique_username(
            pattern.format(
                given=given_latin,
                family=family_latin,
                g=given_latin[0],
                f=family_latin[0],
                year=rng.randint(1960, 2008),
                code=country.code,
            )
        )
        sharing = rng.choices(Visibility.values, weights=(25, 40, 35))[0]
        city = rng.choice(country.cities)
        wikis = list(country.home_wikis[: rng.randint(1, len(country.home_wikis))])
        if rng.random() < 0.2:
            wikis.append(rng.choice(["metawiki", "wikidatawiki", "commonswiki", "mediawikiwiki"]))
        wikis = list(dict.fromkeys(wikis))

        native = rng.choices(
            [code for code, _s in country.languages], [s for _c, s in country.languages]
        )[0]
        spoken = [(native, PersonLanguage.Proficiency.NATIVE.value)]
        for _i in range(rng.choices((0, 1, 2, 3), weights=(20, 45, 25, 10))[0]):
            seconds = SECOND_LANGUAGES[country.region]
            code = rng.choices([c for c, _w in seconds], weights=[w for _c, w in seconds])[0]
            if code not in {c for c, _p in spoken}:
                spoken.append((code, rng.randint(1, 5)))
        # In the native language when there are bios in it, else English if they speak it, else
        # another language they speak.
        codes = [code for code, _p in spoken]
        if native in BIOS:
            bio_language = native
        elif "en" in codes:
            bio_language = "en"
        else:
            bio_language = next((code for code in codes if code in BIOS), "en")
        bio = ""
        if rng.random() < 0.6:
            bio = rng.choice(BIOS[bio_language]).format(wiki=wikis[0], city=city)

        skills: list[dict[str, Any]] = []
        mentors = False
        pool = self.taxonomy.person_skills
        for skill_id in rng.sample(pool, min(len(pool), rng.randint(2, 8))):
            level = rng.choices([lv for lv, _w in LEVEL_WEIGHTS], [w for _l, w in LEVEL_WEIGHTS])[0]
            strong = level is not None and level >= 3
            beginner = level is None or level <= 1
            row = {
                "skill": skill_id,
                "level": level,
                "wants_to_learn": rng.random() < (0.8 if beginner else 0.1),
                "offers_teaching": strong and rng.random() < 0.5,
                "offers_mentoring": strong and rng.random() < 0.4,
                "offers_consulting": level == 4 and rng.random() < 0.3,
                "offers_review": strong and rng.random() < 0.3,
            }
            mentors = mentors or bool(row["offers_mentoring"])
            skills.append(row)

        availability = []
        for _i in range(rng.choices((0, 1, 2, 3, 4), weights=(30, 20, 25, 15, 10))[0]):
            start = rng.randint(6, 20)
            end = min(start + rng.randint(1, 3), 23)
            slot = {"day": rng.randint(0, 6), "start": f"{start:02d}:00", "end": f"{end:02d}:00"}
            if slot not in availability:
                availability.append(slot)
        availability.sort(key=lambda s: (s["day"], s["start"]))

        profile = {
            "display_name": display_name,
            # People who share anything usually share their name first.
            "display_name_visibility": Visibility.PUBLIC
            if sharing != Visibility.PRIVATE and rng.random() < 0.7
            else self.visibility(sharing),
            "pronouns": rng.choices([p for p, _w in PRONOUNS], [w for _p, w in PRONOUNS])[0],
            "pronouns_visibility": self.visibility(sharing),
            "bio": bio,
            "bio_visibility": self.visibility(sharing),
            "home_wikis": wikis,
            "home_wikis_visibility": self.visibility(sharing),
            "country": country.code,
            "location_visibility": self.visibility(sharing),
            "time_zone": rng.choice(country.time_zones),
            "time_zone_visibility": self.visibility(sharing),
            "languages_visibility": self.visibility(sharing),
            "skills_visibility": self.visibility(sharing),
            "offers_visibility": self.visibility(sharing),
            "wants_visibility": self.visibility(sharing),
            "preferred_methods": rng.sample(METHODS, rng.randint(1, 3)),
            "methods_visibility": self.visibility(sharing),
            "availability": availability,
            "availability_visibility": self.visibility(sharing),
            "mentoring_capacity": rng.randint(1, 5) if mentors else 0,
            "capacity_visibility": self.visibility(sharing),
        }
        return PersonPlan(
            username=username,
            email=f"person{index}@example.org",
            joined=self.when(3 * 365),
            country=country,
            region=self.taxonomy.region_of(country),
            profile=profile,
            languages=[
                (self.taxonomy.languages[code], level)
                for code, level in spoken
                if code in self.taxonomy.languages
            ],
            skills=skills,
        )

    def organizations(self, count: int) -> list[OrganizationSeed]:
        """``count`` organizations; a small count still reaches every region (taken in turn)."""
        by_region: dict[str, list[OrganizationSeed]] = defaultdict(list)
        countries = {country.code: country for country in COUNTRIES}
        for seed in ORGANIZATIONS:
            region = (
                self.taxonomy.region_of(countries[seed.country]) if seed.country else seed.region
            )
            by_region[region].append(seed)
        ordered: list[OrganizationSeed] = []
        queues = [list(seeds) for _region, seeds in sorted(by_region.items())]
        while any(queues):
            for queue in queues:
                if queue:
                    ordered.append(queue.pop(0))
        chosen = ordered[:count]
        extra = 0
        while len(chosen) < count:
            extra += 1
            country = self.rng.choices(COUNTRIES, weights=self.country_weights)[0]
            city = self.rng.choice(country.cities)
            chosen.append(
                OrganizationSeed(
                    slug=f"wikimedians-{country.code.lower()}-{extra}",
                    name=f"Wikimedians of {city}" + (f" ({extra})" if extra > 1 else ""),
                    kind=Organization.Kind.USER_GROUP,
                    country=country.code,
                    region="",
                    languages=tuple(code for code, _s in country.languages[:2]),
                    description="",
                )
            )
        return chosen


class Command(BaseCommand):
    help = (
        "Load a realistic, multilingual demo dataset: organizations in every Wikimedia region, "
        "people with languages, skills, offers, wants and availability, memberships, and five "
        f"demo sign-ins ({', '.join(DEMO_ACCOUNTS)}) with the password '{DEMO_PASSWORD}'. "
        "For local use only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=int, default=300, help="generated people, besides the demo sign-ins"
        )
        parser.add_argument(
            "--organizations",
            type=int,
            default=len(ORGANIZATIONS),
            help=f"organizations (default {len(ORGANIZATIONS)}; more are generated user groups)",
        )
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database has any account"
        )
        parser.add_argument(
            "--force", action="store_true", help="run even when SKILLCOMMONS_MODE=production"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        organizations: int = options["organizations"]
        if getattr(settings, "PRODUCTION", False) and not options["force"]:
            raise CommandError(
                _(
                    "This is a production site: demo data would add accounts with a published "
                    "password. Add --force if you really mean it."
                )
            )
        if not 0 <= people <= MAX_PEOPLE:
            raise CommandError(
                _("--people must be between 0 and %(maximum)d.") % {"maximum": MAX_PEOPLE}
            )
        if not 1 <= organizations <= MAX_ORGANIZATIONS:
            raise CommandError(
                _("--organizations must be between 1 and %(maximum)d.")
                % {"maximum": MAX_ORGANIZATIONS}
            )
        if options["if_empty"] and User.objects.exists():
            if options["verbosity"] > 0:
                self.stdout.write(_("People exist already; no demo data was added."))
            return
        taken = set(User.objects.values_list("username", flat=True))
        if taken & set(DEMO_ACCOUNTS):
            raise CommandError(
                _(
                    "The demo data is already loaded. Use an empty database, or --if-empty to "
                    "skip quietly."
                )
            )
        taxonomy = Taxonomy.load()
        if not taxonomy.all_skills and options["verbosity"] > 0:
            self.stderr.write(
                _("The skill taxonomy is empty: people and organizations get no skills.")
            )

        started = time.monotonic()
        console = Console(file=cast(IO[str], self.stdout), quiet=options["verbosity"] == 0)
        generator = Generator(options["seed"], taxonomy, taken)
        with (
            Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress,
            transaction.atomic(),
        ):
            counts = Writer(generator, taxonomy, progress).run(people, organizations)
            for _app_label, seed_pillar in pillar_seeders():
                # Demo data, not secrets: a seeded generator makes it reproducible.
                seed_pillar(random.Random(options["seed"]))  # noqa: S311
        elapsed = time.monotonic() - started

        if options["verbosity"] > 0:
            self.stdout.write(
                _(
                    "Added %(people)d people (%(languages)d languages, %(skills)d skills), "
                    "%(organizations)d organizations with %(memberships)d memberships and "
                    "%(organization_skills)d skills, in %(seconds).1f s."
                )
                % {**vars(counts), "seconds": elapsed}
            )
            self.stdout.write(
                _("Demo sign-ins (password: %(password)s): %(accounts)s")
                % {"password": DEMO_PASSWORD, "accounts": ", ".join(DEMO_ACCOUNTS)}
            )


def pillar_seeders() -> list[tuple[str, Callable[[random.Random], None]]]:
    """The ``seed(rng)`` function of every installed app that has a ``demo`` module.

    A pillar adds its own demo data (exchanges, badges, works, questionnaires) in
    ``skillcommons/<app>/demo.py`` after people and organizations exist, inside the same
    transaction, so this command never imports pillar models itself. They run in
    ``INSTALLED_APPS`` order.
    """
    seeders = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name.startswith("skillcommons.") and importlib.util.find_spec(module_name):
            seeders.append((config.label, import_module(module_name).seed))
    return seeders


class Writer:
    """Turns the generator's plans into rows, in batches."""

    def __init__(self, generator: Generator, taxonomy: Taxonomy, progress: Progress) -> None:
        self.generator = generator
        self.rng = generator.rng
        self.taxonomy = taxonomy
        self.progress = progress
        self.counts = Counts()
        self.unusable_password = make_password(None)
        self.demo_password = make_password(DEMO_PASSWORD)
        # (user id, country, region) of everyone written, for memberships.
        self.people: list[tuple[int, str, str]] = []

    def run(self, people: int, organizations: int) -> Counts:
        seeds = self.generator.organizations(organizations)
        orgs = self.write_organizations(seeds)
        demo = self.write_demo_accounts()
        task = self.progress.add_task(_("People"), total=people)
        for start in range(0, people, CHUNK):
            plans = [
                self.generator.person(index) for index in range(start, min(people, start + CHUNK))
            ]
            self.write_people(plans)
            self.progress.advance(task, len(plans))
        self.write_memberships(orgs, demo)
        return self.counts

    def bulk(self, model: type[Model], rows: Sequence[Any]) -> None:
        for chunk in batched(rows, 2000):
            model._default_manager.bulk_create(chunk)

    # --- organizations --------------------------------------------------------------------------

    def write_organizations(self, seeds: list[OrganizationSeed]) -> list[Organization]:
        task = self.progress.add_task(_("Organizations"), total=len(seeds))
        countries = {country.code: country for country in COUNTRIES}
        orgs = [
            Organization(
                slug=seed.slug,
                name=seed.name,
                kind=seed.kind,
                description=seed.description,
                website=seed.website,
                country=seed.country,
                region=(
                    self.taxonomy.region_of(countries[seed.country])
                    if seed.country
                    else seed.region
                ),
                created_at=self.generator.when(8 * 365),
            )
            for seed in seeds
        ]
        existing = set(
            Organization.objects.filter(slug__in=[org.slug for org in orgs]).values_list(
                "slug", flat=True
            )
        )
        orgs = [org for org in orgs if org.slug not in existing]
        self.bulk(Organization, orgs)
        links = []
        skills = []
        by_slug = {seed.slug: seed for seed in seeds}
        pool = self.taxonomy.all_skills
        for org in orgs:
            for code in by_slug[org.slug].languages:
                if code in self.taxonomy.languages:
                    links.append(
                        Organization.languages.through(
                            organization_id=org.pk, language_id=self.taxonomy.languages[code]
                        )
                    )
            picked = self.rng.sample(pool, min(len(pool), self.rng.randint(3, 9)))
            for position, skill_id in enumerate(picked):
                has = position % 2 == 0
                skills.append(
                    OrganizationSkill(
                        organization_id=org.pk,
                        skill_id=skill_id,
                        kind=OrganizationSkill.Kind.HAS if has else OrganizationSkill.Kind.NEEDS,
                        level=self.rng.randint(1, 4) if has else None,
                    )
                )
        self.bulk(Organization.languages.through, links)
        self.bulk(OrganizationSkill, skills)
        self.counts.organizations = len(orgs)
        self.counts.organization_skills = len(skills)
        self.progress.advance(task, len(seeds))
        return orgs

    # --- people ---------------------------------------------------------------------------------

    def write_people(
        self, plans: list[PersonPlan], *, demo_roles: dict[str, str] | None = None
    ) -> None:
        demo_roles = demo_roles or {}
        users = []
        for plan in plans:
            role = demo_roles.get(plan.username)
            users.append(
                User(
                    username=plan.username,
                    email=plan.email,
                    password=self.demo_password if role else self.unusable_password,
                    date_joined=plan.joined,
                    is_staff=role == "admin",
                    is_superuser=role == "admin",
                )
            )
        self.bulk(User, users)
        profiles = []
        languages: list[tuple[Any, ...]] = []
        skills: list[tuple[Any, ...]] = []
        for plan, user in zip(plans, users, strict=True):
            plan.user_id = user.pk
            profiles.append(
                Profile(user_id=user.pk, region=plan.region, created_at=plan.joined, **plan.profile)
            )
            self.people.append((user.pk, plan.country.code, plan.region))
        self.bulk(Profile, profiles)
        for plan, profile in zip(plans, profiles, strict=True):
            languages.extend(
                (profile.pk, language_id, level) for language_id, level in plan.languages
            )
            skills.extend(
                (profile.pk, *(row[name] for name in SKILL_COLUMNS[1:])) for row in plan.skills
            )
        insert_rows(PersonLanguage, LANGUAGE_COLUMNS, languages)
        insert_rows(PersonSkill, SKILL_COLUMNS, skills)
        self.counts.people += len(plans)
        self.counts.languages += len(languages)
        self.counts.skills += len(skills)

    def write_demo_accounts(self) -> dict[str, int]:
        """The five documented sign-ins, with full, mostly shared profiles."""
        plans = []
        for username, role in DEMO_ACCOUNTS.items():
            plan = self.generator.person(-1)
            # The generator registered a generated name; the demo account uses its fixed one.
            plan.username = username
            plan.email = f"{username}@example.org"
            plan.profile["display_name"] = f"Demo {role}"
            plan.profile["display_name_visibility"] = Visibility.PUBLIC
            plans.append(plan)
        self.write_people(plans, demo_roles=DEMO_ACCOUNTS)
        ids = {plan.username: plan.user_id for plan in plans}
        # People generated later pick members from self.people; demo accounts join on purpose.
        self.people = [entry for entry in self.people if entry[0] not in ids.values()]
        for role in ("curator", "coordinator"):
            group, _created = Group.objects.get_or_create(name=role)
            group.user_set.add(ids[f"demo-{role}"])
        return ids

    # --- memberships ----------------------------------------------------------------------------

    def write_memberships(self, orgs: list[Organization], demo: dict[str, int]) -> None:
        task = self.progress.add_task(_("Memberships"), total=len(self.people) + len(orgs))
        by_country: dict[str, list[Organization]] = defaultdict(list)
        by_region: dict[str, list[Organization]] = defaultdict(list)
        for org in orgs:
            if org.country:
                by_country[org.country].append(org)
            else:
                by_region[org.region].append(org)
        rows: dict[tuple[int, int], Membership] = {}

        def join(org: Organization, user_id: int, role: str, visibility: int) -> None:
            rows[(org.pk, user_id)] = Membership(
                organization_id=org.pk, user_id=user_id, role=role, visibility=visibility
            )

        members_of: dict[int, list[int]] = defaultdict(list)
        for user_id, country, region in self.people:
            local = by_country.get(country, [])
            if local and self.rng.random() < 0.55:
                org = self.rng.choice(local)
                members_of[org.pk].append(user_id)
            wider = by_region.get(region, [])
            if wider and self.rng.random() < 0.15:
                org = self.rng.choice(wider)
                members_of[org.pk].append(user_id)
        self.progress.advance(task, len(self.people))
        for org in orgs:
            members = members_of.get(org.pk, [])
            if not members and self.people:
                members = [self.rng.choice(self.people)[0]]
            organizers = set(members[: self.rng.randint(1, 3)])
            for user_id in members:
                if user_id in organizers:
                    join(org, user_id, Membership.Role.ORGANIZER, Visibility.PUBLIC)
                else:
                    level = self.rng.choices(Visibility.values, weights=(40, 35, 25))[0]
                    join(org, user_id, Membership.Role.MEMBER, level)
        if orgs:
            first = orgs[0]
            join(first, demo["demo-organizer"], Membership.Role.ORGANIZER, Visibility.PUBLIC)
            join(first, demo["demo-member"], Membership.Role.MEMBER, Visibility.MEMBERS)
        self.bulk(Membership, list(rows.values()))
        self.counts.memberships = len(rows)
        self.progress.advance(task, len(orgs))
