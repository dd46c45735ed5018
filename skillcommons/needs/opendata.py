"""Open data: frozen releases of a wave's published tables, written as CSV, JSON and Parquet.

A *release* is made once per wave by a coordinator (``publish_release``) and stored as one JSON
file under ``NEEDS_OPENDATA_DIR`` (default ``DATA_DIR / "needs-opendata"``); the downloads are
rendered from it. It is frozen on purpose:

- if public tables followed the live answers, comparing them before and after one person withdrew
  would reveal that person's answers by subtraction;
- a differential-privacy release spends its privacy budget once; recomputing it with fresh noise on
  every request would let anyone average the noise away.

So a wave has at most one release, made either with suppression (the default, ``method =
"suppression"``) or with noise (``method = "differential-privacy"``, epsilon and delta recorded in
every row and in the metadata of every format).

The rows are "long": one per table cell (dimension, row, skill). ``README`` documents every column.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillcommons.needs import dp, queries
from skillcommons.needs.models import Wave
from skillcommons.needs.priority import score_cell
from skillcommons.needs.publish import ALL, PublishedTable

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

Method = Literal["suppression", "differential-privacy"]
METHODS: tuple[Method, ...] = ("suppression", "differential-privacy")
FORMAT_VERSION = 1

#: Every column of the downloads, in order, with its type and meaning (the README's table).
COLUMNS: tuple[tuple[str, str, StrPromise], ...] = (
    ("wave", "text", gettext_lazy("Short name of the assessment wave.")),
    (
        "dimension",
        "text",
        gettext_lazy(
            "The breakdown of the table: region, country, language, affiliate_type or organization."
        ),
    ),
    (
        "row",
        "text",
        gettext_lazy(
            "The value of the breakdown: a Wikimedia region code, an ISO 3166-1 country code, a "
            "BCP-47 language tag, an organization kind, or an organization's short name. 'all' is "
            "every respondent; '(not stated)' and '(none)' are respondents without a value."
        ),
    ),
    (
        "skill",
        "text",
        gettext_lazy("The skill's code in the taxonomy, or 'all' for every skill together."),
    ),
    (
        "skill_level",
        "integer",
        gettext_lazy("0 = skill area, 1 = skill, 2 = sub-skill; empty for 'all'."),
    ),
    (
        "parent_skill",
        "text",
        gettext_lazy(
            "The code of the skill this one is rolled up into; empty for an area and for 'all'."
        ),
    ),
    (
        "suppressed",
        "boolean",
        gettext_lazy(
            "True when the cell is not published (too few respondents, or hidden to protect another "
            "cell, or, with differential privacy, a noisy count below the release threshold). Every "
            "measure of a suppressed cell is empty."
        ),
    ),
    (
        "respondents",
        "integer",
        gettext_lazy(
            "People (pseudonymous respondents) counted in the cell; with differential privacy, the "
            "noisy count."
        ),
    ),
    ("proficiency", "number", gettext_lazy("Weighted mean proficiency, 0 (none) to 4 (expert).")),
    ("importance", "number", gettext_lazy("Weighted mean importance for their work, 0 to 4.")),
    (
        "need",
        "number",
        gettext_lazy("Importance minus proficiency (positive: more needed than mastered)."),
    ),
    (
        "demand",
        "number",
        gettext_lazy("Weighted share of respondents who want to learn the skill, 0 to 1."),
    ),
    (
        "supply",
        "number",
        gettext_lazy("Weighted share of respondents who can teach the skill, 0 to 1."),
    ),
    (
        "fragility",
        "number",
        gettext_lazy(
            "Among groups that rated robustness, the weighted share for whom the skill rests on one "
            "person, 0 to 1; empty when no group rated it."
        ),
    ),
    (
        "priority",
        "number",
        gettext_lazy(
            "Priority score 0 to 100 from need (0.40), demand (0.25), coverage gap (0.20) and "
            "fragility (0.15); see the method. Empty when suppressed."
        ),
    ),
    ("method", "text", gettext_lazy("'suppression' or 'differential-privacy'.")),
    (
        "epsilon",
        "number",
        gettext_lazy(
            "Differential privacy: the privacy loss of the whole release (all tables together); "
            "empty for suppression."
        ),
    ),
    (
        "delta",
        "number",
        gettext_lazy("Differential privacy: the delta that goes with epsilon; else empty."),
    ),
)
COLUMN_NAMES = tuple(name for name, _type, _meaning in COLUMNS)


class ReleaseError(Exception):
    """A release cannot be made (with a message for the person who asked)."""


@dataclass(frozen=True)
class Release:
    """A frozen publication of one wave; ``rows`` follow ``COLUMNS``."""

    wave: str
    title: str
    method: Method
    created_at: str
    k: int
    protected_k: int
    epsilon: float | None
    delta: float | None
    #: Standard deviation of the noise on a count (differential privacy only).
    count_sigma: float | None
    rows: tuple[dict[str, Any], ...]

    @property
    def metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rows")
        data["format_version"] = FORMAT_VERSION
        return data

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Rows grouped by dimension, in order."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows:
            grouped.setdefault(row["dimension"], []).append(row)
        return grouped


def directory() -> Path:
    configured = getattr(settings, "NEEDS_OPENDATA_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "needs-opendata"


def _path(wave: Wave) -> Path:
    return directory() / f"{wave.slug}.json"


def _rows(
    wave: Wave,
    tables: tuple[PublishedTable, ...],
    skills: dict[int, tuple[str, int, str]],
    method: Method,
    epsilon: float | None,
    delta: float | None,
) -> Iterator[dict[str, Any]]:
    for table in tables:
        for cell in table.cells:
            code, level, parent = skills[cell.skill] if cell.skill is not None else (ALL, None, "")
            priority = score_cell(table.dimension, cell)
            yield {
                "wave": wave.slug,
                "dimension": table.dimension,
                "row": cell.row,
                "skill": code,
                "skill_level": level,
                "parent_skill": parent,
                "suppressed": cell.suppressed,
                "respondents": cell.n,
                "proficiency": cell.proficiency,
                "importance": cell.importance,
                "need": cell.need,
                "demand": cell.demand,
                "supply": cell.supply,
                "fragility": cell.fragility,
                "priority": None if priority is None else priority.score,
                "method": method,
                "epsilon": epsilon,
                "delta": delta,
            }


def build_release(
    wave: Wave, *, method: Method = "suppression", budget: dp.Budget | None = None
) -> Release:
    """The release of ``wave`` (not stored). Raises ``ReleaseError`` when nothing is counted."""
    if method not in METHODS:
        raise ReleaseError(_("Choose suppression or differential privacy."))
    found = queries.wave_tables(wave)
    if found is None:
        raise ReleaseError(_("Nobody's answers are counted in this wave yet."))
    data = found.data
    rule = queries.policy()
    tree = data.tree
    depth = [0] * tree.size
    for i, parent in enumerate(tree.parent_index):
        node, level = parent, 0
        while node != -1:
            level, node = level + 1, tree.parent_index[node]
        depth[i] = level
    skills = {
        skill: (
            tree.labels[i],
            depth[i],
            tree.labels[tree.parent_index[i]] if tree.parent_index[i] >= 0 else "",
        )
        for i, skill in enumerate(tree.ids)
    }
    epsilon = delta = sigma = None
    if method == "differential-privacy":
        noisy = dp.noisy_publication(
            data.rows, data.tree, data.dimensions, budget=budget or dp_budget(), k=rule.k
        )
        tables = noisy.tables
        epsilon, delta, sigma = noisy.epsilon, noisy.delta, noisy.count_sigma
    else:
        tables = found.publication.tables
    return Release(
        wave=wave.slug,
        title=wave.title,
        method=method,
        created_at=timezone.now().isoformat(),
        k=rule.k,
        protected_k=rule.protected_k,
        epsilon=epsilon,
        delta=delta,
        count_sigma=sigma,
        rows=tuple(_rows(wave, tables, skills, method, epsilon, delta)),
    )


def dp_budget() -> dp.Budget:
    """The default budget from settings (``NEEDS_DP_EPSILON``, ``NEEDS_DP_DELTA``)."""
    return dp.Budget(
        epsilon=float(getattr(settings, "NEEDS_DP_EPSILON", dp.DEFAULT_EPSILON)),
        delta=float(getattr(settings, "NEEDS_DP_DELTA", dp.DEFAULT_DELTA)),
    )


def default_method() -> Method:
    """``NEEDS_DP_MODE = True`` in settings makes differential privacy the default method."""
    return "differential-privacy" if getattr(settings, "NEEDS_DP_MODE", False) else "suppression"


def publish_release(
    *, wave: Wave, method: Method | None = None, budget: dp.Budget | None = None
) -> Release:
    """Make and store the release of a closed wave; a wave is released once."""
    if wave.is_open() or timezone.now() < wave.opens_at:
        raise ReleaseError(_("A wave's open data is published after it closes."))
    if _path(wave).exists():
        raise ReleaseError(_("This wave's open data has already been published."))
    release = build_release(wave, method=method or default_method(), budget=budget)
    target = _path(wave)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {"metadata": release.metadata, "rows": list(release.rows)}, ensure_ascii=False
    )
    # Write then rename: readers never see half a file, and a second publisher fails cleanly.
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(payload)
    try:
        os.link(temporary, target)  # fails if another release appeared meanwhile
    except FileExistsError as error:
        raise ReleaseError(_("This wave's open data has already been published.")) from error
    finally:
        Path(temporary).unlink()
    return release


def load_release(wave: Wave) -> Release | None:
    """The stored release of ``wave``, if any."""
    try:
        stored = json.loads(_path(wave).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    meta = stored["metadata"]
    return Release(
        wave=meta["wave"],
        title=meta["title"],
        method=meta["method"],
        created_at=meta["created_at"],
        k=meta["k"],
        protected_k=meta["protected_k"],
        epsilon=meta["epsilon"],
        delta=meta["delta"],
        count_sigma=meta["count_sigma"],
        rows=tuple(stored["rows"]),
    )


def to_csv(release: Release) -> bytes:
    """UTF-8 CSV with a header row; empty fields are empty (suppressed or not applicable)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    for row in release.rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def to_json(release: Release) -> bytes:
    """``{"metadata": {...}, "columns": [...], "rows": [...]}``; suppressed values are null."""
    document = {
        "metadata": release.metadata,
        "columns": [{"name": n, "type": t, "description": str(d)} for n, t, d in COLUMNS],
        "rows": list(release.rows),
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def to_parquet(release: Release) -> bytes:
    """Parquet (polars) with typed columns; the metadata is also in the file's key-value metadata."""
    import polars as pl

    types = {"text": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}
    schema = {name: types[kind] for name, kind, _meaning in COLUMNS}
    frame = pl.DataFrame(list(release.rows), schema=schema, orient="row")
    buffer = io.BytesIO()
    frame.write_parquet(
        buffer,
        metadata={key: json.dumps(value) for key, value in release.metadata.items()},
    )
    return buffer.getvalue()


def readme(release: Release | None = None) -> str:
    """The README shipped with the downloads: the method, then every column."""
    lines = [
        "# " + _("Skillcommons needs and assets mapping: open data"),
        "",
    ]
    if release is not None:
        lines += [
            _("Wave: %(title)s (%(wave)s). Released %(date)s.")
            % {"title": release.title, "wave": release.wave, "date": release.created_at},
            _(
                "Method: %(method)s. Minimum cell size k = %(k)s (%(protected_k)s for countries on "
                "the protection list)."
            )
            % {"method": release.method, "k": release.k, "protected_k": release.protected_k},
        ]
        if release.method == "differential-privacy":
            lines.append(
                _(
                    "Differential privacy: epsilon = %(epsilon)s, delta = %(delta)s for the whole "
                    "release; noise standard deviation on a count %(sigma)s."
                )
                % {
                    "epsilon": f"{release.epsilon:.4g}",
                    "delta": f"{release.delta:.2g}",
                    "sigma": f"{release.count_sigma:.4g}",
                }
            )
        lines.append("")
    lines += [
        "## " + _("Method"),
        "",
        _(
            "Each respondent rated skills: proficiency and importance (0 to 4), whether they want to "
            "learn the skill and whether they can teach it; groups also rated robustness (0 = the "
            "skill rests on one person). Answers about a sub-skill also count for its skill and area; "
            "a person counts once per cell. Only submitted answers of people who consented to "
            "aggregate statistics are counted, under a per-wave pseudonym."
        ),
        "",
        _(
            "Disclosure control: a cell with fewer than k respondents is not published, and further "
            "cells are hidden so that no hidden value can be computed from totals or neighbouring "
            "cells, across all tables (complementary suppression, checked by an audit). A hidden cell "
            "has suppressed = true and every measure empty, whatever the reason."
        ),
        "",
        _(
            "Differential privacy (when method = differential-privacy): Gaussian noise calibrated with "
            "OpenDP to one respondent's largest possible contribution to every table at once is added "
            "to the counts and sums; means are noisy sums over noisy counts (unweighted), clipped to "
            "their range; cells whose noisy count is below the release threshold are suppressed. "
            "epsilon and delta cover the whole release."
        ),
        "",
        _(
            "Priority: 100 × (0.40 need + 0.25 demand + 0.20 coverage gap + 0.15 fragility) with need "
            "= max(0, importance − proficiency) / 4 and coverage gap = max(0, demand − supply) / "
            "demand; without fragility the other weights are scaled to sum to one."
        ),
        "",
        "## " + _("Columns"),
        "",
        f"| {_('column')} | {_('type')} | {_('meaning')} |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {kind} | {meaning} |" for name, kind, meaning in COLUMNS]
    return "\n".join(lines) + "\n"
