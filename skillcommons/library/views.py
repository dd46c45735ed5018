"""Library pages: home, work (in the viewer's language), editors, history with diffs, review,
curators' queue, packs with progress, quizzes, offline export and search.

Views parse input with a form, fetch through the models' ``visible_to`` gates, call one action and
render or redirect. Every change is a POST form, so the pages work without JavaScript.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.core.markdown import render_markdown
from skillcommons.search import service as search_service
from skillcommons.search.documents import SearchQuery
from skillcommons.taxonomy.models import Skill

from . import actions, offline
from .diffing import diff_fields
from .forms import (
    BrowseForm,
    FlagForm,
    NewWorkForm,
    QuizForm,
    RatingForm,
    ReviewForm,
    SearchForm,
    VariantForm,
    WorkFieldsForm,
    language_choices,
)
from .models import (
    Completion,
    Flag,
    Pack,
    PackItem,
    PackProgress,
    Review,
    Revision,
    Variant,
    Work,
    is_curator,
)
from .quiz import QuestionInput, parse_quiz, quiz_text
from .viewing import language_label, viewer_languages

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

PAGE_SIZE = 20
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's errors on the matching form fields (others at the top of the form)."""
    if hasattr(error, "error_dict"):
        for name, found in error.message_dict.items():
            for message in found:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _work(request: HttpRequest, pk: int) -> Work:
    return get_object_or_404(
        Work.objects.visible_to(request.user).prefetch_related("variants", "skills__translations"),
        pk=pk,
    )


def _listing(works: list[Work], languages: list[str]) -> list[dict[str, Any]]:
    """Each work with the variant shown to the viewer and whether that is in their language."""
    rows = []
    for work in works:
        variant = work.best_variant(languages)
        if variant is None:
            continue
        rows.append(
            {
                "work": work,
                "variant": variant,
                "language": language_label(variant.locale),
                "in_viewer_language": variant.locale in languages,
            }
        )
    return rows


# ------------------------------------------------------------------------------------- home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET or None)
    works = Work.objects.published().prefetch_related("variants")
    if form.is_bound and form.is_valid():
        for name in ("format", "audience", "level"):
            if form.cleaned_data.get(name):
                works = works.filter(**{name: form.cleaned_data[name]})
    languages = viewer_languages(request)
    page = Paginator(works, PAGE_SIZE).get_page(request.GET.get("page"))
    packs = Pack.objects.visible_to(request.user).prefetch_related("texts")
    mine: list[Work] = []
    if request.user.is_authenticated:
        mine = list(
            Work.objects.filter(created_by=request.user)
            .exclude(state=Work.State.PUBLISHED)
            .prefetch_related("variants")
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "library/home.html",
        {
            "form": form,
            "page": page,
            "rows": _listing(list(page.object_list), languages),
            "packs": [(pack, pack.text_for(languages)) for pack in packs],
            "mine": _listing(mine, languages),
            "query": query.urlencode(),
            "is_curator": is_curator(request.user),
        },
    )


# ------------------------------------------------------------------------------------ works


@require_GET
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work = _work(request, pk)
    languages = viewer_languages(request)
    asked = request.GET.get("lang", "")
    variant = next((v for v in work.variants.all() if v.locale.lower() == asked.lower()), None)
    if variant is None:
        variant = work.best_variant(languages)
    if variant is None:
        raise Http404
    actions.record_view(work=work)
    user = request.user
    can_edit = actions.can_edit(user, work)
    curator = is_curator(user)
    ratings = work.ratings.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    your_rating = None
    done = False
    if user.is_authenticated:
        your_rating = work.ratings.filter(user=user).first()
        done = Completion.objects.filter(work=work, user=user).exists()
    source_diff_url = ""
    if variant.is_stale and variant.source is not None:
        source_diff_url = (
            reverse("library:history", args=[work.pk, variant.source.locale])
            + f"?from={variant.source_revision or 1}&to={variant.source.revision}"
        )
    pack_slug = request.GET.get("pack", "")
    pack_nav = _pack_nav(request, work, pack_slug) if pack_slug else None
    other_variants = [
        {"variant": v, "language": language_label(v.locale)}
        for v in work.variants.all()
        if v.pk != variant.pk
    ]
    return render(
        request,
        "library/work_detail.html",
        {
            "work": work,
            "variant": variant,
            "language": language_label(variant.locale),
            "wanted": language_label(languages[0]),
            "in_first_language": variant.locale.lower() == languages[0].lower(),
            "has_first_language": work.variant_for(languages[0]) is not None,
            "body_html": render_markdown(variant.body),
            "other_variants": other_variants,
            "skills": list(work.skills.all()),
            "ratings": ratings,
            "your_rating": your_rating,
            "rating_form": RatingForm(
                initial={"helpful": "yes" if your_rating and your_rating.helpful else "no"}
                if your_rating
                else None
            ),
            "flag_form": FlagForm(),
            "done": done,
            "can_edit": can_edit,
            "is_curator": curator,
            "reviews": work.reviews.select_related("reviewer") if (can_edit or curator) else [],
            "comments": work.ratings.exclude(comment="") if (can_edit or curator) else [],
            "source_diff_url": source_diff_url,
            "pack_nav": pack_nav,
            "language_choices": language_choices() if can_edit else [],
            "can_submit": can_edit
            and work.state in {Work.State.DRAFT, Work.State.CHANGES_REQUESTED},
            "can_review": curator
            and work.state in {Work.State.SUBMITTED, Work.State.IN_REVIEW, Work.State.PUBLISHED},
        },
    )


def _pack_nav(request: HttpRequest, work: Work, slug: str) -> dict[str, Any] | None:
    """Previous and next step when the work is opened from a pack."""
    pack = Pack.objects.visible_to(request.user).filter(slug=slug).first()
    if pack is None:
        return None
    ids = list(pack.items.values_list("work_id", flat=True))
    if work.pk not in ids:
        return None
    index = ids.index(work.pk)
    return {
        "pack": pack,
        "position": index + 1,
        "count": len(ids),
        "previous": ids[index - 1] if index > 0 else None,
        "next": ids[index + 1] if index + 1 < len(ids) else None,
    }


def _login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _upload(request: HttpRequest) -> actions.Upload | None:
    found = request.FILES.get("file")
    if found is None:
        return None
    return actions.Upload(content=found, name=found.name or "", size=found.size or 0)


@require_http_methods(["GET", "POST"])
def work_create(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    form = NewWorkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = actions.create_work(
                actor=_user(request),
                fields=actions.WorkFields(
                    level=data["level"],
                    audience=data["audience"],
                    format=data["format"],
                    license=data["license"],
                    estimated_minutes=data["estimated_minutes"],
                    skills=data["skills"],
                ),
                locale=data["locale"],
                text=actions.VariantText(
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    external_url=data["external_url"],
                ),
                upload=_upload(request),
            )
        except ValidationError as error:
            _apply_errors(form, _file_errors(error))
        else:
            messages.success(request, _("The draft is saved. Submit it for review when ready."))
            return redirect(work)
    return render(request, "library/work_form.html", {"form": form, "work": None})


def _file_errors(error: ValidationError) -> ValidationError:
    """Upload checks raise plain errors; show them on the file field."""
    if hasattr(error, "error_dict"):
        return error
    if error.code in {"empty", "file_type", "file_kind", "file_size"}:
        return ValidationError({"file": error.messages})
    return error


@require_http_methods(["GET", "POST"])
def work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    if not actions.can_edit(request.user, work):
        raise PermissionDenied(_("Only the author of this work or a curator can change it."))
    initial = {
        "format": work.format,
        "level": work.level,
        "audience": work.audience,
        "license": work.license,
        "estimated_minutes": work.estimated_minutes,
        "skills": [s.code for s in work.skills.all()],
    }
    form = WorkFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_work(
                actor=_user(request),
                work=work,
                fields=actions.WorkFields(
                    level=data["level"],
                    audience=data["audience"],
                    format=data["format"],
                    license=data["license"],
                    estimated_minutes=data["estimated_minutes"],
                    skills=data["skills"],
                ),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The work is saved."))
            return redirect(work)
    return render(request, "library/work_form.html", {"form": form, "work": work})


@require_http_methods(["GET", "POST"])
def variant_edit(request: HttpRequest, pk: int, locale: str) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    if not actions.can_edit(request.user, work):
        raise PermissionDenied(_("Only the author of this work or a curator can change it."))
    try:
        code = actions.language_code(locale)
    except ValidationError as error:
        raise Http404 from error
    variant = work.variant_for(code)
    sources = [
        (v.locale, f"{language_label(v.locale).name} ({v.locale})")
        for v in work.variants.all()
        if v.locale != code
    ]
    initial: dict[str, Any] = {}
    if variant is not None:
        initial = {
            "title": variant.title,
            "summary": variant.summary,
            "body": variant.body,
            "external_url": variant.external_url,
            "source_locale": variant.source.locale if variant.source else "",
        }
    elif work.original_locale != code:
        initial = {"source_locale": work.original_locale}
    form = VariantForm(
        request.POST or None, request.FILES or None, initial=initial, sources=sources
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.save_variant(
                actor=_user(request),
                work=work,
                locale=code,
                text=actions.VariantText(
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    external_url=data["external_url"],
                ),
                upload=_upload(request),
                remove_file=data["remove_file"],
                source_locale=data["source_locale"],
                matches_source=data["matches_source"],
                note=data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, _file_errors(error))
        else:
            messages.success(request, _("The text is saved."))
            return redirect(reverse("library:work", args=[work.pk]) + f"?lang={code}")
    source = variant.source if variant is not None else None
    return render(
        request,
        "library/variant_form.html",
        {
            "form": form,
            "work": work,
            "variant": variant,
            "language": language_label(code),
            "source": source,
            "source_body_html": render_markdown(source.body) if source else "",
        },
    )


@require_GET
def translate(request: HttpRequest, pk: int) -> HttpResponse:
    """The no-JavaScript language picker of the work page: open the editor of that language."""
    work = _work(request, pk)
    try:
        code = actions.language_code(request.GET.get("locale", ""))
    except ValidationError:
        messages.error(request, _("Choose a language from the list."))
        return redirect(work)
    return redirect("library:variant_edit", pk=work.pk, locale=code)


@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, pk: int, locale: str) -> HttpResponse:
    """Write a quiz's questions in one language as plain text."""
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    if not actions.can_edit(request.user, work):
        raise PermissionDenied(_("Only the author of this work or a curator can change it."))
    if work.format != Work.Format.QUIZ:
        raise Http404
    variant = get_object_or_404(Variant, work=work, locale=locale)
    current = [
        QuestionInput(
            text=q.text,
            kind=q.kind,
            choices=[(c.text, c.is_correct) for c in q.choices.all()],
            explanation=q.explanation,
        )
        for q in variant.questions.prefetch_related("choices")
    ]
    form = QuizForm(request.POST or None, initial={"questions": quiz_text(current)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_questions(
                actor=_user(request),
                variant=variant,
                questions=parse_quiz(form.cleaned_data["questions"]),
            )
        except ValidationError as error:
            form.add_error("questions", error)
        else:
            messages.success(request, _("The questions are saved."))
            return redirect(reverse("library:quiz", args=[work.pk]) + f"?lang={variant.locale}")
    return render(
        request,
        "library/quiz_form.html",
        {"form": form, "work": work, "variant": variant, "language": language_label(locale)},
    )


@require_POST
def variant_delete(request: HttpRequest, pk: int, locale: str) -> HttpResponse:
    """Remove a translation (not the original language)."""
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    variant = get_object_or_404(Variant, work=work, locale=locale)
    try:
        actions.delete_variant(actor=_user(request), variant=variant)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("library:variant_edit", pk=work.pk, locale=locale)
    messages.success(request, _("The translation is removed."))
    return redirect(work)


@require_GET
def variant_history(request: HttpRequest, pk: int, locale: str) -> HttpResponse:
    work = _work(request, pk)
    variant = get_object_or_404(Variant, work=work, locale=locale)
    revisions = list(variant.revisions.select_related("author"))
    by_number = {r.number: r for r in revisions}

    def number(name: str, default: int) -> int:
        try:
            return int(request.GET.get(name, default))
        except ValueError:
            return default

    latest = revisions[0].number if revisions else 0
    new = by_number.get(number("to", latest))
    old = by_number.get(number("from", (new.number - 1) if new else 0))
    diff = []
    if new is not None:
        fields = {
            "title": new.title,
            "summary": new.summary,
            "body": new.body,
            "external_url": new.external_url,
            "file_name": new.file_name,
        }
        before = (
            {
                "title": old.title,
                "summary": old.summary,
                "body": old.body,
                "external_url": old.external_url,
                "file_name": old.file_name,
            }
            if old
            else {}
        )
        diff = [d for d in diff_fields(before, fields) if d.changed]
    labels = {
        "title": Revision._meta.get_field("title").verbose_name,
        "summary": Revision._meta.get_field("summary").verbose_name,
        "body": Revision._meta.get_field("body").verbose_name,
        "external_url": Revision._meta.get_field("external_url").verbose_name,
        "file_name": Revision._meta.get_field("file_name").verbose_name,
    }
    return render(
        request,
        "library/history.html",
        {
            "work": work,
            "variant": variant,
            "language": language_label(variant.locale),
            "revisions": revisions,
            "old": old,
            "new": new,
            "diff": [{"label": labels[d.field], "lines": d.lines} for d in diff],
            "show_authors": actions.can_edit(request.user, work) or is_curator(request.user),
        },
    )


def _post_action(request: HttpRequest, pk: int, run: Callable[[Work], str]) -> HttpResponse:
    """Run a one-button action on a work; errors come back as a message on the work page."""
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    try:
        done = run(work)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(work)


@require_POST
def work_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(work: Work) -> str:
        actions.submit_work(actor=_user(request), work=work)
        return _("The work is submitted. A curator will review it.")

    return _post_action(request, pk, run)


@require_POST
def work_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    def run(work: Work) -> str:
        actions.start_review(actor=_user(request), work=work)
        return _("The work is now in review.")

    return _post_action(request, pk, run)


@require_POST
def work_complete(request: HttpRequest, pk: int) -> HttpResponse:
    locale = request.POST.get("locale", "")

    def run(work: Work) -> str:
        actions.complete_work(
            actor=_user(request), work=work, locale=locale or work.original_locale
        )
        return _("Marked as done.")

    response = _post_action(request, pk, run)
    pack = request.POST.get("pack", "")
    if request.user.is_authenticated and pack and Pack.objects.filter(slug=pack).exists():
        return redirect("library:pack", slug=pack)
    return response


@require_POST
def work_rate(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect(work)
    try:
        actions.rate_work(
            actor=_user(request),
            work=work,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect(work)


@require_POST
def work_flag(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    work = _work(request, pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect(work)
    actions.flag_work(
        actor=_user(request),
        work=work,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("Thank you. Curators will look at the problem you reported."))
    return redirect(work)


# ---------------------------------------------------------------------------------- curation


@require_http_methods(["GET", "POST"])
def work_review(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    if not is_curator(request.user):
        raise PermissionDenied(_("Only library curators can do this."))
    work = _work(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.review_work(
                actor=_user(request),
                work=work,
                decision=data["decision"],
                scores={name: data[name] for name in Review.RUBRIC},
                notes=data["notes"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The review is saved."))
            return redirect(work)
    languages = viewer_languages(request)
    return render(
        request,
        "library/review.html",
        {
            "form": form,
            "work": work,
            "variant": work.best_variant(languages),
            "rubric": [form[name] for name in Review.RUBRIC],
            "flags": work.flags.filter(resolved_at__isnull=True),
        },
    )


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    if not is_curator(request.user):
        raise PermissionDenied(_("Only library curators can do this."))
    languages = viewer_languages(request)
    soon = timezone.now().date() + datetime.timedelta(days=30)
    waiting = (
        Work.objects.filter(state__in=[Work.State.SUBMITTED, Work.State.IN_REVIEW])
        .prefetch_related("variants")
        .order_by("updated_at")
    )
    due = Work.objects.published().filter(review_due__lte=soon).prefetch_related("variants")
    flags = (
        Flag.objects.filter(resolved_at__isnull=True)
        .select_related("work")
        .prefetch_related("work__variants")
    )
    stale = Variant.objects.filter(status=Variant.Status.STALE).select_related("work")
    return render(
        request,
        "library/queue.html",
        {
            "waiting": _listing(list(waiting), languages),
            "due": _listing(list(due), languages),
            "flags": [(flag, flag.work.best_variant(languages)) for flag in flags],
            "stale": stale,
        },
    )


@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    flag = get_object_or_404(Flag, pk=pk)
    actions.resolve_flag(actor=_user(request), flag=flag)
    messages.success(request, _("The flag is resolved."))
    return redirect("library:queue")


# ------------------------------------------------------------------------------------ packs


def _pack(request: HttpRequest, slug: str) -> Pack:
    return get_object_or_404(
        Pack.objects.visible_to(request.user).prefetch_related(
            "texts",
            "prerequisites__texts",
            Prefetch(
                "items",
                queryset=PackItem.objects.select_related("work").prefetch_related("work__variants"),
            ),
        ),
        slug=slug,
    )


@require_GET
def pack_list(request: HttpRequest) -> HttpResponse:
    languages = viewer_languages(request)
    packs = Pack.objects.visible_to(request.user).prefetch_related("texts", "items__work")
    rows = []
    for pack in packs:
        works = [item.work for item in pack.items.all()]
        rows.append(
            {
                "pack": pack,
                "text": pack.text_for(languages),
                "count": len(works),
                "minutes": sum(w.estimated_minutes for w in works),
            }
        )
    return render(request, "library/pack_list.html", {"rows": rows})


@require_GET
def pack_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pack = _pack(request, slug)
    languages = viewer_languages(request)
    done = actions.pack_items_done(pack, request.user)
    completions: dict[int, str] = {}
    progress = None
    if request.user.is_authenticated:
        progress = PackProgress.objects.filter(pack=pack, user=request.user).first()
        completions = dict(
            Completion.objects.filter(
                user=request.user, work__in=[i.work for i in pack.items.all()]
            ).values_list("work_id", "locale")
        )
    steps: list[dict[str, Any]] = []
    for item in pack.items.all():
        variant = item.work.best_variant(languages)
        if variant is None or not item.work.is_published:
            continue
        steps.append(
            {
                "work": item.work,
                "variant": variant,
                "language": language_label(variant.locale),
                "in_viewer_language": variant.locale in languages,
                "done": item.work_id in done,
                "done_in": language_label(completions[item.work_id])
                if item.work_id in completions
                else None,
            }
        )
    finished = sum(1 for step in steps if step["done"])
    prerequisites = [
        {
            "pack": p,
            "text": p.text_for(languages),
            "done": bool(
                request.user.is_authenticated
                and PackProgress.objects.filter(
                    pack=p, user=request.user, completed_at__isnull=False
                ).exists()
            ),
        }
        for p in pack.prerequisites.all()
    ]
    text = pack.text_for(languages)
    return render(
        request,
        "library/pack_detail.html",
        {
            "pack": pack,
            "text": text,
            "text_language": language_label(text.locale) if text else None,
            "steps": steps,
            "finished": finished,
            "minutes": sum(step["work"].estimated_minutes for step in steps),
            "progress": progress,
            "prerequisites": prerequisites,
            "export_languages": [
                language_label(code)
                for code in sorted({v.locale for s in steps for v in s["work"].variants.all()})
            ],
        },
    )


@require_POST
def pack_start(request: HttpRequest, slug: str) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    pack = _pack(request, slug)
    try:
        actions.start_pack(actor=_user(request), pack=pack)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(pack)


@require_GET
def pack_export(request: HttpRequest, slug: str) -> HttpResponse:
    pack = _pack(request, slug)
    languages = viewer_languages(request)
    asked = request.GET.get("lang", "")
    if asked:
        with contextlib.suppress(ValidationError):
            languages = [actions.language_code(asked), *languages]
    data = offline.export_pack(pack, languages=languages, site_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.slug}-{languages[0]}.zip"'
    return response


# ---------------------------------------------------------------------------------- quizzes


@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    work = _work(request, pk)
    if work.format != Work.Format.QUIZ:
        raise Http404
    languages = viewer_languages(request)
    asked = request.GET.get("lang", "")
    variant = work.variant_for(asked) if asked else None
    variant = variant or work.best_variant(languages)
    if variant is None:
        raise Http404
    questions = list(variant.questions.prefetch_related("choices"))
    result = None
    error = ""
    if request.method == "POST":
        if (response := _login(request)) is not None:
            return response
        answers: dict[int, list[int]] = {}
        for question in questions:
            raw = request.POST.getlist(f"q{question.pk}")
            answers[question.pk] = [int(a) for a in raw if a.isdigit()]
        try:
            result = actions.take_quiz(actor=_user(request), variant=variant, answers=answers)
        except ValidationError as problem:
            error = " ".join(problem.messages)
    results = {r.question.pk: r for r in result.results} if result else {}
    return render(
        request,
        "library/quiz.html",
        {
            "work": work,
            "variant": variant,
            "language": language_label(variant.locale),
            "in_first_language": variant.locale.lower() == languages[0].lower(),
            "questions": [(q, results.get(q.pk)) for q in questions],
            "result": result,
            "error": error,
            "pass_mark": int(actions.QUIZ_PASS_MARK * 100),
            "pack": request.GET.get("pack", ""),
        },
    )


# ----------------------------------------------------------------------------------- search

SEARCH_PAGE_SIZE = 20


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The library search: a complete page without JavaScript; with htmx, typing refreshes only
    the results."""
    languages = viewer_languages(request)
    language_options = [
        (code, f"{language_label(code).name} ({code})")
        for code in sorted(
            set(
                Variant.objects.filter(work__state=Work.State.PUBLISHED).values_list(
                    "locale", flat=True
                )
            )
        )
    ]
    form = SearchForm(request.GET or None, languages=language_options)
    results = None
    page_number = 1
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters: dict[str, list[str]] = {
            name: list(data[name])
            for name in ("format", "audience", "level", "language")
            if data.get(name)
        }
        if data.get("skill"):
            skill = Skill.objects.filter(code=data["skill"]).first()
            if skill is not None:
                filters["skill"] = [str(skill.pk)]
        try:
            page_number = max(1, min(int(request.GET.get("page", 1)), 50))
        except ValueError:
            page_number = 1
        if data["q"].strip() or filters:
            results = search_service.search(
                SearchQuery(
                    text=data["q"],
                    languages=languages,
                    filters=filters,
                    limit=SEARCH_PAGE_SIZE,
                    offset=(page_number - 1) * SEARCH_PAGE_SIZE,
                    source="library",
                )
            )
    facets: dict[str, list[tuple[str, str, int]]] = {}
    if results is not None:
        skill_labels = {
            str(s.pk): s.label()
            for s in Skill.objects.filter(
                pk__in=[int(k) for k in results.facets.get("skill", {}) if k.isdigit()]
            ).with_translations()
        }
        names: dict[str, dict[str, str]] = {
            "format": {k: str(v) for k, v in Work.Format.choices},
            "audience": {k: str(v) for k, v in Work.Audience.choices},
            "level": {k: str(v) for k, v in Work.Level.choices},
        }
        for facet, counts in results.facets.items():
            rows = []
            for value, count in sorted(counts.items(), key=lambda kv: -kv[1]):
                if facet == "skill":
                    label = skill_labels.get(value, value)
                elif facet == "language":
                    label = language_label(value).name
                else:
                    label = names.get(facet, {}).get(value, value)
                rows.append((value, label, count))
            facets[facet] = rows
    hits = []
    if results is not None:
        for hit in results.hits:
            hits.append({"hit": hit, "language": language_label(hit.language)})
    query = request.GET.copy()
    query.pop("page", None)
    pages = 0
    if results is not None:
        pages = min(50, (results.total + SEARCH_PAGE_SIZE - 1) // SEARCH_PAGE_SIZE)
    context = {
        "form": form,
        "results": results,
        "hits": hits,
        "facets": facets,
        "page_number": page_number,
        "has_next": page_number < pages,
        "query": query.urlencode(),
    }
    template = (
        "library/_search_results.html"
        if request.headers.get("HX-Request") == "true"
        else "library/search.html"
    )
    return render(request, template, context)
