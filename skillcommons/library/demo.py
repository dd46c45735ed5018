"""Demo data for the library (run by ``manage.py seed_demo``): the starter works and packs, then
what a living library has: a submitted draft waiting for review, a flag in the curators' queue, a
translation left out of date by a change to its source, ratings, and a learner half-way through a
pack."""

from __future__ import annotations

import random

from skillcommons.accounts.models import User

from . import actions
from .models import Pack, Review
from .seed import load_seed


def seed(rng: random.Random) -> None:
    people = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    author = people["demo-organizer"]
    reviewer = people["demo-curator"]
    member = people["demo-member"]
    scores = {
        key: {name: rng.randint(3, 5) for name in Review.RUBRIC}
        for key in ("welcome", "first-edit", "plan-editathon", "governance-basics")
    }
    works = load_seed(author=author, reviewer=reviewer, scores=scores)

    # The English source of the sustainability article changes: its translations become stale.
    sustainability = works["sustainability"]
    source = sustainability.variants.get(locale="en")
    actions.save_variant(
        actor=author,
        work=sustainability,
        locale="en",
        text=actions.VariantText(
            title=source.title,
            summary=source.summary,
            body=source.body
            + "\n\nRead the movement strategy's recommendations on Meta-Wiki for more examples.",
        ),
        note="Point to the recommendations",
    )

    draft = actions.create_work(
        actor=member,
        fields=actions.WorkFields(
            level="beginner",
            audience="newcomer",
            format="article",
            license="CC-BY-SA-4.0",
            estimated_minutes=6,
        ),
        locale="en",
        text=actions.VariantText(
            title="Adding a photo to an article",
            summary="Upload to Commons, then place the image in the article.",
            body="1. Upload your own photo to Wikimedia Commons.\n2. Edit the article and insert "
            "the image with a caption.",
        ),
    )
    actions.submit_work(actor=member, work=draft)

    actions.flag_work(
        actor=member,
        work=works["plan-editathon"],
        reason="outdated",
        note="The account creation limit changed; please check the number.",
    )
    for key in ("welcome", "first-edit", "plan-editathon"):
        actions.rate_work(actor=member, work=works[key], helpful=rng.random() < 0.8)

    actions.start_pack(actor=member, pack=Pack.objects.get(slug="first-steps"))
    actions.complete_work(actor=member, work=works["welcome"], locale="es")
