"""The peer exchange inside the platform: requests, exchanges with sessions and feedback, blocks
and reports.

The lifecycle (which status may follow which) is written once, in :data:`REQUEST_TRANSITIONS` and
:data:`EXCHANGE_TRANSITIONS`; every change goes through an action in ``actions.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillcommons.accounts.models import Profile, Role, User
from skillcommons.taxonomy.models import Skill

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_MESSAGE_LENGTH = 2000


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class ExchangeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


#: The state machine: status → statuses it may move to. Nothing else changes a status.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PENDING: frozenset(
        {
            RequestStatus.ACCEPTED,
            RequestStatus.DECLINED,
            RequestStatus.WITHDRAWN,
            RequestStatus.EXPIRED,
        }
    ),
    RequestStatus.ACCEPTED: frozenset(),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
    RequestStatus.EXPIRED: frozenset(),
}
EXCHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    ExchangeStatus.ACTIVE: frozenset({ExchangeStatus.COMPLETED, ExchangeStatus.CANCELLED}),
    ExchangeStatus.COMPLETED: frozenset(),
    ExchangeStatus.CANCELLED: frozenset(),
}


class ExchangeRequestQuerySet(models.QuerySet["ExchangeRequest"]):
    def visible_to(self, viewer: Viewer) -> ExchangeRequestQuerySet:
        """Only the two people of a request see it."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(models.Q(learner_id=viewer.pk) | models.Q(mentor_id=viewer.pk))


class ExchangeRequest(models.Model):
    """A learner asks a mentor to help them learn a skill, in a way (method), with a message."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="exchange_requests_sent",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="exchange_requests_received",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="exchange_requests"
    )
    method = models.CharField(_("way of learning"), max_length=20, choices=Profile.Method.choices)
    message = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    answer = models.TextField(_("answer"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ExchangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange request")
        verbose_name_plural = _("exchange requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "mentor", "skill"],
                condition=models.Q(status="pending"),
                name="exchange_request_one_open_per_pair_and_skill",
            ),
            models.CheckConstraint(
                condition=~models.Q(learner=models.F("mentor")),
                name="exchange_request_not_to_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}→{self.mentor_id}:{self.skill_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.PENDING and self.expires_at > timezone.now()

    def other(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.learner_id else self.learner_id


class ExchangeQuerySet(models.QuerySet["Exchange"]):
    def visible_to(self, viewer: Viewer) -> ExchangeQuerySet:
        """Only the two participants see an exchange (everyone else gets a 404)."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(models.Q(learner_id=viewer.pk) | models.Q(mentor_id=viewer.pk))

    def active(self) -> ExchangeQuerySet:
        return self.filter(status=ExchangeStatus.ACTIVE)


class Exchange(models.Model):
    """A mentor helping a learner with a skill: started by an accepted request (or by a cohort
    program), with sessions, then feedback from both and completion."""

    request = models.OneToOneField(
        ExchangeRequest,
        verbose_name=_("request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="exchanges_as_learner",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="exchanges_as_mentor",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="exchanges"
    )
    method = models.CharField(_("way of learning"), max_length=20, choices=Profile.Method.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.ACTIVE,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(learner=models.F("mentor")),
                name="exchange_not_with_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id}→{self.learner_id}:{self.skill_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:detail", args=[self.pk])

    def is_participant(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.learner_id, self.mentor_id)

    def other(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.learner_id else self.learner_id


class Session(models.Model):
    """A meeting of an exchange: a time (stored in UTC, shown in each person's time zone) and an
    online link or a place."""

    exchange = models.ForeignKey(
        Exchange, verbose_name=_("exchange"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    online_url = models.URLField(_("online link"), blank=True, max_length=500)
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=MAX_MESSAGE_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.exchange_id}@{self.starts_at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    """What one participant says about an exchange: a rating and a comment that only the two
    participants read. Coordinators see aggregates, never the comments."""

    exchange = models.ForeignKey(
        Exchange, verbose_name=_("exchange"), on_delete=models.CASCADE, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="exchange_feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("given"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "author"], name="feedback_once_per_author"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id}:{self.author_id}={self.rating}"


class Block(models.Model):
    """``blocker`` does not want ``blocked`` to request them or to see them in suggestions (and
    does not see ``blocked`` either)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        on_delete=models.CASCADE,
        related_name="exchange_blocks",
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked person"),
        on_delete=models.CASCADE,
        related_name="exchange_blocked_by",
    )
    created_at = models.DateTimeField(_("blocked at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id}⊘{self.blocked_id}"


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, viewer: Viewer) -> ReportQuerySet:
        """Coordinators see every report; a person sees the reports they made."""
        if not isinstance(viewer, User) or not viewer.is_active:
            return self.none()
        if viewer.has_role(Role.COORDINATOR):
            return self.all()
        return self.filter(reporter_id=viewer.pk)


class Report(models.Model):
    """Someone tells the coordinators about a person's behaviour in the exchange."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or abuse")
        SPAM = "spam", _("Spam or advertising")
        NO_SHOW = "no_show", _("Repeatedly did not come")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="exchange_reports_made",
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported person"),
        on_delete=models.CASCADE,
        related_name="exchange_reports_about",
    )
    exchange = models.ForeignKey(
        Exchange,
        verbose_name=_("exchange"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True, max_length=MAX_MESSAGE_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution note"), blank=True, max_length=MAX_MESSAGE_LENGTH)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reporter=models.F("reported")), name="report_not_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id}→{self.reported_id}: {self.reason}"


from skillcommons.exchange.program_models import *  # noqa: E402, F403 (programs and circles, in their own file)
