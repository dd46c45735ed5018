"""Settings read at the edge: the pure matching modules take plain values."""

from __future__ import annotations

from dataclasses import fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .scoring import Weights


def matching_weights() -> Weights:
    """The score weights: :class:`Weights` defaults, overridden by any keys of the optional
    ``SKILLCOMMONS_MATCHING_WEIGHTS`` setting (a dict, e.g. ``{"language": 20.0}``)."""
    overrides = getattr(settings, "SKILLCOMMONS_MATCHING_WEIGHTS", None) or {}
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("SKILLCOMMONS_MATCHING_WEIGHTS must be a dict.")
    known = {f.name for f in fields(Weights)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"SKILLCOMMONS_MATCHING_WEIGHTS has unknown keys: {', '.join(unknown)}."
        )
    try:
        return Weights(**overrides)
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"SKILLCOMMONS_MATCHING_WEIGHTS: {error}") from error
