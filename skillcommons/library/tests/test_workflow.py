"""Curation through the pages and the actions: the state machine, the rubric, who may do what,
flags into the curators' queue, and the search index following publication."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from skillcommons.library import actions
from skillcommons.library.models import Flag, Review, Work
from skillcommons.search import service
from skillcommons.search.documents import SearchQuery

from .factories import RUBRIC_GOOD, curator, draft, person, publish, published

pytestmark = pytest.mark.django_db


def review_post(decision: str, notes: str = "", score: int = 4) -> dict[str, str]:
    data = {name: str(score) for name in Review.RUBRIC}
    data.update({"decision": decision, "notes": notes})
    return data


class TestStateMachine:
    def test_draft_is_seen_only_by_its_author_and_curators(self, client: Client) -> None:
        author = person()
        work = draft(author)
        url = reverse("library:work", args=[work.pk])
        assert client.get(url).status_code == 404
        client.force_login(person())
        assert client.get(url).status_code == 404
        client.force_login(author)
        assert client.get(url).status_code == 200
        client.force_login(curator())
        assert client.get(url).status_code == 200

    def test_submit_review_publish_through_the_pages(self, client: Client) -> None:
        author = person()
        work = draft(author, title="Citing sources")
        client.force_login(author)
        client.post(reverse("library:work_submit", args=[work.pk]))
        work.refresh_from_db()
        assert work.state == Work.State.SUBMITTED

        client.force_login(curator())
        page = client.get(reverse("library:queue"))
        assert "Citing sources" in page.text
        client.post(reverse("library:work_start_review", args=[work.pk]))
        response = client.post(
            reverse("library:work_review", args=[work.pk]), review_post("publish", score=5)
        )
        assert response.status_code == 302
        work.refresh_from_db()
        assert work.state == Work.State.PUBLISHED
        assert work.quality_score == 1.0
        assert work.review_due is not None and work.published_at is not None

        client.logout()
        page = client.get(reverse("library:work", args=[work.pk]))
        assert page.status_code == 200
        assert "100 out of 100" in page.text

    def test_quality_score_is_the_rubric_mean_mapped_to_zero_one(self) -> None:
        work = draft(person())
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        scores = {
            "accuracy": 5,
            "clarity": 3,
            "relevance": 3,
            "accessibility": 3,
            "up_to_date": 3,
            "licensing": 1,
        }
        actions.review_work(actor=curator(), work=work, decision="publish", scores=scores)
        work.refresh_from_db()
        assert work.quality_score == pytest.approx(0.5)

    def test_request_changes_needs_notes_and_lets_the_author_resubmit(self) -> None:
        work = draft(person())
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        reviewer = curator()
        with pytest.raises(ValidationError):
            actions.review_work(
                actor=reviewer, work=work, decision="request_changes", scores=RUBRIC_GOOD
            )
        actions.review_work(
            actor=reviewer,
            work=work,
            decision="request_changes",
            scores=RUBRIC_GOOD,
            notes="Add a source.",
        )
        work.refresh_from_db()
        assert work.state == Work.State.CHANGES_REQUESTED
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        work.refresh_from_db()
        assert work.state == Work.State.SUBMITTED

    def test_a_rejected_work_cannot_be_submitted_again(self) -> None:
        work = draft(person())
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        actions.review_work(
            actor=curator(), work=work, decision="reject", scores=RUBRIC_GOOD, notes="Spam."
        )
        with pytest.raises(ValidationError):
            actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]

    def test_a_draft_cannot_be_published_without_submission(self) -> None:
        work = draft(person())
        with pytest.raises(ValidationError):
            actions.review_work(actor=curator(), work=work, decision="publish", scores=RUBRIC_GOOD)
        work.refresh_from_db()
        assert work.state == Work.State.DRAFT

    def test_published_work_can_be_reviewed_again_and_unpublished(self) -> None:
        work = published()
        actions.review_work(
            actor=curator(),
            work=work,
            decision="request_changes",
            scores=RUBRIC_GOOD,
            notes="The statistics are from 2019.",
        )
        work.refresh_from_db()
        assert work.state == Work.State.CHANGES_REQUESTED
        assert not Work.objects.visible_to(None).filter(pk=work.pk).exists()


class TestPermissions:
    def test_member_cannot_review_through_the_page(self, client: Client) -> None:
        work = draft(person())
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        client.force_login(person())
        assert client.get(reverse("library:work_review", args=[work.pk])).status_code == 403
        response = client.post(
            reverse("library:work_review", args=[work.pk]), review_post("publish")
        )
        assert response.status_code == 403
        work.refresh_from_db()
        assert work.state == Work.State.SUBMITTED
        assert not Review.objects.exists()

    def test_author_cannot_start_review_of_own_work(self, client: Client) -> None:
        author = person()
        work = draft(author)
        actions.submit_work(actor=author, work=work)
        client.force_login(author)
        response = client.post(reverse("library:work_start_review", args=[work.pk]))
        assert response.status_code == 403
        work.refresh_from_db()
        assert work.state == Work.State.SUBMITTED

    def test_curator_cannot_review_own_work(self) -> None:
        me = curator()
        work = draft(me)
        actions.submit_work(actor=me, work=work)
        with pytest.raises(PermissionDenied):
            actions.review_work(actor=me, work=work, decision="publish", scores=RUBRIC_GOOD)

    def test_other_members_cannot_edit_a_work(self, client: Client) -> None:
        work = published()
        client.force_login(person())
        assert client.get(reverse("library:work_edit", args=[work.pk])).status_code == 403
        response = client.post(
            reverse("library:variant_edit", args=[work.pk, "en"]), {"title": "Vandalised"}
        )
        assert response.status_code == 403
        assert work.variants.get().title == "Your first edit"

    def test_queue_is_for_curators(self, client: Client) -> None:
        assert client.get(reverse("library:queue")).status_code == 302
        client.force_login(person())
        assert client.get(reverse("library:queue")).status_code == 403

    def test_bad_rubric_values_change_nothing(self, client: Client) -> None:
        work = draft(person())
        actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
        client.force_login(curator())
        data = review_post("publish")
        data["accuracy"] = "9"
        response = client.post(reverse("library:work_review", args=[work.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors["accuracy"]
        work.refresh_from_db()
        assert work.state == Work.State.SUBMITTED


class TestFlags:
    def test_a_member_flags_a_work_into_the_queue_and_a_curator_resolves_it(
        self, client: Client
    ) -> None:
        work = published(title="Old statistics")
        client.force_login(person())
        client.post(
            reverse("library:work_flag", args=[work.pk]),
            {"reason": "outdated", "note": "Figures from 2015"},
        )
        flag = Flag.objects.get()
        assert flag.reason == "outdated"
        client.force_login(curator())
        page = client.get(reverse("library:queue"))
        assert "Figures from 2015" in page.text
        client.post(reverse("library:flag_resolve", args=[flag.pk]))
        flag.refresh_from_db()
        assert flag.resolved_at is not None

    def test_visitors_cannot_flag(self, client: Client) -> None:
        work = published()
        response = client.post(reverse("library:work_flag", args=[work.pk]), {"reason": "wrong"})
        assert response.status_code == 302
        assert not Flag.objects.exists()

    def test_an_unknown_reason_is_refused(self, client: Client) -> None:
        work = published()
        client.force_login(person())
        client.post(reverse("library:work_flag", args=[work.pk]), {"reason": "boring"})
        assert not Flag.objects.exists()

    def test_members_cannot_resolve_flags(self, client: Client) -> None:
        work = published()
        flag = actions.flag_work(actor=person(), work=work, reason="wrong")
        client.force_login(person())
        assert client.post(reverse("library:flag_resolve", args=[flag.pk])).status_code == 403
        flag.refresh_from_db()
        assert flag.resolved_at is None


def found(text: str, languages: tuple[str, ...] = ("en",)) -> set[str]:
    results = service.search(SearchQuery(text=text, languages=languages, limit=50))
    return {hit.group for hit in results.hits}


class TestSearchIndexFollowsPublication:
    def test_only_published_works_are_found(self) -> None:
        work = draft(person(), title="Photographing monuments")
        group = f"library.work:{work.pk}"
        assert group not in found("monuments")
        publish(work)
        assert group in found("monuments")
        actions.review_work(
            actor=curator(), work=work, decision="reject", scores=RUBRIC_GOOD, notes="Copyvio."
        )
        assert group not in found("monuments")

    def test_a_new_translation_of_a_published_work_is_indexed(self) -> None:
        work = published(title="Photographing monuments")
        actions.save_variant(
            actor=work.created_by,  # type: ignore[arg-type]
            work=work,
            locale="es",
            text=actions.VariantText(title="Fotografiar monumentos", body="Consejos."),
            source_locale="en",
        )
        results = service.search(SearchQuery(text="fotografiar", languages=("es",)))
        assert [hit.language for hit in results.hits] == ["es"]
