"""Writes for badges: enabling issuers, rotating keys, achievements, awarding (one, bulk from CSV,
from outcomes through rules), revoking, and the recipient's visibility choice.

Every action checks that the acting person holds the issuer role (``Issuer.can_issue``) and raises
``PermissionDenied`` otherwise; bad input raises ``ValidationError`` with a translated message and
changes nothing (each action is one transaction).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skillcommons.core.models import Outcome
from skillcommons.notifications.actions import notify
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.locales import normalize_tag
from skillcommons.taxonomy.models import Skill

from . import issuers as issuer_documents
from .credentials import (
    Evidence,
    achievement_document,
    hash_identity,
    new_salt,
    normalize_email,
    open_badge_credential,
    recipient_subject,
)
from .images import validate_badge_image
from .keys import encrypt_private_key, private_key_of
from .models import (
    PLATFORM_SLUG,
    RESERVED_ISSUER_SLUGS,
    STATUS_LIST_SIZE,
    Achievement,
    AchievementTranslation,
    Credential,
    ImportedCredential,
    Issuer,
    IssuerKey,
    IssuingRule,
    StatusList,
)
from .signing import generate_private_key, public_key_to_multibase, sign_credential
from .status import (
    new_bitstring,
    new_permutation,
    permuted_position,
    set_bit,
    status_entry,
    status_list_credential,
)

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

MAX_CSV_BYTES = 1024 * 1024
MAX_CSV_ROWS = 2000
MAX_EVIDENCE = 10
MAX_REASON = 500


@dataclass(frozen=True)
class AchievementText:
    """An achievement's name, description and criteria in one language."""

    locale: str
    name: str
    description: str
    criteria: str


def _require_issuer_role(issuer: Issuer, by: User | None) -> None:
    if by is None or not issuer.can_issue(by):
        raise PermissionDenied(
            _("You do not hold the issuer role for %(issuer)s.") % {"issuer": issuer.name}
        )


def _require_active(issuer: Issuer) -> None:
    if not issuer.is_active:
        raise ValidationError(
            _("Issuing is switched off for %(issuer)s.") % {"issuer": issuer.name}
        )


# --- issuers and keys ----------------------------------------------------------------------------


def _new_key(issuer: Issuer) -> IssuerKey:
    private_key = generate_private_key()
    return IssuerKey.objects.create(
        issuer=issuer,
        public_key_multibase=public_key_to_multibase(private_key.public_key()),
        encrypted_private_key=encrypt_private_key(private_key),
        is_active=True,
    )


@transaction.atomic
def ensure_platform_issuer() -> Issuer:
    """The platform issuer, created with a first key if it does not exist yet."""
    issuer, created = Issuer.objects.get_or_create(
        is_platform=True, defaults={"slug": PLATFORM_SLUG}
    )
    if created or not issuer.keys.exists():
        _new_key(issuer)
    return issuer


@transaction.atomic
def enable_issuing(*, organization: Organization, by: User) -> Issuer:
    """Let ``organization`` issue badges under its own did:web; its organizers hold the issuer
    role. Only its organizers, coordinators and admins may do this. Enabling again re-activates."""
    if not (organization.is_organizer(by) or by.has_role("coordinator")):
        raise PermissionDenied(
            _("Only the organizers of %(organization)s can enable badge issuing for it.")
            % {"organization": organization.name}
        )
    if not organization.is_active:
        raise ValidationError(_("An archived organization cannot issue badges."))
    existing = Issuer.objects.filter(organization=organization).first()
    if existing is not None:
        if not existing.is_active:
            existing.is_active = True
            existing.save(update_fields=["is_active", "updated_at"])
        return existing
    if (
        organization.slug in RESERVED_ISSUER_SLUGS
        or Issuer.objects.filter(slug=organization.slug).exists()
    ):
        raise ValidationError(
            _("The short name %(slug)s is already used by another issuer.")
            % {"slug": organization.slug}
        )
    issuer = Issuer.objects.create(organization=organization, slug=organization.slug)
    _new_key(issuer)
    return issuer


@transaction.atomic
def update_issuer(
    *, issuer: Issuer, by: User, description: str, email: str, is_active: bool
) -> Issuer:
    """Change what the issuer profile says, or switch issuing off and on."""
    _require_issuer_role(issuer, by)
    issuer.description = description.strip()
    issuer.email = email.strip()
    issuer.is_active = is_active
    issuer.full_clean()
    issuer.save(update_fields=["description", "email", "is_active", "updated_at"])
    return issuer


@transaction.atomic
def rotate_issuer_key(*, issuer: Issuer, by: User) -> IssuerKey:
    """Make a new key the one that signs; the old keys stay in the DID document, so everything
    they signed still verifies."""
    _require_issuer_role(issuer, by)
    now = timezone.now()
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()
    issuer.keys.filter(is_active=True).update(is_active=False, retired_at=now)
    return _new_key(issuer)


def _signing_key(issuer: Issuer) -> tuple[IssuerKey, str]:
    key = issuer.keys.filter(is_active=True).first()
    if key is None:
        key = _new_key(issuer)
    return key, issuer_documents.verification_method_id(issuer, key)


def _sign(issuer: Issuer, document: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    key, method = _signing_key(issuer)
    return sign_credential(
        document, private_key=private_key_of(key), verification_method=method, created=now
    )


# --- achievements --------------------------------------------------------------------------------


def _clean_texts(
    texts: Sequence[AchievementText], default_locale: str
) -> tuple[list[AchievementText], str]:
    cleaned: dict[str, AchievementText] = {}
    for text in texts:
        if not (text.name.strip() or text.description.strip() or text.criteria.strip()):
            continue
        try:
            locale = normalize_tag(text.locale)
        except ValueError:
            raise ValidationError(
                _("%(code)s is not a valid language tag.") % {"code": text.locale}
            ) from None
        if not (text.name.strip() and text.description.strip() and text.criteria.strip()):
            raise ValidationError(
                _(
                    "Give the name, description and criteria in %(language)s, or leave all three empty."
                )
                % {"language": locale}
            )
        if locale in cleaned:
            raise ValidationError(
                _("The language %(language)s is given twice.") % {"language": locale}
            )
        cleaned[locale] = AchievementText(
            locale, text.name.strip(), text.description.strip(), text.criteria.strip()
        )
    if not cleaned:
        raise ValidationError(
            _("Give the name, description and criteria in at least one language.")
        )
    try:
        main = normalize_tag(default_locale) if default_locale else next(iter(cleaned))
    except ValueError:
        raise ValidationError(
            _("%(code)s is not a valid language tag.") % {"code": default_locale}
        ) from None
    if main not in cleaned:
        raise ValidationError(
            _("The main language %(language)s needs a name, description and criteria.")
            % {"language": main}
        )
    return list(cleaned.values()), main


def _save_texts(achievement: Achievement, texts: list[AchievementText]) -> None:
    for text in texts:
        row = AchievementTranslation(
            achievement=achievement,
            locale=text.locale,
            name=text.name,
            description=text.description,
            criteria=text.criteria,
        )
        row.full_clean(exclude=["achievement"])
    achievement.translations.exclude(locale__in=[t.locale for t in texts]).delete()
    for text in texts:
        AchievementTranslation.objects.update_or_create(
            achievement=achievement,
            locale=text.locale,
            defaults={
                "name": text.name,
                "description": text.description,
                "criteria": text.criteria,
            },
        )


@transaction.atomic
def create_achievement(
    *,
    issuer: Issuer,
    by: User | None,
    texts: Sequence[AchievementText],
    image: bytes,
    default_locale: str = "",
    skills: Iterable[Skill] = (),
    level: int | None = None,
) -> Achievement:
    """A new achievement of ``issuer``. ``by=None`` only for the platform's own setup (demo data)."""
    if by is not None or not issuer.is_platform:
        _require_issuer_role(issuer, by)
    cleaned, main = _clean_texts(texts, default_locale)
    image_type = validate_badge_image(image)
    achievement = Achievement(
        issuer=issuer,
        default_locale=main,
        image=image,
        image_type=image_type,
        level=level,
        created_by=by,
    )
    achievement.full_clean(exclude=["image", "skills"])
    achievement.save()
    achievement.skills.set(list(skills))
    _save_texts(achievement, cleaned)
    return achievement


@transaction.atomic
def update_achievement(
    *,
    achievement: Achievement,
    by: User,
    texts: Sequence[AchievementText],
    default_locale: str = "",
    image: bytes | None = None,
    skills: Iterable[Skill] = (),
    level: int | None = None,
    is_active: bool = True,
) -> Achievement:
    """Change an achievement. Credentials already issued keep the text they were signed with."""
    _require_issuer_role(achievement.issuer, by)
    cleaned, main = _clean_texts(texts, default_locale)
    fields = ["default_locale", "level", "is_active", "updated_at"]
    if image:
        achievement.image_type = validate_badge_image(image)
        achievement.image = image
        fields += ["image", "image_type"]
    achievement.default_locale = main
    achievement.level = level
    achievement.is_active = is_active
    achievement.full_clean(exclude=["image", "skills"])
    achievement.save(update_fields=fields)
    achievement.skills.set(list(skills))
    _save_texts(achievement, cleaned)
    return achievement


# --- status lists --------------------------------------------------------------------------------


def _sign_status_list(status_list: StatusList, *, now: datetime) -> None:
    issuer = status_list.issuer
    document = status_list_credential(
        list_url=status_list.url,
        issuer=issuer_documents.issuer_did(issuer),
        bits=bytes(status_list.bits),
        valid_from=now,
        purpose=status_list.purpose,
    )
    status_list.document = _sign(issuer, document, now=now)
    status_list.signed_at = now


def _allocate_position(issuer: Issuer, *, now: datetime) -> tuple[StatusList, int]:
    """A fresh position in the issuer's current revocation list (a new list when it is full)."""
    status_list = (
        StatusList.objects.select_for_update()
        .filter(issuer=issuer, purpose=StatusList.Purpose.REVOCATION)
        .order_by("-number")
        .first()
    )
    if status_list is None or status_list.allocated >= status_list.size:
        multiplier, offset = new_permutation(STATUS_LIST_SIZE)
        status_list = StatusList(
            issuer=issuer,
            purpose=StatusList.Purpose.REVOCATION,
            number=1 if status_list is None else status_list.number + 1,
            size=STATUS_LIST_SIZE,
            bits=new_bitstring(STATUS_LIST_SIZE),
            multiplier=multiplier,
            offset=offset,
        )
        status_list.save()
        _sign_status_list(status_list, now=now)
        status_list.save(update_fields=["document", "signed_at"])
    index = permuted_position(
        status_list.allocated,
        multiplier=status_list.multiplier,
        offset=status_list.offset,
        size=status_list.size,
    )
    status_list.allocated += 1
    status_list.save(update_fields=["allocated"])
    return status_list, index


# --- awarding ------------------------------------------------------------------------------------


def _clean_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    items = list(evidence)
    if len(items) > MAX_EVIDENCE:
        raise ValidationError(_("Give at most %(limit)s evidence links.") % {"limit": MAX_EVIDENCE})
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for item in items:
        url = item.url.strip()
        try:
            validate(url)
        except ValidationError:
            raise ValidationError(
                _("%(url)s is not a web address (http or https).") % {"url": url[:200]}
            ) from None
        if len(url) > 500 or len(item.name) > 200:
            raise ValidationError(_("An evidence link or its title is too long."))
        cleaned.append(Evidence(url=url, name=item.name.strip()))
    return cleaned


def _issue(
    *,
    achievement: Achievement,
    recipient: User,
    by: User | None,
    evidence: list[Evidence],
    valid_from: datetime,
    valid_until: datetime | None,
    recipient_kind: str,
    locale: str,
    rule: IssuingRule | None,
    outcome: Outcome | None,
) -> Credential:
    issuer = achievement.issuer
    now = timezone.now()
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(_("The end of validity must come after its start."))
    if not recipient.is_active:
        raise ValidationError(
            _("%(username)s's account is closed, so they cannot receive badges.")
            % {"username": recipient.username}
        )
    identity_hash = salt = ""
    profile_url: str | None = settings.SITE_URL + recipient.get_absolute_url()
    if recipient_kind == Credential.RecipientKind.EMAIL:
        if not recipient.email:
            raise ValidationError(
                _("%(username)s has no e-mail address, so the badge cannot name them by e-mail.")
                % {"username": recipient.username}
            )
        salt = new_salt()
        identity_hash = hash_identity(normalize_email(recipient.email), salt)
        profile_url = None
    elif recipient_kind != Credential.RecipientKind.PROFILE:
        raise ValidationError(_("Choose how the badge names its recipient."))
    status_list, index = _allocate_position(issuer, now=now)
    credential = Credential(
        achievement=achievement,
        issuer=issuer,
        recipient=recipient,
        recipient_kind=recipient_kind,
        recipient_identity_hash=identity_hash,
        recipient_salt=salt,
        evidence=[{"url": e.url, "name": e.name} for e in evidence],
        valid_from=valid_from,
        valid_until=valid_until,
        locale=locale,
        issued_by=by,
        rule=rule,
        outcome=outcome,
        status_list=status_list,
        status_index=index,
    )
    unsigned = open_badge_credential(
        credential_id=credential.credential_id,
        issuer=issuer,
        achievement=achievement_document(achievement, locale),
        subject=recipient_subject(profile_url=profile_url, identity_hash=identity_hash, salt=salt),
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
        status=status_entry(status_list.url, index, purpose=status_list.purpose),
    )
    # The shape conforms to the OB 3.0 schema by construction (the tests validate every kind of
    # credential built here); validating each one again would cost more than signing it.
    credential.document = _sign(issuer, unsigned, now=now)
    credential.save()
    notify(
        recipient=recipient,
        kind="badges.awarded",
        message=gettext_noop(
            "You received the badge %(badge)s from %(issuer)s. Only you see it until you choose "
            "to share it."
        ),
        params={"badge": str(unsigned["name"]), "issuer": issuer.name},
        url=credential.get_absolute_url(),
    )
    return credential


def _check_awardable(achievement: Achievement) -> None:
    _require_active(achievement.issuer)
    if not achievement.is_active:
        raise ValidationError(_("This achievement can no longer be awarded."))


@transaction.atomic
def award_badge(
    *,
    achievement: Achievement,
    recipient: User,
    by: User,
    evidence: Iterable[Evidence] = (),
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    recipient_kind: str = Credential.RecipientKind.PROFILE,
    locale: str | None = None,
) -> Credential:
    """Sign and store an OpenBadgeCredential of ``achievement`` for ``recipient``."""
    _require_issuer_role(achievement.issuer, by)
    _check_awardable(achievement)
    chosen = locale or achievement.default_locale
    text = achievement.translation(chosen)
    return _issue(
        achievement=achievement,
        recipient=recipient,
        by=by,
        evidence=_clean_evidence(evidence),
        valid_from=valid_from or timezone.now(),
        valid_until=valid_until,
        recipient_kind=recipient_kind,
        locale=text.locale if text else achievement.default_locale,
        rule=None,
        outcome=None,
    )


@dataclass(frozen=True)
class CsvRow:
    line: int
    recipient: User
    evidence: list[Evidence]
    valid_until: datetime | None
    recipient_kind: str


def _parse_valid_until(value: str) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def parse_award_csv(data: bytes) -> list[CsvRow]:
    """Rows of a bulk award file: ``username`` (required), ``evidence_url``, ``valid_until``
    (a date), ``identity`` (``profile`` or ``email``). Raises one ``ValidationError`` listing every
    bad row by its line number."""
    from skillcommons.accounts.models import User

    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s kilobytes.") % {"limit": MAX_CSV_BYTES // 1024}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not a CSV file in UTF-8.")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error:
        raise ValidationError(_("The file is not a valid CSV file.")) from None
    if "username" not in header:
        raise ValidationError(_("The first line must name the columns, including username."))
    reader.fieldnames = header
    errors: list[str] = []
    raw_rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if len(raw_rows) >= MAX_CSV_ROWS:
                raise ValidationError(
                    _("A file may award at most %(limit)s badges.") % {"limit": MAX_CSV_ROWS}
                )
            if None in row:
                errors.append(
                    _("Line %(line)s: it has more values than there are columns.")
                    % {"line": reader.line_num}
                )
                continue
            values = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(values.values()):
                continue
            raw_rows.append((reader.line_num, values))
    except csv.Error:
        raise ValidationError(_("The file is not a valid CSV file.")) from None
    if not raw_rows and not errors:
        raise ValidationError(_("The file names nobody to award."))
    names = {values.get("username", "") for _line, values in raw_rows}
    people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    seen: dict[str, int] = {}
    parsed: list[CsvRow] = []
    validate = URLValidator(schemes=["http", "https"])
    for line, values in raw_rows:
        username = values.get("username", "")
        person = people.get(username)
        if not username:
            errors.append(_("Line %(line)s: the username is missing.") % {"line": line})
            continue
        if person is None:
            errors.append(
                _("Line %(line)s: nobody here has the user name %(username)s.")
                % {"line": line, "username": username[:150]}
            )
            continue
        if username in seen:
            errors.append(
                _("Line %(line)s: %(username)s is already on line %(first)s.")
                % {"line": line, "username": username, "first": seen[username]}
            )
            continue
        seen[username] = line
        evidence: list[Evidence] = []
        url = values.get("evidence_url", "")
        if url:
            try:
                validate(url)
                if len(url) > 500:
                    raise ValidationError(url)
            except ValidationError:
                errors.append(
                    _("Line %(line)s: %(url)s is not a web address (http or https).")
                    % {"line": line, "url": url[:200]}
                )
                continue
            evidence.append(Evidence(url=url))
        try:
            valid_until = _parse_valid_until(values.get("valid_until", ""))
        except ValueError:
            errors.append(
                _("Line %(line)s: %(value)s is not a date such as 2027-12-31.")
                % {"line": line, "value": values.get("valid_until", "")[:40]}
            )
            continue
        if valid_until is not None and valid_until <= timezone.now():
            errors.append(_("Line %(line)s: the end of validity is in the past.") % {"line": line})
            continue
        kind = values.get("identity", "") or Credential.RecipientKind.PROFILE
        if kind not in Credential.RecipientKind.values:
            errors.append(_("Line %(line)s: identity must be profile or email.") % {"line": line})
            continue
        if kind == Credential.RecipientKind.EMAIL and not person.email:
            errors.append(
                _("Line %(line)s: %(username)s has no e-mail address.")
                % {"line": line, "username": username}
            )
            continue
        parsed.append(CsvRow(line, person, evidence, valid_until, kind))
    if errors:
        raise ValidationError(errors)
    return parsed


@transaction.atomic
def award_badges_from_csv(*, achievement: Achievement, by: User, data: bytes) -> list[Credential]:
    """Award ``achievement`` to everyone in a CSV file: all rows or, if any row is bad, none."""
    _require_issuer_role(achievement.issuer, by)
    _check_awardable(achievement)
    rows = parse_award_csv(data)
    now = timezone.now()
    return [
        _issue(
            achievement=achievement,
            recipient=row.recipient,
            by=by,
            evidence=row.evidence,
            valid_from=now,
            valid_until=row.valid_until,
            recipient_kind=row.recipient_kind,
            locale=achievement.default_locale,
            rule=None,
            outcome=None,
        )
        for row in rows
    ]


# --- revoking and sharing ------------------------------------------------------------------------


@transaction.atomic
def revoke_credential(*, credential: Credential, by: User, reason: str) -> Credential:
    """Revoke with a reason: the bit in the issuer's status list is set and the list re-signed at
    once, so any verifier that reads the list sees the revocation."""
    _require_issuer_role(credential.issuer, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the badge is revoked."))
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("The reason may be at most %(limit)s characters long.") % {"limit": MAX_REASON}
        )
    if credential.revoked_at is not None:
        raise ValidationError(_("This badge is already revoked."))
    now = timezone.now()
    status_list = StatusList.objects.select_for_update().get(pk=credential.status_list_id)
    status_list.bits = set_bit(bytes(status_list.bits), credential.status_index, True)
    _sign_status_list(status_list, now=now)
    status_list.save(update_fields=["bits", "document", "signed_at"])
    credential.revoked_at = now
    credential.revocation_reason = reason
    credential.revoked_by = by
    credential.save(update_fields=["revoked_at", "revocation_reason", "revoked_by", "updated_at"])
    notify(
        recipient=credential.recipient,
        kind="badges.revoked",
        message=gettext_noop("%(issuer)s revoked your badge %(badge)s. Reason: %(reason)s"),
        params={
            "badge": str(credential.document.get("name", "")),
            "issuer": credential.issuer.name,
            "reason": reason,
        },
        url=credential.get_absolute_url(),
    )
    return credential


@transaction.atomic
def set_credential_visibility(*, credential: Credential, by: User, visibility: str) -> Credential:
    """The recipient chooses who sees a badge: only them, anyone with the link, or everyone."""
    if credential.recipient_id != by.pk:
        raise PermissionDenied(_("Only the person who received a badge can change who sees it."))
    if visibility not in Credential.Visibility.values:
        raise ValidationError(_("Choose who sees this badge."))
    credential.visibility = visibility
    credential.save(update_fields=["visibility", "updated_at"])
    return credential


# --- rules ---------------------------------------------------------------------------------------


@transaction.atomic
def create_rule(
    *,
    issuer: Issuer,
    by: User | None,
    outcome_kind: str,
    achievement: Achievement,
    skill: Skill | None = None,
    valid_days: int | None = None,
) -> IssuingRule:
    """ "Outcome kind X (optionally about skill Y) awards achievement Z." ``by=None`` only for the
    platform's own setup (demo data)."""
    if by is not None or not issuer.is_platform:
        _require_issuer_role(issuer, by)
    if achievement.issuer_id != issuer.pk:
        raise ValidationError(_("A rule can only award an achievement of the same issuer."))
    kind = outcome_kind.strip()
    if not kind or len(kind) > 64:
        raise ValidationError(_("Name the kind of outcome, such as exchange.completed."))
    if valid_days is not None and not 1 <= valid_days <= 36500:
        raise ValidationError(_("The validity must be between 1 and 36500 days."))
    if IssuingRule.objects.filter(achievement=achievement, outcome_kind=kind, skill=skill).exists():
        raise ValidationError(_("The same rule exists already."))
    try:
        return IssuingRule.objects.create(
            issuer=issuer,
            outcome_kind=kind,
            skill=skill,
            achievement=achievement,
            valid_days=valid_days,
            created_by=by,
        )
    except IntegrityError:
        raise ValidationError(_("The same rule exists already.")) from None


@transaction.atomic
def delete_rule(*, rule: IssuingRule, by: User) -> None:
    """Stop a rule; badges it already awarded stay."""
    _require_issuer_role(rule.issuer, by)
    rule.delete()


def _outcome_skill_ids(outcome: Outcome) -> set[int]:
    """The skills an outcome is about, read from its subject without importing the pillar that
    wrote it: a ``skill`` foreign key or a ``skills`` relation."""
    subject = outcome.subject
    if subject is None:
        return set()
    found: set[int] = set()
    skill_id = getattr(subject, "skill_id", None)
    if isinstance(skill_id, int):
        found.add(skill_id)
    related = getattr(subject, "skills", None)
    if related is not None and hasattr(related, "values_list"):
        found.update(related.values_list("pk", flat=True))
    return found


def _outcome_evidence(outcome: Outcome) -> list[Evidence]:
    """The outcome's evidence link as an absolute web address, or none if it is not one."""
    url = outcome.evidence_url.strip()
    if url.startswith("/"):
        url = settings.SITE_URL + url
    try:
        return _clean_evidence([Evidence(url=url)]) if url else []
    except ValidationError:
        return []


def _rule_matches(rule: IssuingRule, skill_ids: set[int]) -> bool:
    if rule.skill is None:
        return True
    return bool(skill_ids & set(rule.skill.descendant_ids()))


@transaction.atomic
def award_from_outcome(outcome: Outcome) -> list[Credential]:
    """Award what the active rules say for ``outcome``; each achievement at most once per
    outcome, so calling this twice awards nothing new."""
    rules = list(
        IssuingRule.objects.filter(
            outcome_kind=outcome.kind,
            is_active=True,
            issuer__is_active=True,
            achievement__is_active=True,
        ).select_related("achievement", "achievement__issuer", "skill")
    )
    if not rules:
        return []
    skill_ids = _outcome_skill_ids(outcome)
    awarded = []
    for rule in rules:
        if not _rule_matches(rule, skill_ids):
            continue
        if Credential.objects.filter(achievement=rule.achievement, outcome=outcome).exists():
            continue
        valid_from = timezone.now()
        valid_until = valid_from + timedelta(days=rule.valid_days) if rule.valid_days else None
        evidence = _outcome_evidence(outcome)
        awarded.append(
            _issue(
                achievement=rule.achievement,
                recipient=outcome.person,
                by=None,
                evidence=evidence,
                valid_from=valid_from,
                valid_until=valid_until,
                recipient_kind=Credential.RecipientKind.PROFILE,
                locale=rule.achievement.default_locale,
                rule=rule,
                outcome=outcome,
            )
        )
    return awarded


# --- imported credentials ------------------------------------------------------------------------

#: Verdicts under which a credential from elsewhere may be added to a person's badges: genuine,
#: and either valid or merely expired (a past achievement is still worth showing as such).
IMPORTABLE_VERDICTS = frozenset({"verified", "expired"})
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("id") or ""
    return str(value or "")[:300]


@transaction.atomic
def import_credential(
    *,
    owner: User,
    data: bytes | None = None,
    text: str | None = None,
    supplied: dict[str, Any] | None = None,
) -> ImportedCredential:
    """Verify an Open Badges 3.0 credential from another issuer (a baked image, a JSON file, or
    text: JSON or a VC-JWT) and add it, private, to ``owner``'s badges. ``supplied`` are the
    issuer's documents (DID document, status list) by URL: nothing is fetched. Refused with the
    verifier's explanation unless it is genuine and either valid or expired."""
    from . import verification
    from .verify_service import RequestDocuments, is_site_address

    now = timezone.now()
    documents = RequestDocuments(supplied or {})
    if data is not None:
        try:
            original = verification.read_upload(data)
        except verification.InputProblemError as problem:
            raise ValidationError(str(problem)) from None
    else:
        original = (text or "").strip()
    report = verification.verify_text(original, documents=documents, now=now)
    document = report.credential
    if document is None:
        raise ValidationError(report.headline)
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if not OB3_TYPES & set(map(str, types)):
        raise ValidationError(_("Only Open Badges 3.0 credentials can be added here."))
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(issuer_id, str) and is_site_address(issuer_id):
        raise ValidationError(
            _("This badge was issued on this site; it is listed on your badges page already.")
        )
    if str(report.verdict) not in IMPORTABLE_VERDICTS:
        failure = next((c for c in report.checks if c.status is verification.Status.FAILED), None)
        detail = failure.explanation if failure is not None else ""
        raise ValidationError(
            _("The badge was not added: %(verdict)s %(detail)s")
            % {"verdict": report.headline, "detail": detail}
        )
    credential_id = str(document.get("id") or "")[:500]
    if (
        credential_id
        and ImportedCredential.objects.filter(owner=owner, credential_id=credential_id).exists()
    ):
        raise ValidationError(_("You added this badge already."))
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    name = _text_of(achievement) or _text_of(document.get("name")) or credential_id
    return ImportedCredential.objects.create(
        owner=owner,
        credential_id=credential_id,
        name=name or _("A badge"),
        issuer_name=_text_of(issuer if isinstance(issuer, dict) else ""),
        issuer_id=str(issuer_id or "")[:500],
        document=document,
        original=original,
        format=report.format,
        verdict=str(report.verdict),
        checked_at=now,
    )


@transaction.atomic
def set_imported_visibility(*, imported: ImportedCredential, by: User, is_public: bool) -> None:
    """Show an imported badge to everyone, or to its owner only."""
    if imported.owner_id != by.pk:
        raise PermissionDenied(_("Only the person who added a badge can change who sees it."))
    imported.is_public = is_public
    imported.save(update_fields=["is_public"])


@transaction.atomic
def remove_imported(*, imported: ImportedCredential, by: User) -> None:
    """Take an imported badge off the person's badges page."""
    if imported.owner_id != by.pk:
        raise PermissionDenied(_("Only the person who added a badge can remove it."))
    imported.delete()
