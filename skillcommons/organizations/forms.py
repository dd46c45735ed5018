"""Forms of the organization pages. They shape the input; the actions decide whether it is valid,
so the page, the API and scripts all apply the same rules."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import REGION_CODES, country_choices, region_name

from . import actions
from .levels import level_choices
from .models import Membership, Organization, OrganizationSkill


def _region_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("No region (works worldwide)"))),
        *((code, region_name(code)) for code in REGION_CODES),
    ]


def _language_choices() -> list[tuple[str, str]]:
    return [
        (language.code, f"{language.autonym} ({language.code})")
        for language in Language.objects.filter(is_active=True)
    ]


class OrganizationForm(forms.Form):
    """The fields of an organization that its organizers edit."""

    name = forms.CharField(label=_("Name"), max_length=actions.MAX_NAME_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=actions.MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("You can use Markdown: **bold**, *italic*, lists and links."),
    )
    website = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=actions.MAX_WEBSITE_LENGTH,
        widget=forms.URLInput(),
        help_text=_("A web address starting with https://."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("Leave empty if it works across countries; the region follows the country."),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("Only for organizations without a country."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to archive: an archived organization is hidden from everyone except its "
            "organizers and coordinators, and takes no new members."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        region = self.fields["region"]
        languages = self.fields["languages"]
        assert isinstance(country, forms.ChoiceField)
        assert isinstance(region, forms.ChoiceField)
        assert isinstance(languages, forms.ChoiceField)
        country.choices = [("", _("No country (works across countries)")), *country_choices()]
        region.choices = _region_choices()
        languages.choices = _language_choices()

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        return {
            "name": organization.name,
            "kind": organization.kind,
            "description": organization.description,
            "website": organization.website,
            "country": organization.country,
            "region": "" if organization.country else organization.region,
            "languages": [language.code for language in organization.languages.all()],
            "is_active": organization.is_active,
        }


class CreateOrganizationForm(OrganizationForm):
    slug = forms.CharField(
        label=_("Short name"),
        max_length=actions.MAX_SLUG_LENGTH,
        help_text=_(
            "Used in the web address: lower-case letters, digits and hyphens. It cannot be "
            "changed later."
        ),
    )
    first_organizer = forms.CharField(
        label=_("First organizer"),
        required=False,
        max_length=150,
        help_text=_("The user name of the person who will run it. Leave empty to be it yourself."),
    )

    # A new organization is always active; Django drops a declared field set to None.
    is_active = None  # type: ignore[assignment]

    field_order = ["slug", "name", "kind"]


class JoinForm(forms.Form):
    visibility = forms.TypedChoiceField(
        label=_("Who may see that you are a member"),
        choices=Visibility.choices,
        coerce=int,
        initial=Visibility.PRIVATE,
    )


class RoleForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RemoveMemberForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.HiddenInput)


class SkillRowForm(forms.Form):
    """One row of the skills editor; an empty skill means "no row"."""

    skill = forms.ChoiceField(label=_("Skill"), required=False)
    kind = forms.ChoiceField(
        label=_("Has or needs"), choices=OrganizationSkill.Kind.choices, required=False
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=actions.MAX_NOTE_LENGTH)

    def __init__(
        self, *args: Any, skill_choices: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        skill = self.fields["skill"]
        level = self.fields["level"]
        assert isinstance(skill, forms.ChoiceField)
        assert isinstance(level, forms.ChoiceField)
        skill.choices = [("", _("(none)")), *skill_choices]
        level.choices = [("", _("Not stated")), *level_choices()]


def skill_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active skills grouped by their area (the area itself first), in taxonomy order, labelled
    in the interface language."""
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


SkillFormSet = forms.formset_factory(SkillRowForm, extra=3, max_num=actions.MAX_SKILLS)
