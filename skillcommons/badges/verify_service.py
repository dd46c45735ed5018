"""What the verification page and API need from this site: its documents, read from the database.

A credential issued here refers to this site's did:web DID documents and status lists. They are
looked up in the database, never fetched over HTTP (not even from ourselves), and a request cannot
replace them: documents a visitor supplies are used only for addresses outside this site. A URL of
this site given as the thing to verify (a credential's page or share link) is resolved the same
way, through the credential's visibility gate.

Also here: the per-client rate limit that keeps the public service from being used to burn CPU.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import issuers, verification
from .baking import BadgeVersion, BakingError, unbake
from .models import Credential, Issuer, StatusList

#: Verifications one client may run per window (page and API together).
RATE_LIMIT = 30
RATE_WINDOW_SECONDS = 60


def _did_prefix() -> str:
    return f"did:web:{issuers.site_host()}"


def is_site_address(url: str) -> bool:
    """Whether ``url`` (an https URL or a did:web) belongs to this site."""
    prefix = _did_prefix()
    if url == prefix or url.startswith(prefix + ":") or url.startswith(prefix + "#"):
        return True
    return url.startswith(settings.SITE_URL + "/")


def _issuer_for_did(did: str) -> Issuer | None:
    prefix = _did_prefix()
    if did == prefix:
        return Issuer.objects.filter(is_platform=True).first()
    rest = did.removeprefix(prefix + ":").split(":")
    if len(rest) == 2 and rest[0] == "issuers":
        return Issuer.objects.filter(slug=unquote(rest[1]), is_platform=False).first()
    return None


def _route(url: str) -> tuple[str, Mapping[str, Any]] | None:
    """The view name and arguments this site would answer ``url`` with, if any."""
    if not url.startswith(settings.SITE_URL + "/"):
        return None
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, match.kwargs


def site_document(url: str) -> Any:
    """The document this site publishes at ``url`` (a DID or an https address), or ``None``."""
    if url.startswith("did:web:"):
        issuer = _issuer_for_did(url)
        return issuers.did_document(issuer) if issuer is not None else None
    route = _route(url)
    if route is None:
        return None
    name, kwargs = route
    if name == "badges:status_list":
        found = (
            StatusList.objects.filter(
                issuer__slug=kwargs.get("slug"),
                purpose=kwargs.get("purpose"),
                number=int(kwargs.get("number", 0)),
            )
            .only("document")
            .first()
        )
        return found.document if found is not None else None
    if name in {"badges:platform_did", "badges:issuer_did"}:
        issuer = (
            Issuer.objects.filter(is_platform=True).first()
            if name == "badges:platform_did"
            else Issuer.objects.filter(slug=kwargs.get("slug")).first()
        )
        return issuers.did_document(issuer) if issuer is not None else None
    return None


class RequestDocuments:
    """The :data:`~skillcommons.badges.verification.DocumentSource` of one verification request:
    this site's documents from the database, other addresses only from what the request supplied.
    Each document is looked up once per request."""

    def __init__(self, supplied: Mapping[str, Any] | None = None) -> None:
        self._supplied = dict(supplied or {})
        self._seen: dict[str, Any] = {}

    def __call__(self, url: str) -> Any:
        if url not in self._seen:
            if is_site_address(url):
                self._seen[url] = site_document(url)
            else:
                self._seen[url] = self._supplied.get(url)
        return self._seen[url]


def credential_at(url: str, *, user: Any) -> Credential | None:
    """The credential a URL of this site shows (its page or share link), if ``user`` may see it."""
    route = _route(url.strip())
    if route is None:
        return None
    name, kwargs = route
    if name == "badges:shared":
        return Credential.objects.shared(str(kwargs.get("share_slug", ""))).first()
    public_id = kwargs.get("public_id")
    if public_id is not None and name.startswith("badges:credential"):
        return Credential.objects.visible_to(user).filter(public_id=public_id).first()
    return None


def allow_verification(request: HttpRequest) -> bool:
    """Count one verification for the client; ``False`` once it exceeds the rate limit."""
    client = request.META.get("REMOTE_ADDR", "unknown")
    window = int(time.time() // RATE_WINDOW_SECONDS)
    key = f"badges:verify:{client}:{window}"
    cache.add(key, 0, RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count <= int(getattr(settings, "BADGES_VERIFY_RATE_LIMIT", RATE_LIMIT))


def _ob2_hosted_credential(data: bytes) -> Credential | None:
    """The award behind an OB 2.0 image baked by this site (its hosted assertion's URL)."""
    if len(data) > verification.MAX_UPLOAD_BYTES:
        return None
    try:
        baked = unbake(data)
    except BakingError:
        return None
    if baked.version is not BadgeVersion.OB2:
        return None
    route = _route(baked.text.strip())
    if route is None or route[0] != "badges_verify:ob2_assertion":
        return None
    found: Credential | None = (
        Credential.objects.exclude(visibility=Credential.Visibility.PRIVATE)
        .filter(public_id=str(route[1].get("public_id", "")))
        .first()
    )
    return found


class RateLimitedError(Exception):
    """The client has run too many verifications in the current window."""


def verify_request(
    request: HttpRequest,
    *,
    data: bytes | None = None,
    text: str | None = None,
    url: str | None = None,
    email: str | None = None,
    supplied: Mapping[str, Any] | None = None,
) -> verification.Report:
    """Verify what one request hands in (a file, text, or a URL of this site) at this moment.

    Raises :class:`RateLimitedError` when the client is over the limit; every problem with the
    credential itself is a failed check in the report.
    """
    if not allow_verification(request):
        raise RateLimitedError
    documents = RequestDocuments(supplied)
    now = timezone.now()
    if data is not None:
        hosted = _ob2_hosted_credential(data)
        if hosted is not None:
            # An OB 2.0 image of this site names its hosted assertion; the award's OB 3.0
            # credential is what proves it, so that is what gets checked.
            return verification.verify_document(
                hosted.document, documents=documents, now=now, email=email
            )
        return verification.verify_upload(data, documents=documents, now=now, email=email)
    if url:
        found = credential_at(url, user=request.user)
        if found is None:
            return verification.unreadable(
                _(
                    "The address %(url)s is not a badge on this site that you may see. Only "
                    "addresses of this site are looked up; nothing is fetched from the network."
                ),
                url=url[:300],
            )
        return verification.verify_document(
            found.document, documents=documents, now=now, email=email
        )
    return verification.verify_text(text or "", documents=documents, now=now, email=email)
