"""Issuing through the actions: issuers and keys, achievements, awards, revocation, CSV, rules."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from skillcommons.badges import actions, issuers, keys
from skillcommons.badges.artwork import medal_png
from skillcommons.badges.credentials import CREDENTIAL_CONTEXTS, Evidence
from skillcommons.badges.models import Credential, IssuerKey, StatusList
from skillcommons.badges.schema import schema_problems
from skillcommons.badges.signing import DocumentKeyResolver, verify_credential
from skillcommons.badges.status import decode_list, get_bit
from skillcommons.core.actions import record_outcome

from .factories import make_achievement, make_coordinator, make_skill, make_user, org_issuer

pytestmark = pytest.mark.django_db


def verifies(document: dict[str, object]) -> bool:
    return verify_credential(
        document, resolve_key=DocumentKeyResolver(issuers.issuer_documents())
    ).verified


# --- issuers and keys ----------------------------------------------------------------------------


@override_settings(SITE_URL="https://skills.example.org:8443")
def test_did_web_identifiers_follow_the_method_with_an_encoded_port() -> None:
    platform = actions.ensure_platform_issuer()
    issuer = org_issuer("wmde")
    assert issuers.issuer_did(platform) == "did:web:skills.example.org%3A8443"
    assert issuers.issuer_did(issuer) == "did:web:skills.example.org%3A8443:issuers:wmde"
    assert (
        issuers.did_document_url(platform) == "https://skills.example.org:8443/.well-known/did.json"
    )
    assert issuers.did_document_url(issuer) == (
        "https://skills.example.org:8443/issuers/wmde/did.json"
    )


def test_only_organizers_or_coordinators_enable_issuing_for_an_organization() -> None:
    outsider = make_user("Outsider")
    from .factories import make_organization

    organization = make_organization("wmzz", organizer=make_user("Organizer"))
    with pytest.raises(PermissionDenied):
        actions.enable_issuing(organization=organization, by=outsider)
    assert not IssuerKey.objects.exists()
    issuer = actions.enable_issuing(organization=organization, by=make_coordinator())
    assert issuer.slug == "wmzz"
    assert issuer.keys.filter(is_active=True).count() == 1


@pytest.mark.parametrize("slug", ["platform", "enable"])
def test_organizations_cannot_take_a_reserved_issuer_name(slug: str) -> None:
    from .factories import make_organization

    organizer = make_user("Organizer")
    organization = make_organization(slug, organizer=organizer)
    with pytest.raises(ValidationError):
        actions.enable_issuing(organization=organization, by=organizer)


def test_private_keys_are_encrypted_at_rest_and_need_the_configured_key() -> None:
    issuer = org_issuer()
    key = issuer.keys.get()
    private = keys.private_key_of(key)
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert raw not in bytes(key.encrypted_private_key)
    other_key = [Fernet.generate_key().decode()]
    with (
        override_settings(BADGES_KEY_ENCRYPTION_KEYS=other_key),
        pytest.raises(keys.KeyDecryptionError),
    ):
        keys.private_key_of(key)


def test_encryption_keys_rotate_old_tokens_still_decrypt_and_reencrypt(settings: object) -> None:
    issuer = org_issuer()
    key = issuer.keys.get()
    before = keys.private_key_of(key).public_key()
    from django.conf import settings as django_settings

    old = list(django_settings.BADGES_KEY_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    with override_settings(BADGES_KEY_ENCRYPTION_KEYS=[new, *old]):
        assert keys.reencrypt_all_keys() == 1
    with override_settings(BADGES_KEY_ENCRYPTION_KEYS=[new]):
        key.refresh_from_db()
        assert keys.private_key_of(key).public_key() == before


def test_rotation_keeps_old_keys_published_and_old_credentials_verifying() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    achievement = make_achievement(issuer)
    first = actions.award_badge(achievement=achievement, recipient=make_user("Asha"), by=organizer)
    actions.rotate_issuer_key(issuer=issuer, by=organizer)
    second = actions.award_badge(achievement=achievement, recipient=make_user("Bo"), by=organizer)
    document = issuers.did_document(issuer)
    assert len(document["verificationMethod"]) == 2
    assert len(document["assertionMethod"]) == 2
    assert (
        first.document["proof"]["verificationMethod"]
        != (second.document["proof"]["verificationMethod"])
    )
    assert second.document["proof"]["verificationMethod"] == document["assertionMethod"][0]
    assert verifies(first.document)
    assert verifies(second.document)
    assert issuer.keys.filter(is_active=True).count() == 1


def test_only_the_issuer_role_rotates_keys() -> None:
    issuer = org_issuer()
    with pytest.raises(PermissionDenied):
        actions.rotate_issuer_key(issuer=issuer, by=make_user("Member"))
    assert issuer.keys.count() == 1


# --- awarding ------------------------------------------------------------------------------------


def test_an_award_is_a_signed_schema_valid_open_badge_credential() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    skill = make_skill("sparql", qid="Q54871")
    plain = make_skill("outreach")
    achievement = make_achievement(issuer, skills=[skill, plain])
    until = timezone.now() + timedelta(days=365)
    credential = actions.award_badge(
        achievement=achievement,
        recipient=make_user("Asha"),
        by=organizer,
        evidence=[Evidence(url="https://meta.wikimedia.org/wiki/Event", name="Event page")],
        valid_until=until,
    )
    document = credential.document
    assert document["@context"] == CREDENTIAL_CONTEXTS
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{credential.public_id}"
    assert document["issuer"]["id"] == issuers.issuer_did(issuer)
    assert document["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(credential.status_index)
    assert status["statusListCredential"] == credential.status_list.url
    assert document["credentialSubject"]["id"].endswith("/people/Asha/")
    alignment = {
        a["targetCode"]: a for a in document["credentialSubject"]["achievement"]["alignment"]
    }
    assert alignment["test-sparql"]["targetUrl"] == "https://www.wikidata.org/wiki/Q54871"
    assert alignment["test-outreach"]["targetUrl"].endswith("/skills/test-outreach/")
    assert document["evidence"][0]["id"] == "https://meta.wikimedia.org/wiki/Event"
    assert "validUntil" in document
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert schema_problems(document) == []
    assert verifies(document)


def test_an_email_identity_is_a_salted_hash_never_the_address() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    asha = make_user("Asha", email="Asha@Example.org")
    credential = actions.award_badge(
        achievement=make_achievement(issuer),
        recipient=asha,
        by=organizer,
        recipient_kind=Credential.RecipientKind.EMAIL,
    )
    subject = credential.document["credentialSubject"]
    assert "id" not in subject
    identity = subject["identifier"][0]
    expected = hashlib.sha256(("asha@example.org" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert identity["hashed"] is True
    assert "example.org" not in str(credential.document).replace("@example.org", "")
    assert "Asha@Example.org" not in str(credential.document)
    assert verifies(credential.document)


def test_someone_without_the_issuer_role_cannot_award_and_nothing_is_stored() -> None:
    issuer = org_issuer()
    achievement = make_achievement(issuer)
    other_organizer = org_issuer("other").organization.memberships.get().user  # type: ignore[union-attr]
    asha = make_user("Asha")
    for person in (make_user("Member"), other_organizer, asha):
        with pytest.raises(PermissionDenied):
            actions.award_badge(achievement=achievement, recipient=asha, by=person)
    assert not Credential.objects.exists()


def test_coordinators_issue_for_the_platform_and_organizers_do_not() -> None:
    platform = actions.ensure_platform_issuer()
    achievement = make_achievement(platform)
    organizer = org_issuer().organization.memberships.get().user  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        actions.award_badge(achievement=achievement, recipient=make_user("Asha"), by=organizer)
    credential = actions.award_badge(
        achievement=achievement, recipient=make_user("Bo"), by=make_coordinator()
    )
    assert credential.document["issuer"]["id"] == issuers.issuer_did(platform)
    assert verifies(credential.document)


def test_retired_achievements_and_switched_off_issuers_cannot_award() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    achievement = make_achievement(issuer)
    achievement.is_active = False
    achievement.save()
    with pytest.raises(ValidationError):
        actions.award_badge(achievement=achievement, recipient=make_user("Asha"), by=organizer)
    achievement.is_active = True
    achievement.save()
    actions.update_issuer(issuer=issuer, by=organizer, description="", email="", is_active=False)
    with pytest.raises(ValidationError):
        actions.award_badge(achievement=achievement, recipient=make_user("Bo"), by=organizer)
    assert not Credential.objects.exists()


def test_bad_evidence_and_dates_are_refused() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    achievement = make_achievement(issuer)
    asha = make_user("Asha")
    with pytest.raises(ValidationError):
        actions.award_badge(
            achievement=achievement,
            recipient=asha,
            by=organizer,
            evidence=[Evidence(url="javascript:alert(1)")],
        )
    now = timezone.now()
    with pytest.raises(ValidationError):
        actions.award_badge(
            achievement=achievement,
            recipient=asha,
            by=organizer,
            valid_from=now,
            valid_until=now - timedelta(days=1),
        )
    assert not Credential.objects.exists()
    assert not StatusList.objects.filter(allocated__gt=0).exists()


# --- revocation and status lists -----------------------------------------------------------------


def test_revoking_sets_the_bit_and_re_signs_the_status_list() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    achievement = make_achievement(issuer)
    kept = actions.award_badge(achievement=achievement, recipient=make_user("Asha"), by=organizer)
    revoked = actions.award_badge(achievement=achievement, recipient=make_user("Bo"), by=organizer)
    status_list = revoked.status_list
    status_list.refresh_from_db()
    assert status_list.document is not None
    assert status_list.size >= 131_072
    bits = decode_list(status_list.document["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == status_list.size
    assert not get_bit(bits, revoked.status_index)

    actions.revoke_credential(credential=revoked, by=organizer, reason="Awarded by mistake.")
    status_list.refresh_from_db()
    document = status_list.document
    assert document is not None
    bits = decode_list(document["credentialSubject"]["encodedList"])
    assert get_bit(bits, revoked.status_index)
    assert not get_bit(bits, kept.status_index)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == issuers.issuer_did(issuer)
    assert verifies(document)
    revoked.refresh_from_db()
    assert revoked.revocation_reason == "Awarded by mistake."


def test_revoking_needs_the_issuer_role_a_reason_and_happens_once() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    asha = make_user("Asha")
    credential = actions.award_badge(
        achievement=make_achievement(issuer), recipient=asha, by=organizer
    )
    with pytest.raises(PermissionDenied):
        actions.revoke_credential(credential=credential, by=asha, reason="I want to.")
    with pytest.raises(ValidationError):
        actions.revoke_credential(credential=credential, by=organizer, reason="  ")
    credential.refresh_from_db()
    assert credential.revoked_at is None
    actions.revoke_credential(credential=credential, by=organizer, reason="Duplicate.")
    with pytest.raises(ValidationError):
        actions.revoke_credential(credential=credential, by=organizer, reason="Again.")


def test_status_positions_are_distinct_and_not_sequential() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    achievement = make_achievement(issuer)
    positions = [
        actions.award_badge(
            achievement=achievement, recipient=make_user(f"P{n}"), by=organizer
        ).status_index
        for n in range(5)
    ]
    assert len(set(positions)) == 5
    assert positions != sorted(positions) or positions[1] - positions[0] != 1


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_awards_everyone_listed() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    make_user("Asha")
    make_user("Bo Li")
    data = (
        b"username,evidence_url,valid_until,identity\n"
        b"Asha,https://example.org/a,2099-12-31,profile\n"
        b"Bo Li,,,email\n"
    )
    awarded = actions.award_badges_from_csv(
        achievement=make_achievement(issuer), by=organizer, data=data
    )
    assert [c.recipient.username for c in awarded] == ["Asha", "Bo Li"]
    assert awarded[0].valid_until is not None
    assert awarded[1].recipient_kind == "email"
    assert all(verifies(c.document) for c in awarded)


def test_a_csv_with_any_bad_row_awards_nobody_and_names_each_line() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    make_user("Asha")
    data = (
        b"username,evidence_url,valid_until\n"
        b"Asha,https://example.org/a,\n"
        b"Nobody,,\n"
        b"Asha,,\n"
        b",not a url,\n"
        b"Asha2,ftp://x,\n"
    )
    make_user("Asha2")
    with pytest.raises(ValidationError) as raised:
        actions.award_badges_from_csv(achievement=make_achievement(issuer), by=organizer, data=data)
    text = " ".join(raised.value.messages)
    assert "Line 3" in text and "Nobody" in text
    assert "Line 4" in text
    assert "Line 5" in text
    assert "Line 6" in text
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe\x00binary",
        b"name,email\nAsha,a@example.org\n",
        b"username\n",
        b'username\n"unterminated\n',
    ],
)
def test_malformed_csv_files_get_an_error(data: bytes) -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        actions.award_badges_from_csv(achievement=make_achievement(issuer), by=organizer, data=data)
    assert not Credential.objects.exists()


# --- achievements and images ---------------------------------------------------------------------


def test_achievement_texts_per_language_and_fallback() -> None:
    issuer = org_issuer()
    achievement = make_achievement(issuer)
    assert achievement.translation("fr").name == "Mentor de requêtes"  # type: ignore[union-attr]
    assert achievement.translation("fr-CA").locale == "fr"  # type: ignore[union-attr]
    assert achievement.translation("hi").locale == "en"  # type: ignore[union-attr]


def test_achievement_needs_complete_texts_in_the_main_language() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        actions.create_achievement(
            issuer=issuer,
            by=organizer,
            texts=[actions.AchievementText("en", "Name only", "", "")],
            image=medal_png(),
        )
    with pytest.raises(ValidationError):
        actions.create_achievement(
            issuer=issuer,
            by=organizer,
            texts=[actions.AchievementText("fr", "Nom", "Description", "Critères")],
            image=medal_png(),
            default_locale="en",
        )


# --- rules ---------------------------------------------------------------------------------------


def test_a_rule_awards_once_when_an_outcome_is_recorded(
    django_capture_on_commit_callbacks: object,
) -> None:
    platform = actions.ensure_platform_issuer()
    achievement = make_achievement(platform)
    actions.create_rule(
        issuer=platform, by=make_coordinator(), outcome_kind="exchange.completed",
        achievement=achievement,
    )  # fmt: skip
    asha = make_user("Asha")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        outcome = record_outcome(person=asha, kind="exchange.completed", subject=asha)
    credential = Credential.objects.get(recipient=asha)
    assert credential.outcome == outcome
    assert verifies(credential.document)
    assert actions.award_from_outcome(outcome) == []
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        record_outcome(person=asha, kind="exchange.completed", subject=asha)
        record_outcome(person=asha, kind="library.pack_completed", subject=asha)
    assert Credential.objects.count() == 1


def test_a_rule_for_a_skill_matches_only_outcomes_about_that_skill() -> None:
    platform = actions.ensure_platform_issuer()
    achievement = make_achievement(platform)
    sparql = make_skill("sparql")
    other = make_skill("outreach")
    actions.create_rule(
        issuer=platform, by=None, outcome_kind="taxonomy.tested", achievement=achievement,
        skill=sparql,
    )  # fmt: skip
    asha = make_user("Asha")
    # A Skill has a pk but neither skill_id nor skills: outcomes about other objects carry them.
    from skillcommons.organizations.models import OrganizationSkill

    from .factories import make_organization

    organization = make_organization("wmqq")
    about_other = OrganizationSkill.objects.create(
        organization=organization, skill=other, kind="has"
    )
    about_sparql = OrganizationSkill.objects.create(
        organization=organization, skill=sparql, kind="needs"
    )
    first = record_outcome(person=asha, kind="taxonomy.tested", subject=about_other)
    assert actions.award_from_outcome(first) == []
    second = record_outcome(person=asha, kind="taxonomy.tested", subject=about_sparql)
    assert len(actions.award_from_outcome(second)) == 1


def test_rules_are_for_the_issuers_own_achievements_and_role() -> None:
    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    platform = actions.ensure_platform_issuer()
    foreign = make_achievement(platform)
    with pytest.raises(ValidationError):
        actions.create_rule(
            issuer=issuer, by=organizer, outcome_kind="exchange.completed", achievement=foreign
        )
    with pytest.raises(PermissionDenied):
        actions.create_rule(
            issuer=issuer, by=make_user("Member"), outcome_kind="exchange.completed",
            achievement=make_achievement(issuer),
        )  # fmt: skip


def test_the_recipient_is_notified_of_an_award_and_a_revocation() -> None:
    from skillcommons.notifications.models import Notification

    issuer = org_issuer()
    organizer = issuer.organization.memberships.get().user  # type: ignore[union-attr]
    asha = make_user("Asha")
    credential = actions.award_badge(
        achievement=make_achievement(issuer), recipient=asha, by=organizer
    )
    actions.revoke_credential(credential=credential, by=organizer, reason="Duplicate.")
    kinds = list(Notification.objects.filter(recipient=asha).values_list("kind", flat=True))
    assert sorted(kinds) == ["badges.awarded", "badges.revoked"]
    revoked = Notification.objects.get(recipient=asha, kind="badges.revoked")
    assert revoked.params["reason"] == "Duplicate."


def test_production_refuses_to_start_without_the_key_encryption_keys(tmp_path: object) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "BADGES_KEY_ENCRYPTION_KEYS", "SKILLCOMMONS_MODE"}
    }
    env.update(
        SKILLCOMMONS_MODE="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="skills.example.org",
        SKILLCOMMONS_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "BADGES_KEY_ENCRYPTION_KEYS must be set" in result.stderr
    assert not (Path(str(tmp_path)) / "badges_key_encryption_key").exists()
