"""The search index tables (docs/search.md).

``SearchEntry`` holds one document as the source gave it plus what ``text.py`` made of it; the
full-text indexes over it are created per database in migration 0002: FTS5 tables kept in step by
triggers on SQLite, a generated ``tsvector`` column with GIN indexes and ``pg_trgm`` on
PostgreSQL. Only ``backends/`` writes these tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One indexed document in one language."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    source = models.CharField(_("source"), max_length=64)
    group_key = models.CharField(_("group"), max_length=255, db_index=True)
    language = models.CharField(_("language"), max_length=35)
    base_language = models.CharField(_("base language"), max_length=12)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    url = models.CharField(_("URL"), max_length=500)
    quality = models.FloatField(_("quality"), default=0.0)
    facets = models.JSONField(_("facets"), default=dict)
    terms_title = models.TextField(_("title terms"), blank=True)
    terms_body = models.TextField(_("body terms"), blank=True)
    terms_keywords = models.TextField(_("keyword terms"), blank=True)
    grams_title = models.TextField(_("title text for substrings"), blank=True)
    grams_body = models.TextField(_("body text for substrings"), blank=True)

    class Meta:
        db_table = "search_entry"
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["source", "base_language"], name="search_entry_source_lang")
        ]

    def __str__(self) -> str:
        return self.key


class SearchFacet(models.Model):
    """One facet value of an entry (``skill`` = ``12``), for filters and counts."""

    # Deleted explicitly with its entry (backends/base.py), in one statement per batch.
    entry = models.ForeignKey(
        SearchEntry, on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("entry")
    )
    name = models.CharField(_("name"), max_length=32)
    value = models.CharField(_("value"), max_length=128)

    class Meta:
        db_table = "search_facet"
        verbose_name = _("search facet")
        verbose_name_plural = _("search facets")
        indexes = [models.Index(fields=["name", "value", "entry"], name="search_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchTerm(models.Model):
    """A word seen in the index, for typo correction. ``doc_count`` counts the documents indexed
    with it since the last rebuild (deletions do not lower it; a correction is only offered when
    the corrected query finds something)."""

    term = models.CharField(_("term"), max_length=100, unique=True)
    doc_count = models.PositiveIntegerField(_("documents"), default=0)

    class Meta:
        db_table = "search_term"
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term
