"""The demo badges: issuers, achievements, awards to the demo sign-ins, a revoked badge, a rule."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group

from skillcommons.badges import demo, issuers
from skillcommons.badges.models import Credential, Issuer, IssuingRule
from skillcommons.badges.signing import DocumentKeyResolver, verify_credential

from .factories import make_organization, make_user

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_demo_member_verifiable_badges_and_runs_once() -> None:
    coordinator = make_user("demo-coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    organizer = make_user("demo-organizer")
    member = make_user("demo-member")
    make_user("demo-curator")
    make_organization("wmdemo", organizer=organizer)
    demo.seed(random.Random(1))
    assert Issuer.objects.count() == 2
    mine = Credential.objects.filter(recipient=member)
    assert mine.count() == 3
    assert mine.filter(visibility=Credential.Visibility.PUBLIC).exists()
    assert Credential.objects.filter(revoked_at__isnull=False).count() == 1
    assert IssuingRule.objects.filter(outcome_kind="exchange.completed").exists()
    resolver = DocumentKeyResolver(issuers.issuer_documents())
    for credential in Credential.objects.all():
        assert verify_credential(credential.document, resolve_key=resolver).verified
    demo.seed(random.Random(1))
    assert Credential.objects.count() == 4
