"""Language tags: Django's UI codes ("pt-br") versus BCP-47 content tags ("pt-BR"), and the
fallback chain used to pick the best available translation."""

from __future__ import annotations

from functools import lru_cache

import langcodes


@lru_cache(maxsize=4096)
def normalize_tag(code: str) -> str:
    """The canonical BCP-47 form of ``code`` ("pt_br" → "pt-BR"); raises ``ValueError`` if the tag
    is malformed."""
    cleaned = code.strip().replace("_", "-")
    if not cleaned or not langcodes.tag_is_valid(cleaned):
        raise ValueError(code)
    return langcodes.standardize_tag(cleaned)


@lru_cache(maxsize=1024)
def fallback_chain(code: str) -> tuple[str, ...]:
    """Tags to try, best first: the tag itself, its shorter prefixes, then English."""
    try:
        tag = normalize_tag(code)
    except ValueError:
        return ("en",)
    parts = tag.split("-")
    chain = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    if "en" not in chain:
        chain.append("en")
    return tuple(chain)
