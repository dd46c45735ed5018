"""Every write of the exchange lifecycle. Pages, the API, programs and the demo call these.

Each action checks its input and the state machine (``models.REQUEST_TRANSITIONS`` /
``EXCHANGE_TRANSITIONS``) before writing, inside ``transaction.atomic``; a refused action raises
``ValidationError`` (a translated sentence) or ``PermissionDenied`` and changes nothing.
Notifications are stored in the same transaction and e-mailed after it commits.

Capacity: taking a mentor's place locks the mentor's profile row first (``select_for_update`` on
PostgreSQL; on SQLite every transaction is ``IMMEDIATE``, so writers queue), then counts their
active exchanges. Two learners taking the last place at once are therefore serialised and the
second is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skillcommons.accounts.models import PersonSkill, Profile, Role, User
from skillcommons.core.actions import record_outcome
from skillcommons.notifications.actions import notify
from skillcommons.taxonomy.models import Skill

from . import loader
from .models import (
    EXCHANGE_TRANSITIONS,
    MAX_MESSAGE_LENGTH,
    REQUEST_TRANSITIONS,
    Block,
    Exchange,
    ExchangeRequest,
    ExchangeStatus,
    Feedback,
    Report,
    RequestStatus,
    Session,
)

COMPLETED_OUTCOME = "exchange.completed"


def request_lifetime() -> timedelta:
    """How long a request waits for an answer (``SKILLCOMMONS_EXCHANGE_REQUEST_DAYS``, 14)."""
    return timedelta(days=int(getattr(settings, "SKILLCOMMONS_EXCHANGE_REQUEST_DAYS", 14)))


# ---------------------------------------------------------------------------------------------
# Checks shared by several actions


def is_blocked(a_id: int, b_id: int) -> bool:
    """Whether either person blocked the other."""
    return Block.objects.filter(
        models.Q(blocker_id=a_id, blocked_id=b_id) | models.Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_ids(user_id: int) -> set[int]:
    """Everyone ``user_id`` blocked or was blocked by: left out of each other's suggestions."""
    pairs = Block.objects.filter(models.Q(blocker_id=user_id) | models.Q(blocked_id=user_id))
    return {b if a == user_id else a for a, b in pairs.values_list("blocker_id", "blocked_id")}


def _check_text(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {
                field: _("This text is too long: at most %(limit)d characters.")
                % {"limit": MAX_MESSAGE_LENGTH}
            }
        )
    return value


def _transition(current: str, target: str, table: dict[str, frozenset[str]]) -> None:
    if target not in table.get(current, frozenset()):
        raise ValidationError(_("This is already closed; nothing was changed."))


def related_skill_ids(skill: Skill) -> set[int]:
    """The skill, its parent, its children and its siblings (what a mentor may teach it with)."""
    ids = {skill.pk}
    ids.update(Skill.objects.filter(parent_id=skill.pk).values_list("pk", flat=True))
    if skill.parent_id is not None:
        ids.add(skill.parent_id)
        ids.update(Skill.objects.filter(parent_id=skill.parent_id).values_list("pk", flat=True))
    return ids


def mentor_load(mentor_id: int) -> int:
    return Exchange.objects.active().filter(mentor_id=mentor_id).count()


def _lock_mentor(mentor_id: int) -> Profile:
    """Lock the mentor's profile row for the rest of the transaction (see the module doc)."""
    profile = Profile.objects.select_for_update().filter(user_id=mentor_id).first()
    if profile is None:
        raise ValidationError(_("This person does not mentor anyone at the moment."))
    return profile


def _check_free_place(mentor: Profile) -> None:
    load = mentor_load(mentor.user_id)
    if load >= mentor.mentoring_capacity:
        raise ValidationError(
            _("This mentor has no free place (%(load)d of %(capacity)d taken).")
            % {"load": load, "capacity": mentor.mentoring_capacity}
        )


def _participant(exchange: Exchange, by: User) -> None:
    if not exchange.is_participant(by.pk):
        raise PermissionDenied(_("Only the two people of this exchange can do this."))


def _on_commit_refresh() -> None:
    transaction.on_commit(loader.invalidate_loads)


# ---------------------------------------------------------------------------------------------
# Requests


@transaction.atomic
def send_request(
    *, learner: User, mentor: User, skill: Skill, method: str, message: str = ""
) -> ExchangeRequest:
    """``learner`` asks ``mentor`` to help them learn ``skill``."""
    if learner.pk == mentor.pk:
        raise ValidationError(_("You cannot send a request to yourself."))
    if not mentor.is_active:
        raise ValidationError(_("This person cannot receive requests."))
    if method not in Profile.Method.values:
        raise ValidationError({"method": _("Choose one of the ways of learning offered.")})
    message = _check_text(message, "message")
    if is_blocked(learner.pk, mentor.pk):
        raise ValidationError(_("You cannot send a request to this person."))
    offers = models.Q()
    for name in PersonSkill.OFFER_FIELDS:
        offers |= models.Q(**{name: True})
    if (
        not PersonSkill.objects.filter(
            profile__user_id=mentor.pk, skill_id__in=related_skill_ids(skill)
        )
        .filter(offers)
        .exists()
    ):
        raise ValidationError(
            {"skill": _("This person offers nothing in this skill or one close to it.")}
        )
    now = timezone.now()
    open_requests = ExchangeRequest.objects.filter(
        learner=learner, mentor=mentor, skill=skill, status=RequestStatus.PENDING
    )
    if open_requests.filter(expires_at__gt=now).exists():
        raise ValidationError(_("You already have an open request to this person for this skill."))
    if Exchange.objects.active().filter(learner=learner, mentor=mentor, skill=skill).exists():
        raise ValidationError(_("You already have an active exchange with this person for it."))
    profile = _lock_mentor(mentor.pk)
    _check_free_place(profile)
    # An old request that ran out is closed now, so the new one is the only open one.
    open_requests.filter(expires_at__lte=now).update(status=RequestStatus.EXPIRED, closed_at=now)
    try:
        with transaction.atomic():
            request = ExchangeRequest.objects.create(
                learner=learner,
                mentor=mentor,
                skill=skill,
                method=method,
                message=message,
                expires_at=now + request_lifetime(),
            )
    except IntegrityError as error:
        # Two identical requests at once: the constraint lets one through.
        raise ValidationError(
            _("You already have an open request to this person for this skill.")
        ) from error
    notify(
        recipient=mentor,
        kind="exchange.request",
        message=gettext_noop("%(person)s asks you for help with %(skill)s."),
        params={"person": learner.username, "skill": skill.label()},
        url=request.get_absolute_url(),
    )
    return request


def _pending(request_id: int) -> ExchangeRequest:
    request = (
        ExchangeRequest.objects.select_for_update()
        .select_related("learner", "mentor", "skill")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ValidationError(_("This request does not exist."))
    if request.status == RequestStatus.PENDING and request.expires_at <= timezone.now():
        raise ValidationError(_("This request has expired; nothing was changed."))
    return request


@transaction.atomic
def accept_request(*, request: ExchangeRequest, by: User, answer: str = "") -> Exchange:
    """The mentor accepts: the exchange starts if they still have a free place."""
    request = _pending(request.pk)
    if by.pk != request.mentor_id:
        raise PermissionDenied(_("Only the person asked can accept this request."))
    _transition(request.status, RequestStatus.ACCEPTED, REQUEST_TRANSITIONS)
    answer = _check_text(answer, "answer")
    if is_blocked(request.learner_id, request.mentor_id):
        raise ValidationError(_("You cannot start an exchange with this person."))
    exchange = start_exchange(
        learner=request.learner,
        mentor=request.mentor,
        skill=request.skill,
        method=request.method,
        request=request,
    )
    request.status = RequestStatus.ACCEPTED
    request.answer = answer
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "answer", "closed_at"])
    notify(
        recipient=request.learner,
        kind="exchange.accepted",
        message=gettext_noop("%(person)s accepted your request for %(skill)s."),
        params={"person": request.mentor.username, "skill": request.skill.label()},
        url=exchange.get_absolute_url(),
    )
    return exchange


@transaction.atomic
def decline_request(*, request: ExchangeRequest, by: User, answer: str = "") -> ExchangeRequest:
    request = _pending(request.pk)
    if by.pk != request.mentor_id:
        raise PermissionDenied(_("Only the person asked can decline this request."))
    _transition(request.status, RequestStatus.DECLINED, REQUEST_TRANSITIONS)
    request.status = RequestStatus.DECLINED
    request.answer = _check_text(answer, "answer")
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "answer", "closed_at"])
    notify(
        recipient=request.learner,
        kind="exchange.declined",
        message=gettext_noop("%(person)s cannot help with %(skill)s this time."),
        params={"person": request.mentor.username, "skill": request.skill.label()},
        url=request.get_absolute_url(),
    )
    return request


@transaction.atomic
def withdraw_request(*, request: ExchangeRequest, by: User) -> ExchangeRequest:
    request = _pending(request.pk)
    if by.pk != request.learner_id:
        raise PermissionDenied(_("Only the person who sent this request can withdraw it."))
    _transition(request.status, RequestStatus.WITHDRAWN, REQUEST_TRANSITIONS)
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    notify(
        recipient=request.mentor,
        kind="exchange.withdrawn",
        message=gettext_noop("%(person)s withdrew their request for %(skill)s."),
        params={"person": request.learner.username, "skill": request.skill.label()},
        url=request.get_absolute_url(),
    )
    return request


@transaction.atomic
def expire_requests(*, now: datetime | None = None) -> int:
    """Close every pending request whose time ran out; returns how many. Run it regularly
    (``manage.py expire_exchange_requests``); pages already treat them as expired."""
    now = now or timezone.now()
    due = list(
        ExchangeRequest.objects.select_for_update()
        .select_related("learner", "skill")
        .filter(status=RequestStatus.PENDING, expires_at__lte=now)
    )
    for request in due:
        request.status = RequestStatus.EXPIRED
        request.closed_at = now
        request.save(update_fields=["status", "closed_at"])
        notify(
            recipient=request.learner,
            kind="exchange.expired",
            message=gettext_noop("Your request for %(skill)s expired without an answer."),
            params={"skill": request.skill.label()},
            url=request.get_absolute_url(),
        )
    return len(due)


# ---------------------------------------------------------------------------------------------
# Exchanges


@transaction.atomic
def start_exchange(
    *,
    learner: User,
    mentor: User,
    skill: Skill,
    method: str,
    request: ExchangeRequest | None = None,
) -> Exchange:
    """Start an exchange, taking one of the mentor's places (refused when none is free). Used
    when a request is accepted and when a cohort program publishes its pairs."""
    if learner.pk == mentor.pk:
        raise ValidationError(_("You cannot start an exchange with yourself."))
    if method not in Profile.Method.values:
        raise ValidationError({"method": _("Choose one of the ways of learning offered.")})
    profile = _lock_mentor(mentor.pk)
    _check_free_place(profile)
    exchange = Exchange.objects.create(
        request=request, learner=learner, mentor=mentor, skill=skill, method=method
    )
    _on_commit_refresh()
    return exchange


def _close(exchange: Exchange, status: str) -> Exchange:
    locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
    _transition(locked.status, status, EXCHANGE_TRANSITIONS)
    locked.status = status
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _on_commit_refresh()
    return locked


@transaction.atomic
def complete_exchange(*, exchange: Exchange, by: User) -> Exchange:
    """Either participant records that the exchange is done: an ``exchange.completed`` outcome
    for both people (what recognition reads), and the mentor's place is free again."""
    _participant(exchange, by)
    exchange = _close(exchange, ExchangeStatus.COMPLETED)
    _record_completion(exchange)
    return exchange


def _record_completion(exchange: Exchange) -> None:
    url = f"{settings.SITE_URL}{exchange.get_absolute_url()}"
    people = User.objects.filter(pk__in=[exchange.learner_id, exchange.mentor_id])
    skill = Skill.objects.get(pk=exchange.skill_id)
    for person in people:
        record_outcome(
            person=person,
            kind=COMPLETED_OUTCOME,
            subject=exchange,
            occurred_at=exchange.closed_at,
            evidence_url=url,
        )
        notify(
            recipient=person,
            kind="exchange.completed",
            message=gettext_noop("Your exchange about %(skill)s is complete. Thank you!"),
            params={"skill": skill.label()},
            url=exchange.get_absolute_url(),
        )


@transaction.atomic
def cancel_exchange(*, exchange: Exchange, by: User) -> Exchange:
    _participant(exchange, by)
    exchange = _close(exchange, ExchangeStatus.CANCELLED)
    other = User.objects.get(pk=exchange.other(by.pk))
    notify(
        recipient=other,
        kind="exchange.cancelled",
        message=gettext_noop("%(person)s ended your exchange before it was complete."),
        params={"person": by.username},
        url=exchange.get_absolute_url(),
    )
    return exchange


@transaction.atomic
def schedule_session(
    *,
    exchange: Exchange,
    by: User,
    starts_at: datetime,
    duration_minutes: int = 60,
    online_url: str = "",
    place: str = "",
    notes: str = "",
) -> Session:
    """Plan a meeting. ``starts_at`` must carry its time zone (it is stored in UTC)."""
    _participant(exchange, by)
    if exchange.status != ExchangeStatus.ACTIVE:
        raise ValidationError(_("This exchange is closed; nothing was changed."))
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    if not 5 <= duration_minutes <= 600:
        raise ValidationError({"duration_minutes": _("A session lasts from 5 to 600 minutes.")})
    online_url, place = online_url.strip(), place.strip()
    if not online_url and not place:
        raise ValidationError(_("Give an online link or a place."))
    if online_url and not online_url.startswith(("https://", "http://")):
        raise ValidationError({"online_url": _("The online link must start with https://.")})
    if len(online_url) > 500 or len(place) > 200:
        raise ValidationError(_("The link or the place is too long."))
    session = Session(
        exchange=exchange,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        online_url=online_url,
        place=place,
        notes=_check_text(notes, "notes"),
        created_by=by,
    )
    session.full_clean(exclude=["exchange", "created_by"])
    session.save()
    other = User.objects.get(pk=exchange.other(by.pk))
    notify(
        recipient=other,
        kind="exchange.session",
        message=gettext_noop("%(person)s planned a session on %(when)s (UTC)."),
        params={
            "person": by.username,
            "when": starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        },
        url=exchange.get_absolute_url(),
    )
    return session


@transaction.atomic
def cancel_session(*, session: Session, by: User) -> Session:
    session = Session.objects.select_for_update().select_related("exchange").get(pk=session.pk)
    _participant(session.exchange, by)
    if session.cancelled_at is not None or session.exchange.status != ExchangeStatus.ACTIVE:
        raise ValidationError(_("This is already closed; nothing was changed."))
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at"])
    other = User.objects.get(pk=session.exchange.other(by.pk))
    notify(
        recipient=other,
        kind="exchange.session_cancelled",
        message=gettext_noop("%(person)s cancelled the session of %(when)s (UTC)."),
        params={"person": by.username, "when": session.starts_at.strftime("%Y-%m-%d %H:%M")},
        url=session.exchange.get_absolute_url(),
    )
    return session


@transaction.atomic
def give_feedback(*, exchange: Exchange, by: User, rating: int, comment: str = "") -> Feedback:
    """One participant's rating (1–5) and comment, once. When both have given feedback on an
    active exchange it is complete."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    _participant(exchange, by)
    if exchange.status == ExchangeStatus.CANCELLED:
        raise ValidationError(_("This exchange is closed; nothing was changed."))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    comment = _check_text(comment, "comment")
    if Feedback.objects.filter(exchange=exchange, author=by).exists():
        raise ValidationError(_("You already gave feedback on this exchange."))
    feedback = Feedback.objects.create(exchange=exchange, author=by, rating=rating, comment=comment)
    other = User.objects.get(pk=exchange.other(by.pk))
    notify(
        recipient=other,
        kind="exchange.feedback",
        message=gettext_noop("%(person)s gave feedback on your exchange."),
        params={"person": by.username},
        url=exchange.get_absolute_url(),
    )
    if (
        exchange.status == ExchangeStatus.ACTIVE
        and Feedback.objects.filter(exchange=exchange).count() == 2
    ):
        _record_completion(_close(exchange, ExchangeStatus.COMPLETED))
    return feedback


# ---------------------------------------------------------------------------------------------
# Blocks and reports


@transaction.atomic
def block_person(*, blocker: User, blocked: User) -> Block:
    """``blocked`` can no longer request ``blocker`` and neither sees the other in suggestions;
    open requests between them are closed."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    now = timezone.now()
    ExchangeRequest.objects.filter(
        learner=blocked, mentor=blocker, status=RequestStatus.PENDING
    ).update(status=RequestStatus.DECLINED, closed_at=now)
    ExchangeRequest.objects.filter(
        learner=blocker, mentor=blocked, status=RequestStatus.PENDING
    ).update(status=RequestStatus.WITHDRAWN, closed_at=now)
    return block


@transaction.atomic
def unblock_person(*, blocker: User, blocked: User) -> int:
    deleted, _details = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return deleted


@transaction.atomic
def report_person(
    *,
    reporter: User,
    reported: User,
    reason: str,
    details: str = "",
    exchange: Exchange | None = None,
) -> Report:
    """Tell the coordinators about someone. Only a participant may attach an exchange."""
    if reporter.pk == reported.pk:
        raise ValidationError(_("You cannot report yourself."))
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if exchange is not None and not (
        exchange.is_participant(reporter.pk) and exchange.is_participant(reported.pk)
    ):
        raise PermissionDenied(_("Only the two people of this exchange can do this."))
    report = Report.objects.create(
        reporter=reporter,
        reported=reported,
        reason=reason,
        details=_check_text(details, "details"),
        exchange=exchange,
    )
    for coordinator in User.objects.filter(
        models.Q(groups__name=Role.COORDINATOR.value) | models.Q(is_superuser=True),
        is_active=True,
    ).distinct():
        notify(
            recipient=coordinator,
            kind="exchange.report",
            message=gettext_noop("A new report about %(person)s is waiting in the report queue."),
            params={"person": reported.username},
            url=reverse("exchange:reports"),
        )
    return report


@transaction.atomic
def resolve_report(*, report: Report, by: User, resolution: str = "") -> Report:
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied(_("Only coordinators can resolve reports."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.OPEN:
        raise ValidationError(_("This is already closed; nothing was changed."))
    report.status = Report.Status.RESOLVED
    report.resolved_by = by
    report.resolved_at = timezone.now()
    report.resolution = _check_text(resolution, "resolution")
    report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    return report
