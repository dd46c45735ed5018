"""Forms of the library pages. They only parse input; rules live in ``actions``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from skillcommons.taxonomy.models import Language, Skill

from .models import MAX_BODY, MAX_SUMMARY, MAX_TITLE, Flag, Review, Work


def skill_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active skills grouped by area, labelled in the interface language."""
    skills = list(Skill.objects.filter(is_active=True).with_translations().order_by("position"))
    children: dict[int | None, list[Skill]] = defaultdict(list)
    for skill in skills:
        children[skill.parent_id].append(skill)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for area in children[None]:
        options = [(area.code, area.label())]
        for skill in children[area.pk]:
            options.append((skill.code, skill.label()))
            options.extend((sub.code, sub.label()) for sub in children[skill.pk])
        groups.append((area.label(), options))
    return groups


def language_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{autonym} ({code})")
        for code, autonym in Language.objects.filter(is_active=True).values_list("code", "autonym")
    ]


class WorkFieldsForm(forms.Form):
    """The language-neutral facts of a work."""

    format = forms.ChoiceField(label=_("Format"), choices=Work.Format.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Work.Level.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Work.Audience.choices)
    license = forms.ChoiceField(label=_("License"), choices=Work.License.choices)
    estimated_minutes = forms.IntegerField(
        label=_("Estimated time in minutes"), min_value=1, max_value=6000
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills it teaches"),
        required=False,
        help_text=_("Learners find the work through these skills, in every language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["skills"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = skill_choices()

    def clean_skills(self) -> list[Skill]:
        codes = self.cleaned_data.get("skills") or []
        return list(Skill.objects.filter(code__in=codes, is_active=True))


class VariantTextForm(forms.Form):
    """The text of a work in one language."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: headings with #, lists with -, links as [text](https://…)."),
    )
    external_url = forms.URLField(
        label=_("External link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the video, course or document lives, if not uploaded here."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF up to 20 MB, image up to 5 MB, slides (PPTX, ODP) up to 30 MB, audio up to "
            "50 MB, video up to 200 MB."
        ),
    )


class NewWorkForm(WorkFieldsForm, VariantTextForm):
    """A new work: its facts and its first language."""

    locale = forms.ChoiceField(label=_("Language of the text"))

    field_order = [
        "locale", "title", "summary", "body", "external_url", "file",
        "format", "level", "audience", "license", "estimated_minutes", "skills",
    ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["locale"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = language_choices()


class VariantForm(VariantTextForm):
    """A language of an existing work, new or changed."""

    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)
    source_locale = forms.ChoiceField(
        label=_("Translated from"),
        required=False,
        help_text=_("The language version this text translates."),
    )
    matches_source = forms.BooleanField(
        label=_("This translation matches the latest version of its source"), required=False
    )
    note = forms.CharField(label=_("Edit summary"), max_length=300, required=False)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source_locale"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Not a translation")), *sources]


def _score_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )


class ReviewForm(forms.Form):
    """A curator's rubric (1 = poor, 5 = excellent), notes and decision."""

    accuracy = _score_field(_("Accuracy"))
    clarity = _score_field(_("Clarity"))
    relevance = _score_field(_("Relevance to the movement"))
    accessibility = _score_field(_("Accessibility"))
    up_to_date = _score_field(_("Up to date"))
    licensing = _score_field(_("Licensing"))
    notes = forms.CharField(
        label=_("Notes for the author"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you request changes or reject."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BrowseForm(forms.Form):
    """Filters of the library home page."""

    format = forms.ChoiceField(label=_("Format"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _("Any"))
        for name, choices in (
            ("format", Work.Format.choices),
            ("audience", Work.Audience.choices),
            ("level", Work.Level.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [anything, *choices]


class SearchForm(forms.Form):
    """The library search: words and facet filters (all optional)."""

    q = forms.CharField(label=_("Search the library"), required=False, max_length=300)
    format = forms.MultipleChoiceField(
        label=_("Format"),
        required=False,
        choices=Work.Format.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=_("Audience"),
        required=False,
        choices=Work.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.MultipleChoiceField(
        label=_("Level"),
        required=False,
        choices=Work.Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.MultipleChoiceField(
        label=_("Language"), required=False, widget=forms.CheckboxSelectMultiple
    )
    skill = forms.ChoiceField(label=_("Skill"), required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        skill = self.fields["skill"]
        assert isinstance(language, forms.MultipleChoiceField)
        assert isinstance(skill, forms.ChoiceField)
        language.choices = languages
        skill.choices = [("", _("Any")), *skill_choices()]


class QuizForm(forms.Form):
    """A quiz in one language, written as plain text (see ``quiz.py``)."""

    questions = forms.CharField(
        label=_("Questions"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Start a question with “?” (or “?+” when several answers are right), each answer "
            "with “*” when it is right or “-” when it is wrong, and the explanation with “>”. "
            "Leave an empty line between questions."
        ),
    )
