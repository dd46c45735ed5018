"""Render form fields with Codex classes and the ARIA links between an input, its help text and
its errors (``aria-describedby``, ``aria-invalid``)."""

from __future__ import annotations

from django import forms, template
from django.forms.widgets import Input
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, ""),
    (forms.RadioSelect, ""),
    (forms.CheckboxInput, "cdx-checkbox__input"),
    (forms.Select, "cdx-select"),
    (forms.Textarea, "cdx-text-area__textarea"),
    (Input, "cdx-text-input__input"),
]


@register.filter
def codex_widget(field: forms.BoundField) -> SafeString:
    """The field's input with the Codex class and ARIA attributes; the template renders the
    help text as ``<id>-help`` and the errors as ``<id>-error``."""
    widget = field.field.widget
    attrs: dict[str, str | bool] = {}
    for widget_type, css_class in _CLASSES:
        if isinstance(widget, widget_type):
            if css_class:
                attrs["class"] = css_class
            break
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    """Whether the field is a group of checkboxes or radio buttons (rendered as a fieldset)."""
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)
