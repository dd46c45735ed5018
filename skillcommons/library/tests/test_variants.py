"""Variants: one per language, revisions with visible diffs, stale translations, the viewer's
language with a clear label, uploads checked by content and size, and bad input."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillcommons.library import actions
from skillcommons.library.models import Revision, Variant, Work
from skillcommons.library.uploads import check_upload, sniff

from .factories import draft, person, published

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def translate(work: Work, locale: str, title: str, **kwargs: object) -> Variant:
    return actions.save_variant(
        actor=work.created_by,  # type: ignore[arg-type]
        work=work,
        locale=locale,
        text=actions.VariantText(title=title, body=str(kwargs.pop("body", "Texto."))),
        source_locale="en",
        **kwargs,  # type: ignore[arg-type]
    )


def edit_source(work: Work, body: str) -> Variant:
    return actions.save_variant(
        actor=work.created_by,  # type: ignore[arg-type]
        work=work,
        locale="en",
        text=actions.VariantText(title="Your first edit", summary="A short guide.", body=body),
        note="update",
    )


class TestStaleness:
    def test_changing_the_source_makes_translations_stale(self) -> None:
        work = published()
        spanish = translate(work, "es", "Tu primera edición")
        assert spanish.status == Variant.Status.CURRENT
        assert spanish.source_revision == 1
        edit_source(work, "Click **Edit**, change a sentence, then publish.")
        spanish.refresh_from_db()
        assert spanish.status == Variant.Status.STALE

    def test_saving_without_a_text_change_keeps_translations_current(self) -> None:
        work = published()
        spanish = translate(work, "es", "Tu primera edición")
        edit_source(work, "Click **Edit** and change one sentence.")
        spanish.refresh_from_db()
        assert spanish.status == Variant.Status.CURRENT

    def test_updating_the_translation_to_match_clears_the_staleness(self) -> None:
        work = published()
        translate(work, "es", "Tu primera edición")
        edit_source(work, "New text.")
        spanish = translate(
            work, "es", "Tu primera edición", body="Texto nuevo.", matches_source=True
        )
        assert spanish.status == Variant.Status.CURRENT
        assert spanish.source_revision == 2

    def test_the_stale_translation_page_links_to_the_source_diff(self, client: Client) -> None:
        work = published()
        translate(work, "es", "Tu primera edición")
        edit_source(work, "Click **Edit**, change a sentence, then publish.")
        page = client.get(reverse("library:work", args=[work.pk]), {"lang": "es"})
        assert "This translation is out of date" in page.text
        diff_url = reverse("library:history", args=[work.pk, "en"]) + "?from=1&amp;to=2"
        assert diff_url in page.text
        diff = client.get(reverse("library:history", args=[work.pk, "en"]), {"from": 1, "to": 2})
        assert "<del>" in diff.text and "<ins>" in diff.text
        assert "then publish." in diff.text


class TestRevisions:
    def test_each_change_adds_a_revision(self) -> None:
        work = published()
        edit_source(work, "Second.")
        edit_source(work, "Third.")
        variant = work.variants.get(locale="en")
        assert list(variant.revisions.values_list("number", flat=True)) == [3, 2, 1]
        assert Revision.objects.get(variant=variant, number=2).body == "Second."

    def test_history_of_a_bad_revision_number_is_not_an_error(self, client: Client) -> None:
        work = published()
        page = client.get(
            reverse("library:history", args=[work.pk, "en"]), {"from": "x", "to": "99"}
        )
        assert page.status_code == 200


class TestLanguageShown:
    def test_the_viewers_language_is_shown_when_it_exists(self, client: Client) -> None:
        work = published()
        translate(work, "es", "Tu primera edición")
        page = client.get(
            reverse("library:work", args=[work.pk]), headers={"accept-language": "es"}
        )
        assert "Tu primera edición" in page.text
        assert 'lang="es"' in page.text

    def test_a_missing_translation_is_labelled_not_mixed(self, client: Client) -> None:
        work = published()
        page = client.get(
            reverse("library:work", args=[work.pk]), headers={"accept-language": "fr"}
        )
        assert page.status_code == 200
        assert "Your first edit" in page.text
        assert page.context["in_first_language"] is False
        assert page.context["has_first_language"] is False
        assert '<article lang="en" dir="ltr"' in page.text

    def test_arabic_text_is_laid_out_right_to_left(self, client: Client) -> None:
        work = published()
        translate(work, "ar", "تعديلك الأول")
        page = client.get(reverse("library:work", args=[work.pk]), {"lang": "ar"})
        assert '<article lang="ar" dir="rtl"' in page.text

    def test_arabic_interface_is_rtl(self, client: Client) -> None:
        page = client.get(reverse("library:home"), {"uselang": "ar"})
        assert 'dir="rtl"' in page.text


class TestBadInput:
    def test_html_and_scripts_in_markdown_are_neutralised(self, client: Client) -> None:
        work = published(
            body="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        )
        page = client.get(reverse("library:work", args=[work.pk]))
        assert "<script>alert(1)" not in page.text
        assert 'href="javascript' not in page.text
        assert "<img src=x" not in page.text

    def test_oversized_text_is_refused(self) -> None:
        work = draft(person())
        with pytest.raises(ValidationError) as error:
            actions.save_variant(
                actor=work.created_by,  # type: ignore[arg-type]
                work=work,
                locale="en",
                text=actions.VariantText(title="x", body="a" * 50_001),
            )
        assert "body" in error.value.message_dict
        assert work.variants.get().body.startswith("Click")

    def test_unknown_language_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            draft(person(), locale="xx-notalanguage")
        assert not Work.objects.exists()

    def test_javascript_links_are_refused(self) -> None:
        work = draft(person())
        with pytest.raises(ValidationError):
            actions.save_variant(
                actor=work.created_by,  # type: ignore[arg-type]
                work=work,
                locale="en",
                text=actions.VariantText(title="x", external_url="javascript:alert(1)"),
            )

    def test_editor_page_for_an_unknown_language_is_404(self, client: Client) -> None:
        work = draft(person())
        client.force_login(work.created_by)  # type: ignore[arg-type]
        assert (
            client.get(reverse("library:variant_edit", args=[work.pk, "zz-zz"])).status_code == 404
        )

    def test_create_form_shows_errors_and_creates_nothing(self, client: Client) -> None:
        client.force_login(person())
        response = client.post(
            reverse("library:work_create"),
            {"locale": "en", "title": "", "format": "poster", "estimated_minutes": "0"},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert {"title", "format", "estimated_minutes"} <= set(errors)
        assert not Work.objects.exists()


def create_with_file(client: Client, content: bytes, name: str, fmt: str = "pdf") -> Client:
    client.force_login(person())
    client.post(
        reverse("library:work_create"),
        {
            "locale": "en",
            "title": "A handout",
            "format": fmt,
            "level": "beginner",
            "audience": "newcomer",
            "license": "CC-BY-4.0",
            "estimated_minutes": "5",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )
    return client


class TestUploads:
    def test_a_real_pdf_is_accepted(self, client: Client) -> None:
        create_with_file(client, PDF, "handout.pdf")
        variant = Variant.objects.get()
        assert variant.file_kind == "pdf"
        assert variant.file.name.endswith(".pdf")
        variant.file.delete(save=False)

    def test_a_text_file_named_pdf_is_refused_with_a_clear_error(self, client: Client) -> None:
        response = create_with_file(client, b"hello, not a pdf", "evil.pdf").post(
            reverse("library:work_create"),
            {
                "locale": "en",
                "title": "A handout",
                "format": "pdf",
                "level": "beginner",
                "audience": "newcomer",
                "license": "CC-BY-4.0",
                "estimated_minutes": "5",
                "file": SimpleUploadedFile(
                    "evil.pdf", b"<html><script>", content_type="application/pdf"
                ),
            },
        )
        assert response.status_code == 200
        assert "not accepted" in str(response.context["form"].errors["file"])
        assert not Work.objects.exists()

    def test_an_image_where_a_video_is_expected_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            check_upload(io.BytesIO(PDF), size=len(PDF), work_format="video")
        assert error.value.code == "file_kind"

    def test_a_file_over_the_limit_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            check_upload(io.BytesIO(PNG), size=6 * 1024 * 1024, work_format="article")
        assert error.value.code == "file_size"

    def test_svg_is_refused(self) -> None:
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        with pytest.raises(ValidationError):
            check_upload(io.BytesIO(svg), size=len(svg), work_format="article")

    @pytest.mark.parametrize(
        ("head", "mime"),
        [
            (b"\xff\xd8\xff\xe0" + b"\x00" * 12, "image/jpeg"),
            (b"GIF89a" + b"\x00" * 10, "image/gif"),
            (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
            (b"ID3\x03\x00" + b"\x00" * 11, "audio/mpeg"),
            (b"OggS" + b"\x00" * 12, "audio/ogg"),
            (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4, "video/mp4"),
            (b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 4, "audio/mp4"),
            (b"\x1a\x45\xdf\xa3" + b"\x00" * 12, "video/webm"),
            (b"MZ\x90\x00" + b"\x00" * 12, None),
        ],
    )
    def test_types_are_sniffed_from_the_content(self, head: bytes, mime: str | None) -> None:
        assert sniff(head) == mime

    def test_pptx_slides_are_recognised_inside_the_zip(self) -> None:
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("ppt/presentation.xml", "<p/>")
        data = buffer.getvalue()
        assert check_upload(io.BytesIO(data), size=len(data), work_format="slides") == (
            "slides",
            "pptx",
        )
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w") as archive:
            archive.writestr("readme.txt", "hi")
        with pytest.raises(ValidationError):
            check_upload(io.BytesIO(plain.getvalue()), size=10, work_format="slides")


class TestRemovingATranslation:
    def test_the_author_removes_a_translation_but_not_the_original(self, client: Client) -> None:
        work = published()
        translate(work, "es", "Tu primera edición")
        client.force_login(person())
        assert (
            client.post(reverse("library:variant_delete", args=[work.pk, "es"])).status_code == 403
        )
        client.force_login(work.created_by)  # type: ignore[arg-type]
        client.post(reverse("library:variant_delete", args=[work.pk, "en"]))
        assert work.variants.filter(locale="en").exists()
        client.post(reverse("library:variant_delete", args=[work.pk, "es"]))
        assert not work.variants.filter(locale="es").exists()
        api = client.delete(f"/api/v1/library/works/{work.pk}/variants/en")
        assert api.status_code == 400
