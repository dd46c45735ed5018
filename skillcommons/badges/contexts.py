"""A JSON-LD document loader that never touches the network.

Verification must not depend on a remote server staying online, and a context fetched at run time
could change what a signature covers. pyld therefore only ever sees the contexts bundled in
``data/contexts/`` (looked up by URL through ``data/contexts/index.json``) plus documents the caller
hands over explicitly (an issuer's DID document, a status list credential). Anything else raises
:class:`DocumentNotAvailableError`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from cachetools import LRUCache
from django.utils.translation import gettext
from pyld import jsonld
from pyld.context_resolver import ContextResolver

DATA_DIR = Path(__file__).resolve().parent / "data"
CONTEXTS_DIR = DATA_DIR / "contexts"

T = TypeVar("T")


class DocumentNotAvailableError(LookupError):
    """A JSON-LD processor asked for a document that is neither bundled nor supplied."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            gettext(
                "The document %(url)s is not bundled with Skillcommons and was not supplied with "
                "the request, so it cannot be used: documents are never fetched from the network."
            )
            % {"url": url}
        )


@cache
def bundled_context_files() -> Mapping[str, Path]:
    """Map each bundled context URL to its file, as listed in ``index.json``."""
    index = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))
    return {url: CONTEXTS_DIR / name for url, name in index.items()}


@cache
def _bundled_document(url: str) -> Any:
    return json.loads(bundled_context_files()[url].read_text(encoding="utf-8"))


def bundled_context(url: str) -> Any:
    """The parsed JSON of a bundled context (a fresh copy the caller may change)."""
    if url not in bundled_context_files():
        raise DocumentNotAvailableError(url)
    return copy.deepcopy(_bundled_document(url))


class StaticDocumentLoader:
    """A pyld document loader over the bundled contexts plus explicitly supplied documents.

    ``documents`` maps a URL (without fragment) to a parsed JSON document. Bundled contexts cannot be
    overridden: a caller-supplied document at a bundled URL is refused, so a request cannot redefine
    what ``https://www.w3.org/ns/credentials/v2`` means.
    """

    def __init__(self, documents: Mapping[str, Any] | None = None) -> None:
        supplied = dict(documents or {})
        clashes = sorted(set(supplied) & set(bundled_context_files()))
        if clashes:
            raise ValueError(
                gettext("A supplied document may not replace the bundled context %(url)s.")
                % {"url": clashes[0]}
            )
        self._documents = supplied
        # pyld keeps resolved contexts in a process-wide cache keyed by URL by default; a private
        # cache keeps a document supplied to one loader from being visible to another.
        self._context_cache: LRUCache[Any, Any] = LRUCache(maxsize=100)

    def has(self, url: str) -> bool:
        """Whether this loader can serve ``url``."""
        base = url.split("#", 1)[0]
        return base in bundled_context_files() or base in self._documents

    def document(self, url: str) -> Any:
        """The parsed JSON served at ``url`` (fragment ignored), as a fresh copy."""
        base = url.split("#", 1)[0]
        if base in bundled_context_files():
            return bundled_context(base)
        if base in self._documents:
            return copy.deepcopy(self._documents[base])
        raise DocumentNotAvailableError(url)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The pyld document loader interface: a RemoteDocument dictionary."""
        remote = {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
        }
        if url in bundled_context_files():
            # pyld keeps a processed remote context between operations only when it is tagged
            # static; bundled contexts never change, so they are processed once per loader.
            remote["tag"] = "static"
        return remote

    def jsonld_options(self) -> dict[str, Any]:
        """Options that make a pyld call use only this loader."""
        return {
            "documentLoader": self,
            "contextResolver": ContextResolver(self._context_cache, self),
        }


_BUNDLED_ONLY = StaticDocumentLoader()


def bundled_loader() -> StaticDocumentLoader:
    """The shared loader that serves only the bundled contexts."""
    return _BUNDLED_ONLY


def find_missing_document(error: BaseException) -> DocumentNotAvailableError | None:
    """The :class:`DocumentNotAvailableError` behind a pyld error, if that is what caused it.

    pyld wraps loader errors in its own ``JsonLdError`` (sometimes several levels deep, through
    ``cause`` and ``__cause__``).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, DocumentNotAvailableError):
            return current
        seen.add(id(current))
        nested = getattr(current, "cause", None)
        current = nested if isinstance(nested, BaseException) else current.__cause__
    return None


def run_jsonld(operation: Callable[[], T]) -> T:
    """Run a pyld operation, re-raising a missing-document problem as itself.

    Other pyld errors (``jsonld.JsonLdError``) propagate unchanged.
    """
    try:
        return operation()
    except jsonld.JsonLdError as error:
        missing = find_missing_document(error)
        if missing is not None:
            raise missing from error
        raise
