"""JSON API of the needs statistics (mounted under /api/v1/ by config/api.py).

Public: the frozen open-data releases (the same rows as the CSV, JSON and Parquet downloads).
Coordinators: the live suppressed tables and the where-to-act list of any wave; an organization's
organizers: the same for the answers about their organization. Nothing here returns a person's
answers: every value comes from the suppressed (or noisy) tables.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations at import time.
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse
from skillcommons.needs import opendata, queries
from skillcommons.needs.aggregate import DIMENSIONS
from skillcommons.needs.dashboard_views import is_coordinator
from skillcommons.needs.models import Wave
from skillcommons.needs.priority import where_to_act
from skillcommons.needs.publish import PublishedTable
from skillcommons.organizations.models import Organization

router = Router(tags=["needs"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


class NeedsReleaseSummaryOut(Schema):
    wave: str
    title: str
    method: str
    created_at: str
    k: int
    protected_k: int
    epsilon: float | None
    delta: float | None
    count_sigma: float | None
    url: str
    downloads: dict[str, str]


class NeedsColumnOut(Schema):
    name: str
    type: str
    description: str


class NeedsReleaseOut(Schema):
    metadata: NeedsReleaseSummaryOut
    columns: list[NeedsColumnOut]
    rows: list[dict[str, Any]]


class NeedsCellOut(Schema):
    row: str
    skill: int | None
    suppressed: bool
    n: int | None
    proficiency: float | None
    importance: float | None
    need: float | None
    demand: float | None
    supply: float | None
    fragility: float | None


class NeedsPriorityOut(Schema):
    row: str
    skill: int | None
    n: int
    score: float
    need: float
    demand: float
    coverage_gap: float
    fragility: float | None


class NeedsTableOut(Schema):
    wave: str
    organization: str | None
    dimension: str
    k: int
    protected_k: int
    rows: list[str]
    skills: list[int | None]
    cells: list[NeedsCellOut]
    where_to_act: list[NeedsPriorityOut]


def _summary(wave: Wave, release: opendata.Release) -> dict[str, Any]:
    return {
        **release.metadata,
        "url": reverse("needs_stats:opendata_release", args=[wave.slug]),
        "downloads": {
            fmt: reverse("needs_stats:opendata_download", args=[wave.slug, fmt])
            for fmt in ("csv", "json", "parquet", "readme")
        },
    }


@router.get("/needs/open-data", response={200: list[NeedsReleaseSummaryOut]}, auth=PUBLIC)
def list_releases(request: HttpRequest) -> list[dict[str, Any]]:
    """Every released wave, with its method (and epsilon for differential privacy)."""
    found = []
    for wave in Wave.objects.filter(is_published=True):
        release = opendata.load_release(wave)
        if release is not None:
            found.append(_summary(wave, release))
    return found


@router.get("/needs/open-data/{slug}", response={200: NeedsReleaseOut, **ERRORS}, auth=PUBLIC)
def get_release(request: HttpRequest, slug: str, dimension: str = "") -> dict[str, Any]:
    """One release's rows (optionally of one dimension), with the columns' meaning."""
    if dimension and dimension not in DIMENSIONS:
        raise HttpError(400, _("Unknown dimension."))
    wave = get_object_or_404(Wave.objects.filter(is_published=True), slug=slug)
    release = opendata.load_release(wave)
    if release is None:
        raise HttpError(404, _("This wave's open data is not published yet."))
    rows = [r for r in release.rows if not dimension or r["dimension"] == dimension]
    return {
        "metadata": _summary(wave, release),
        "columns": [{"name": n, "type": t, "description": str(d)} for n, t, d in opendata.COLUMNS],
        "rows": rows,
    }


def _table_out(
    wave: Wave, organization: Organization | None, tables: queries.WaveTables, dimension: str
) -> dict[str, Any]:
    table: PublishedTable = tables.publication.table(dimension)
    return {
        "wave": wave.slug,
        "organization": organization.slug if organization else None,
        "dimension": dimension,
        "k": tables.publication.policy.k,
        "protected_k": tables.publication.policy.protected_k,
        "rows": list(table.rows),
        "skills": list(table.skills),
        "cells": [c.__dict__ for c in table.cells],
        "where_to_act": [p.__dict__ for p in where_to_act(table, limit=20)],
    }


@router.get("/needs/waves/{slug}/tables", response={200: NeedsTableOut, **ERRORS}, auth=SIGNED_IN)
def wave_table(
    request: HttpRequest, slug: str, dimension: str = "region", organization: str = ""
) -> dict[str, Any]:
    """A live suppressed table of a wave: coordinators for the whole wave, organizers for their
    organization (``organization=<short name>``)."""
    if dimension not in DIMENSIONS:
        raise HttpError(400, _("Unknown dimension."))
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    found: Organization | None = None
    if organization:
        found = get_object_or_404(Organization.objects.visible_to(request.user), slug=organization)
        if not (is_coordinator(request.user) or found.is_organizer(request.user)):
            raise PermissionDenied(_("Only this organization's organizers see its tables."))
        tables = queries.organization_tables(wave, found)
    else:
        if not is_coordinator(request.user):
            raise PermissionDenied(_("Only coordinators see a whole wave's live tables."))
        tables = queries.wave_tables(wave)
    if tables is None:
        raise HttpError(404, _("No answers are counted yet."))
    return _table_out(wave, found, tables, dimension)
