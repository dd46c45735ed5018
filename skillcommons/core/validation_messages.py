"""Translated messages for the validation errors pydantic reports on API input.

pydantic writes its messages in English only. The API answers in the caller's language, so each
error type a client can provoke gets a whole translated sentence here; the values pydantic puts in
the error's context (limits, expected choices) fill named placeholders. A type without a sentence
of its own falls back to a general one rather than to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _limit(ctx: Mapping[str, Any], key: str) -> Any:
    return ctx.get(key, "")


def message_for(error: Mapping[str, Any]) -> str:
    """The translated sentence for one pydantic error dict (``type``, ``ctx``, ``msg``)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in {"missing", "missing_argument"}:
        return _("This field is required.")
    if kind == "value_error":
        # Raised by our own validators, whose messages are already translated.
        detail = ctx.get("error")
        return str(detail) if detail else _("This value is not valid.")
    if kind == "string_too_short":
        count = int(_limit(ctx, "min_length") or 0)
        return ngettext(
            "Enter at least %(count)d character.", "Enter at least %(count)d characters.", count
        ) % {"count": count}
    if kind == "string_too_long":
        count = int(_limit(ctx, "max_length") or 0)
        return ngettext(
            "Enter at most %(count)d character.", "Enter at most %(count)d characters.", count
        ) % {"count": count}
    if kind == "too_short":
        count = int(_limit(ctx, "min_length") or 0)
        return ngettext(
            "Give at least %(count)d item.", "Give at least %(count)d items.", count
        ) % {"count": count}
    if kind == "too_long":
        count = int(_limit(ctx, "max_length") or 0)
        return ngettext("Give at most %(count)d item.", "Give at most %(count)d items.", count) % {
            "count": count
        }
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind == "greater_than":
        return _("Enter a value greater than %(limit)s.") % {"limit": _limit(ctx, "gt")}
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": _limit(ctx, "ge")}
    if kind == "less_than":
        return _("Enter a value less than %(limit)s.") % {"limit": _limit(ctx, "lt")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": _limit(ctx, "le")}
    if kind in {"literal_error", "enum"}:
        # pydantic joins the choices with an English "or"; a plain list reads in any language.
        choices = str(_limit(ctx, "expected")).replace(" or ", ", ")
        return _("Choose one of: %(choices)s.") % {"choices": choices}
    if kind in {"string_type", "string_sub_type", "string_unicode"}:
        return _("Enter text.")
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected format.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Give a list of values.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Give an object with named fields.")
    if kind.startswith("datetime_"):
        return _("Enter a date and time in ISO 8601 format, such as 2026-05-01T14:30:00Z.")
    if kind.startswith("date_"):
        return _("Enter a date in ISO 8601 format, such as 2026-05-01.")
    if kind.startswith("time_"):
        return _("Enter a time in ISO 8601 format, such as 14:30.")
    if kind.startswith("url_"):
        return _("Enter a valid URL.")
    if kind.startswith("uuid_"):
        return _("Enter a valid UUID.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "extra_forbidden":
        return _("This field is not expected here.")
    return _("This value is not valid.")
