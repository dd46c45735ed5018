"""The verification form: one of a file, pasted text or a URL of this site, an optional email
address to compare with the recipient, and optional documents for issuers elsewhere."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import verification


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Badge image or credential file"),
        required=False,
        help_text=_("A baked PNG or SVG badge, or a JSON credential file (at most 2 MB)."),
    )
    text = forms.CharField(
        label=_("Or paste the credential"),
        required=False,
        max_length=verification.MAX_CREDENTIAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The credential as JSON, or a VC-JWT."),
    )
    url = forms.URLField(
        label=_("Or the address of a badge on this site"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    email = forms.EmailField(
        label=_("Recipient's email address (optional)"),
        required=False,
        help_text=_("To confirm that the badge was issued to this address."),
    )
    documents = forms.CharField(
        label=_("Issuer documents (optional)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a badge from another site: its issuer's DID document or status list, as JSON "
            '[{"url": "…", "document": {…}}]. Nothing is fetched from the network.'
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > verification.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s megabytes."),
                code="too_large",
                params={"limit": verification.MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload

    def clean_documents(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("documents", "").strip()
        if not raw:
            return {}
        try:
            return verification.supplied_documents(json.loads(raw))
        except (ValueError, RecursionError) as error:
            if isinstance(error, verification.InputProblemError):
                raise forms.ValidationError(str(error), code="invalid") from error
            raise forms.ValidationError(
                _("The issuer documents are not well-formed JSON."), code="invalid"
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in ("file", "text", "url") if cleaned.get(name)]
        if not given and not self.errors:
            raise forms.ValidationError(
                _("Choose a file, paste a credential, or give the address of a badge."),
                code="nothing",
            )
        if len(given) > 1:
            raise forms.ValidationError(
                _("Give only one of: a file, a pasted credential, or an address."), code="several"
            )
        return cleaned

    def upload_bytes(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        return bytes(upload.read(verification.MAX_UPLOAD_BYTES + 1))


class EndorseForm(forms.Form):
    """What an endorsement says, and in whose name (the person, or an organization they organize)."""

    comment = forms.CharField(
        label=_("Why do you endorse this?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your words are part of the signed endorsement and cannot be edited later."),
    )
    organization = forms.ChoiceField(
        label=_("Endorse as"),
        required=False,
        help_text=_("Yourself, or an organization whose organizer you are and that issues badges."),
    )

    def __init__(self, *args: Any, organizations: Any = (), skills: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._organizations = {str(org.pk): org for org in organizations}
        organization_field = self.fields["organization"]
        assert isinstance(organization_field, forms.ChoiceField)
        organization_field.choices = [("", _("Myself")), *[
            (key, org.name) for key, org in self._organizations.items()
        ]]  # fmt: skip
        if not self._organizations:
            self.fields["organization"].widget = forms.HiddenInput()
        if skills is not None:
            self._skills = {str(skill.pk): skill for skill in skills}
            self.fields["skill"] = forms.ChoiceField(
                label=_("Skill"),
                choices=[(key, skill.label()) for key, skill in self._skills.items()],
            )
            self.order_fields(["skill", "comment", "organization"])

    def chosen_organization(self) -> Any:
        return self._organizations.get(self.cleaned_data.get("organization") or "")

    def chosen_skill(self) -> Any:
        return self._skills[self.cleaned_data["skill"]]
