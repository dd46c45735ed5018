import hashlib
import json

import pytest
from pyld import jsonld

from skillcommons.badges.contexts import (
    CONTEXTS_DIR,
    DATA_DIR,
    DocumentNotAvailableError,
    StaticDocumentLoader,
    bundled_context_files,
    bundled_loader,
)
from skillcommons.badges.signing import canonicalize, generate_private_key, sign_credential

from .credentials import CREATED, open_badge_credential

pytestmark = pytest.mark.usefixtures("no_network")


def test_every_indexed_context_is_bundled_and_parses() -> None:
    files = bundled_context_files()
    assert "https://www.w3.org/ns/credentials/v2" in files
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in files
    for url, path in files.items():
        assert path.is_file(), url
        assert "@context" in json.loads(path.read_text(encoding="utf-8"))


def test_bundled_files_match_the_checksums_in_the_provenance_note() -> None:
    note = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    listed: dict[str, str] = {}
    for line in note.split("```")[1].strip().splitlines():
        digest, relative = line.split("  ", 1)
        listed[relative] = digest
    on_disk = [p for p in DATA_DIR.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(listed) == len(on_disk)
    for path in on_disk:
        relative = path.relative_to(DATA_DIR).as_posix()
        assert listed[relative] == hashlib.sha256(path.read_bytes()).hexdigest(), relative


def test_loader_serves_a_bundled_context_and_ignores_the_fragment() -> None:
    remote = bundled_loader()("https://www.w3.org/ns/did/v1#fragment")
    assert remote["documentUrl"] == "https://www.w3.org/ns/did/v1#fragment"
    assert "@context" in remote["document"]


def test_loader_serves_supplied_documents_only_to_its_own_callers() -> None:
    did_document = {"id": "did:web:example.org", "@context": "https://www.w3.org/ns/did/v1"}
    loader = StaticDocumentLoader({"did:web:example.org": did_document})
    assert loader("did:web:example.org#key-1")["document"] == did_document
    assert not bundled_loader().has("did:web:example.org")
    with pytest.raises(DocumentNotAvailableError):
        bundled_loader()("did:web:example.org")


def test_loader_returns_copies_so_callers_cannot_change_the_bundle() -> None:
    first = bundled_loader()("https://www.w3.org/ns/did/v1")["document"]
    first["@context"] = "changed"
    assert bundled_loader()("https://www.w3.org/ns/did/v1")["document"]["@context"] != "changed"


def test_a_supplied_document_cannot_replace_a_bundled_context() -> None:
    with pytest.raises(ValueError, match="may not replace"):
        StaticDocumentLoader({"https://www.w3.org/ns/credentials/v2": {"@context": {}}})


def test_unbundled_context_is_a_clear_error_without_network() -> None:
    credential = open_badge_credential("did:example:issuer")
    credential["@context"].append("https://contexts.example.org/unknown/v1")
    with pytest.raises(DocumentNotAvailableError) as caught:
        canonicalize(credential)
    assert caught.value.url == "https://contexts.example.org/unknown/v1"
    assert "never fetched from the network" in str(caught.value)


def test_signing_with_an_unbundled_context_is_refused_without_network() -> None:
    credential = open_badge_credential("did:example:issuer")
    credential["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json"
    with pytest.raises(DocumentNotAvailableError):
        sign_credential(
            credential,
            private_key=generate_private_key(),
            verification_method="did:example:issuer#key",
            created=CREATED,
        )


def test_the_bundled_loader_alone_expands_an_open_badge() -> None:
    expanded = jsonld.expand(
        open_badge_credential("did:example:issuer"), bundled_loader().jsonld_options()
    )
    assert expanded[0]["@id"] == "urn:uuid:6f1f8c3e-2f0a-4c55-9d53-0d1c9e1a7b10"


def test_index_lists_only_files_that_exist() -> None:
    index = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))
    assert {(CONTEXTS_DIR / name).is_file() for name in index.values()} == {True}


def test_a_supplied_context_stays_with_its_loader() -> None:
    url = "https://issuer.example.org/contexts/extra.jsonld"
    extra = {"@context": {"wikidataItem": "https://www.wikidata.org/prop/direct/P1"}}
    document = {"@context": [url], "@id": "urn:x", "wikidataItem": "Q42"}
    with_extra = StaticDocumentLoader({url: extra})
    assert jsonld.expand(document, with_extra.jsonld_options())
    # pyld's process-wide cache would keep it; each loader's own cache does not.
    with pytest.raises(DocumentNotAvailableError):
        canonicalize(document)
    with pytest.raises(DocumentNotAvailableError):
        canonicalize(document, loader=StaticDocumentLoader())
    assert "Q42" in canonicalize(document, loader=with_extra)
