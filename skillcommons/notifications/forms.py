from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=NotificationPreference._meta.get_field("email").verbose_name,
        required=False,
        help_text=_("Notifications always appear in your inbox on this site."),
    )
