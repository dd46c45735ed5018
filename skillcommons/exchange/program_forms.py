"""Forms of the program and circle pages. They parse; the actions in ``program_actions.py``
decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from skillcommons.accounts.models import PersonLanguage, Profile, User
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.proficiency import Proficiency
from skillcommons.taxonomy.regions import REGION_CODES, region_name

from .program_models import MAX_CAPACITY, MAX_NOTE_LENGTH, MAX_TEXT_LENGTH, Application, Program

QUOTA_LINE = re.compile(r"^\s*([A-Za-z]{2,8})\s*[=:]\s*(\d{1,6})\s*$")


def _skill_choices() -> list[tuple[int, str]]:
    return [
        (s.pk, s.label())
        for s in Skill.objects.filter(is_active=True)
        .with_translations()
        .order_by("position", "code")
    ]


def _language_choices() -> list[tuple[int, str]]:
    return [
        (lang.pk, f"{lang.autonym} ({lang.code})")
        for lang in Language.objects.filter(is_active=True).order_by("code")
    ]


class ProgramForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        help_text=_("What mentees learn and what mentors commit to. Markdown is allowed."),
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.TypedMultipleChoiceField(
        label=_("Languages"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to welcome people from every region."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    applications_open_at = forms.DateTimeField(
        label=_("Applications open (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    applications_close_at = forms.DateTimeField(
        label=_("Applications close (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    mentor_capacity = forms.IntegerField(
        label=_("Mentees per mentor, at most"), min_value=1, max_value=MAX_CAPACITY, initial=3
    )
    region_quotas = forms.CharField(
        label=_("Regional quotas"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. One line per region, like “ESEAP=5”: the most mentees that mentors of "
            "that region take in this program."
        ),
    )

    def __init__(self, *args: Any, user: User, program: Program | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = Organization.objects.organized_by(user).order_by("name")
        if program is not None:
            del self.fields["organization"]
        for name, choices in (
            ("skills", _skill_choices()),
            ("languages", _language_choices()),
            ("regions", [(c, region_name(c)) for c in REGION_CODES]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    @classmethod
    def initial_for(cls, program: Program) -> dict[str, Any]:
        return {
            "title": program.title,
            "description": program.description,
            "skills": list(program.skills.values_list("pk", flat=True)),
            "languages": list(program.languages.values_list("pk", flat=True)),
            "regions": list(program.regions),
            "starts_on": program.starts_on,
            "ends_on": program.ends_on,
            "applications_open_at": program.applications_open_at,
            "applications_close_at": program.applications_close_at,
            "mentor_capacity": program.mentor_capacity,
            "region_quotas": "\n".join(f"{k}={v}" for k, v in program.region_quotas.items()),
        }

    def clean_region_quotas(self) -> dict[str, int]:
        quotas: dict[str, int] = {}
        for line in str(self.cleaned_data.get("region_quotas") or "").splitlines():
            if not line.strip():
                continue
            found = QUOTA_LINE.match(line)
            if not found:
                raise ValidationError(
                    _("Write each quota as a region code, “=”, and a whole number, like ESEAP=5.")
                )
            quotas[found.group(1).upper()] = int(found.group(2))
        return quotas

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data["skills"] = list(Skill.objects.filter(pk__in=data["skills"]))
        data["languages"] = list(Language.objects.filter(pk__in=data["languages"]))
        return data


class ApplicationForm(forms.Form):
    """Built for one program: one level choice per program skill and language."""

    role = forms.ChoiceField(
        label=_("I apply as"), choices=Application.Role.choices, widget=forms.RadioSelect
    )
    methods = forms.MultipleChoiceField(
        label=_("Ways of learning"),
        choices=Profile.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mentors: the ways you offer. Mentees: the ways you prefer."),
    )
    capacity = forms.IntegerField(
        label=_("Mentors: how many mentees you can take here"),
        min_value=0,
        max_value=MAX_CAPACITY,
        required=False,
    )
    preferred_mentors = forms.ModelMultipleChoiceField(
        label=_("Mentees: mentors you would like (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    motivation = forms.CharField(
        label=_("Anything the organizers should know"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the program's organizers read this."),
    )

    def __init__(self, *args: Any, program: Program, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.skill_fields: list[str] = []
        self.language_fields: list[str] = []
        skill_level = forms.ChoiceField(
            choices=[("", _("Not this skill"))]
            + [(str(level.value), f"{level.value} – {level.label}") for level in Proficiency],
            required=False,
        )
        for skill in program.skills.all().order_by("position", "code"):
            name = f"skill_{skill.pk}"
            field = forms.ChoiceField(
                label=_("%(skill)s: your level (mentors) or the level you aim for (mentees)")
                % {"skill": skill.label()},
                choices=skill_level.choices,
                required=False,
            )
            self.fields[name] = field
            self.skill_fields.append(name)
        own = dict(
            PersonLanguage.objects.filter(profile__user=user).values_list(
                "language_id", "proficiency"
            )
        )
        language_level = [("", _("I do not use it"))] + [
            (str(v), str(label)) for v, label in PersonLanguage.Proficiency.choices
        ]
        for language in program.languages.all().order_by("code"):
            name = f"language_{language.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Your level in %(language)s") % {"language": language.autonym},
                choices=language_level,
                required=False,
                initial=str(own[language.pk]) if language.pk in own else "",
            )
            self.language_fields.append(name)
        mentors = self.fields["preferred_mentors"]
        assert isinstance(mentors, forms.ModelMultipleChoiceField)
        mentors.queryset = (
            User.objects.filter(
                program_applications__program=program,
                program_applications__role=Application.Role.MENTOR,
                program_applications__withdrawn_at__isnull=True,
            )
            .exclude(pk=user.pk)
            .order_by("username")
        )
        # Put the level choices after the role.
        order = ["role", *self.skill_fields, *self.language_fields]
        order += [n for n in self.fields if n not in order]
        self.order_fields(order)

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        skills = {
            skill: int(data[f"skill_{skill.pk}"])
            for skill in self.program.skills.all()
            if data.get(f"skill_{skill.pk}") not in (None, "")
        }
        languages = {
            language: int(data[f"language_{language.pk}"])
            for language in self.program.languages.all()
            if data.get(f"language_{language.pk}") not in (None, "")
        }
        return {
            "role": data["role"],
            "skills": skills,
            "languages": languages,
            "methods": list(data.get("methods") or []),
            "capacity": int(data.get("capacity") or 0),
            "preferred_mentors": list(data.get("preferred_mentors") or []),
            "motivation": data.get("motivation") or "",
        }


class RunForm(forms.Form):
    candidates = forms.IntegerField(
        label=_("Mentors considered per mentee"),
        min_value=1,
        max_value=100,
        initial=10,
        help_text=_("Each mentee's best candidates by score enter the optimisation."),
    )
    spread = forms.FloatField(
        label=_("Load-spreading cost (points)"),
        min_value=0,
        max_value=100,
        initial=2.0,
        help_text=_(
            "How strongly mentees are spread across mentors; 0 only maximises the total score."
        ),
    )


class SkillCircleForm(forms.Form):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["skill"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _skill_choices()
