"""Every write of cohort programs and peer-learning circles. Pages, the API and the demo call these.

A refused action raises ``ValidationError`` (a translated sentence, per field where it helps) or
``PermissionDenied`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skillcommons.accounts.models import Profile, Role, User
from skillcommons.core.visibility import Visibility
from skillcommons.notifications.actions import notify
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import REGION_CODES

from . import circles as circle_core
from .actions import start_exchange
from .loader import utc_hours
from .program_matching import (
    options_for,
    options_from_json,
    options_json,
    preview_from,
    skill_pk,
    snapshot_for,
    totals_of,
)
from .program_models import (
    MAX_CAPACITY,
    MAX_NOTE_LENGTH,
    MAX_TEXT_LENGTH,
    Application,
    ApplicationLanguage,
    ApplicationSkill,
    Circle,
    CircleMembership,
    MatchRun,
    Program,
    ProgramMatch,
)
from .scoring import USABLE_PROFICIENCY

MAX_PREFERRED_MENTORS = 5


def _check_manager(program: Program, by: User) -> None:
    if not program.organization.is_organizer(by):
        raise PermissionDenied(_("Only the organizers of this program's organization can do this."))


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "program"
    if base == "new":  # /programs/new/ is the creation page
        base = "new-program"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _check_program_fields(
    *,
    title: str,
    description: str,
    skills: Sequence[Skill],
    languages: Sequence[Language],
    regions: Sequence[str],
    starts_on: date,
    ends_on: date,
    applications_open_at: datetime,
    applications_close_at: datetime,
    mentor_capacity: int,
    region_quotas: Mapping[str, int],
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the program a title.")
    elif len(title) > 200:
        errors["title"] = _("The title is too long (200 characters at most).")
    if len(description) > MAX_TEXT_LENGTH:
        errors["description"] = _("The description is too long (10,000 characters at most).")
    if not skills:
        errors["skills"] = _("Choose at least one skill.")
    elif any(not s.is_active for s in skills):
        errors["skills"] = _("Choose only active skills.")
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    unknown = sorted(set(regions) - set(REGION_CODES))
    if unknown:
        errors["regions"] = _("Unknown region: %(codes)s.") % {"codes": ", ".join(unknown)}
    if ends_on < starts_on:
        errors["ends_on"] = _("The program cannot end before it starts.")
    if applications_close_at <= applications_open_at:
        errors["applications_close_at"] = _("Applications must close after they open.")
    if not 1 <= mentor_capacity <= MAX_CAPACITY:
        errors["mentor_capacity"] = _("A mentor takes from 1 to %(max)d mentees.") % {
            "max": MAX_CAPACITY
        }
    for code, quota in region_quotas.items():
        if code not in REGION_CODES:
            errors["region_quotas"] = _("Unknown region: %(codes)s.") % {"codes": code}
        elif isinstance(quota, bool) or not isinstance(quota, int) or not 0 <= quota <= 100000:
            errors["region_quotas"] = _("A regional quota is a whole number from 0 to 100,000.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_program(
    *,
    by: User,
    organization: Organization,
    title: str,
    description: str = "",
    skills: Sequence[Skill],
    languages: Sequence[Language],
    regions: Sequence[str] = (),
    starts_on: date,
    ends_on: date,
    applications_open_at: datetime,
    applications_close_at: datetime,
    mentor_capacity: int = 3,
    region_quotas: Mapping[str, int] | None = None,
) -> Program:
    """A new program (a draft until announced) of an organization ``by`` organizes."""
    if not organization.is_organizer(by):
        raise PermissionDenied(_("Only the organizers of an organization can create its programs."))
    quotas = dict(region_quotas or {})
    _check_program_fields(
        title=title,
        description=description,
        skills=skills,
        languages=languages,
        regions=regions,
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_at=applications_open_at,
        applications_close_at=applications_close_at,
        mentor_capacity=mentor_capacity,
        region_quotas=quotas,
    )
    program = Program.objects.create(
        organization=organization,
        slug=_unique_slug(title),
        title=title.strip(),
        description=description,
        regions=sorted(set(regions)),
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_at=applications_open_at,
        applications_close_at=applications_close_at,
        mentor_capacity=mentor_capacity,
        region_quotas=quotas,
        created_by=by,
    )
    program.skills.set(skills)
    program.languages.set(languages)
    return program


@transaction.atomic
def update_program(
    *,
    program: Program,
    by: User,
    title: str,
    description: str = "",
    skills: Sequence[Skill],
    languages: Sequence[Language],
    regions: Sequence[str] = (),
    starts_on: date,
    ends_on: date,
    applications_open_at: datetime,
    applications_close_at: datetime,
    mentor_capacity: int = 3,
    region_quotas: Mapping[str, int] | None = None,
) -> Program:
    """Edit a program that is not yet published or cancelled."""
    _check_manager(program, by)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state in (Program.State.PUBLISHED, Program.State.CANCELLED):
        raise ValidationError(_("A published or cancelled program cannot be changed."))
    quotas = dict(region_quotas or {})
    _check_program_fields(
        title=title,
        description=description,
        skills=skills,
        languages=languages,
        regions=regions,
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_at=applications_open_at,
        applications_close_at=applications_close_at,
        mentor_capacity=mentor_capacity,
        region_quotas=quotas,
    )
    program.title = title.strip()
    program.description = description
    program.regions = sorted(set(regions))
    program.starts_on, program.ends_on = starts_on, ends_on
    program.applications_open_at = applications_open_at
    program.applications_close_at = applications_close_at
    program.mentor_capacity = mentor_capacity
    program.region_quotas = quotas
    program.save()
    program.skills.set(skills)
    program.languages.set(languages)
    return program


@transaction.atomic
def announce_program(*, program: Program, by: User) -> Program:
    """Draft → announced: the program is listed and takes applications in its window."""
    _check_manager(program, by)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state != Program.State.DRAFT:
        raise ValidationError(_("Only a draft program can be announced."))
    program.state = Program.State.OPEN
    program.save(update_fields=["state", "updated_at"])
    return program


@transaction.atomic
def cancel_program(*, program: Program, by: User) -> Program:
    _check_manager(program, by)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state in (Program.State.PUBLISHED, Program.State.CANCELLED):
        raise ValidationError(_("A published or cancelled program cannot be cancelled."))
    program.state = Program.State.CANCELLED
    program.save(update_fields=["state", "updated_at"])
    return program


# ---------------------------------------------------------------------------------------------
# Applications


def _check_open(program: Program) -> None:
    now = timezone.now()
    if program.state != Program.State.OPEN:
        raise ValidationError(_("This program does not take applications."))
    if now < program.applications_open_at:
        raise ValidationError(_("Applications for this program are not open yet."))
    if now >= program.applications_close_at:
        raise ValidationError(_("Applications for this program are closed."))


@transaction.atomic
def apply_to_program(
    *,
    program: Program,
    user: User,
    role: str,
    skills: Mapping[Skill, int],
    languages: Mapping[Language, int],
    methods: Iterable[str] = (),
    capacity: int = 0,
    preferred_mentors: Sequence[User] = (),
    motivation: str = "",
) -> Application:
    """Apply as a mentor (``skills``: the skills offered with the applicant's level in each;
    ``capacity``: mentees they take) or as a mentee (``skills``: exactly one skill with the
    level they aim for; ``preferred_mentors``: up to five mentor applicants)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _check_open(program)
    if Application.objects.filter(program=program, user=user).exists():
        raise ValidationError(_("You have already applied to this program."))
    errors: dict[str, str] = {}
    if role not in Application.Role.values:
        errors["role"] = _("Apply as a mentor or as a mentee.")
    program_skills = set(program.skills.values_list("pk", flat=True))
    program_languages = set(program.languages.values_list("pk", flat=True))
    if not skills:
        errors["skills"] = _("Choose a skill of this program.")
    elif any(s.pk not in program_skills for s in skills):
        errors["skills"] = _("Choose only skills of this program.")
    elif role == Application.Role.MENTEE and len(skills) != 1:
        errors["skills"] = _("As a mentee, choose the one skill you want to learn here.")
    elif any(not 0 <= level <= 4 for level in skills.values()):
        errors["skills"] = _("A skill level is from 0 to 4.")
    if any(lang.pk not in program_languages for lang in languages):
        errors["languages"] = _("Choose only languages of this program.")
    elif any(not 0 <= p <= 6 for p in languages.values()):
        errors["languages"] = _("A language level is from 0 to 5, or 6 for native.")
    elif not any(p >= USABLE_PROFICIENCY for p in languages.values()):
        errors["languages"] = _(
            "You need at least one of the program's languages at level 3 or better: exchanges "
            "happen in a language both people use well."
        )
    methods = list(dict.fromkeys(methods))
    if any(m not in Profile.Method.values for m in methods):
        errors["methods"] = _("Choose ways of learning from the list.")
    if role == Application.Role.MENTOR:
        if not 1 <= capacity <= program.mentor_capacity:
            errors["capacity"] = _("As a mentor, take from 1 to %(max)d mentees here.") % {
                "max": program.mentor_capacity
            }
        if preferred_mentors:
            errors["preferred_mentors"] = _("Only mentees choose preferred mentors.")
    else:
        capacity = 0
        mentor_ids = set(
            Application.objects.active()
            .filter(program=program, role=Application.Role.MENTOR)
            .values_list("user_id", flat=True)
        )
        if len(preferred_mentors) > MAX_PREFERRED_MENTORS:
            errors["preferred_mentors"] = _("Choose at most %(max)d preferred mentors.") % {
                "max": MAX_PREFERRED_MENTORS
            }
        elif any(u.pk == user.pk for u in preferred_mentors):
            errors["preferred_mentors"] = _("You cannot be your own mentor.")
        elif any(u.pk not in mentor_ids for u in preferred_mentors):
            errors["preferred_mentors"] = _("Choose only people who applied as mentors.")
    if len(motivation) > MAX_NOTE_LENGTH:
        errors["motivation"] = _("The text is too long (2,000 characters at most).")
    if program.regions:
        region = Profile.objects.filter(user=user).values_list("region", flat=True).first()
        if region not in program.regions:
            errors["__all__"] = _(
                "This program is for people in its regions; set your country on your profile "
                "if you live in one of them."
            )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                program=program,
                user=user,
                role=role,
                methods=methods,
                capacity=capacity,
                motivation=motivation,
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already applied to this program.")) from error
    ApplicationSkill.objects.bulk_create(
        ApplicationSkill(application=application, skill=s, level=level)
        for s, level in skills.items()
    )
    ApplicationLanguage.objects.bulk_create(
        ApplicationLanguage(application=application, language=lang, proficiency=p)
        for lang, p in languages.items()
    )
    application.preferred_mentors.set(preferred_mentors)
    return application


@transaction.atomic
def withdraw_application(*, application: Application, by: User) -> Application:
    """The applicant withdraws while applications are open."""
    if application.user_id != by.pk:
        raise PermissionDenied(_("Only the applicant can withdraw an application."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.withdrawn_at is not None:
        raise ValidationError(_("This application is already withdrawn."))
    _check_open(application.program)
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["withdrawn_at"])
    return application


# ---------------------------------------------------------------------------------------------
# Matching and publishing


@transaction.atomic
def run_matching(
    *, program: Program, by: User, candidates: int = 10, spread: float = 2.0
) -> MatchRun:
    """Run the batch matcher on the program's current applications and keep the result as a
    run the organizer can preview (and publish). Can be run again any time before publishing."""
    _check_manager(program, by)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.state != Program.State.OPEN:
        raise ValidationError(_("Matching runs only for an announced, unpublished program."))
    if not 1 <= candidates <= 100:
        raise ValidationError({"candidates": _("Consider from 1 to 100 mentors per mentee.")})
    if not 0 <= spread <= 100:
        raise ValidationError({"spread": _("The spreading cost is from 0 to 100 points.")})
    snapshot = snapshot_for(program)
    if not snapshot["mentees"]:
        raise ValidationError(_("Nobody has applied as a mentee yet."))
    if not snapshot["mentors"]:
        raise ValidationError(_("Nobody has applied as a mentor yet."))
    options = options_for(program, snapshot, candidates=candidates, spread=spread)
    preview = preview_from(snapshot, options)
    return MatchRun.objects.create(
        program=program,
        created_by=by,
        options=options_json(options),
        snapshot=snapshot,
        assignment=[
            [
                p.mentee_id,
                p.mentor_id,
                skill_pk(snapshot, _mentee_skill(snapshot, p.mentee_id)),
                round(p.score, 3),
                p.rank,
            ]
            for p in preview.pairs
        ],
        totals=totals_of(preview),
    )


def _mentee_skill(snapshot: Mapping[str, Any], mentee_id: int) -> int:
    for m in snapshot["mentees"]:
        if int(m["id"]) == mentee_id:
            return int(m["skill"])
    raise KeyError(mentee_id)


def run_preview(run: MatchRun) -> Any:
    """The run's preview, explained in the active language (recomputed from its stored inputs;
    the same inputs give the same pairs)."""
    preview = preview_from(run.snapshot, options_from_json(run.options))
    if [[p.mentee_id, p.mentor_id] for p in preview.pairs] != [a[:2] for a in run.assignment]:
        raise ValidationError(_("This run cannot be reproduced any more; run matching again."))
    return preview


def _method_for(mentee: Application | None, mentor: Application | None) -> str:
    mentee_methods = list(mentee.methods) if mentee else []
    mentor_methods = set(mentor.methods) if mentor else set()
    for method in mentee_methods:
        if method in mentor_methods:
            return str(method)
    if mentee_methods:
        return str(mentee_methods[0])
    return Profile.Method.MENTORING.value


@transaction.atomic
def publish_run(*, run: MatchRun, by: User) -> list[ProgramMatch]:
    """Publish a run: start one exchange per pair, record the pairs, notify everyone who
    applied. All or nothing, and only once per program."""
    _check_manager(run.program, by)
    program = Program.objects.select_for_update().get(pk=run.program_id)
    if program.state == Program.State.PUBLISHED:
        raise ValidationError(_("This program's matches are already published."))
    if program.state != Program.State.OPEN:
        raise ValidationError(_("Only an announced program can publish its matches."))
    run = MatchRun.objects.select_for_update().get(pk=run.pk, program=program)
    if not run.assignment:
        raise ValidationError(_("This run matched nobody; there is nothing to publish."))
    applications = {
        a.user_id: a
        for a in Application.objects.active().filter(program=program).select_related("user")
    }
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[x for a in run.assignment for x in a[:2]])
    }
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=[a[2] for a in run.assignment])}
    matches: list[ProgramMatch] = []
    for mentee_id, mentor_id, skill_id, score, rank in run.assignment:
        if mentee_id not in applications or mentor_id not in applications:
            raise ValidationError(
                _("Someone in this run has withdrawn since; run matching again before publishing.")
            )
        mentee, mentor, skill = users[mentee_id], users[mentor_id], skills[skill_id]
        try:
            exchange = start_exchange(
                learner=mentee,
                mentor=mentor,
                skill=skill,
                method=_method_for(applications[mentee_id], applications[mentor_id]),
            )
        except ValidationError as error:
            raise ValidationError(
                _(
                    "%(mentor)s cannot take %(mentee)s any more (%(why)s) Run matching again "
                    "before publishing."
                )
                % {"mentor": mentor.username, "mentee": mentee.username, "why": error.messages[0]}
            ) from error
        matches.append(
            ProgramMatch.objects.create(
                program=program,
                run=run,
                mentee=mentee,
                mentor=mentor,
                skill=skill,
                score=float(score),
                rank=int(rank),
                exchange=exchange,
            )
        )
        notify(
            recipient=mentee,
            kind="program.matched",
            message=gettext_noop("%(program)s: %(person)s is your mentor for %(skill)s."),
            params={"program": program.title, "person": mentor.username, "skill": skill.label()},
            url=exchange.get_absolute_url(),
        )
        notify(
            recipient=mentor,
            kind="program.matched",
            message=gettext_noop("%(program)s: you mentor %(person)s in %(skill)s."),
            params={"program": program.title, "person": mentee.username, "skill": skill.label()},
            url=exchange.get_absolute_url(),
        )
    matched = {m.mentee_id for m in matches} | {m.mentor_id for m in matches}
    for user_id, application in applications.items():
        if user_id not in matched:
            notify(
                recipient=application.user,
                kind="program.not_matched",
                message=gettext_noop(
                    "%(program)s: the matches are published; this time you were not matched."
                ),
                params={"program": program.title},
                url=program.get_absolute_url(),
            )
    now = timezone.now()
    run.published_at = now
    run.save(update_fields=["published_at"])
    program.state = Program.State.PUBLISHED
    program.published_at = now
    program.save(update_fields=["state", "published_at", "updated_at"])
    return matches


# ---------------------------------------------------------------------------------------------
# Circles


def _save_circles(
    plan: circle_core.CirclePlan,
    *,
    by: User,
    program: Program | None,
    skill_pks: Sequence[int],
    language_pks: Sequence[int],
) -> list[Circle]:
    saved: list[Circle] = []
    for formed in plan.circles:
        circle = Circle.objects.create(
            program=program,
            skill_id=skill_pks[formed.skill],
            language_id=language_pks[formed.language],
            common_hours=formed.common_hours,
            created_by=by,
        )
        CircleMembership.objects.bulk_create(
            CircleMembership(
                circle=circle,
                user_id=m.learner_id,
                proficiency=m.proficiency,
                shared_hours=m.shared_hours,
            )
            for m in formed.members
        )
        saved.append(circle)
    return saved


@transaction.atomic
def form_program_circles(
    *, program: Program, by: User
) -> tuple[list[Circle], circle_core.CirclePlan]:
    """Circles of the program's mentees (their skill, in the program languages they use).
    Replaces the program's earlier circles."""
    _check_manager(program, by)
    if program.state == Program.State.CANCELLED:
        raise ValidationError(_("A cancelled program has no circles."))
    applications = list(
        Application.objects.active()
        .filter(program=program, role=Application.Role.MENTEE)
        .select_related("user__profile")
        .prefetch_related("skills", "languages")
        .order_by("pk")
    )
    skill_pks = sorted({s.skill_id for a in applications for s in a.skills.all()})
    language_pks = sorted({lang.language_id for a in applications for lang in a.languages.all()})
    skill_index = {pk: i for i, pk in enumerate(skill_pks)}
    language_index = {pk: i for i, pk in enumerate(language_pks)}
    learners = [
        circle_core.CircleLearner(
            id=a.user_id,
            skills=tuple(skill_index[s.skill_id] for s in a.skills.all()),
            languages=tuple(
                (language_index[lang.language_id], lang.proficiency) for lang in a.languages.all()
            ),
            availability=_profile_hours(getattr(a.user, "profile", None)),
        )
        for a in applications
    ]
    plan = circle_core.form_circles(
        learners, skill_names={i: s.label() for i, s in _skills_in_order(skill_pks)}
    )
    Circle.objects.filter(program=program).delete()
    return (
        _save_circles(plan, by=by, program=program, skill_pks=skill_pks, language_pks=language_pks),
        plan,
    )


def _skills_in_order(pks: Sequence[int]) -> list[tuple[int, Skill]]:
    found = Skill.objects.in_bulk(list(pks))
    return [(i, found[pk]) for i, pk in enumerate(pks)]


def _profile_hours(profile: Profile | None) -> int:
    if profile is None:
        return 0
    return utc_hours(list(profile.availability or []), profile.time_zone)


@transaction.atomic
def form_skill_circles(*, skill: Skill, by: User) -> tuple[list[Circle], circle_core.CirclePlan]:
    """Circles of everyone open to peer learning in ``skill``: people who want to learn it and
    share that, and their languages, with members (availability counts only when shared too).
    Only coordinators form these."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied(_("Only coordinators can form circles across the whole site."))
    profiles = list(
        Profile.objects.filter(
            user__is_active=True,
            skills__skill=skill,
            skills__wants_to_learn=True,
            wants_visibility__gte=Visibility.MEMBERS,
            languages_visibility__gte=Visibility.MEMBERS,
        )
        .prefetch_related("languages")
        .distinct()
        .order_by("user_id")
    )
    language_pks = sorted({pl.language_id for p in profiles for pl in p.languages.all()})
    language_index = {pk: i for i, pk in enumerate(language_pks)}
    learners = [
        circle_core.CircleLearner(
            id=p.user_id,
            skills=(0,),
            languages=tuple(
                (language_index[pl.language_id], pl.proficiency) for pl in p.languages.all()
            ),
            availability=(
                _profile_hours(p) if p.availability_visibility >= Visibility.MEMBERS else 0
            ),
        )
        for p in profiles
    ]
    plan = circle_core.form_circles(learners, skill_names={0: skill.label()})
    return (
        _save_circles(plan, by=by, program=None, skill_pks=[skill.pk], language_pks=language_pks),
        plan,
    )
