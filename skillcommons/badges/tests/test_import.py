"""Importing a credential from another issuer onto a person's badges page."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillcommons.accounts.models import User
from skillcommons.badges import actions, signing
from skillcommons.badges.artwork import medal_png
from skillcommons.badges.baking import bake_png
from skillcommons.badges.models import ImportedCredential

from .credentials import open_badge_credential
from .factories import make_achievement, make_user, org_issuer

pytestmark = pytest.mark.django_db

KEY = signing.private_key_from_seed(bytes(range(40, 72)))
DID = signing.did_key(KEY.public_key())


def external(**changes: Any) -> dict[str, Any]:
    """A credential signed elsewhere by a did:key issuer."""
    document = open_badge_credential(DID)
    document.update(changes)
    return signing.sign_credential(
        document,
        private_key=KEY,
        verification_method=signing.did_key_verification_method(KEY.public_key()),
        created=datetime(2026, 11, 1, tzinfo=UTC),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_genuine_external_credential_is_added_private_and_listed_once() -> None:
    asha = make_user("Asha")
    imported = actions.import_credential(owner=asha, text=json.dumps(external()))
    assert imported.verdict == "verified"
    assert imported.name == "Wikidata query mentor"
    assert imported.issuer_id == DID
    assert not imported.is_public
    with pytest.raises(ValidationError):
        actions.import_credential(owner=asha, text=json.dumps(external()))
    assert ImportedCredential.objects.count() == 1


def test_a_baked_image_can_be_imported() -> None:
    asha = make_user("Asha")
    imported = actions.import_credential(owner=asha, data=bake_png(medal_png(), external()))
    assert imported.format == "json"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json at all",
        "[1, 2, 3]",
        json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "X"}),
    ],
)
def test_unreadable_input_is_refused_and_nothing_stored(text: str) -> None:
    with pytest.raises(ValidationError):
        actions.import_credential(owner=make_user("Asha"), text=text)
    assert not ImportedCredential.objects.exists()


def test_a_tampered_credential_is_refused_with_the_reason() -> None:
    tampered = copy.deepcopy(external())
    tampered["name"] = "Something else"
    with pytest.raises(ValidationError) as raised:
        actions.import_credential(owner=make_user("Asha"), text=json.dumps(tampered))
    assert "signature" in " ".join(raised.value.messages).lower()
    assert not ImportedCredential.objects.exists()


def test_a_badge_of_this_site_is_not_imported_again() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    asha = make_user("Asha")
    credential = actions.award_badge(
        achievement=make_achievement(issuer), recipient=asha, by=organizer
    )
    with pytest.raises(ValidationError):
        actions.import_credential(owner=asha, text=json.dumps(credential.document))
    assert not ImportedCredential.objects.exists()


def test_imported_badges_are_private_until_shown_and_only_the_owner_manages_them() -> None:
    asha = make_user("Asha")
    bo = make_user("Bo")
    imported = actions.import_credential(owner=asha, text=json.dumps(external()))
    page = reverse("badges:person_badges", args=["Asha"])
    download = reverse("badges:imported_json", args=[imported.public_id])
    for viewer in (None, bo):
        assert "Wikidata query mentor" not in client_for(viewer).get(page).content.decode()
        assert client_for(viewer).get(download).status_code == 404
    visibility = reverse("badges:imported_visibility", args=[imported.public_id])
    assert client_for(bo).post(visibility, {"is_public": "1"}).status_code == 404
    assert client_for(asha).post(visibility, {"is_public": "1"}).status_code == 302
    assert "Wikidata query mentor" in Client().get(page).content.decode()
    assert json.loads(Client().get(download).content)["issuer"]["id"] == DID
    remove = reverse("badges:imported_remove", args=[imported.public_id])
    assert client_for(bo).post(remove).status_code == 404
    assert client_for(asha).post(remove).status_code == 302
    assert not ImportedCredential.objects.exists()


def test_the_import_page_verifies_uploads_and_explains_refusals() -> None:
    asha = make_user("Asha")
    client = client_for(asha)
    url = reverse("badges:import")
    assert Client().get(url).status_code == 302
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "{not json"})
    assert bad.status_code == 400
    assert not ImportedCredential.objects.exists()
    nothing = client.post(url, {})
    assert nothing.status_code == 400
    upload = SimpleUploadedFile("badge.png", bake_png(medal_png(), external()), "image/png")
    assert client.post(url, {"file": upload}).status_code == 302
    assert ImportedCredential.objects.filter(owner=asha).count() == 1


def test_importing_through_the_api() -> None:
    import base64

    asha = make_user("Asha")
    client = client_for(asha)
    url = "/api/v1/badges/imported"
    assert Client().post(url, {"text": "{}"}, content_type="application/json").status_code == 401
    refused = client.post(url, {"text": "{}"}, content_type="application/json")
    assert refused.status_code in (400, 422)
    assert refused.json()["error"]["message"]
    image = base64.b64encode(bake_png(medal_png(), external())).decode()
    created = client.post(url, {"image_base64": image}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["verdict"] == "verified" and body["is_public"] is False
    listing = "/api/v1/people/Asha/badges/imported"
    assert Client().get(listing).json() == []
    assert len(client.get(listing).json()) == 1
    other = client_for(make_user("Bo"))
    visibility = f"/api/v1/badges/imported/{body['id']}/visibility"
    assert (
        other.post(visibility, {"is_public": True}, content_type="application/json").status_code
        == 404
    )
    client.post(visibility, {"is_public": True}, content_type="application/json")
    assert len(Client().get(listing).json()) == 1
    assert other.delete(f"/api/v1/badges/imported/{body['id']}").status_code == 404
    assert client.delete(f"/api/v1/badges/imported/{body['id']}").status_code == 204
    assert not ImportedCredential.objects.exists()
