"""Template helpers for forms styled with Codex."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_WIDGET_CLASSES = {
    "textarea": "cdx-text-area__textarea",
    "select": "cdx-select",
    "selectmultiple": "cdx-select",
    "checkbox": "cdx-checkbox__input",
    "checkboxselectmultiple": "cdx-checkbox__input",
    "radioselect": "cdx-radio__input",
}


@register.filter
def codex_widget(field: BoundField) -> SafeString:
    """Render ``field``'s widget with the Codex class and ``aria-describedby`` pointing at its
    error and help text (their ids are ``<id>-error`` and ``<id>_helptext``)."""
    attrs: dict[str, str | bool] = {
        "class": _WIDGET_CLASSES.get(field.widget_type, "cdx-text-input__input")
    }
    described_by = []
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def widget_type(field: BoundField) -> str:
    return str(field.widget_type)
