"""The language switcher returns to the same page without a ``uselang`` that would override it."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_switcher_return_address_drops_uselang_and_keeps_other_parameters(client: Client) -> None:
    page = client.get("/people/", {"uselang": "ar", "region": "SA"}).content.decode()
    assert 'name="next" value="/people/?region=SA"' in page


@pytest.mark.django_db
def test_switching_language_after_a_uselang_link_shows_the_new_language(client: Client) -> None:
    client.get("/", {"uselang": "ar"})
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)
    assert '<html lang="fr" dir="ltr">' in response.content.decode()
