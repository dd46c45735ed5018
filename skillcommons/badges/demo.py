"""Demo badges, called by ``manage.py seed_demo`` after people and organizations exist: the
platform issuer and one organization issuer, multilingual achievements with images drawn in code,
awards to the demo sign-ins (demo-member has badges, one of them public and one shared by link),
one revoked badge, and a rule that awards a badge for every completed exchange."""

from __future__ import annotations

import random

from skillcommons.accounts.models import User
from skillcommons.core.models import Outcome
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import actions, endorsements
from .actions import AchievementText
from .artwork import medal_png, medal_svg
from .credentials import Evidence
from .models import Achievement, Credential, Issuer

#: Outcomes recorded before the rule existed are awarded too, up to this many (keeps seeding quick).
BACKFILL_LIMIT = 200

PLATFORM_ACHIEVEMENTS: list[tuple[str, str, int | None, list[AchievementText]]] = [
    (
        "#3366cc",
        "exchange",
        2,
        [
            AchievementText(
                "en",
                "Peer exchange completed",
                "Took part in a peer learning exchange from the first meeting to the end.",
                "Complete an exchange as a learner or as a mentor.",
            ),
            AchievementText(
                "es",
                "Intercambio entre pares completado",
                "Participó en un intercambio de aprendizaje entre pares hasta el final.",
                "Completar un intercambio como aprendiz o como mentora o mentor.",
            ),
            AchievementText(
                "fr",
                "Échange entre pairs terminé",
                "A participé à un échange d'apprentissage entre pairs jusqu'au bout.",
                "Terminer un échange comme apprenant ou comme mentor.",
            ),
            AchievementText(
                "hi",
                "सहकर्मी आदान-प्रदान पूरा",
                "शुरुआत से अंत तक एक सहकर्मी सीखने के आदान-प्रदान में भाग लिया।",
                "सीखने वाले या मार्गदर्शक के रूप में एक आदान-प्रदान पूरा करें।",
            ),
        ],
    ),
    (
        "#14866d",
        "query",
        3,
        [
            AchievementText(
                "en",
                "Wikidata query mentor",
                "Helps others write their first SPARQL queries on the Wikidata Query Service.",
                "Mentor at least three people until each has written a working query.",
            ),
            AchievementText(
                "fr",
                "Mentor de requêtes Wikidata",
                "Aide d'autres personnes à écrire leurs premières requêtes SPARQL.",
                "Accompagner au moins trois personnes jusqu'à une requête qui fonctionne.",
            ),
            AchievementText(
                "ar",
                "مرشد استعلامات ويكي بيانات",
                "يساعد الآخرين على كتابة أول استعلامات SPARQL لهم.",
                "إرشاد ثلاثة أشخاص على الأقل حتى يكتب كل منهم استعلامًا يعمل.",
            ),
        ],
    ),
]

ORGANIZATION_ACHIEVEMENT = [
    AchievementText(
        "en",
        "Editathon facilitator",
        "Ran an editathon: welcomed newcomers, explained the basics and followed up.",
        "Facilitate one editathon with at least five participants.",
    ),
    AchievementText(
        "pt-BR",
        "Facilitadora de editatona",
        "Conduziu uma editatona: acolheu novatos, explicou o básico e acompanhou depois.",
        "Facilitar uma editatona com pelo menos cinco participantes.",
    ),
]


def _skills(rng: random.Random, count: int) -> list[Skill]:
    found = list(
        Skill.objects.filter(is_active=True, depth__gte=1)
        .exclude(wikidata_qid="")
        .order_by("code")[:40]
    )
    return rng.sample(found, min(count, len(found)))


def seed(rng: random.Random) -> None:
    people = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    coordinator = people.get("demo-coordinator")
    organizer = people.get("demo-organizer")
    member = people.get("demo-member")
    platform = actions.ensure_platform_issuer()
    if Achievement.objects.filter(issuer=platform).exists():
        return  # seeded already
    platform.description = "Badges of the Skillcommons platform itself."
    platform.save(update_fields=["description"])

    achievements: dict[str, Achievement] = {}
    for color, key, level, texts in PLATFORM_ACHIEVEMENTS:
        achievements[key] = actions.create_achievement(
            issuer=platform,
            by=None,
            texts=texts,
            image=medal_png(color, points=5 + len(achievements)),
            default_locale="en",
            skills=_skills(rng, 2),
            level=level,
        )

    organization_issuer: Issuer | None = None
    if organizer is not None:
        organization = Organization.objects.organized_by(organizer).order_by("pk").first()
        if organization is not None:
            organization_issuer = actions.enable_issuing(organization=organization, by=organizer)
            achievements["editathon"] = actions.create_achievement(
                issuer=organization_issuer,
                by=organizer,
                texts=ORGANIZATION_ACHIEVEMENT,
                image=medal_svg("#a66200", label="Editathon"),
                default_locale="en",
                skills=_skills(rng, 1),
                level=None,
            )

    if coordinator is not None:
        actions.create_rule(
            issuer=platform,
            by=coordinator,
            outcome_kind="exchange.completed",
            achievement=achievements["exchange"],
        )
        outcomes = Outcome.objects.filter(kind="exchange.completed").select_related("person")
        for outcome in outcomes.order_by("pk")[:BACKFILL_LIMIT]:
            actions.award_from_outcome(outcome)

    if coordinator is not None and member is not None:
        query = actions.award_badge(
            achievement=achievements["query"],
            recipient=member,
            by=coordinator,
            evidence=[
                Evidence(
                    url="https://www.wikidata.org/wiki/Wikidata:SPARQL_query_service",
                    name="Wikidata Query Service",
                )
            ],
        )
        actions.set_credential_visibility(
            credential=query, by=member, visibility=Credential.Visibility.PUBLIC
        )
        exchange = actions.award_badge(
            achievement=achievements["exchange"], recipient=member, by=coordinator
        )
        actions.set_credential_visibility(
            credential=exchange, by=member, visibility=Credential.Visibility.LINK
        )
    if organization_issuer is not None and organizer is not None and member is not None:
        actions.award_badge(
            achievement=achievements["editathon"],
            recipient=member,
            by=organizer,
            recipient_kind=Credential.RecipientKind.EMAIL
            if member.email
            else Credential.RecipientKind.PROFILE,
        )
    curator = people.get("demo-curator")
    if coordinator is not None and curator is not None:
        mistaken = actions.award_badge(
            achievement=achievements["query"], recipient=curator, by=coordinator
        )
        actions.revoke_credential(
            credential=mistaken, by=coordinator, reason="Awarded to the wrong person by mistake."
        )

    # Endorsements (endorsements.py): the organization endorses a platform achievement, and a peer
    # endorses one of demo-member's skills, which demo-member shows to everyone.
    if organization_issuer is not None and organizer is not None:
        endorsements.endorse_achievement(
            by=organizer,
            achievement=achievements["query"],
            comment="Our editathon mentors hold this badge; it is a good sign of SPARQL skill.",
            organization=organization_issuer.organization,
        )
    if member is not None and curator is not None:
        skill = Skill.objects.filter(people__profile__user=member).order_by("code").first()
        if skill is not None:
            endorsement = endorsements.endorse_skill(
                by=curator,
                person=member,
                skill=skill,
                comment="Explained this clearly and patiently during our exchange.",
            )
            endorsements.set_endorsement_visibility(
                endorsement=endorsement, by=member, is_public=True
            )
