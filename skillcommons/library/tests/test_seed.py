"""The starter content and the demo data load through the actions and give a usable library."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.urls import reverse

from skillcommons.library import demo
from skillcommons.library.models import Flag, Pack, Variant, Work
from skillcommons.library.seed import seed_data

from .factories import curator, person

pytestmark = pytest.mark.django_db

REQUIRED_LANGUAGES = {"en", "es", "fr", "hi", "ar", "bn", "pt-BR"}


def run_demo() -> None:
    person("demo-organizer")
    person("demo-member")
    curator("demo-curator")
    demo.seed(random.Random(7))


def test_seed_content_covers_the_required_languages_and_packs() -> None:
    data = seed_data()
    languages = {locale for work in data["works"] for locale in work["variants"]}
    assert languages >= REQUIRED_LANGUAGES
    assert {p["slug"] for p in data["packs"]} == {
        "first-steps",
        "organize-an-editathon",
        "affiliate-governance",
        "strategy-sustainability-scalability",
    }


def test_demo_gives_published_packs_a_queue_and_a_stale_translation(client: Client) -> None:
    run_demo()
    assert Pack.objects.filter(is_published=True).count() == 4
    assert Work.objects.published().count() == 11
    assert Work.objects.filter(state=Work.State.SUBMITTED).count() == 1
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1
    assert Variant.objects.filter(status=Variant.Status.STALE).exists()
    page = client.get(reverse("library:pack", args=["first-steps"]), {"uselang": "hi"})
    assert "विकिमीडिया आंदोलन में पहले कदम" in page.text
    editathon = client.get(
        reverse("library:pack", args=["organize-an-editathon"]), headers={"accept-language": "bn"}
    )
    assert editathon.status_code == 200


def test_demo_content_is_searchable_across_languages(client: Client) -> None:
    run_demo()
    response = client.get(
        reverse("library:search"), {"q": "editatón"}, headers={"accept-language": "es"}
    )
    assert response.status_code == 200
    assert "Planificar un <mark>editatón</mark>" in response.text
    htmx = client.get(
        reverse("library:search"), {"q": "governance"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in htmx.text
    assert "governance" in htmx.text.lower()


@pytest.mark.parametrize("language", ["en", "ar", "hi"])
def test_every_page_renders_for_a_curator_after_the_demo(client: Client, language: str) -> None:
    run_demo()
    from skillcommons.accounts.models import User

    client.force_login(User.objects.get(username="demo-curator"))
    work = Work.objects.published().first()
    assert work is not None
    quiz = Work.objects.filter(format="quiz").first()
    assert quiz is not None
    urls = [
        reverse("library:home"),
        reverse("library:search") + "?q=edit&format=article&language=es",
        reverse("library:queue"),
        reverse("library:work_create"),
        reverse("library:work", args=[work.pk]),
        reverse("library:work_edit", args=[work.pk]),
        reverse("library:variant_edit", args=[work.pk, "es"]),
        reverse("library:variant_edit", args=[work.pk, "ta"]),
        reverse("library:history", args=[work.pk, "en"]),
        reverse("library:work_review", args=[work.pk]),
        reverse("library:quiz", args=[quiz.pk]),
        reverse("library:pack_list"),
        reverse("library:pack", args=["strategy-sustainability-scalability"]),
    ]
    for url in urls:
        response = client.get(url, {"uselang": language})
        assert response.status_code == 200, url
        assert 'style="' not in response.text, url
        assert "<script>" not in response.text, url
