"""Open data pages: the public list of released waves, one release's page and its downloads, and
the coordinators' form that makes a release (with suppression or differential privacy).

Downloads and pages read the frozen release (``opendata.load_release``), never the live answers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from skillcommons.needs import dp, opendata
from skillcommons.needs.dashboard_views import MEASURE_NAMES, is_coordinator
from skillcommons.needs.models import Wave
from skillcommons.needs.publish import ALL
from skillcommons.taxonomy.models import Skill

FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
    "readme": ("text/markdown; charset=utf-8", "md"),
}


class ReleaseForm(forms.Form):
    """How to release a closed wave."""

    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[
            ("suppression", gettext_lazy("Suppression of small cells (exact values)")),
            ("differential-privacy", gettext_lazy("Differential privacy (noisy values)")),
        ],
    )
    epsilon = forms.FloatField(
        label=gettext_lazy("Privacy budget epsilon (differential privacy only)"),
        min_value=0.01,
        max_value=100,
        required=False,
        help_text=gettext_lazy("Smaller is more private and noisier. The whole release spends it."),
    )

    def budget(self) -> dp.Budget:
        epsilon = self.cleaned_data.get("epsilon")
        default = opendata.dp_budget()
        return dp.Budget(epsilon=epsilon or default.epsilon, delta=default.delta)


def _released_waves() -> list[tuple[Wave, opendata.Release]]:
    found = []
    for wave in Wave.objects.filter(is_published=True):
        release = opendata.load_release(wave)
        if release is not None:
            found.append((wave, release))
    return found


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every released wave (public)."""
    pending: list[Wave] = []
    if is_coordinator(request.user):
        pending = [
            w
            for w in Wave.objects.visible_to(request.user)
            if opendata.load_release(w) is None and not w.is_open()
        ]
    return render(
        request,
        "needs/opendata_index.html",
        {"releases": _released_waves(), "pending": pending, "form": ReleaseForm()},
    )


def _release_or_404(slug: str) -> tuple[Wave, opendata.Release]:
    wave = get_object_or_404(Wave.objects.filter(is_published=True), slug=slug)
    release = opendata.load_release(wave)
    if release is None:
        raise Http404(_("This wave's open data is not published yet."))
    return wave, release


@require_GET
def release_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One release: method, downloads, and the all-respondents line of every skill."""
    wave, release = _release_or_404(slug)
    overall = [r for r in release.rows if r["dimension"] == "region" and r["row"] == "all"]
    codes = {r["skill"] for r in overall}
    names = {s.code: s.label() for s in Skill.objects.filter(code__in=codes).with_translations()}
    names[ALL] = _("All skills")
    lines = [{**r, "skill_name": names.get(r["skill"], r["skill"])} for r in overall]
    return render(
        request,
        "needs/opendata_release.html",
        {
            "wave": wave,
            "release": release,
            "lines": lines,
            "columns": opendata.COLUMNS,
            "formats": list(FORMATS),
            "measures": MEASURE_NAMES,
        },
    )


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The release as CSV, JSON, Parquet or its README."""
    if fmt not in FORMATS:
        raise Http404(_("Unknown format."))
    wave, release = _release_or_404(slug)
    body: bytes
    if fmt == "csv":
        body = opendata.to_csv(release)
    elif fmt == "json":
        body = opendata.to_json(release)
    elif fmt == "parquet":
        body = opendata.to_parquet(release)
    else:
        body = opendata.readme(release).encode("utf-8")
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    name = "README" if fmt == "readme" else f"needs-{wave.slug}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Release a closed wave's tables (coordinators)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("needs_stats:opendata_index"))
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only coordinators publish open data."))
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    form = ReleaseForm(request.POST)
    target = reverse("needs_stats:opendata_index")
    if not form.is_valid():
        errors: list[Any] = [e for field in form.errors.values() for e in field]
        messages.error(request, " ".join(str(e) for e in errors))
        return HttpResponseRedirect(target)
    try:
        opendata.publish_release(
            wave=wave, method=form.cleaned_data["method"], budget=form.budget()
        )
    except opendata.ReleaseError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(target)
    messages.success(request, _("The open data of %(wave)s is published.") % {"wave": wave.title})
    return HttpResponseRedirect(reverse("needs_stats:opendata_release", args=[wave.slug]))
