"""Forms of the questionnaire builder and the wave editor. (Answers are parsed in ``views``:
their fields depend on the questionnaire.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import xlsform
from .actions import ChoiceInput, QuestionInput
from .models import InstrumentVersion, Question, Wave


class InstrumentForm(forms.Form):
    slug = forms.SlugField(
        label=gettext_lazy("Short name"),
        max_length=80,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, such as capacity-map."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    locales = forms.CharField(
        label=gettext_lazy("Languages"),
        max_length=300,
        initial="en",
        help_text=gettext_lazy(
            "Language codes separated by spaces, the main language first (such as en fr es)."
        ),
    )

    def locale_list(self) -> list[str]:
        return [str(code) for code in self.cleaned_data["locales"].split()]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSForm file"),
        help_text=gettext_lazy("An .xlsx or .csv file made in KoboToolbox, ODK or a spreadsheet."),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Leave empty to use the form_id of the file. An existing name gets a new version."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > xlsform.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.")
                % {"limit": xlsform.MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class QuestionForm(forms.Form):
    """One question for a draft version; labels and hints per language of the version."""

    name = forms.SlugField(
        label=gettext_lazy("Name"),
        max_length=64,
        help_text=gettext_lazy("Used in skip logic as ${name} and in exports."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    relevance = forms.CharField(
        label=gettext_lazy("Ask only if"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Optional, in XLSForm: ${role} = 'editor', selected(${topics}, 'art'), "
            "${years} > 2, joined with and, or, not( ) and parentheses."
        ),
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=gettext_lazy(
            "For choice and Likert questions: one choice a line, the value, then its label in "
            "each language, separated by |, such as: yes | Yes | Oui"
        ),
    )
    min_value = forms.DecimalField(
        label=gettext_lazy("Smallest value"), required=False, max_digits=14, decimal_places=4
    )
    max_value = forms.DecimalField(
        label=gettext_lazy("Largest value"), required=False, max_digits=14, decimal_places=4
    )
    skills = forms.MultipleChoiceField(
        label=gettext_lazy("Skills of the skill matrix"), required=False
    )

    def __init__(self, *args: Any, version: InstrumentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locales = list(version.locales) or ["en"]
        for position, locale in enumerate(self.locales):
            self.fields[f"label_{locale}"] = forms.CharField(
                label=_("Label (%(language)s)") % {"language": locale},
                max_length=2000,
                required=position == 0,
            )
            self.fields[f"hint_{locale}"] = forms.CharField(
                label=_("Hint (%(language)s)") % {"language": locale},
                max_length=2000,
                required=False,
            )
        skills_field = self.fields["skills"]
        assert isinstance(skills_field, forms.MultipleChoiceField)
        skills_field.choices = [
            (s.code, s.label())
            for s in Skill.objects.filter(is_active=True).with_translations().order_by("position")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [line for line in data.get("choices", "").splitlines() if line.strip()]
        parsed: list[ChoiceInput] = []
        for line in lines:
            parts = [part.strip() for part in line.split("|")]
            labels = {
                locale: text for locale, text in zip(self.locales, parts[1:], strict=False) if text
            }
            parsed.append(ChoiceInput(value=parts[0], label=labels or {self.locales[0]: parts[0]}))
        self.parsed_choices = parsed
        return data

    def to_input(self) -> QuestionInput:
        data = self.cleaned_data
        min_value: Decimal | None = data.get("min_value")
        max_value: Decimal | None = data.get("max_value")
        return QuestionInput(
            name=data["name"],
            kind=data["kind"],
            label={lo: data.get(f"label_{lo}", "") for lo in self.locales},
            hint={lo: data.get(f"hint_{lo}", "") for lo in self.locales},
            required=data.get("required", False),
            relevance=data.get("relevance", ""),
            min_value=min_value,
            max_value=max_value,
            choices=self.parsed_choices,
            skills=list(data.get("skills") or []),
        )


class WaveForm(forms.Form):
    slug = forms.SlugField(label=gettext_lazy("Short name"), max_length=80)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire version"),
        queryset=InstrumentVersion.objects.none(),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Who answers"), choices=Wave.Audience.choices)
    organization_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of organization (none chosen: all)"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    consent_text = forms.CharField(
        label=gettext_lazy("Consent text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Respondents agree to this text; it is stored with each response."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_field = self.fields["version"]
        assert isinstance(version_field, forms.ModelChoiceField)
        version_field.queryset = InstrumentVersion.objects.filter(
            status=InstrumentVersion.Status.PUBLISHED
        ).select_related("instrument")


class InviteForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("Invite"),
        choices=[
            ("organizations", gettext_lazy("Organizations (their organizers are told)")),
            ("members", gettext_lazy("The members of these organizations")),
            ("everyone", gettext_lazy("Everyone with an account")),
        ],
    )
    organization_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of organization (none chosen: those of the wave, or all)"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
