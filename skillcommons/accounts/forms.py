"""Forms of the people pages. They parse and check input; the actions in ``actions.py`` check
again and write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.proficiency import Proficiency
from skillcommons.taxonomy.regions import REGION_NAMES, country_choices

from .actions import OFFER_WAYS, LanguageEntry, SkillEntry
from .models import PersonLanguage, Profile, User
from .validators import (
    MAX_AVAILABILITY_SLOTS,
    normalize_country,
    normalize_wikis,
    validate_time_zone,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
# The shared 0–4 scale of the taxonomy, plus "no level" for skills one only wants or offers.
SKILL_LEVELS: list[tuple[int | str, StrOrPromise]] = [
    ("", pgettext_lazy("skill level", "No level given")),
    *Proficiency.choices,
]
OFFER_LABELS = {
    "teaching": _("Teaching"),
    "mentoring": _("Mentoring"),
    "consulting": _("Consulting"),
    "review": _("Reviewing"),
}
EXTRA_ROWS = 2


def visibility_field(label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=Visibility.choices, coerce=int, initial=Visibility.PRIVATE
    )


def language_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Choose a language"))] + [
        (code, f"{autonym} ({code})")
        for code, autonym in Language.objects.filter(is_active=True).values_list("code", "autonym")
    ]


def skill_choices() -> list[tuple[str, StrOrPromise]]:
    skills = list(Skill.objects.filter(is_active=True).with_translations())
    by_parent: dict[int | None, list[Skill]] = {}
    for skill in skills:
        by_parent.setdefault(skill.parent_id, []).append(skill)
    choices: list[tuple[str, StrOrPromise]] = [("", _("Choose a skill"))]

    def walk(parent: int | None, depth: int) -> None:
        for skill in by_parent.get(parent, []):
            choices.append((skill.code, "– " * depth + skill.label()))
            walk(skill.pk, depth + 1)

    walk(None, 0)
    return choices


class ProfileForm(forms.Form):
    """The profile's own fields, each followed by who may see it."""

    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    display_name_visibility = visibility_field(_("Who sees the display name"))
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    pronouns_visibility = visibility_field(_("Who sees the pronouns"))
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=settings.SKILLCOMMONS["MAX_BIO_LENGTH"],
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    bio_visibility = visibility_field(_("Who sees the text about me"))
    home_wikis = forms.CharField(
        label=_("Home wikis"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, such as enwiki, commonswiki or en.wikipedia.org."),
    )
    home_wikis_visibility = visibility_field(_("Who sees the home wikis"))
    country = forms.ChoiceField(label=_("Country"), required=False)
    location_visibility = visibility_field(_("Who sees the country and region"))
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        max_length=64,
        help_text=_("A name such as Europe/Berlin or America/Lima."),
    )
    time_zone_visibility = visibility_field(_("Who sees the time zone"))
    preferred_methods = forms.MultipleChoiceField(
        label=_("Preferred ways to learn"),
        required=False,
        choices=Profile.Method.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "cdx-checkbox__input"}),
    )
    methods_visibility = visibility_field(_("Who sees the preferred ways to learn"))
    availability_visibility = visibility_field(_("Who sees the weekly availability"))
    mentoring_capacity = forms.IntegerField(
        label=_("Mentoring capacity"),
        min_value=0,
        max_value=settings.SKILLCOMMONS["MAX_MENTORING_CAPACITY"],
        initial=0,
        help_text=_("How many people you can mentor at the same time."),
    )
    capacity_visibility = visibility_field(_("Who sees the mentoring capacity"))
    languages_visibility = visibility_field(_("Who sees the languages"))
    skills_visibility = visibility_field(_("Who sees the skills and levels"))
    offers_visibility = visibility_field(_("Who sees what I offer"))
    wants_visibility = visibility_field(_("Who sees what I want to learn"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Not given")), *country_choices()]
        # Interpolated per request: at class level it would be fixed in the language of start-up.
        self.fields["bio"].help_text = _("You can use Markdown. At most %(limit)d characters.") % {
            "limit": settings.SKILLCOMMONS["MAX_BIO_LENGTH"]
        }

    def clean_home_wikis(self) -> list[str]:
        text: str = self.cleaned_data["home_wikis"]
        lines = [line for chunk in text.splitlines() for line in chunk.split(",")]
        return normalize_wikis(lines)

    def clean_country(self) -> str:
        return normalize_country(self.cleaned_data["country"])

    def clean_time_zone(self) -> str:
        return validate_time_zone(self.cleaned_data["time_zone"])

    @classmethod
    def initial_for(cls, profile: Profile) -> dict[str, Any]:
        initial = {
            name: getattr(profile, name)
            for name in cls.base_fields
            if name not in {"home_wikis"} and hasattr(profile, name)
        }
        initial["home_wikis"] = "\n".join(profile.home_wikis)
        return initial

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class LanguageRowForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    proficiency = forms.TypedChoiceField(
        label=_("Level"),
        choices=PersonLanguage.Proficiency.choices,
        coerce=int,
        initial=PersonLanguage.Proficiency.INTERMEDIATE,
    )

    def __init__(self, *args: Any, language_choices: list[tuple[str, StrOrPromise]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = language_choices


class SkillRowForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    level = forms.TypedChoiceField(
        label=_("My level"), choices=SKILL_LEVELS, coerce=int, empty_value=None, required=False
    )
    wants_to_learn = forms.BooleanField(label=_("I want to learn this"), required=False)
    offers = forms.MultipleChoiceField(
        label=_("I offer"),
        required=False,
        choices=[(way, OFFER_LABELS[way]) for way in OFFER_WAYS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "cdx-checkbox__input"}),
    )

    def __init__(self, *args: Any, skill_choices: list[tuple[str, StrOrPromise]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["skill"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = skill_choices


class AvailabilityRowForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int, required=False)
    start = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give both the start and the end time."))
        if start is not None and end is not None and start >= end:
            raise ValidationError(_("Each time slot must end after it starts."))
        return data


class BaseRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows that can be removed with a checkbox; blank rows are ignored. Works without
    JavaScript: the page offers empty rows and an "add more rows" button."""

    def __init__(
        self, *args: Any, choices: list[tuple[str, StrOrPromise]] | None = None, **kwargs: Any
    ):
        self._choices = choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if self._choices is not None:
            kwargs[self.choice_kwarg] = self._choices
        return kwargs

    choice_kwarg = ""

    def kept_rows(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get(self.key_field) not in ("", None)
        ]

    key_field = ""


class LanguageFormSetBase(BaseRowFormSet):
    choice_kwarg = "language_choices"
    key_field = "language"

    def entries(self) -> list[LanguageEntry]:
        return [
            LanguageEntry(code=r["language"], proficiency=r["proficiency"])
            for r in self.kept_rows()
        ]


class SkillFormSetBase(BaseRowFormSet):
    choice_kwarg = "skill_choices"
    key_field = "skill"

    def entries(self) -> list[SkillEntry]:
        return [
            SkillEntry(
                code=r["skill"],
                level=r["level"],
                wants_to_learn=r["wants_to_learn"],
                offers=frozenset(r["offers"]),
            )
            for r in self.kept_rows()
        ]


class AvailabilityFormSetBase(BaseRowFormSet):
    key_field = "start"

    def slots(self) -> list[dict[str, object]]:
        return [
            {
                "day": r["day"],
                "start": r["start"].strftime("%H:%M"),
                "end": r["end"].strftime("%H:%M"),
            }
            for r in self.kept_rows()
        ]


LanguageFormSet = forms.formset_factory(
    LanguageRowForm,
    formset=LanguageFormSetBase,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=60,
)
SkillFormSet = forms.formset_factory(
    SkillRowForm,
    formset=SkillFormSetBase,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=100,
    validate_max=True,
    absolute_max=150,
)
AvailabilityFormSet = forms.formset_factory(
    AvailabilityRowForm,
    formset=AvailabilityFormSetBase,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=MAX_AVAILABILITY_SLOTS,
    validate_max=True,
    absolute_max=MAX_AVAILABILITY_SLOTS + 10,
)


class DirectoryFilterForm(forms.Form):
    """Filters of the people directory (all optional; a bad value is simply reported)."""

    skill = forms.ChoiceField(label=_("Skill"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    mode = forms.ChoiceField(
        label=_("Show people who"),
        required=False,
        choices=[
            ("", _("have the skill, offer it or want to learn it")),
            ("offers", _("offer the skill")),
            ("wants", _("want to learn the skill")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, StrOrPromise]]] = {
            "skill": [("", _("Any skill")), *skill_choices()[1:]],
            "language": [("", _("Any language")), *language_choices()[1:]],
            "region": [
                ("", _("Any region")),
                *[(code, str(name)) for code, name in REGION_NAMES.items()],
            ],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what the token is for, such as “my backup script”."),
    )


class DeleteAccountForm(forms.Form):
    """Deleting an account needs the password, or typing the user name for accounts without one
    (made through Wikimedia sign-in)."""

    confirmation = forms.CharField(label=_("Confirmation"), max_length=200, strip=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["confirmation"]
        if user.has_usable_password():
            field.label = _("Your password")
            field.widget = forms.PasswordInput()
        else:
            field.label = _("Type your user name to confirm")

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise ValidationError(_("The password is not correct."))
        elif value.strip() != self.user.username:
            raise ValidationError(_("The user name does not match."))
        return value
