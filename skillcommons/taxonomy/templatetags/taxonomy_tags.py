"""Template helpers of the taxonomy pages."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def widget(field: forms.BoundField) -> SafeString:
    """The field's input with Codex classes, tied to its help text and errors through
    aria-describedby so screen readers announce them."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    kind = field.field.widget
    if isinstance(kind, forms.CheckboxInput):
        attrs["class"] = "cdx-checkbox__input"
    elif isinstance(kind, forms.Select):
        attrs["class"] = "cdx-select"
    elif isinstance(kind, forms.Textarea):
        attrs["class"] = "cdx-text-area__textarea"
    elif isinstance(kind, forms.FileInput):
        attrs["class"] = "sc-file-input"
    else:
        attrs["class"] = "cdx-text-input__input"
    return field.as_widget(attrs=attrs)
