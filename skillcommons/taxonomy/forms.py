"""Forms for curators: a skill with its labels in the interface languages, and file import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import interchange
from .actions import TranslationInput
from .locales import normalize_tag
from .models import MAX_SKILL_DEPTH, Skill
from .selectors import localize


def ui_language_tags() -> list[tuple[str, str]]:
    """(BCP-47 tag, name) of every interface language, in settings order."""
    return [(normalize_tag(code), str(name)) for code, name in settings.LANGUAGES]


class SkillChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        text = localize(obj)
        return str("— " * obj.depth + text.label)


class SkillForm(forms.Form):
    """The skill's own fields, then label, description and synonyms per interface language."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=interchange.MAX_CODE,
        help_text=_("A stable identifier in lower case, such as project-management."),
    )
    parent = SkillChoiceField(
        label=_("Parent skill"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label=_("None (this is an area)"),
    )
    wikidata_qid = forms.CharField(
        label=_("Wikidata item"),
        max_length=13,
        required=False,
        help_text=_("Only when you are sure, such as Q2013 for Wikidata."),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=interchange.MAX_POSITION,
        initial=0,
        help_text=_("Lower numbers come first among siblings."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, skill: Skill | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skill = skill
        parents = Skill.objects.filter(depth__lt=MAX_SKILL_DEPTH).prefetch_related("translations")
        if skill is not None:
            parents = parents.exclude(pk__in=skill.descendant_ids())
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, SkillChoiceField)
        parent_field.queryset = parents.order_by("depth", "position", "code")
        existing = {t.locale: t for t in skill.translations.all()} if skill else {}
        self.language_rows: list[tuple[str, str, list[forms.BoundField]]] = []
        for tag, name in ui_language_tags():
            key = tag.lower().replace("-", "_")
            found = existing.get(tag)
            self.fields[f"label_{key}"] = forms.CharField(
                label=_("Label"),
                max_length=interchange.MAX_LABEL,
                required=False,
                initial=found.label if found else "",
            )
            self.fields[f"description_{key}"] = forms.CharField(
                label=_("Description"),
                max_length=interchange.MAX_DESCRIPTION,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=found.description if found else "",
            )
            self.fields[f"synonyms_{key}"] = forms.CharField(
                label=_("Synonyms"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("One per line."),
                initial="\n".join(found.synonyms) if found else "",
            )
            self.language_rows.append(
                (
                    tag,
                    name,
                    [self[f"label_{key}"], self[f"description_{key}"], self[f"synonyms_{key}"]],
                )
            )

    def clean_wikidata_qid(self) -> str:
        value: str = self.cleaned_data["wikidata_qid"].strip().upper()
        if value and not interchange.QID_RE.match(value):
            raise forms.ValidationError(_("Enter a Wikidata item ID such as Q52."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for tag, _name in ui_language_tags():
            key = tag.lower().replace("-", "_")
            if not cleaned.get(f"label_{key}") and (
                cleaned.get(f"description_{key}") or cleaned.get(f"synonyms_{key}")
            ):
                self.add_error(
                    f"label_{key}", _("Give a label when you give a description or synonyms.")
                )
        if not any(
            cleaned.get(f"label_{t.lower().replace('-', '_')}") for t, _n in ui_language_tags()
        ):
            raise forms.ValidationError(_("Give the skill a label in at least one language."))
        return cleaned

    def translations(self) -> list[TranslationInput]:
        items = []
        for tag, _name in ui_language_tags():
            key = tag.lower().replace("-", "_")
            label = self.cleaned_data.get(f"label_{key}", "").strip()
            if label:
                synonyms = self.cleaned_data.get(f"synonyms_{key}", "").splitlines()
                items.append(
                    TranslationInput(
                        locale=tag,
                        label=label,
                        description=self.cleaned_data.get(f"description_{key}", ""),
                        synonyms=[s.strip() for s in synonyms if s.strip()],
                    )
                )
        return items

    def blank_languages(self) -> list[str]:
        return [
            tag
            for tag, _name in ui_language_tags()
            if not self.cleaned_data.get(f"label_{tag.lower().replace('-', '_')}", "").strip()
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Taxonomy file (JSON or CSV)"),
        help_text=_("At most 2 MB, UTF-8. Nothing is changed if any row has a problem."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > interchange.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": interchange.MAX_FILE_BYTES // 1048576}
            )
        return upload
