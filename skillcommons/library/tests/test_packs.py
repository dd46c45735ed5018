"""Learners: ratings, view and completion counts, packs with progress per language, quizzes, the
pack_completed outcome, and the offline ZIP."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from skillcommons.core.models import Outcome
from skillcommons.library import actions
from skillcommons.library.models import Choice, Completion, PackProgress, Rating, Variant, Work

from .factories import curator, draft, pack, person, publish, published

pytestmark = pytest.mark.django_db


def quiz_work() -> Work:
    work = draft(person(), title="Check yourself", format="quiz")
    variant = work.variants.get()
    actions.set_questions(
        actor=work.created_by,  # type: ignore[arg-type]
        variant=variant,
        questions=[
            actions.QuestionInput(
                text="Which licence do Wikipedia's texts use?",
                kind="single",
                choices=[("CC BY-SA", True), ("All rights reserved", False)],
                explanation="Text is shared under CC BY-SA.",
            ),
            actions.QuestionInput(
                text="Which are sister projects?",
                kind="multiple",
                choices=[("Wikidata", True), ("Wiktionary", True), ("Facebook", False)],
                explanation="Wikidata and Wiktionary are Wikimedia projects.",
            ),
        ],
    )
    return publish(work)


def answers(work: Work, *, right: bool) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for question in work.variants.get().questions.all():
        chosen = [c for c in question.choices.all() if c.is_correct == right]
        data[f"q{question.pk}"] = [
            str(c.pk) for c in chosen[: 1 if question.kind == "single" else 3]
        ]
    return data


class TestSignals:
    def test_ratings_count_and_comments_stay_with_authors_and_curators(
        self, client: Client
    ) -> None:
        work = published()
        client.force_login(person())
        client.post(
            reverse("library:work_rate", args=[work.pk]),
            {"helpful": "yes", "comment": "Clear and short."},
        )
        client.post(reverse("library:work_rate", args=[work.pk]), {"helpful": "no"})
        assert Rating.objects.get().helpful is False  # answering again replaces
        client.force_login(person())
        client.post(
            reverse("library:work_rate", args=[work.pk]),
            {"helpful": "yes", "comment": "Secret note"},
        )
        page = client.get(reverse("library:work", args=[work.pk]))
        assert "1 yes, 1 no" in page.text
        assert "Secret note" not in page.text
        client.force_login(work.created_by)  # type: ignore[arg-type]
        assert "Secret note" in client.get(reverse("library:work", args=[work.pk])).text

    def test_views_and_completions_are_counted_without_naming_anyone(self, client: Client) -> None:
        work = published()
        client.get(reverse("library:work", args=[work.pk]))
        client.get(reverse("library:work", args=[work.pk]))
        learner = person("Quiet Learner")
        client.force_login(learner)
        client.post(reverse("library:work_complete", args=[work.pk]), {"locale": "en"})
        client.post(reverse("library:work_complete", args=[work.pk]), {"locale": "en"})
        work.refresh_from_db()
        assert work.view_count == 2
        assert work.completion_count == 1
        client.logout()
        page = client.get(reverse("library:work", args=[work.pk]))
        assert "1 completion" in page.text
        assert "Quiet Learner" not in page.text

    def test_drafts_cannot_be_rated_or_completed(self) -> None:
        work = draft(person())
        with pytest.raises(ValidationError):
            actions.rate_work(actor=person(), work=work, helpful=True)
        with pytest.raises(ValidationError):
            actions.complete_work(actor=person(), work=work, locale="en")


class TestQuiz:
    def test_right_answers_pass_and_complete_the_quiz(self, client: Client) -> None:
        work = quiz_work()
        client.force_login(person())
        response = client.post(reverse("library:quiz", args=[work.pk]), answers(work, right=True))
        assert response.status_code == 200
        assert response.context["result"].attempt.passed
        assert "Wikidata and Wiktionary are Wikimedia projects." in response.text
        assert Completion.objects.filter(work=work).count() == 1

    def test_wrong_answers_show_explanations_and_do_not_complete(self, client: Client) -> None:
        work = quiz_work()
        client.force_login(person())
        response = client.post(reverse("library:quiz", args=[work.pk]), answers(work, right=False))
        assert not response.context["result"].attempt.passed
        assert "Text is shared under CC BY-SA." in response.text
        assert not Completion.objects.exists()

    def test_two_answers_to_a_one_answer_question_are_refused(self, client: Client) -> None:
        work = quiz_work()
        question = work.variants.get().questions.get(kind="single")
        client.force_login(person())
        response = client.post(
            reverse("library:quiz", args=[work.pk]),
            {f"q{question.pk}": [str(c.pk) for c in question.choices.all()]},
        )
        assert "Choose only one answer" in response.text
        assert not Completion.objects.exists()

    def test_a_single_choice_question_needs_exactly_one_right_answer(self) -> None:
        work = draft(person(), format="quiz")
        with pytest.raises(ValidationError):
            actions.set_questions(
                actor=work.created_by,  # type: ignore[arg-type]
                variant=work.variants.get(),
                questions=[actions.QuestionInput("Q?", "single", [("a", True), ("b", True)])],
            )

    def test_answers_from_another_question_are_ignored(self, client: Client) -> None:
        work = quiz_work()
        other = Choice.objects.exclude(question__variant__work=work).first()
        assert other is None  # only this quiz exists; bogus ids simply do not count
        client.force_login(person())
        response = client.post(reverse("library:quiz", args=[work.pk]), {"q999999": ["1"]})
        assert response.status_code == 200
        assert response.context["result"].attempt.score == 0

    def test_the_quiz_works_without_javascript_for_visitors(self, client: Client) -> None:
        work = quiz_work()
        page = client.get(reverse("library:quiz", args=[work.pk]))
        assert 'type="radio"' in page.text and 'type="checkbox"' in page.text
        assert "Sign in to check your answers." in page.text


class TestPacks:
    def test_completing_every_step_completes_the_pack_and_records_one_outcome(
        self, client: Client
    ) -> None:
        first, second = published(title="Step one"), quiz_work()
        first_pack = pack([first, second])
        learner = person()
        client.force_login(learner)
        client.post(reverse("library:pack_start", args=[first_pack.slug]))
        page = client.get(reverse("library:pack", args=[first_pack.slug]))
        assert page.context["finished"] == 0
        client.post(
            reverse("library:work_complete", args=[first.pk]),
            {"locale": "en", "pack": first_pack.slug},
        )
        page = client.get(reverse("library:pack", args=[first_pack.slug]))
        assert page.context["finished"] == 1
        assert not Outcome.objects.exists()
        client.post(reverse("library:quiz", args=[second.pk]), answers(second, right=True))
        progress = PackProgress.objects.get(user=learner)
        assert progress.completed_at is not None
        outcome = Outcome.objects.get()
        assert (outcome.person, outcome.kind, outcome.subject) == (
            learner,
            "library.pack_completed",
            first_pack,
        )
        actions.complete_work(actor=learner, work=first, locale="en")
        assert Outcome.objects.count() == 1

    def test_progress_is_kept_per_language_and_private(self, client: Client) -> None:
        work = published()
        actions.save_variant(
            actor=work.created_by,  # type: ignore[arg-type]
            work=work,
            locale="es",
            text=actions.VariantText(title="Tu primera edición"),
            source_locale="en",
        )
        first_pack = pack([work])
        learner = person()
        actions.start_pack(actor=learner, pack=first_pack)
        actions.complete_work(actor=learner, work=work, locale="es")
        assert Completion.objects.get(user=learner).locale == "es"
        client.force_login(learner)
        page = client.get(reverse("library:pack", args=[first_pack.slug]))
        assert "Done (in español)" in page.text
        client.force_login(person())
        page = client.get(reverse("library:pack", args=[first_pack.slug]))
        assert page.context["finished"] == 0

    def test_pack_title_in_the_viewers_language_and_untranslated_steps_labelled(
        self, client: Client
    ) -> None:
        first_pack = pack([published(title="Only in English")])
        page = client.get(
            reverse("library:pack", args=[first_pack.slug]), headers={"accept-language": "es"}
        )
        assert "Primeros pasos" in page.text
        # The label is in the viewer's language (Spanish here), naming the language shown.
        assert "aún no traducido; en " in page.text

    def test_only_curators_make_packs(self) -> None:
        with pytest.raises(PermissionDenied):
            actions.save_pack(
                actor=person(),
                data=actions.PackInput(
                    slug="x", audience="newcomer", texts={"en": ("X", "")}, works=[published()]
                ),
            )
        made = actions.save_pack(
            actor=curator(),
            data=actions.PackInput(
                slug="x", audience="newcomer", texts={"en": ("X", "")}, works=[published()]
            ),
        )
        assert made.items.count() == 1


class TestOffline:
    def test_export_is_a_self_contained_zip(self, client: Client) -> None:
        english = published(
            title="Step one", body="## Why\n\nBecause [wiki](https://wikipedia.org)."
        )
        arabic_work = published(title="Step two")
        actions.save_variant(
            actor=arabic_work.created_by,  # type: ignore[arg-type]
            work=arabic_work,
            locale="ar",
            text=actions.VariantText(title="الخطوة الثانية", body="نص قصير."),
            source_locale="en",
        )
        first_pack = pack([english, arabic_work])
        response = client.get(
            reverse("library:pack_export", args=[first_pack.slug]), {"lang": "ar"}
        )
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        names = set(archive.namelist())
        assert {"index.html", "style.css", "steps/01.html", "steps/02.html"} <= names
        index = archive.read("index.html").decode()
        assert 'href="steps/01.html"' in index
        step_two = archive.read("steps/02.html").decode()
        assert '<html lang="ar" dir="rtl">' in step_two
        assert "الخطوة الثانية" in step_two
        step_one = archive.read("steps/01.html").decode()
        assert '<html lang="en" dir="ltr">' in step_one
        assert 'href="../style.css"' in step_one
        for page in (index, step_one, step_two):
            assert "<script" not in page
            assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(css|js)"', page)

    def test_small_media_is_copied_and_linked_relatively(self) -> None:
        from skillcommons.library import offline

        work = published(format="pdf")
        pdf = b"%PDF-1.4\n%%EOF\n"
        variant = actions.save_variant(
            actor=work.created_by,  # type: ignore[arg-type]
            work=work,
            locale="en",
            text=actions.VariantText(title="Handout"),
            upload=actions.Upload(content=io.BytesIO(pdf), name="h.pdf", size=len(pdf)),
        )
        try:
            data = offline.export_pack(pack([work]), languages=["en"], site_url="https://x.test/")
            archive = zipfile.ZipFile(io.BytesIO(data))
            media = [n for n in archive.namelist() if n.startswith("media/")]
            assert len(media) == 1 and archive.read(media[0]) == pdf
            assert f'href="../{media[0]}"' in archive.read("steps/01.html").decode()
        finally:
            Variant.objects.get(pk=variant.pk).file.delete(save=False)


def test_large_media_is_linked_not_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    from skillcommons.library import offline

    monkeypatch.setattr(offline, "MAX_EMBEDDED_BYTES", 4)
    work = published(format="pdf")
    pdf = b"%PDF-1.4\n%%EOF\n"
    variant = actions.save_variant(
        actor=work.created_by,  # type: ignore[arg-type]
        work=work,
        locale="en",
        text=actions.VariantText(title="Handout"),
        upload=actions.Upload(content=io.BytesIO(pdf), name="h.pdf", size=len(pdf)),
    )
    try:
        data = offline.export_pack(pack([work]), languages=["en"], site_url="https://x.test/")
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert not [n for n in archive.namelist() if n.startswith("media/")]
        assert 'href="https://x.test/media/' in archive.read("steps/01.html").decode()
    finally:
        Variant.objects.get(pk=variant.pk).file.delete(save=False)
