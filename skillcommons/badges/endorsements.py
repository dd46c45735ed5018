"""Endorsements: a person, or an organization through one of its organizers, vouches for a
person's skill or for an achievement, as a signed OB 3.0 ``EndorsementCredential``.

The credential's ``credentialSubject`` is an ``EndorsementSubject`` whose ``id`` is what is
endorsed: the achievement's address, or for a person's skill the person's profile address with the
fragment ``#skill-<code>``; ``endorsementComment`` holds the endorser's words. Endorsing in an
organization's name is signed by that organization's issuer (its organizers hold the issuer
role); a personal endorsement is signed by the platform issuer on the person's behalf, and its
``description`` names the person. Each endorsement has a position in the signing issuer's
revocation list, so withdrawing it shows in any verifier at once, exactly like a revoked badge.

These are the write actions (keyword-only, atomic) for pages and the API, plus the document
builder.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skillcommons.accounts.models import User
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import actions as issuing
from .credentials import CREDENTIAL_CONTEXTS, achievement_url
from .issuers import credential_issuer
from .models import Achievement, Endorsement, Issuer, StatusList
from .signing import format_datetime
from .status import set_bit, status_entry
from .verification import Status, check_schema

MAX_COMMENT = 2000


def endorsed_subject_id(
    *, person: User | None, skill: Skill | None, achievement: Achievement | None
) -> str:
    """The ``id`` of the ``EndorsementSubject``: what the endorsement is about."""
    if achievement is not None:
        return achievement_url(achievement)
    assert person is not None and skill is not None
    return f"{settings.SITE_URL}{person.get_absolute_url()}#skill-{skill.code}"


def endorsement_document(
    *,
    public_id: uuid.UUID,
    issuer: Issuer,
    endorser: User,
    organization: Organization | None,
    person: User | None,
    skill: Skill | None,
    achievement: Achievement | None,
    comment: str,
    valid_from: datetime,
    status: dict[str, Any],
) -> dict[str, Any]:
    """The unsigned ``EndorsementCredential``."""
    voice = organization.name if organization is not None else endorser.username
    if achievement is not None:
        translation = achievement.translation()
        what = translation.name if translation else str(achievement.public_id)
        description = _("%(endorser)s endorses the achievement “%(achievement)s”.") % {
            "endorser": voice,
            "achievement": what,
        }
    else:
        assert person is not None and skill is not None
        what = skill.label()
        description = _("%(endorser)s endorses %(person)s for the skill “%(skill)s”.") % {
            "endorser": voice,
            "person": person.username,
            "skill": what,
        }
    return {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": f"urn:uuid:{public_id}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": credential_issuer(issuer),
        "validFrom": format_datetime(valid_from),
        "name": _("Endorsement: %(what)s") % {"what": what},
        "description": description,
        "credentialSubject": {
            "id": endorsed_subject_id(person=person, skill=skill, achievement=achievement),
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
        "credentialStatus": status,
    }


def _clean_comment(comment: str) -> str:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say in a few words why you endorse this.")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {
                "comment": _("The comment may be at most %(limit)s characters long.")
                % {"limit": MAX_COMMENT}
            }
        )
    return comment


def _signing_issuer(*, by: User, organization: Organization | None) -> Issuer:
    if organization is None:
        return issuing.ensure_platform_issuer()
    issuer = Issuer.objects.filter(organization=organization, is_active=True).first()
    if issuer is None:
        raise ValidationError(
            {"organization": _("%(organization)s has not enabled issuing, so it cannot endorse.") % {"organization": organization.name}}
        )  # fmt: skip
    if not issuer.can_issue(by):
        raise PermissionDenied(
            _("Only organizers of %(organization)s can endorse in its name.")
            % {"organization": organization.name}
        )
    return issuer


def _create(
    *,
    by: User,
    organization: Organization | None,
    person: User | None,
    skill: Skill | None,
    achievement: Achievement | None,
    comment: str,
) -> Endorsement:
    if not by.is_active:
        raise PermissionDenied(_("Your account is closed."))
    comment = _clean_comment(comment)
    issuer = _signing_issuer(by=by, organization=organization)
    duplicate = Endorsement.objects.filter(
        endorser=by,
        organization=organization,
        person=person,
        skill=skill,
        achievement=achievement,
        withdrawn_at__isnull=True,
    )
    if duplicate.exists():
        raise ValidationError(_("You have already endorsed this; withdraw that endorsement first."))
    now = timezone.now()
    status_list, index = issuing._allocate_position(issuer, now=now)
    public_id = uuid.uuid4()
    unsigned = endorsement_document(
        public_id=public_id,
        issuer=issuer,
        endorser=by,
        organization=organization,
        person=person,
        skill=skill,
        achievement=achievement,
        comment=comment,
        valid_from=now,
        status=status_entry(status_list.url, index, purpose=status_list.purpose),
    )
    schema = check_schema(unsigned)
    if schema.status is not Status.PASSED:  # pragma: no cover - a programming error, not bad input
        raise ValueError(schema.explanation)
    return Endorsement.objects.create(
        public_id=public_id,
        endorser=by,
        organization=organization,
        issuer=issuer,
        person=person,
        skill=skill,
        achievement=achievement,
        comment=comment,
        # Achievement endorsements are public statements about a badge class; a person decides
        # whether an endorsement about them is shown to everyone.
        is_public=achievement is not None,
        document=issuing._sign(issuer, unsigned, now=now),
        status_list=status_list,
        status_index=index,
    )


@transaction.atomic
def endorse_skill(
    *, by: User, person: User, skill: Skill, comment: str, organization: Organization | None = None
) -> Endorsement:
    """``by`` (or ``organization``, through ``by``) endorses ``person`` for ``skill``."""
    if person.pk == by.pk:
        raise ValidationError(_("You cannot endorse yourself."))
    if not person.is_active:
        raise ValidationError(_("This account is closed, so it cannot be endorsed."))
    return _create(
        by=by,
        organization=organization,
        person=person,
        skill=skill,
        achievement=None,
        comment=comment,
    )


@transaction.atomic
def endorse_achievement(
    *, by: User, achievement: Achievement, comment: str, organization: Organization | None = None
) -> Endorsement:
    """``by`` (or ``organization``, through ``by``) endorses ``achievement``."""
    if not achievement.is_active or not achievement.issuer.is_active:
        raise ValidationError(_("This achievement can no longer be endorsed."))
    if organization is not None and achievement.issuer.organization_id == organization.pk:
        raise ValidationError(_("An organization cannot endorse its own achievement."))
    return _create(
        by=by,
        organization=organization,
        person=None,
        skill=None,
        achievement=achievement,
        comment=comment,
    )


def can_withdraw(endorsement: Endorsement, user: Any) -> bool:
    """The endorser may withdraw, and so may whoever holds the signing issuer's role."""
    if user is None or not user.is_authenticated:
        return False
    return endorsement.endorser_id == user.pk or endorsement.issuer.can_issue(user)


@transaction.atomic
def withdraw_endorsement(*, endorsement: Endorsement, by: User) -> Endorsement:
    """Withdraw: the endorsement's bit is set in its status list, which is re-signed at once."""
    if not can_withdraw(endorsement, by):
        raise PermissionDenied(_("Only the endorser can withdraw this endorsement."))
    if endorsement.withdrawn_at is not None:
        raise ValidationError(_("This endorsement is already withdrawn."))
    now = timezone.now()
    status_list = StatusList.objects.select_for_update().get(pk=endorsement.status_list_id)
    status_list.bits = set_bit(bytes(status_list.bits), endorsement.status_index, True)
    issuing._sign_status_list(status_list, now=now)
    status_list.save(update_fields=["bits", "document", "signed_at"])
    endorsement.withdrawn_at = now
    endorsement.save(update_fields=["withdrawn_at", "updated_at"])
    return endorsement


@transaction.atomic
def set_endorsement_visibility(
    *, endorsement: Endorsement, by: User, is_public: bool
) -> Endorsement:
    """The endorsed person decides whether an endorsement of their skill is shown to everyone."""
    if endorsement.person_id != by.pk:
        raise PermissionDenied(_("Only the endorsed person decides who sees this endorsement."))
    endorsement.is_public = is_public
    endorsement.save(update_fields=["is_public", "updated_at"])
    return endorsement
