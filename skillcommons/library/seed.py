"""Load the library's starter content (``data/seed.json``) through the actions: works with their
translations, quizzes, reviews that publish them, and the learning packs.

Languages a work has no text in are simply absent; pages then label the language shown instead of
mixing languages silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from skillcommons.taxonomy.models import Skill

from . import actions
from .models import Pack, Review, Work

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

SEED_FILE = Path(__file__).resolve().parent / "data" / "seed.json"
SOURCE_LOCALE = "en"


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return data


def _questions(raw: list[dict[str, Any]]) -> list[actions.QuestionInput]:
    return [
        actions.QuestionInput(
            text=q["text"],
            kind=q["kind"],
            choices=[(str(text), bool(ok)) for text, ok in q["choices"]],
            explanation=q.get("explanation", ""),
        )
        for q in raw
    ]


@transaction.atomic
def load_seed(
    *, author: User, reviewer: User, scores: dict[str, dict[str, int]] | None = None
) -> dict[str, Work]:
    """Create and publish the starter works and packs; returns the works by their seed key.

    ``scores`` (seed key → rubric) lets the demo vary quality; by default every criterion is 4.
    """
    data = seed_data()
    works: dict[str, Work] = {}
    for entry in data["works"]:
        variants: dict[str, dict[str, Any]] = entry["variants"]
        first = variants[SOURCE_LOCALE]
        work = actions.create_work(
            actor=author,
            fields=actions.WorkFields(
                level=entry["level"],
                audience=entry["audience"],
                format=entry["format"],
                license=entry["license"],
                estimated_minutes=entry["minutes"],
                skills=list(Skill.objects.filter(code__in=entry["skills"])),
            ),
            locale=SOURCE_LOCALE,
            text=actions.VariantText(
                title=first["title"], summary=first["summary"], body=first["body"]
            ),
        )
        for locale, text in variants.items():
            if locale != SOURCE_LOCALE:
                actions.save_variant(
                    actor=author,
                    work=work,
                    locale=locale,
                    text=actions.VariantText(
                        title=text["title"], summary=text["summary"], body=text["body"]
                    ),
                    source_locale=SOURCE_LOCALE,
                )
            if "questions" in text:
                actions.set_questions(
                    actor=author,
                    variant=work.variants.get(locale=actions.language_code(locale)),
                    questions=_questions(text["questions"]),
                )
        actions.submit_work(actor=author, work=work)
        rubric = (scores or {}).get(entry["key"]) or dict.fromkeys(Review.RUBRIC, 4)
        actions.review_work(actor=reviewer, work=work, decision="publish", scores=rubric)
        works[entry["key"]] = work
    packs: dict[str, Pack] = {}
    for entry in data["packs"]:
        packs[entry["slug"]] = actions.save_pack(
            actor=None,
            data=actions.PackInput(
                slug=entry["slug"],
                audience=entry["audience"],
                texts={locale: (t[0], t[1]) for locale, t in entry["texts"].items()},
                works=[works[key] for key in entry["works"]],
                prerequisites=[packs[slug] for slug in entry["prerequisites"]],
            ),
        )
    return works
