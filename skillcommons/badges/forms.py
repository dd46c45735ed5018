"""Forms of the badge pages. They only parse input; the actions validate and write."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillcommons.taxonomy.models import Skill
from skillcommons.taxonomy.proficiency import Proficiency

from .actions import MAX_CSV_BYTES, MAX_REASON, AchievementText
from .credentials import Evidence
from .images import MAX_IMAGE_BYTES, validate_badge_image
from .models import Achievement, Credential, Issuer

#: Empty language rows shown on the achievement form (no JavaScript needed to add languages).
EXTRA_LANGUAGE_ROWS = 2
MAX_LANGUAGE_ROWS = 12


def _skill_choices() -> list[tuple[int, str]]:
    skills = Skill.objects.visible_to(None).with_translations().order_by("position", "code")
    return [(skill.pk, skill.label()) for skill in skills]


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a language")), *((code, str(name)) for code, name in settings.LANGUAGES)]


def read_upload(upload: Any, *, limit: int) -> bytes:
    """The bytes of an uploaded file, refusing one larger than ``limit``."""
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s kilobytes.") % {"limit": limit // 1024}
        )
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s kilobytes.") % {"limit": limit // 1024}
        )
    return data


class AchievementForm(forms.Form):
    """An achievement with one row of name, description and criteria per language."""

    default_locale = forms.CharField(
        label=gettext_lazy("Main language"),
        max_length=35,
        help_text=gettext_lazy("Badges are issued in this language; it needs all three texts."),
    )
    image = forms.FileField(
        label=gettext_lazy("Image"),
        required=False,
        help_text=gettext_lazy(
            "A PNG or SVG image, at most 512 kilobytes; SVG without scripts or links to other files."
        ),
    )
    skills = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Aligned skills"), required=False, coerce=int
    )
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level"), required=False, coerce=int, empty_value=None
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Can be awarded"), required=False, initial=True
    )

    def __init__(self, *args: Any, achievement: Achievement | None = None, **kwargs: Any) -> None:
        existing = list(achievement.translations.all()) if achievement is not None else []
        if achievement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "default_locale": achievement.default_locale,
                "skills": [s.pk for s in achievement.skills.all()],
                "level": achievement.level,
                "is_active": achievement.is_active,
            }
        super().__init__(*args, **kwargs)
        self.achievement = achievement
        self.fields["default_locale"].widget = forms.Select(choices=_language_choices())
        skills = self.fields["skills"]
        assert isinstance(skills, forms.TypedMultipleChoiceField)
        skills.choices = _skill_choices()
        level = self.fields["level"]
        assert isinstance(level, forms.TypedChoiceField)
        level.choices = [("", _("No level")), *Proficiency.choices]
        if achievement is None:
            self.fields["image"].required = True
        self.rows = min(len(existing) + EXTRA_LANGUAGE_ROWS, MAX_LANGUAGE_ROWS)
        self.language_rows: list[list[str]] = []
        for index in range(self.rows):
            current = existing[index] if index < len(existing) else None
            names = [
                f"locale_{index}",
                f"name_{index}",
                f"description_{index}",
                f"criteria_{index}",
            ]
            self.fields[names[0]] = forms.CharField(
                label=gettext_lazy("Language"),
                required=False,
                max_length=35,
                initial=current.locale if current else "",
                widget=forms.Select(choices=_language_choices()),
            )
            self.fields[names[1]] = forms.CharField(
                label=gettext_lazy("Name"),
                required=False,
                max_length=200,
                initial=current.name if current else "",
            )
            self.fields[names[2]] = forms.CharField(
                label=gettext_lazy("Description"),
                required=False,
                max_length=2000,
                initial=current.description if current else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[names[3]] = forms.CharField(
                label=gettext_lazy("Criteria: how it is earned"),
                required=False,
                max_length=5000,
                initial=current.criteria if current else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.language_rows.append(names)

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("default_locale", "image", "skills", "level", "is_active")]

    @property
    def language_fieldsets(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in row] for row in self.language_rows]

    def clean_image(self) -> bytes | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        data = read_upload(upload, limit=MAX_IMAGE_BYTES)
        validate_badge_image(data)
        return data

    def texts(self) -> list[AchievementText]:
        data = self.cleaned_data
        return [
            AchievementText(
                locale=data.get(row[0], "") or "",
                name=data.get(row[1], "") or "",
                description=data.get(row[2], "") or "",
                criteria=data.get(row[3], "") or "",
            )
            for row in self.language_rows
            if any(data.get(name) for name in row[1:])
        ]

    def selected_skills(self) -> Iterable[Skill]:
        return Skill.objects.filter(pk__in=self.cleaned_data.get("skills") or [])


class AwardForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Recipient's user name"),
        max_length=150,
        help_text=gettext_lazy("The user name shown on the person's profile page."),
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("A page that shows what the badge was earned for (optional)."),
    )
    evidence_name = forms.CharField(
        label=gettext_lazy("Title of the evidence"), required=False, max_length=200
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for a badge that does not expire."),
    )
    identity = forms.ChoiceField(
        label=gettext_lazy("Name the recipient in the badge by"),
        choices=Credential.RecipientKind.choices,
        initial=Credential.RecipientKind.PROFILE,
        widget=forms.RadioSelect,
    )

    def evidence(self) -> list[Evidence]:
        url = self.cleaned_data.get("evidence_url")
        return [Evidence(url=url, name=self.cleaned_data.get("evidence_name") or "")] if url else []

    def valid_until_moment(self) -> datetime | None:
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max.replace(microsecond=0)))


class CsvAwardForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8, first line: username,evidence_url,valid_until,identity. Only username is "
            "required; identity is profile or email. If any line is wrong, nobody is awarded."
        ),
    )

    def clean_file(self) -> bytes:
        return read_upload(self.cleaned_data["file"], limit=MAX_CSV_BYTES)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to the recipient and recorded with the revocation."),
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees this badge"), choices=Credential.Visibility.choices
    )


class IssuerForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(label=gettext_lazy("Contact e-mail"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Issuing enabled"), required=False)

    @classmethod
    def for_issuer(cls, issuer: Issuer, data: Any = None) -> IssuerForm:
        initial = {
            "description": issuer.description,
            "email": issuer.email,
            "is_active": issuer.is_active,
        }
        return cls(data, initial=initial)


class EnableIssuingForm(forms.Form):
    organization = forms.ChoiceField(label=gettext_lazy("Organization"))

    def __init__(self, *args: Any, organizations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.slug, o.name) for o in organizations]


class RuleForm(forms.Form):
    outcome_kind = forms.CharField(
        label=gettext_lazy("When this happens"),
        max_length=64,
        help_text=gettext_lazy(
            "The kind of outcome, such as exchange.completed or library.pack_completed."
        ),
    )
    skill = forms.TypedChoiceField(
        label=gettext_lazy("Only for this skill"), required=False, coerce=int, empty_value=None
    )
    achievement = forms.ChoiceField(label=gettext_lazy("Award this achievement"))
    valid_days = forms.IntegerField(
        label=gettext_lazy("Valid for days"),
        required=False,
        min_value=1,
        max_value=36500,
        help_text=gettext_lazy("Leave empty for badges that do not expire."),
    )

    def __init__(self, *args: Any, issuer: Issuer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skill = self.fields["skill"]
        assert isinstance(skill, forms.TypedChoiceField)
        skill.choices = [("", _("Any skill")), *_skill_choices()]
        achievement = self.fields["achievement"]
        assert isinstance(achievement, forms.ChoiceField)
        achievements = Achievement.objects.filter(issuer=issuer, is_active=True).with_translations()
        achievement.choices = [(str(a.public_id), str(a)) for a in achievements]


class ImportForm(forms.Form):
    """A credential from another issuer: a file or pasted text, and optionally its issuer's
    documents (nothing is fetched from the network)."""

    file = forms.FileField(
        label=gettext_lazy("Badge image or credential file"),
        required=False,
        help_text=gettext_lazy("A baked PNG or SVG badge, or a JSON credential file."),
    )
    text = forms.CharField(
        label=gettext_lazy("Or paste the credential"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The credential as JSON, or a VC-JWT."),
    )
    documents = forms.CharField(
        label=gettext_lazy("Issuer documents (optional)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            'The issuer\'s DID document or status list, as JSON [{"url": "…", "document": {…}}], '
            "when the issuer is not a did:key. Nothing is fetched from the network."
        ),
    )

    def clean_file(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        return read_upload(upload, limit=2 * 1024 * 1024) if upload else None

    def clean_documents(self) -> dict[str, Any]:
        from . import verification

        raw = (self.cleaned_data.get("documents") or "").strip()
        if not raw:
            return {}
        try:
            return verification.supplied_documents(json.loads(raw))
        except verification.InputProblemError as error:
            raise ValidationError(str(error)) from error
        except (ValueError, RecursionError) as error:
            raise ValidationError(_("The issuer documents are not well-formed JSON.")) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in ("file", "text") if cleaned.get(name)]
        if not given and not self.errors:
            raise ValidationError(_("Choose a file or paste a credential."))
        if len(given) > 1:
            raise ValidationError(_("Give either a file or a pasted credential, not both."))
        return cleaned
