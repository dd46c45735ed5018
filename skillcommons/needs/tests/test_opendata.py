"""Open data: releasing a closed wave once, the public page, CSV / JSON / Parquet downloads with
their README, the DP mode recording epsilon everywhere, the API, and who may publish."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from skillcommons.needs import dp, opendata, queries
from skillcommons.needs.disclosure import recover
from skillcommons.needs.models import Wave
from skillcommons.needs.publish import audit_publication, published_counts
from skillcommons.needs.tests.test_queries import answer, make_wave, populate
from skillcommons.organizations.tests.factories import UserFactory, coordinator
from skillcommons.taxonomy.models import Skill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings: object, tmp_path: Path) -> Iterator[None]:
    setattr(settings, "NEEDS_OPENDATA_DIR", str(tmp_path / "opendata"))  # noqa: B010
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wave() -> Wave:
    wave = make_wave("map-2026")
    populate(wave, 60, seed=5)
    skill = Skill.objects.get(code="skill-b1")
    for _i in range(3):  # a small country and language community: suppressed, with complements
        answer(
            wave,
            UserFactory.create(),
            [(skill, 4, 2, False, True, None)],
            country="IS",
            language="is",
            region="NWE",
        )
    return wave


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_coordinator_publishes_a_closed_wave_once(wave: Wave) -> None:
    client = signed_in(coordinator())
    url = reverse("needs_stats:opendata_publish", args=[wave.slug])

    first = client.post(url, {"method": "suppression"})
    assert first.status_code == 302
    assert first["Location"] == reverse("needs_stats:opendata_release", args=[wave.slug])
    release = opendata.load_release(wave)
    assert release is not None and release.method == "suppression"

    second = client.post(url, {"method": "differential-privacy"}, follow=True)
    assert "already been published" in second.content.decode()
    assert opendata.load_release(wave) == release


def test_an_open_wave_is_not_released() -> None:
    open_wave = make_wave("open-2026", closed=False)
    populate(open_wave, 10, seed=2)
    with pytest.raises(opendata.ReleaseError):
        opendata.publish_release(wave=open_wave)
    assert opendata.load_release(open_wave) is None


def test_a_wave_nobody_answered_is_not_released() -> None:
    with pytest.raises(opendata.ReleaseError):
        opendata.publish_release(wave=make_wave("empty"))


def test_only_coordinators_publish(wave: Wave) -> None:
    url = reverse("needs_stats:opendata_publish", args=[wave.slug])
    assert Client().post(url, {"method": "suppression"}).status_code == 302
    assert signed_in(UserFactory.create()).post(url, {"method": "suppression"}).status_code == 403
    assert opendata.load_release(wave) is None


@pytest.mark.parametrize(
    "data", [{"method": "magic"}, {"method": "differential-privacy", "epsilon": "-1"}, {}]
)
def test_bad_release_input_is_refused_and_changes_nothing(wave: Wave, data: dict[str, str]) -> None:
    response = signed_in(coordinator()).post(
        reverse("needs_stats:opendata_publish", args=[wave.slug]), data, follow=True
    )
    assert response.status_code == 200
    assert "cdx-message--error" in response.content.decode()
    assert opendata.load_release(wave) is None


def test_the_public_page_and_downloads(wave: Wave) -> None:
    release = opendata.publish_release(wave=wave, method="suppression")
    client = Client()

    page = client.get(reverse("needs_stats:opendata_release", args=[wave.slug]))
    assert page.status_code == 200
    assert reverse("needs_stats:opendata_download", args=[wave.slug, "parquet"]) in (
        page.content.decode()
    )
    listing = client.get(reverse("needs_stats:opendata_index"))
    assert wave.title in listing.content.decode()

    csv_body = client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "csv"]))
    assert csv_body["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_body.content.decode())))
    assert tuple(rows[0]) == opendata.COLUMN_NAMES
    assert len(rows) == len(release.rows)
    hidden = [r for r in rows if r["suppressed"] == "True"]
    assert hidden and all(r["respondents"] == r["proficiency"] == "" for r in hidden)
    shown = [int(r["respondents"]) for r in rows if r["suppressed"] == "False"]
    assert min(shown) >= 5

    document = json.loads(
        client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "json"])).content
    )
    assert document["metadata"]["method"] == "suppression"
    assert [c["name"] for c in document["columns"]] == list(opendata.COLUMN_NAMES)
    assert document["rows"] == [dict(r) for r in release.rows]

    parquet = client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "parquet"]))
    frame = pl.read_parquet(io.BytesIO(parquet.content))
    assert frame.columns == list(opendata.COLUMN_NAMES)
    assert frame.height == len(release.rows)
    assert frame.schema["respondents"] == pl.Int64

    readme = client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "readme"]))
    text = readme.content.decode()
    for name in opendata.COLUMN_NAMES:
        assert f"| {name} |" in text
    assert "Disclosure control" in text
    assert (
        client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "xls"])).status_code
        == 404
    )


def test_an_unreleased_wave_has_no_public_page(wave: Wave) -> None:
    assert (
        Client().get(reverse("needs_stats:opendata_release", args=[wave.slug])).status_code == 404
    )


def test_differencing_the_released_tables_recovers_no_hidden_cell(wave: Wave) -> None:
    tables = queries.wave_tables(wave)
    assert tables is not None
    assert tables.publication.suppressed_cells > 0
    assert audit_publication(tables.cube, tables.publication).size == 0
    # The attacker's computation on the published counts pins no hidden cell holding people.
    recovered = recover(published_counts(tables.cube, tables.publication), tables.cube.relations)
    assert all(tables.cube.n[cell] == 0 for cell in recovered)
    country = tables.publication.table("country")
    assert all(c.suppressed for c in country.cells if c.row == "IS")


def test_a_differential_privacy_release_records_epsilon_in_every_output(wave: Wave) -> None:
    release = opendata.publish_release(
        wave=wave, method="differential-privacy", budget=dp.Budget(epsilon=3.0)
    )
    assert release.epsilon is not None and 2.9 < release.epsilon <= 3.0
    assert all(
        r["epsilon"] == release.epsilon and r["method"] == "differential-privacy"
        for r in release.rows
    )
    client = Client()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("needs_stats:opendata_download", args=[wave.slug, "csv"])
                ).content.decode()
            )
        )
    )
    assert {float(r["epsilon"]) for r in rows} == {release.epsilon}
    document = json.loads(
        client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "json"])).content
    )
    assert document["metadata"]["epsilon"] == release.epsilon
    parquet = client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "parquet"]))
    metadata = pl.read_parquet_metadata(io.BytesIO(parquet.content))
    assert float(metadata["epsilon"]) == release.epsilon
    readme = client.get(reverse("needs_stats:opendata_download", args=[wave.slug, "readme"]))
    assert "epsilon" in readme.content.decode()
    page = client.get(reverse("needs_stats:opendata_release", args=[wave.slug]))
    assert "epsilon" in page.content.decode()


def test_dp_values_differ_from_the_exact_ones(wave: Wave) -> None:
    exact = opendata.build_release(wave, method="suppression")
    noisy = opendata.build_release(wave, method="differential-privacy", budget=dp.Budget(50.0))
    exact_n = {(r["dimension"], r["row"], r["skill"]): r["respondents"] for r in exact.rows}
    pairs = [
        (exact_n[(r["dimension"], r["row"], r["skill"])], r["respondents"])
        for r in noisy.rows
        if r["respondents"] is not None and exact_n[(r["dimension"], r["row"], r["skill"])]
    ]
    assert pairs
    assert any(a != b for a, b in pairs)
    assert np.mean([abs(a - b) for a, b in pairs]) < 6 * (noisy.count_sigma or 0)


def test_the_api_lists_and_returns_releases(wave: Wave) -> None:
    opendata.publish_release(wave=wave)
    client = Client()
    listing = client.get("/api/v1/needs/open-data").json()
    assert [r["wave"] for r in listing] == [wave.slug]
    assert listing[0]["downloads"]["csv"].endswith("/download/csv")

    body = client.get(f"/api/v1/needs/open-data/{wave.slug}", {"dimension": "country"}).json()
    assert body["metadata"]["method"] == "suppression"
    assert body["rows"] and {r["dimension"] for r in body["rows"]} == {"country"}
    bad = client.get(f"/api/v1/needs/open-data/{wave.slug}", {"dimension": "shoe size"})
    assert bad.status_code == 400
    assert bad.json()["error"]["status"] == 400
    assert client.get("/api/v1/needs/open-data/no-such-wave").status_code == 404


def test_the_live_tables_api_follows_the_dashboard_permissions(wave: Wave) -> None:
    url = f"/api/v1/needs/waves/{wave.slug}/tables"
    assert Client().get(url).status_code == 401
    assert signed_in(UserFactory.create()).get(url).status_code == 403
    body = signed_in(coordinator()).get(url, {"dimension": "region"}).json()
    assert body["dimension"] == "region"
    assert all(
        c["n"] is None and c["proficiency"] is None for c in body["cells"] if c["suppressed"]
    )
    assert all(c["n"] >= body["k"] for c in body["cells"] if not c["suppressed"])
