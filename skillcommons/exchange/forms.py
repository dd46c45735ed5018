"""Forms of the exchange pages: they parse input; the actions decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillcommons.accounts.models import Profile

from .models import MAX_MESSAGE_LENGTH, Report


class RecommendationForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"),
        required=False,
        max_length=100,
        help_text=_("A skill code, or leave empty for every skill you want to learn."),
    )
    spread = forms.BooleanField(label=_("Favour people in other regions"), required=False)


class RequestForm(forms.Form):
    method = forms.ChoiceField(label=_("Way of learning"), choices=Profile.Method.choices)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what you would like to learn and when you could meet."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In your time zone (%(zone)s)."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=600, initial=60
    )
    online_url = forms.URLField(
        label=_("Online link"), required=False, max_length=500, assume_scheme="https"
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, time_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.zone = ZoneInfo(time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")
        self.fields["starts_at"].help_text = _("In your time zone (%(zone)s).") % {
            "zone": self.zone.key
        }

    def clean_starts_at(self) -> datetime:
        value: datetime = self.cleaned_data["starts_at"]
        # The browser sends a wall-clock time, meant in the person's own time zone.
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(tzinfo=self.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("online_url") and not data.get("place") and not self.errors:
            raise forms.ValidationError(_("Give an online link or a place."))
        return data


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 is the best."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the two of you can read it. Coordinators see only average ratings."),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices)
    details = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution note"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
