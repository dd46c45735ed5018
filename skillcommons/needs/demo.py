"""Demo data of the needs assessment (called by ``manage.py seed_demo`` after people and
organizations exist): a three-language capacity questionnaire with a skill matrix of about 40
skills, a closed wave answered by most demo people and organizers, and an open wave answered by
about half of them (demo-member has not answered yet, so the form can be tried).

The questionnaire, waves and the demo organizer's answer go through ``actions``; the hundreds of
generated responses are bulk-inserted with the same pseudonyms and snapshots the action computes,
so seeding stays fast.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from skillcommons.accounts.models import PersonLanguage, Profile, User
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Skill

from . import actions
from .models import Answer, Instrument, Invitation, Response, SkillRating, Wave

MATRIX_SKILLS = 40
SKILLS_PER_RESPONDENT = 12
ROLES = ("editor", "organizer", "trainer", "developer", "other")
TOPICS = ("culture", "science", "gender", "education", "languages")


def _questions(skill_codes: list[str]) -> list[actions.QuestionInput]:
    def c(value: str, en: str, fr: str, es: str) -> actions.ChoiceInput:
        return actions.ChoiceInput(value, {"en": en, "fr": fr, "es": es})

    return [
        actions.QuestionInput(
            name="role",
            kind="single",
            label={
                "en": "What do you mostly do in the movement?",
                "fr": "Que faites-vous surtout dans le mouvement ?",
                "es": "¿Qué hace sobre todo en el movimiento?",
            },
            required=True,
            choices=[
                c("editor", "Editing", "Contribution", "Edición"),
                c("organizer", "Organizing", "Organisation", "Organización"),
                c("trainer", "Training", "Formation", "Formación"),
                c("developer", "Technical work", "Technique", "Trabajo técnico"),
                c("other", "Something else", "Autre chose", "Otra cosa"),
            ],
        ),
        actions.QuestionInput(
            name="role_other",
            kind="text",
            label={"en": "What else?", "fr": "Quoi d’autre ?", "es": "¿Qué otra cosa?"},
            relevance="${role} = 'other'",
        ),
        actions.QuestionInput(
            name="years",
            kind="number",
            label={
                "en": "For how many years have you been active?",
                "fr": "Depuis combien d’années êtes-vous actif ou active ?",
                "es": "¿Cuántos años lleva activo o activa?",
            },
            min_value=Decimal(0),
            max_value=Decimal(60),
        ),
        actions.QuestionInput(
            name="topics",
            kind="multiple",
            label={
                "en": "Which topics do you work on?",
                "fr": "Sur quels sujets travaillez-vous ?",
                "es": "¿En qué temas trabaja?",
            },
            choices=[
                c("culture", "Culture", "Culture", "Cultura"),
                c("science", "Science", "Science", "Ciencia"),
                c("gender", "Gender gap", "Écart de genre", "Brecha de género"),
                c("education", "Education", "Éducation", "Educación"),
                c("languages", "Languages", "Langues", "Idiomas"),
            ],
        ),
        actions.QuestionInput(
            name="support",
            kind="likert",
            label={
                "en": "I get the support I need to learn new skills.",
                "fr": "Je reçois le soutien dont j’ai besoin pour apprendre.",
                "es": "Recibo el apoyo que necesito para aprender.",
            },
            relevance="${years} >= 1",
            choices=[
                c("1", "Strongly disagree", "Pas du tout d’accord", "Muy en desacuerdo"),
                c("2", "Disagree", "Pas d’accord", "En desacuerdo"),
                c("3", "Neutral", "Neutre", "Neutral"),
                c("4", "Agree", "D’accord", "De acuerdo"),
                c("5", "Strongly agree", "Tout à fait d’accord", "Muy de acuerdo"),
            ],
        ),
        actions.QuestionInput(
            name="skills",
            kind="skill_matrix",
            label={
                "en": "Your skills and needs",
                "fr": "Vos compétences et besoins",
                "es": "Sus habilidades y necesidades",
            },
            hint={
                "en": "Rate the skills you know something about; leave the others empty.",
                "fr": "Évaluez les compétences que vous connaissez ; laissez les autres vides.",
                "es": "Valore las habilidades que conoce; deje las demás vacías.",
            },
            skills=skill_codes,
        ),
    ]


def _bulk_responses(
    rng: random.Random,
    *,
    wave: Wave,
    people: list[User],
    organizations: list[tuple[Organization, User]],
    skills: list[Skill],
    share: float,
    submitted_at: datetime,
) -> None:
    questions = {q.name: q for q in wave.version.questions.all()}
    profiles = {p.user_id: p for p in Profile.objects.filter(user__in=people)}
    top_language: dict[int, str] = {}
    for row in (
        PersonLanguage.objects.filter(profile__user__in=people)
        .select_related("language", "profile")
        .order_by("-proficiency", "language__code")
    ):
        top_language.setdefault(row.profile.user_id, row.language.code)
    planned: list[tuple[Response, bool]] = []
    for person in people:
        if rng.random() >= share:
            continue
        profile = profiles.get(person.pk)
        response = Response(
            wave=wave,
            respondent=person,
            pseudonym=actions.pseudonym_for(wave=wave, person=person),
            status=Response.Status.SUBMITTED,
            submitted_at=submitted_at,
            locale=rng.choice(("en", "fr", "es")),
            consent_text=wave.consent_text,
            consent_statistics=True,
            consent_profile=False,
            consented_at=submitted_at,
            region=profile.region if profile else "",
            country=profile.country if profile else "",
            language=top_language.get(person.pk, ""),
            affiliate_type="individual",
        )
        planned.append((response, False))
    for organization, organizer in organizations:
        if rng.random() >= share:
            continue
        language = organization.languages.order_by("code").first()
        planned.append(
            (
                Response(
                    wave=wave,
                    respondent=organizer,
                    organization=organization,
                    pseudonym=actions.pseudonym_for(wave=wave, organization=organization),
                    status=Response.Status.SUBMITTED,
                    submitted_at=submitted_at,
                    locale="en",
                    consent_text=wave.consent_text,
                    consent_statistics=True,
                    consented_at=submitted_at,
                    region=organization.region,
                    country=organization.country,
                    language=language.code if language else "",
                    affiliate_type=organization.kind,
                ),
                True,
            )
        )
    responses = Response.objects.bulk_create([r for r, _org in planned])
    answers: list[Answer] = []
    ratings: list[SkillRating] = []
    for response, for_organization in zip(responses, (o for _r, o in planned), strict=True):
        role = rng.choice(ROLES)
        years = rng.randint(0, 15)
        answers.append(
            Answer(response_id=response.pk, question_id=questions["role"].pk, value=role)
        )
        if role == "other":
            answers.append(
                Answer(
                    response_id=response.pk,
                    question_id=questions["role_other"].pk,
                    value="Archives",
                )
            )
        answers.append(
            Answer(response_id=response.pk, question_id=questions["years"].pk, value=years)
        )
        answers.append(
            Answer(
                response_id=response.pk,
                question_id=questions["topics"].pk,
                value=sorted(rng.sample(TOPICS, rng.randint(1, 3)), key=TOPICS.index),
            )
        )
        if years >= 1:
            answers.append(
                Answer(
                    response_id=response.pk,
                    question_id=questions["support"].pk,
                    value=str(rng.choice((1, 2, 3, 3, 4, 4, 5))),
                )
            )
        for skill in rng.sample(skills, min(SKILLS_PER_RESPONDENT, len(skills))):
            proficiency = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
            importance = min(4, max(0, proficiency + rng.choice((-1, 0, 1, 1, 2, 2))))
            ratings.append(
                SkillRating(
                    response_id=response.pk,
                    question_id=questions["skills"].pk,
                    skill_id=skill.pk,
                    proficiency=proficiency,
                    importance=importance,
                    wants_to_learn=importance > proficiency and rng.random() < 0.7,
                    can_teach=proficiency >= 3 and rng.random() < 0.6,
                    robustness=rng.choice((0, 0, 1, 2)) if for_organization else None,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    SkillRating.objects.bulk_create(ratings, batch_size=2000)


def seed(rng: random.Random) -> None:
    coordinator = User.objects.filter(username="demo-coordinator").first()
    if coordinator is None or Instrument.objects.filter(slug="capacity-map").exists():
        return  # no coordinator, or the demo questionnaire survived an earlier seeding
    skills = list(
        Skill.objects.filter(is_active=True, depth__gte=1).order_by("position", "code")[
            :MATRIX_SKILLS
        ]
    )
    if len(skills) < MATRIX_SKILLS:
        skills = list(
            Skill.objects.filter(is_active=True).order_by("position", "code")[:MATRIX_SKILLS]
        )
    if not skills:
        return
    version = actions.create_instrument(
        by=coordinator,
        slug="capacity-map",
        title={
            "en": "Community capacity map",
            "fr": "Carte des capacités des communautés",
            "es": "Mapa de capacidades de las comunidades",
        },
        locales=["en", "fr", "es"],
    )
    actions.add_questions(
        by=coordinator, version=version, questions=_questions([s.code for s in skills])
    )
    version = actions.publish_version(by=coordinator, version=version)
    now = timezone.now()
    consent = (
        "Your answers are used only in aggregated tables in which groups of fewer than five "
        "respondents are hidden. Nobody else sees your answers, and you can withdraw them."
    )
    closed = actions.create_wave(
        by=coordinator,
        slug="capacity-map-2025",
        title="Capacity map 2025",
        description="The first movement-wide round of the capacity map.",
        version=version,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
        consent_text=consent,
    )
    current = actions.create_wave(
        by=coordinator,
        slug="capacity-map-2026",
        title="Capacity map 2026",
        description="This year's round: tell us what you can do and what you want to learn.",
        version=version,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=80),
        consent_text=consent,
    )
    reserved = {"demo-member", "demo-organizer", "demo-admin", "demo-curator", "demo-coordinator"}
    people = [
        u for u in User.objects.filter(is_active=True).order_by("pk") if u.username not in reserved
    ]
    demo_organizer = User.objects.filter(username="demo-organizer").first()
    organization = (
        Organization.objects.organized_by(demo_organizer).order_by("pk").first()
        if demo_organizer
        else None
    )
    organizers: list[tuple[Organization, User]] = []
    # The demo organizer answers for their organization through the form's action, below.
    seen: set[int] = {organization.pk} if organization else set()
    for membership in (
        Membership.objects.filter(role=Membership.Role.ORGANIZER)
        .exclude(user__username__in=reserved)
        .select_related("organization", "user")
        .order_by("organization_id", "user_id")
    ):
        if membership.organization_id not in seen:
            seen.add(membership.organization_id)
            organizers.append((membership.organization, membership.user))
    # Respondents answer as of the time the wave closed; the waves are then closed (or open).
    Wave.objects.filter(pk=closed.pk).update(closes_at=now + timedelta(days=1))
    closed.refresh_from_db()
    _bulk_responses(
        rng,
        wave=closed,
        people=people,
        organizations=organizers,
        skills=skills,
        share=0.9,
        submitted_at=now - timedelta(days=320),
    )
    if demo_organizer is not None and organization is not None:
        actions.save_response(
            wave=closed,
            by=demo_organizer,
            organization=organization,
            answers={"role": "organizer", "years": 6, "topics": ["culture"], "support": "4"},
            ratings={
                "skills": {
                    skills[0].code: {"proficiency": 3, "importance": 4, "robustness": 0},
                    skills[1].code: {"proficiency": 1, "importance": 3, "wants_to_learn": True},
                }
            },
            consent_statistics=True,
            submit=True,
        )
    Wave.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=300))
    # Invitations to the open wave for the two demo sign-ins that answer (rows only: the demo
    # does not fill inboxes or print e-mails; ``actions.invite`` does both in real use).
    demo_member = User.objects.filter(username="demo-member").first()
    invitations = [Invitation(wave=current, person=demo_member, invited_by=coordinator)]
    if organization is not None:
        invitations.append(
            Invitation(wave=current, organization=organization, invited_by=coordinator)
        )
    if demo_member is not None:
        Invitation.objects.bulk_create(invitations)
    _bulk_responses(
        rng,
        wave=current,
        people=people,
        organizations=organizers,
        skills=skills,
        share=0.55,
        submitted_at=now - timedelta(days=2),
    )
