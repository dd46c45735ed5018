"""The library as a search source: published works' variants become search documents.

Each variant of a published work is one document (key ``library.variant:<id>``), grouped by work
(``library.work:<id>``) so results show one hit per work in the viewer's best language. Skill
labels and synonyms in every language go into ``keywords``: a query in one language finds a work
written in another through the skills it teaches. Works that are not published have no documents.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

from django.utils.html import strip_tags

from skillcommons.core.markdown import render_markdown
from skillcommons.search import service
from skillcommons.search.documents import SearchDocument
from skillcommons.taxonomy.models import Skill

from .models import Variant, Work

SOURCE = "library"
#: Quality assumed for a published work no review has scored (imported or seeded works).
DEFAULT_QUALITY = 0.5


def group_of(work_id: int) -> str:
    return f"{SOURCE}.work:{work_id}"


def key_of(variant_id: int) -> str:
    return f"{SOURCE}.variant:{variant_id}"


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, without markup."""
    return html.unescape(strip_tags(render_markdown(markdown))).strip()


def _skill_facts(work: Work) -> tuple[list[str], str]:
    """Skill ids (each skill with its ancestors) and every label and synonym of those skills."""
    ids: list[str] = []
    words: list[str] = []
    seen: set[int] = set()
    for skill in work.skills.all():
        chain: list[Skill] = [skill, *skill.ancestors()]
        for node in chain:
            if node.pk in seen:
                continue
            seen.add(node.pk)
            ids.append(str(node.pk))
        for translation in skill.translations.all():
            words.append(translation.label)
            words.extend(str(s) for s in translation.synonyms)
    return ids, " ".join(dict.fromkeys(words))


def documents_for(work: Work) -> list[SearchDocument]:
    """The search documents of a published work (none for any other state)."""
    if not work.is_published:
        return []
    skill_ids, keywords = _skill_facts(work)
    quality = work.quality_score if work.quality_score is not None else DEFAULT_QUALITY
    docs = []
    for variant in work.variants.all():
        body = "\n".join(part for part in (variant.summary, plain_text(variant.body)) if part)
        docs.append(
            SearchDocument(
                key=key_of(variant.pk),
                group=group_of(work.pk),
                language=variant.locale,
                title=variant.title,
                body=body,
                keywords=keywords,
                url=variant.get_absolute_url(),
                quality=max(0.0, min(1.0, quality)),
                facets={
                    "skill": skill_ids,
                    "format": [work.format],
                    "language": [variant.locale],
                    "level": [work.level],
                    "audience": [work.audience],
                },
            )
        )
    return docs


def _works() -> Iterator[Work]:
    return (
        Work.objects.published()
        .prefetch_related("variants", "skills__translations", "skills__parent__parent")
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def iter_documents() -> Iterator[SearchDocument]:
    """Every document of the library (for ``rebuild_search_index``)."""
    for work in _works():
        yield from documents_for(work)


def count_documents() -> int:
    return Variant.objects.filter(work__state=Work.State.PUBLISHED).count()


def sync_work(work_id: int) -> None:
    """Make the index hold exactly the current documents of one work."""
    work = (
        Work.objects.filter(pk=work_id)
        .prefetch_related("variants", "skills__translations", "skills__parent__parent")
        .first()
    )
    service.delete_group(group_of(work_id))
    if work is not None:
        docs = documents_for(work)
        if docs:
            service.index_documents(docs)


def register() -> None:
    service.register_source(SOURCE, iter_documents, count=count_documents)
