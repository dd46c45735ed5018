"""Needs dashboards: the region × skill heatmap, where to act, trends between waves.

Server-rendered, no JavaScript: filters are a GET form, drill-down is links. Who sees what:

- **coordinators** (and admins) see every wave's tables, aggregated and suppressed;
- an **organizer** sees the tables of the responses about their organization (its own answer and
  its members' answers), suppressed with the same thresholds, because they cover other people;
- nobody else has a dashboard (the public reads the frozen open-data release), and no page shows
  a single person's answers: every figure comes from ``publish`` (suppressed cells have no value).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from skillcommons.needs import queries
from skillcommons.needs.aggregate import DIMENSIONS
from skillcommons.needs.models import Wave
from skillcommons.needs.priority import Priority, compare_waves, score_cell, where_to_act
from skillcommons.needs.publish import ALL, PublishedCell, PublishedTable
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import country_name, region_name

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

BUCKETS = 5
TOP = 10

DIMENSION_NAMES = {
    "region": gettext_lazy("Region"),
    "country": gettext_lazy("Country"),
    "language": gettext_lazy("Language community"),
    "affiliate_type": gettext_lazy("Affiliate type"),
    "organization": gettext_lazy("Organization"),
}
MEASURE_NAMES = {
    "need": gettext_lazy("Need (importance minus proficiency)"),
    "score": gettext_lazy("Priority score"),
    "demand": gettext_lazy("Demand (share who want to learn)"),
    "supply": gettext_lazy("Supply (share who can teach)"),
    "fragility": gettext_lazy("Fragility (share resting on one person)"),
    "proficiency": gettext_lazy("Mean proficiency"),
    "importance": gettext_lazy("Mean importance"),
    "n": gettext_lazy("Respondents"),
}
#: Which breakdown a row drills down into, and which cube parent links them.
DRILL_DOWN = {"region": "country", "affiliate_type": "organization"}


def is_coordinator(user: Viewer) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role("coordinator"))


class DashboardFilters(forms.Form):
    """The GET form of a dashboard; every field is optional and falls back to a default."""

    dimension = forms.ChoiceField(
        label=gettext_lazy("Rows"), choices=list(DIMENSION_NAMES.items()), required=False
    )
    measure = forms.ChoiceField(
        label=gettext_lazy("Measure"), choices=list(MEASURE_NAMES.items()), required=False
    )
    area = forms.CharField(label=gettext_lazy("Skill area"), required=False, max_length=80)
    within = forms.CharField(label=gettext_lazy("Within"), required=False, max_length=80)
    compare = forms.ChoiceField(label=gettext_lazy("Compare with wave"), required=False)

    def __init__(self, *args: Any, waves: list[Wave], areas: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        compare = self.fields["compare"]
        assert isinstance(compare, forms.ChoiceField)
        compare.choices = [("", _("No comparison")), *((w.slug, w.title) for w in waves)]
        self.fields["area"].widget = forms.Select(choices=[("", _("Skill areas")), *areas])

    def value(self, name: str, default: str = "") -> str:
        if not self.is_valid():
            return default
        return str(self.cleaned_data.get(name) or default)


@dataclass(frozen=True)
class HeatCell:
    text: str
    bucket: int  # 0 for suppressed or empty
    suppressed: bool
    label: str


@dataclass(frozen=True)
class HeatRow:
    code: str
    label: str
    drill: str  # query string of the drill-down link, or ""
    cells: list[HeatCell]
    is_total: bool


class Labels:
    """Display names for the codes in the tables, in the active language."""

    def __init__(self, skill_ids: list[int]) -> None:
        skills = Skill.objects.filter(pk__in=skill_ids).with_translations()
        self.skill = {s.pk: s.label() for s in skills}
        self.skill_code = {s.pk: s.code for s in skills}
        self._languages: dict[str, str] | None = None
        self._organizations: dict[str, str] | None = None

    def row(self, dimension: str, code: str) -> str:
        if code == ALL:
            return _("All respondents")
        if code == queries.NOT_STATED:
            return _("Not stated")
        if code == queries.NO_ORGANIZATION:
            return _("No organization (individuals)")
        if dimension == "region":
            return region_name(code)
        if dimension == "country":
            return country_name(code)
        if dimension == "language":
            if self._languages is None:
                self._languages = dict(Language.objects.values_list("code", "autonym"))
            return self._languages.get(code, code)
        if dimension == "affiliate_type":
            return str(dict(Organization.Kind.choices).get(code, code))
        if self._organizations is None:
            self._organizations = dict(Organization.objects.values_list("slug", "name"))
        return self._organizations.get(code, code)

    def column(self, skill: int | None) -> str:
        return _("All skills") if skill is None else self.skill.get(skill, str(skill))


def format_value(measure: str, value: float | None) -> str:
    if value is None:
        return "–"
    if measure == "n":
        return f"{int(value)}"
    if measure in ("demand", "supply", "fragility"):
        return f"{round(100 * value)} %"
    if measure == "score":
        return f"{value:.1f}"
    return f"{value:.2f}"


def cell_value(dimension: str, cell: PublishedCell, measure: str) -> float | None:
    if cell.suppressed:
        return None
    if measure == "score":
        priority = score_cell(dimension, cell)
        return None if priority is None else priority.score
    value = getattr(cell, measure)
    return None if value is None else float(value)


def columns_for(tables: queries.WaveTables, area: str) -> list[int | None]:
    """The skill columns shown: the areas (default) or one area with everything under it."""
    tree = tables.data.tree
    codes = dict(zip(tree.ids, tree.labels, strict=True))
    chosen = next((i for i, skill in enumerate(tree.ids) if codes[skill] == area), None)
    if chosen is None or tree.parent_index[chosen] != -1:
        return [skill for i, skill in enumerate(tree.ids) if tree.parent_index[i] == -1] + [None]
    children = tree.children()
    below = [chosen]
    for child in children[chosen]:
        below.append(child)
        below.extend(children[child])
    return [tree.ids[i] for i in below]


def heatmap(
    table: PublishedTable,
    columns: list[int | None],
    measure: str,
    labels: Labels,
    *,
    within: str,
    parents: dict[str, str],
) -> tuple[list[HeatRow], list[tuple[int, str]]]:
    """Rows of the heatmap and the legend ``(bucket, range text)``."""
    rows = [
        code
        for code in table.rows
        if code == ALL or not within or parents.get(code, queries.NOT_STATED) == within
    ]
    values = [
        v
        for code in rows
        for skill in columns
        if (v := cell_value(table.dimension, table.get(code, skill), measure)) is not None
    ]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    width = (high - low) / BUCKETS or 1.0

    def bucket(value: float) -> int:
        return min(BUCKETS, 1 + math.floor((value - low) / width))

    drill_into = DRILL_DOWN.get(table.dimension)
    result = []
    for code in rows:
        cells = []
        for skill in columns:
            cell = table.get(code, skill)
            value = cell_value(table.dimension, cell, measure)
            if cell.suppressed:
                cells.append(HeatCell(_("suppressed"), 0, True, labels.column(skill)))
            else:
                cells.append(
                    HeatCell(
                        format_value(measure, value),
                        0 if value is None else bucket(value),
                        False,
                        labels.column(skill),
                    )
                )
        drill = f"dimension={drill_into}&within={code}" if drill_into and code != ALL else ""
        result.append(HeatRow(code, labels.row(table.dimension, code), drill, cells, code == ALL))
    legend = [
        (
            i,
            _("%(low)s to %(high)s")
            % {
                "low": format_value(measure, low + (i - 1) * width),
                "high": format_value(measure, low + i * width if i < BUCKETS else high),
            },
        )
        for i in range(1, BUCKETS + 1)
    ]
    return result, (legend if values else [])


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float
    text: str


def priority_bars(ranked: list[Priority], labels: Labels, dimension: str) -> list[Bar]:
    """Bars of the SVG chart: one per ranked cell, width proportional to the score (0–100)."""
    return [
        Bar(
            label=_("%(row)s, %(skill)s")
            % {"row": labels.row(dimension, p.row), "skill": labels.column(p.skill)},
            value=p.score,
            y=i * 28,
            width=round(3.2 * p.score, 1),
            text=f"{p.score:.1f}",
        )
        for i, p in enumerate(ranked)
    ]


def _render_dashboard(
    request: HttpRequest,
    wave: Wave,
    tables: queries.WaveTables | None,
    *,
    organization: Organization | None,
    previous: queries.WaveTables | None = None,
    compare_wave: Wave | None = None,
    form: DashboardFilters,
) -> HttpResponse:
    context: dict[str, Any] = {
        "wave": wave,
        "organization": organization,
        "form": form,
        "tables": tables,
        "compare_wave": compare_wave,
    }
    if tables is None:
        return render(request, "needs/dashboard_wave.html", context)
    dimension = form.value("dimension", "region")
    if dimension not in DIMENSIONS:
        dimension = "region"
    measure = form.value("measure", "need")
    area = form.value("area")
    within = form.value("within")
    table = tables.publication.table(dimension)
    labels = Labels(list(tables.data.tree.ids))
    columns = columns_for(tables, area)
    rows, legend = heatmap(
        table,
        columns,
        measure,
        labels,
        within=within,
        parents=tables.data.parents.get(dimension, {}),
    )
    leaf_columns = [s for s in columns if s is not None]
    ranked = where_to_act(table, limit=TOP, skills=leaf_columns)
    trends = []
    if previous is not None:
        before = previous.publication.table(dimension)
        changes = compare_waves(before, table, measure="score")
        shown = set(leaf_columns)
        trends = [t for t in changes if t.skill in shown and t.row != ALL][: TOP * 2]
    context.update(
        {
            "dimension": dimension,
            "dimension_name": DIMENSION_NAMES[dimension],
            "measure": measure,
            "measure_name": MEASURE_NAMES.get(measure, measure),
            "columns": [
                {
                    "label": labels.column(s),
                    "code": "" if s is None else labels.skill_code.get(s, ""),
                    "is_area": s is not None
                    and tables.data.tree.parent_index[tables.data.tree.ids.index(s)] == -1,
                }
                for s in columns
            ],
            "rows": rows,
            "legend": legend,
            "within": within,
            "within_label": labels.row(_parent_dimension(dimension), within) if within else "",
            "area": area,
            "ranked": [
                {
                    "row": labels.row(dimension, p.row),
                    "skill": labels.column(p.skill),
                    "p": p,
                }
                for p in ranked
            ],
            "bars": priority_bars(ranked, labels, dimension),
            "chart_height": 28 * len(ranked),
            "trends": [
                {
                    "row": labels.row(dimension, t.row),
                    "skill": labels.column(t.skill),
                    "t": t,
                }
                for t in trends
            ],
            "respondents": table.get(ALL, None).n,
            "policy": tables.publication.policy,
        }
    )
    return render(request, "needs/dashboard_wave.html", context)


def _parent_dimension(dimension: str) -> str:
    return next((parent for parent, child in DRILL_DOWN.items() if child == dimension), dimension)


def _form(request: HttpRequest, wave: Wave, tables: queries.WaveTables | None) -> DashboardFilters:
    others = list(Wave.objects.visible_to(request.user).exclude(pk=wave.pk))
    areas: list[tuple[str, str]] = []
    if tables is not None:
        tree = tables.data.tree
        labels = Labels(list(tree.ids))
        areas = [
            (tree.labels[i], labels.column(skill))
            for i, skill in enumerate(tree.ids)
            if tree.parent_index[i] == -1
        ]
    return DashboardFilters(request.GET or None, waves=others, areas=areas)


def _login_or_deny(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("Only coordinators and organizers see the needs dashboards."))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The waves the viewer has dashboards for."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    waves = list(Wave.objects.visible_to(request.user))
    organizations = list(Organization.objects.organized_by(request.user))
    coordinator = is_coordinator(request.user)
    if not coordinator and not organizations:
        return _login_or_deny(request)
    return render(
        request,
        "needs/dashboard_index.html",
        {"waves": waves, "organizations": organizations, "coordinator": coordinator},
    )


def _compare(request: HttpRequest, form: DashboardFilters) -> Wave | None:
    slug = form.value("compare")
    if not slug:
        return None
    return Wave.objects.visible_to(request.user).filter(slug=slug).first()


@require_GET
def wave_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Every counted answer of a wave: coordinators only."""
    if not is_coordinator(request.user):
        return _login_or_deny(request)
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    tables = queries.wave_tables(wave)
    form = _form(request, wave, tables)
    compare_wave = _compare(request, form)
    previous = queries.wave_tables(compare_wave) if compare_wave else None
    return _render_dashboard(
        request,
        wave,
        tables,
        organization=None,
        previous=previous,
        compare_wave=compare_wave,
        form=form,
    )


@require_GET
def organization_dashboard(request: HttpRequest, slug: str, organization: str) -> HttpResponse:
    """The answers about one organization: its organizers and coordinators."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = get_object_or_404(Organization.objects.visible_to(request.user), slug=organization)
    if not (is_coordinator(request.user) or found.is_organizer(request.user)):
        raise PermissionDenied(_("Only this organization's organizers see its dashboard."))
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    tables = queries.organization_tables(wave, found)
    form = _form(request, wave, tables)
    compare_wave = _compare(request, form)
    previous = queries.organization_tables(compare_wave, found) if compare_wave else None
    return _render_dashboard(
        request,
        wave,
        tables,
        organization=found,
        previous=previous,
        compare_wave=compare_wave,
        form=form,
    )
