"""Render form fields with Codex classes and the ARIA links between an input, its help text and
its errors. Every form on the site goes through ``core/_field.html``, which uses these."""

from __future__ import annotations

from django import forms, template
from django.forms.widgets import Input
from django.utils.safestring import SafeString

register = template.Library()

# First match wins: subclasses before their bases (CheckboxSelectMultiple is a Select subclass
# in spirit but renders one input per option, which carry the class themselves).
_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "cdx-checkbox__input"),
    (forms.RadioSelect, "cdx-radio__input"),
    (forms.CheckboxInput, "cdx-checkbox__input"),
    (forms.Select, "cdx-select"),
    (forms.Textarea, "cdx-text-area__textarea"),
    (forms.FileInput, "sc-file-input"),
    (Input, "cdx-text-input__input"),
]


@register.simple_tag
def codex_widget(field: forms.BoundField, lang: str = "") -> SafeString:
    """The field's input with its Codex class, ``aria-describedby`` pointing at the help text
    (``<id>-help``) and errors (``<id>-error``), ``aria-invalid`` when it has errors, and, for
    text in a given language, ``lang``. Free-text inputs get ``dir="auto"``."""
    widget = field.field.widget
    attrs: dict[str, str | bool] = {}
    for widget_class, css_class in _CLASSES:
        if isinstance(widget, widget_class):
            attrs["class"] = css_class
            break
    described = []
    # Errors first: a screen reader then announces what is wrong before the general help.
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if lang:
        attrs["lang"] = lang
    if isinstance(widget, forms.Textarea | forms.TextInput):
        # People type in their own script whatever the interface language: let the browser
        # lay out Arabic typed on an English page, or Spanish on an Arabic one, the right way.
        attrs["dir"] = "auto"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    """Whether the field is a group of checkboxes or radio buttons (rendered as a fieldset)."""
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_select(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.Select) and not is_choice_group(field)


@register.filter
def is_textarea(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.Textarea)


@register.filter
def is_file(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.FileInput)
